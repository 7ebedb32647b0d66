"""A screen that runs live checks in a worker and shows each row as its result arrives."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import on, work
from textual.worker import Worker, WorkerState, get_current_worker

from wizard.results import CheckResult, Status, utc_now
from wizard.tui.messages import CheckFinished, CheckProgress, ChecksFinished, CheckStarted
from wizard.tui.options import CheckOptions
from wizard.tui.screens.dialogs import TranscriptDialog
from wizard.tui.screens.fresh import FreshScreen
from wizard.tui.widgets.check_panel import CheckPanel, CheckRow

if TYPE_CHECKING:
    from wizard.checklist.model import Checklist, Step
    from wizard.session import Session


class CheckingScreen(FreshScreen):
    """Base of the screens with a check panel: the worker and the row updates live here.

    Leaving the screen cancels the worker, so no result arrives for a screen
    that is gone; the App records the finished run in the session.
    """

    session: Session
    """The session whose plan is checked."""
    options: CheckOptions
    """How checks run."""
    check_panel: CheckPanel
    checklist: Checklist
    """The checklist the steps come from."""
    _checked_steps: tuple[str, ...] = ()
    """The panel the rows of a run go to (kept by the screen: a query per result walks the whole screen)."""

    @property
    def checking(self) -> bool:
        """True while a check run of this screen is under way (a cancelled run is over at once).

        A run cancelled by a step change stays "running" until its task unwinds; counting
        it would leave its rows and spinner on the step shown next.
        """
        return any(
            worker.group == "checks" and worker.is_running and not worker.is_cancelled
            for worker in self.workers
        )

    @work(thread=True, exclusive=True, group="checks", exit_on_error=False)
    def run_step_checks(self, steps: Sequence[Step], send_test: bool = False) -> None:
        """Run the steps' checks at once; rows fill in through messages.

        The probes run in a process of their own (:mod:`wizard.checks.apart`), not on this
        screen's thread or in a thread beside it: drawing a few hundred result rows would
        otherwise hold back the reading of replies, and the times recorded ("greets with 220
        in 9 ms") would count the screen's work, not the server's.
        """
        from wizard.checks.apart import run_checks_apart

        worker = get_current_worker()
        self._checked_steps = tuple(step.id for step in steps)
        # Leaving the step or closing the screen cancels the worker; the process is ended
        # within a tenth of a second.
        results = run_checks_apart(
            self.session.plan(),
            steps,
            timeout=self.options.timeout,
            send_test=send_test,
            exchange_port=self.options.exchange_port,
            outgoing_port=self.options.outgoing_port,
            pickup_limit=self.options.pickup_limit,
            on_start=self._started,
            on_result=self._finished,
            on_progress=self._progress,
            cancelled=lambda: worker.is_cancelled,
        )
        if results is not None and not worker.is_cancelled:
            self.post_message(ChecksFinished(tuple(step.id for step in steps), results))

    @on(Worker.StateChanged)
    def _report_error(self, event: Worker.StateChanged) -> None:
        """A run that broke is said, and, for one step, kept as an error result of that step."""
        worker = event.worker
        if event.state is not WorkerState.ERROR or worker.group != "checks":
            return
        event.stop()
        error = worker.error
        reason = "the live checks are not installed" if isinstance(error, ImportError) else str(error)
        self.notify(f"The checks stopped: {reason}", title="Check error", severity="error", timeout=10)
        steps = self._checked_steps
        if len(steps) != 1:
            return
        failure = CheckResult(
            step=steps[0],
            check="checks",
            target=self.session.mail_host or "-",
            status=Status.ERROR,
            summary=f"the checks stopped: {reason}",
            observed_at=utc_now(),
        )
        self.post_message(ChecksFinished(steps, [failure]))

    def _started(self, step_id: str, check: str, target: str) -> None:
        self.post_message(CheckStarted(step_id, check, target))

    def _finished(self, result: CheckResult) -> None:
        self.post_message(CheckFinished(result))

    def _progress(self, phase: str, limit: float) -> None:
        self.post_message(CheckProgress(phase, limit))

    def shows_results_of(self, step_id: str) -> bool:
        """Whether this screen's panel shows the rows of a step's checks now."""
        return True

    @on(CheckStarted)
    def _show_start(self, event: CheckStarted) -> None:
        if self.shows_results_of(event.step_id):
            self.check_panel.start(event.step_id, event.check, event.target)

    @on(CheckFinished)
    def _show_result(self, event: CheckFinished) -> None:
        if self.shows_results_of(event.result.step):
            self.check_panel.finish(event.result)

    @on(CheckProgress)
    def _show_progress(self, event: CheckProgress) -> None:
        self.check_panel.phase(event.phase, event.limit)

    @on(CheckRow.TranscriptRequested)
    def _show_transcript(self, event: CheckRow.TranscriptRequested) -> None:
        self.app.push_screen(TranscriptDialog(event.result, self.step_label(event.result.step)))

    def step_label(self, step_id: str) -> str:
        """A step as the operator knows it: its number in the session's mode and its title."""
        for number, step in enumerate(self.session.steps(self.checklist), start=1):
            if step.id == step_id:
                return f"Step {number}: {step.title}"
        return self.checklist.step(step_id).title
