"""WizardApp: opens the session, applies what screens report to it, saves, and switches screens."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from wizard import PROG
from wizard.errors import StoreError
from wizard.interactive import interactive_signals
from wizard.plaintext import plain_text
from wizard.results import CheckResult, Status, checked_notice, summarize, utc_now
from wizard.tui.messages import (
    AnswersChanged,
    ChecksFinished,
    CopyRequested,
    MoveRequested,
    NoteChanged,
    SettleRequested,
    StepsToggled,
)
from wizard.tui.screens.start import StartScreen

# The store, plans, sessions, the checklist and the step screens pull in the checklist and
# the templates: they load when first needed, so the start screen paints before them.
if TYPE_CHECKING:
    from wizard import store
    from wizard.evidence import Drift
    from wizard.model import Checklist
    from wizard.session import Session
    from wizard.tui.options import CheckOptions
    from wizard.tui.screens.step import StepScreen

OUTPUT_SWITCH_INTERVAL = 0.001
"""Seconds another thread may wait for the interpreter lock while the App runs (see ``run_app``)."""
SAVE_DELAY = 0.3
"""Seconds of quiet typing after which a note or answer is saved: a save costs an fsync, too much per key."""


class WizardApp(App[int]):
    """The guided session. Screens report; this class changes the session and saves it."""

    CSS_PATH = "wizard.tcss"
    TITLE = PROG
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, tooltip="Save and quit"),
        # Priority, so that ctrl+e exports from a text field too (an Input would take it as "end").
        Binding(
            "ctrl+e",
            "export",
            "Export",
            id="export",
            priority=True,
            tooltip="Write a runbook of this session",
        ),
        Binding(
            "f1", "help", "Help", id="help", priority=True, tooltip="Keys, marks and where sessions live"
        ),
        # Not priority: in a text field ? is typed, and F1 still works.
        Binding("question_mark", "help", "Help", id="help-key", show=False),
    ]
    QUIT_NOTE = ""
    """What else ends with the wizard, said before ctrl+c leaves (the practice farm, in a rehearsal)."""

    def __init__(
        self,
        checklist: Checklist | None = None,
        *,
        home: Path | None = None,
        options: CheckOptions | None = None,
    ):
        super().__init__()
        self._checklist = checklist
        self._checklist_lock = threading.Lock()
        self.home = home
        """The data folder (None: the default one)."""
        if options is None:
            from wizard.tui.options import CheckOptions

            options = CheckOptions()
        self.options = options
        """How checks run."""
        self.input_time = 0.0
        """When the key or mouse button being handled was pressed (Textual's clock)."""
        self._opened: store.OpenSession | None = None
        self.last_drift: Drift | None = None
        """What the latest run of checks (or import) changed in the session; None before the first."""
        self._step_screen: StepScreen | None = None
        self._screens_plan = ""
        self._save_timer: Timer | None = None
        self._saved = asyncio.Event()
        from wizard.tui.commands import Commands
        from wizard.tui.exporting import Exporter

        self.exporter = Exporter(self)
        """Exports: the dialog, the start screen's tab, asking before replacing a file."""
        self.commands = Commands(self)
        """The palette's commands."""

    async def on_event(self, event: events.Event) -> None:
        # Remember when each key or button was pressed, so a step screen can tell a
        # key meant for it from one pressed while the screen before it was shown.
        if isinstance(event, events.Key | events.MouseDown | events.MouseUp) and not event.is_forwarded:
            self.input_time = event.time
        await super().on_event(event)

    @property
    def checklist(self) -> Checklist:
        """The steps: the default checklist unless one was given, loaded on first use (from any thread)."""
        with self._checklist_lock:
            if self._checklist is None:
                from wizard.checklist import load_default

                self._checklist = load_default()
            return self._checklist

    # The open session -------------------------------------------------------------

    @property
    def session(self) -> Session | None:
        """The session open here, if any."""
        return self._opened.session if self._opened else None

    def open_session(self, name: str) -> None:
        """Load and lock a saved session.

        Raises:
            StoreError: no such session, a refused file, or open in another process.
        """
        from wizard import store

        opened = store.OpenSession(name, self.home)
        opened.__enter__()
        self.close_session()
        self._opened = opened

    def close_session(self) -> None:
        """Save and release the session (safe to call twice)."""
        self._cancel_save_timer()
        if self._opened is not None:
            opened, self._opened = self._opened, None
            try:
                opened.save()
            except StoreError as exc:
                print(f"{PROG}: {exc}", file=sys.stderr)
            finally:
                opened.__exit__(None, None, None)

    def _cancel_save_timer(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None

    def _save_soon(self) -> None:
        """Save once typing pauses (every change of a step, a result or a status saves at once)."""
        self._cancel_save_timer()
        self._save_timer = self.set_timer(SAVE_DELAY, self._save)

    async def until_saved(self) -> None:
        """Return once no typed change waits to be saved."""
        while self._save_timer is not None:
            self._saved.clear()
            await self._saved.wait()

    def _save(self, announce: str = "") -> None:
        self._cancel_save_timer()
        self._saved.set()
        if self._opened is None:
            return
        try:
            self._opened.save()
        except StoreError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=10)
            return
        if announce:
            self.notify(f"{announce} Saved.", timeout=3)

    def save_now(self) -> None:
        """Save the session at once (after a change that is not typing)."""
        self._save()

    def _need_session(self) -> Session:
        if self._opened is None:
            raise RuntimeError("no session is open")
        return self._opened.session

    # Screens ------------------------------------------------------------------

    def on_mount(self) -> None:
        # SIGTERM (`kill`, a service manager stopping the session) ends the
        # wizard as ctrl+c does: saved, the terminal given back, cleanups run. Without it the
        # process died at once, leaving the terminal in full-screen mode.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.interrupt)
        # Textual mounts the App inside a batch that suppresses painting; a screen pushed
        # from here would lose its first paint, and its "after refresh" work (the start
        # screen's other jobs, a step's build-ahead) would run before anything was shown.
        self.call_later(self._show_first_screen)

    async def _show_first_screen(self) -> None:
        if len(self.screen_stack) > 1:
            return  # a screen asked for while starting (the palette's Summary) stays
        if self._opened is None:
            self.push_screen(StartScreen(lambda: self.checklist))
        else:
            await self.show_step()

    def _show(self, screen: Screen[None]) -> None:
        if len(self.screen_stack) <= 1:
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    async def show_step(self) -> None:
        """Show the session's current step (the first one while the farm's values are incomplete)."""
        from wizard.tui.screens.step import StepScreen

        session = self._need_session()
        step = session.enter(self.checklist)
        self._save()
        plan_key = json.dumps(session.plan_data, sort_keys=True, default=str)
        screen = self._step_screen
        if screen is None or screen.session is not session:
            if screen is not None and screen not in self.screen_stack:
                self.uninstall_screen(screen)
            screen = self._step_screen = StepScreen(step, session, self.checklist, self.options)
            self.install_screen(screen, name=f"steps-{id(screen)}")
        elif screen.is_mounted:
            # One layout and one paint for the whole change: without the batch, every
            # frame while a new step's widgets mount would lay out the screen again.
            with self.batch_update():
                if plan_key != self._screens_plan:
                    await screen.forget_guidance()
                await screen.show_step(step)
        else:
            screen.step = step
        self._screens_plan = plan_key
        if screen is not self.screen:
            self._show(screen)

    def show_summary(self, *, check_all: bool = False) -> None:
        """Show the final summary, optionally checking every step at once."""
        from wizard.tui.screens.summary import SummaryScreen

        self._show(SummaryScreen(self._need_session(), self.checklist, self.options, check_all=check_all))

    def show_trace(self) -> None:
        """Show the "Trace a message" screen."""
        from wizard.tui.screens.trace import TraceScreen

        self._show(TraceScreen(self._need_session()))

    def refresh_screen(self) -> None:
        from wizard.tui.screens.step import StepScreen
        from wizard.tui.screens.summary import SummaryScreen
        from wizard.tui.screens.trace import TraceScreen

        screen = self.screen
        if isinstance(screen, StepScreen | SummaryScreen | TraceScreen):
            screen.update_progress()

    def plan_ready(self, session: Session) -> bool:
        """True when the answers make a plan; otherwise say so and show the problems."""
        if session.plan_or_none() is not None:
            return True
        from wizard.tui.screens.step import StepScreen

        screen = self.screen
        if isinstance(screen, StepScreen):
            screen.reveal_problems()
        self.notify(
            "Finish the farm's values on step 1 first; each problem is shown beside its field.",
            severity="error",
        )
        return False

    # What screens report --------------------------------------------------------

    @on(AnswersChanged)
    def apply_answers(self, event: AnswersChanged) -> None:
        """Keep the answers as typed, valid or not."""
        session = self._need_session()
        mode_before = session.mode
        session.set_answers(event.plan_data)
        self._save_soon()
        if session.mode != mode_before:
            self.refresh_screen()

    @on(StepsToggled)
    def remember_steps_shown(self, event: StepsToggled) -> None:
        """Keep whether the list of steps is shown with the session."""
        self._need_session().steps_hidden = event.hidden
        self._save()

    @on(NoteChanged)
    def apply_note(self, event: NoteChanged) -> None:
        """Keep a step's note as typed, with the step it was typed on."""
        self._need_session().set_note(event.step_id, event.note)
        self._save_soon()

    @on(SettleRequested)
    async def settle_step(self, event: SettleRequested) -> None:
        """Mark a step done or skipped, then go on."""
        session = self._need_session()
        title = self.checklist.step(event.step_id).title
        if event.step_id != session.current_step:
            what = "Skip" if event.skipped else "Done"
            self._not_applied(f"{what} was asked on {title!r}, which is no longer on screen.")
            return
        if not self.plan_ready(session):
            return
        if event.skipped:
            session.skip(event.step_id, event.note)
            self._save(f"Skipped: {title}.")
        else:
            session.mark_done(event.step_id, event.note)
            self._save(f"Done: {title}.")
        await self._move("next")

    @on(MoveRequested)
    async def move(self, event: MoveRequested) -> None:
        """Go where the operator asked, if the step asked from is still the one on screen."""
        session = self._need_session()
        if event.from_step is not None and event.from_step != session.current_step:
            title = self.checklist.step(event.from_step).title
            asked = {"next": "Next", "back": "Back", "summary": "Summary"}.get(event.target, "A jump")
            self._not_applied(f"{asked} was asked on {title!r}, which is no longer on screen.")
            return
        await self._move(event.target)

    async def go_to(self, step_id: str) -> None:
        """Show a step by its id (the palette's jumps)."""
        await self._move(step_id)

    def _not_applied(self, reason: str) -> None:
        self.notify(f"Not applied: {reason} Press the key again on this step.", severity="warning")

    async def _move(self, target: str) -> None:
        session = self._need_session()
        if target == "summary":
            self.show_summary()
            return
        if target == "back":
            if not session.back(self.checklist):
                self.notify("This is the first step.")
                return
        elif target == "next":
            if not self.plan_ready(session):
                return
            if not session.advance(self.checklist):
                self._save()
                self.show_summary()
                return
        else:
            first = session.step_ids(self.checklist)[0]
            if target != first and not self.plan_ready(session):
                return
            try:
                session.go_to(self.checklist, target)
            except KeyError:
                self.notify(f"There is no step {target!r} in {session.mode} mode.", severity="error")
                return
        await self.show_step()

    @on(ChecksFinished)
    def record_results(self, event: ChecksFinished) -> None:
        """Keep the results with their steps and save."""
        session = self._need_session()
        self.last_drift = session.record_run(event.results, steps=event.step_ids)
        counts = summarize(event.results)
        failed = counts["fail"] + counts["error"]
        severity: SeverityLevel = "error" if failed else "warning" if counts["warn"] else "information"
        self._save()
        self.notify(checked_notice(event.results), severity=severity)
        self.refresh_screen()

    @on(CopyRequested)
    def copy_text(self, event: CopyRequested) -> None:
        """Put a script or click path on the clipboard, as plain text."""
        text = plain_text(event.text)
        self.copy_to_clipboard(text)
        lines = text.count("\n") + 1
        # The terminal's clipboard escape (OSC 52) gets no answer: whether it worked cannot be known.
        self.notify(
            f"Sent the {event.what} ({lines} line{'s' if lines > 1 else ''}) to the clipboard. "
            "Some terminals ignore this (OSC 52); if nothing pastes, select the text with the mouse.",
            timeout=6,
        )

    @on(Worker.StateChanged)
    def report_worker_error(self, event: Worker.StateChanged) -> None:
        """Turn a failed check run into a notification and an error result."""
        worker = event.worker
        if event.state is not WorkerState.ERROR:
            return
        error = worker.error
        reason = "the live checks are not installed" if isinstance(error, ImportError) else str(error)
        self.notify(f"The checks stopped: {reason}", title="Check error", severity="error", timeout=10)
        from wizard.tui.screens.step import StepScreen

        screen = worker.node
        session = self.session
        if session is None or not isinstance(screen, StepScreen):
            return
        failure = CheckResult(
            step=screen.step.id,
            check="checks",
            target=session.mail_host or "-",
            status=Status.ERROR,
            summary=f"the checks stopped: {reason}",
            observed_at=utc_now(),
        )
        session.record_run([failure])
        self._save()
        if screen is self.screen:
            self.refresh_screen()

    # The start screen -------------------------------------------------------------

    @on(StartScreen.NewRequested)
    async def start_new(self, event: StartScreen.NewRequested) -> None:
        """Create a session (as `spmail-wizard new` does) and open it."""
        from wizard.jobs import create_session

        try:
            name = create_session(self.checklist, event.name, event.plan, self.home).name
            self.open_session(name)
        except (StoreError, ValueError) as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        self.notify(f"Session {name!r} created.", timeout=3)
        await self.show_step()

    @on(StartScreen.ResumeRequested)
    async def resume(self, event: StartScreen.ResumeRequested) -> None:
        """Open a saved session at its step."""
        try:
            self.open_session(event.name)
        except StoreError as exc:
            self.notify(str(exc), title="Cannot open", severity="error", timeout=10)
            return
        await self.show_step()

    @on(StartScreen.ExportRequested)
    def export_from_start(self, event: StartScreen.ExportRequested) -> None:
        """Export a saved session or a plan file."""
        self.exporter.from_start(event)

    # Export, help, leaving -----------------------------------------------------------

    def action_export(self) -> None:
        """Export the open session (format and path in a dialog)."""
        self.exporter.ask()

    def action_help(self) -> None:
        """Show help for the screen on show (F1 or ?); F1 again closes it."""
        from wizard import store
        from wizard.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        extra = getattr(self.screen, "HELP", "")
        self.push_screen(HelpScreen(self.screen, store.sessions_dir(self.home), extra=extra))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return self.session is not None
        return True

    # Commands ---------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        return self.commands.for_screen(screen, super().get_system_commands(screen))

    def action_help_quit(self) -> None:
        """Ctrl+C outside a text field: ask first; yes (or ctrl+c again) leaves as interrupted."""
        from wizard.tui.screens.dialogs import QuitDialog

        if isinstance(self.screen, QuitDialog):
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.interrupt()

        self.push_screen(QuitDialog(self.QUIT_NOTE), answered)

    def interrupt(self) -> None:
        """SIGTERM, or ctrl+c confirmed: save, release the session and leave as interrupted."""
        self.close_session()
        self.exit(130)

    async def action_quit(self) -> None:
        """Save, release the session and leave."""
        self.close_session()
        self.exit(0)


def run(checklist: Checklist | None, session_name: str | None, *, exchange_port: int = 25) -> int:
    """Run the full-screen wizard.

    Args:
        checklist: the steps, or None for the default checklist, loaded when first needed.
        session_name: a saved session to open at its step, or None for the start screen.
        exchange_port: SMTP port of the Exchange servers, for the connector's test message.

    Returns:
        0, 2 when the session cannot be opened (locked or refused), 130 when interrupted.
    """
    from wizard.tui.options import CheckOptions

    return run_app(WizardApp(checklist, options=CheckOptions(exchange_port=exchange_port)), session_name)


def run_app(app: WizardApp, session_name: str | None) -> int:
    """Open ``session_name`` (if given) in ``app``, run it, and always release the session."""
    if session_name is not None:
        try:
            app.open_session(session_name)
        except StoreError as exc:
            print(f"{PROG}: {exc}", file=sys.stderr)
            return 2
    # Textual writes each frame from a thread of its own. While the event loop is busy
    # (building a step, mounting the start screen's other jobs) that thread waits for the
    # interpreter lock up to the switch interval at every write: at the default 5 ms a
    # painted frame reached the terminal up to 90 ms late. 1 ms lets it through at once.
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(switch_interval, OUTPUT_SWITCH_INTERVAL))
    try:
        with interactive_signals():
            code = app.run()
    except KeyboardInterrupt:
        return 130
    finally:
        sys.setswitchinterval(switch_interval)
        app.close_session()
    if code is None:
        return app.return_code or 0
    return code
