"""The frame every step screen shares: sidebar, title, check panel, actions and note."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Header, Input, Static

from wizard.model import Checklist, Step
from wizard.plan import Plan
from wizard.results import CheckResult, summarize
from wizard.session import Session
from wizard.tui.messages import (
    MoveRequested,
    NoteChanged,
    SettleRequested,
)
from wizard.tui.screens.checking import CheckingScreen, CheckOptions
from wizard.tui.screens.dialogs import ConfirmDialog
from wizard.tui.widgets.check_panel import CheckPanel
from wizard.tui.widgets.sidebar import StepSidebar, step_entries


def results_caption(results: list[CheckResult], when: str, kept: str = "") -> str:
    """One line about a step's last check: when, how many of each outcome, and what is kept from earlier."""
    if not results:
        return "Not checked yet. Check (ctrl+r) runs this step's live checks."
    counts = summarize(results)
    parts = [f"{count} {status}" for status, count in counts.items() if count]
    earlier = f" ({kept})" if kept else ""
    return f"Last check {when}: " + ", ".join(parts) + earlier + ". Enter on a row shows its transcript."


class StepScreen(CheckingScreen):
    """A step of the session: subclasses fill in the middle for their step kind."""

    BINDINGS = [
        Binding("ctrl+r", "check", "Check", id="check", priority=True, tooltip="Run this step's live checks"),
        Binding("ctrl+d", "done", "Done", id="done", priority=True, tooltip="Mark the step done and go on"),
        Binding("ctrl+s", "skip", "Skip", id="skip", priority=True, tooltip="Skip the step and go on"),
        Binding("ctrl+g", "back", "Back", id="back", priority=True, tooltip="Go back to the previous step"),
        Binding("ctrl+n", "next", "Next", id="next", priority=True, tooltip="The next step"),
        Binding("escape", "leave_field", show=False),
    ]

    def __init__(self, step: Step, session: Session, checklist: Checklist, options: CheckOptions) -> None:
        super().__init__()
        self.step = step
        """The step shown."""
        self.session = session
        """The session, read here and changed only by the App."""
        self.checklist = checklist
        """The checklist the steps come from."""
        self.options = options
        """How checks run."""

    @property
    def plan(self) -> Plan | None:
        """The session's plan, or None while the answers are incomplete."""
        return self.session.plan_or_none()

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="body"):
            yield StepSidebar(id="sidebar")
            with Vertical(id="main"):
                yield Static("", id="step-title", markup=False)
                yield from self.compose_content()
                yield CheckPanel(id="checks")
                with Horizontal(id="actions"):
                    yield Button("Check", compact=True, id="check-button", tooltip="ctrl+r")
                    if self.step.sends_mail:
                        yield Button("Send test", compact=True, id="send-button", variant="warning")
                    yield Button("Done", compact=True, id="done-button", variant="success")
                    yield Button("Skip", compact=True, id="skip-button")
                    yield Button("◀ Back", compact=True, id="back-button")
                    yield Button("Next ▶", compact=True, id="next-button")
                yield Input(
                    self.session.progress_for(self.step.id).note,
                    placeholder="Note for this step (change number, who did it, what was odd)…",
                    compact=True,
                    id="note",
                )
        yield Footer()

    def compose_content(self) -> ComposeResult:
        """The middle of the screen, by step kind."""
        yield from ()

    def on_mount(self) -> None:
        self.sub_title = self.session.name
        self.update_progress()

    def update_progress(self) -> None:
        """Show the session's progress: sidebar, title, last results."""
        entries = step_entries(self.session, self.checklist)
        self.query_one(StepSidebar).show_steps(entries, self.step.id)
        number = next((entry.number for entry in entries if entry.step_id == self.step.id), 0)
        progress = self.session.progress_for(self.step.id)
        self.query_one("#step-title", Static).update(
            f"Step {number} of {len(entries)} · {progress.status.label} · {self.step.title}"
        )
        if not self.checking:
            when = progress.checked_at.astimezone().strftime("%Y-%m-%d %H:%M") if progress.checked_at else ""
            caption = results_caption(progress.results, when, progress.kept_from_earlier())
            self.query_one(CheckPanel).show_results(caption, progress.results)

    def reveal_problems(self) -> None:
        """Show every problem in the farm's values (only the form has any)."""

    # Actions -------------------------------------------------------------------

    def action_leave_field(self) -> None:
        """Leave a text field so that the single-key bindings work again."""
        self.set_focus(None)

    def action_check(self) -> None:
        """Run the step's live checks."""
        self._start_checks(send_test=False)

    def action_send_test(self) -> None:
        """Send a real test message, after confirmation."""
        plan = self.plan
        if plan is None:
            self._values_incomplete()
            return
        recipient = plan.test_recipient or f"a library address at {plan.mail_host}"
        body = (
            f"This sends a real e-mail message to {recipient} through the farm "
            "(the plain Check never does). It arrives in a Drop folder and, once SharePoint "
            "picks it up, in the library. Send it now?"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._start_checks(send_test=True)

        self.app.push_screen(ConfirmDialog("Send a real test message?", body, "Send it"), answered)

    def _values_incomplete(self) -> None:
        self.reveal_problems()
        self.notify("The farm's values are incomplete; finish them on step 1 first.", severity="error")

    def _start_checks(self, *, send_test: bool) -> None:
        if not self.step.checks:
            self.notify("This step has no live check.")
            return
        if self.plan is None:
            self._values_incomplete()
            return
        what = "Sending a test message and checking…" if send_test else "Checking…"
        self.query_one(CheckPanel).begin(what)
        self.run_step_checks([self.step], send_test)

    def action_done(self) -> None:
        """Mark the step done (the App moves on)."""
        self.post_message(SettleRequested(self.step.id, False, self._note()))

    def action_skip(self) -> None:
        """Skip the step (the App moves on)."""
        self.post_message(SettleRequested(self.step.id, True, self._note()))

    def action_back(self) -> None:
        """Go to the previous step."""
        self.post_message(MoveRequested("back"))

    def action_next(self) -> None:
        """Go to the next step, or to the summary after the last one."""
        self.post_message(MoveRequested("next"))

    def _note(self) -> str:
        return self.query_one("#note", Input).value

    # Events --------------------------------------------------------------------

    @on(Button.Pressed, "#actions Button")
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "check-button": self.action_check,
            "send-button": self.action_send_test,
            "done-button": self.action_done,
            "skip-button": self.action_skip,
            "back-button": self.action_back,
            "next-button": self.action_next,
        }
        actions[event.button.id or ""]()

    @on(Input.Changed, "#note")
    def _note_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value != self.session.progress_for(self.step.id).note:
            self.post_message(NoteChanged(self.step.id, event.value))

    @on(Input.Submitted, "#note")
    def _note_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.set_focus(None)

    @on(StepSidebar.JumpRequested)
    def _jump(self, event: StepSidebar.JumpRequested) -> None:
        event.stop()
        if event.step_id != self.step.id:
            self.post_message(MoveRequested(event.step_id))
