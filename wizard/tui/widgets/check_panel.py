"""Live check rows: one per check and target, filling in as results arrive."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static

from wizard.results import CheckResult

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
"""Frames of the running-row spinner."""
SPIN_INTERVAL = 0.12
"""Seconds per spinner frame; one timer drives every running row."""


class CheckRow(Vertical, can_focus=True):
    """One check against one target: a spinner while it runs, then its headline and hint."""

    BINDINGS = [Binding("enter,t", "show_transcript", "Transcript", tooltip="Show the conversation")]

    class TranscriptRequested(Message):
        """The operator asked to see a result's transcript."""

        def __init__(self, result: CheckResult) -> None:
            super().__init__()
            self.result = result
            """The result whose transcript is wanted."""

    def __init__(
        self,
        step_id: str,
        check: str,
        target: str,
        *,
        show_step: bool = False,
        result: CheckResult | None = None,
    ) -> None:
        super().__init__(classes="-running")
        self.step_id = step_id
        """The step the check belongs to."""
        self.check = check
        """The check's name."""
        self.target = target
        """The target checked."""
        self.show_step = show_step
        """Prefix the headline with the step id (when rows of many steps share a panel)."""
        self.result: CheckResult | None = None
        """The result, once it arrived."""
        self._frame = 0
        # Built here rather than queried later: a row can be filled in (or removed)
        # before its children are mounted.
        self._headline = Static(self._running_text(), classes="headline", markup=False)
        self._hint = Static("", classes="hint", markup=False)
        self._hint.display = False
        if result is not None:
            self.show_result(result)

    def compose(self) -> ComposeResult:
        yield self._headline
        yield self._hint

    def _prefix(self) -> str:
        return f"[{self.step_id}] " if self.show_step else ""

    def _running_text(self) -> str:
        return f"{SPINNER[self._frame % len(SPINNER)]} {self._prefix()}RUN   {self.target}: {self.check}…"

    def spin(self) -> None:
        """Advance the spinner one frame."""
        if self.result is None:
            self._frame += 1
            self._headline.update(self._running_text())

    def show_result(self, result: CheckResult) -> None:
        """Fill the row in with a result (once the row is mounted, if it is not yet)."""
        self.result = result
        self.remove_class("-running")
        for status in ("pass", "warn", "fail", "skip", "error"):
            self.set_class(result.status.value == status, f"-{status}")
        seen = f" · seen from {result.origin}" if result.origin else ""
        self._headline.update(Content(self._prefix() + result.headline + seen))
        self._hint.update(Content(f"  ↳ {result.hint}" if result.hint else ""))
        self._hint.display = bool(result.hint)

    def action_show_transcript(self) -> None:
        """Ask for the transcript of this row's result."""
        if self.result is not None:
            self.post_message(self.TranscriptRequested(self.result))

    def on_click(self) -> None:
        self.action_show_transcript()


class CheckPanel(VerticalScroll):
    """The rows of the last or running check of a step (or of every step, on the summary)."""

    def __init__(self, *, show_step: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.show_step = show_step
        """Rows name their step (the summary's check-all run)."""
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static("Not checked yet.", id="check-caption", markup=False)

    def on_mount(self) -> None:
        self._timer = self.set_interval(SPIN_INTERVAL, self._spin, pause=True)

    def _spin(self) -> None:
        running = [row for row in self.query(CheckRow) if row.result is None]
        for row in running:
            row.spin()
        if not running and self._timer is not None:
            self._timer.pause()

    def _caption(self, text: str) -> None:
        self.query_one("#check-caption", Static).update(text)

    def _row(self, step_id: str, check: str, target: str) -> CheckRow | None:
        for row in self.query(CheckRow):
            if (row.step_id, row.check, row.target) == (step_id, check, target) and row.result is None:
                return row
        return None

    def begin(self, caption: str) -> None:
        """Clear the rows for a new run."""
        self.query(CheckRow).remove()
        self._caption(caption)

    def start(self, step_id: str, check: str, target: str) -> None:
        """Add a running row."""
        if self._row(step_id, check, target) is None:
            self.mount(CheckRow(step_id, check, target, show_step=self.show_step))
        if self._timer is not None:
            self._timer.resume()

    def finish(self, result: CheckResult) -> None:
        """Fill in the row of a result (adding one if its start was never seen)."""
        row = self._row(result.step, result.check, result.target)
        if row is None:
            self.mount(
                CheckRow(result.step, result.check, result.target, show_step=self.show_step, result=result)
            )
        else:
            row.show_result(result)

    def show_results(self, caption: str, results: Iterable[CheckResult]) -> None:
        """Show saved results (no running rows)."""
        self.begin(caption)
        for result in results:
            self.finish(result)
