"""WizardApp: opens the session, applies what screens report to it, saves, and switches screens."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from wizard import PROG
from wizard.errors import StoreError
from wizard.results import checked_notice, summarize
from wizard.tui.messages import (
    AnswersChanged,
    ChecksFinished,
    CopyRequested,
    MoveRequested,
    NoteChanged,
    SettleRequested,
    StepsToggled,
)
from wizard.tui.notices import RepaintsExpiredNotices
from wizard.tui.rehearsal_resume import refuse_without_farm
from wizard.tui.screens.start import StartScreen
from wizard.tui.themes import install_themes, remember_theme

# The store, plans, sessions, the checklist and the step screens pull in the checklist and
# the templates: they load when first needed, so the start screen paints before them.
if TYPE_CHECKING:
    from wizard.checklist.model import Checklist
    from wizard.evidence import Drift
    from wizard.session import Session
    from wizard.tui.options import CheckOptions
    from wizard.tui.screens.step import StepScreen


class WizardApp(RepaintsExpiredNotices[int]):
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
        install_themes(self, home)
        if options is None:
            from wizard.tui.options import CheckOptions

            options = CheckOptions()
        self.options = options
        """How checks run."""
        self.input_time = 0.0
        """When the key or mouse button being handled was pressed (Textual's clock)."""
        self.last_drift: Drift | None = None
        """What the latest run of checks (or import) changed in the session; None before the first."""
        self._step_screen: StepScreen | None = None
        self._screens_plan = ""
        from wizard.tui.commands import Commands
        from wizard.tui.exporting import Exporter
        from wizard.tui.keeper import SessionKeeper
        from wizard.tui.navigation import Navigator

        self.navigator = Navigator(self)
        """Moves between steps and the summary, and says when the answers keep it from moving."""
        self.keeper = SessionKeeper(self)
        """The open session: its lock, and saving it as it changes."""

        self.exporter = Exporter(self)
        """Exports: the dialog, the start screen's tab, asking before replacing a file."""
        self.commands = Commands(self)
        """The palette's commands."""

    async def on_event(self, event: events.Event) -> None:
        # When each key or button was pressed: a step screen tells keys meant for it from earlier ones.
        if isinstance(event, events.Key | events.MouseDown | events.MouseUp) and not event.is_forwarded:
            self.input_time = event.time
        await super().on_event(event)

    @property
    def checklist(self) -> Checklist:
        """The steps: the default checklist unless one was given, loaded on first use (from any thread)."""
        with self._checklist_lock:
            if self._checklist is None:
                from wizard.checklist.loader import load_default

                self._checklist = load_default()
            return self._checklist

    # The open session -------------------------------------------------------------

    @property
    def session(self) -> Session | None:
        """The session open here, if any."""
        return self.keeper.session

    def open_session(self, name: str) -> None:
        """Load and lock a saved session (see ``SessionKeeper.open``)."""
        self.keeper.open(name)

    def close_session(self) -> None:
        """Save and release the session (safe to call twice)."""
        self.keeper.close()

    async def until_saved(self) -> None:
        """Return once no typed change waits to be saved."""
        await self.keeper.until_saved()

    def save_now(self) -> None:
        """Save the session at once (after a change that is not typing)."""
        self.keeper.save()

    def _save(self, announce: str = "") -> None:
        self.keeper.save(announce)

    def _save_soon(self) -> None:
        self.keeper.save_soon()

    def _need_session(self) -> Session:
        return self.keeper.need()

    # Screens ------------------------------------------------------------------

    def on_mount(self) -> None:
        remember_theme(self, self.home)
        # SIGTERM (`kill`, a service manager stopping the session) ends the wizard as ctrl+c does: saved,
        # the terminal given back, cleanups run; without it the terminal stayed in full-screen mode.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.interrupt)
        # Textual mounts the App inside a batch that suppresses painting; a screen pushed
        # from here would lose its first paint, and its "after refresh" work (the start
        # screen's other jobs, a step's build-ahead) would run before anything was shown.
        self.call_later(self._show_first_screen)

    async def _show_first_screen(self) -> None:
        if len(self.screen_stack) > 1:
            return  # a screen asked for while starting (the palette's Summary) stays
        if self.session is None:
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
        return self.navigator.plan_ready(session)

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
        await self.navigator.go(target)

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
        self.commands.copy(event.text, event.what)

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
        """Open a saved session at its step (a rehearsal's only with its practice farm running)."""
        if refuse_without_farm(self, event.name):
            return
        try:
            self.open_session(event.name)
        except StoreError as exc:
            self.notify(str(exc), title="Cannot open", severity="error", timeout=10)
        else:
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
        return action != "export" or self.session is not None

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
