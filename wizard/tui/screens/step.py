"""The step screen: sidebar, title, the step's content, check panel, actions and note, for any step.

One screen shows every step of the open session; its content (the form of the
farm's values, or a change's guidance) is kept by ``StepContent``.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from wizard.checklist.model import Checklist, Step, StepKind
from wizard.plan.model import Plan
from wizard.plan.questions import problem_line
from wizard.proof import DONE_QUESTION, done_anyway, done_doubt, session_report
from wizard.runbook.inside import seen_inside
from wizard.session import Session
from wizard.tui.messages import CopyRequested, MoveRequested, SettleRequested, StepsToggled
from wizard.tui.options import CheckOptions
from wizard.tui.screens.dialogs import ConfirmDialog
from wizard.tui.screens.shown import ShownScreen
from wizard.tui.widgets.action import Action
from wizard.tui.widgets.check_panel import CheckPanel
from wizard.tui.widgets.keybar import KeyBar
from wizard.tui.widgets.note import NoteInput, results_caption
from wizard.tui.widgets.plan_form import PlanForm
from wizard.tui.widgets.seen_inside import SeenInside
from wizard.tui.widgets.sidebar import StepSidebar, step_entries
from wizard.tui.widgets.step_content import StepContent
from wizard.tui.widgets.titlebar import TitleBar

SIDEBAR_MIN_WIDTH = 100
"""Below this many columns the list of steps is hidden unless the operator showed it: at 80 it
left the step's own text 54 columns and cut the buttons."""


class StepScreen(ShownScreen):
    """The open session's current step; the App says which step, this screen reports what was asked."""

    BINDINGS = [
        Binding("ctrl+r", "check", "Check", id="check", priority=True, tooltip="Run this step's live checks"),
        Binding("ctrl+d", "done", "Done", id="done", priority=True, tooltip="Mark the step done and go on"),
        Binding("ctrl+s", "skip", "Skip", id="skip", priority=True, tooltip="Skip the step and go on"),
        Binding("ctrl+g", "back", "Back", id="back", priority=True, tooltip="Go back to the previous step"),
        Binding("ctrl+n", "next", "Next", id="next", priority=True, tooltip="The next step"),
        Binding("ctrl+t", "send_test", "Send test", id="send-test", tooltip="Send a real test message"),
        Binding("ctrl+y", "copy", "Copy", id="copy", tooltip="Copy the first script (or click path)"),
        Binding("ctrl+b", "toggle_steps", "Steps", id="hide-steps", tooltip="Hide or show the list of steps"),
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
        # Kept rather than queried: a query walks every step's kept content, hidden or not.
        self._sidebar = StepSidebar(id="sidebar")
        self._title = Static("", id="step-title", markup=False)
        self._switcher = StepContent(lambda: self.session.plan_data, lambda: self.plan)
        self._inside = SeenInside()
        self.check_panel = CheckPanel(footer=self._inside, id="checks")
        self._send_button = Action(
            "Send test", compact=True, id="send-button", variant="warning", tooltip="ctrl+t"
        )
        self._note_input = NoteInput()
        self._building_ahead = False

    @property
    def plan(self) -> Plan | None:
        """The session's plan, or None while the answers are incomplete."""
        return self.session.plan_or_none()

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="body"):
            yield self._sidebar
            with Vertical(id="main"):
                yield self._title
                yield self._switcher
                yield self.check_panel
                with Horizontal(id="actions"):
                    yield Action("Check", compact=True, id="check-button", tooltip="ctrl+r")
                    yield self._send_button
                    yield Action("Done", compact=True, id="done-button", variant="success", tooltip="ctrl+d")
                    yield Action("Skip", compact=True, id="skip-button", tooltip="ctrl+s")
                    yield Action("◀ Back", compact=True, id="back-button", tooltip="ctrl+g")
                    yield Action("Next ▶", compact=True, id="next-button", tooltip="ctrl+n")
                yield self._note_input
        yield KeyBar()

    async def on_mount(self) -> None:
        self.sub_title = self.session.name
        self._place_sidebar()
        self.watch_paints()
        await self.show_step(self.step)

    # Showing a step --------------------------------------------------------------

    async def show_step(self, step: Step) -> None:
        """Show a step: its content (built once), its progress and its note."""
        if step.id != self.step.id and self.checking:
            # Results of a run belong on the screen of the step it was started on.
            self.workers.cancel_group(self, "checks")
        self.step = step
        self.not_shown()
        await self._switcher.show(step)
        self._send_button.display = step.sends_mail
        self._note_input.show_note(step.id, self.session.progress_for(step.id).note)
        self.update_progress()
        self.refresh_bindings()
        if self.is_current:
            self.await_paint()

    async def forget_guidance(self) -> None:
        """Drop the guidance built for other answers; each step is built again when shown."""
        await self._switcher.forget_guidance(keep=self.step.id)

    def update_progress(self) -> None:
        """Show the session's progress: sidebar, title, last results."""
        entries = step_entries(self.session, self.checklist)
        self._sidebar.show_steps(entries, self.step.id)
        number = next((entry.number for entry in entries if entry.step_id == self.step.id), 0)
        progress = self.session.progress_for(self.step.id)
        self._title.update(f"Step {number} of {len(entries)} · {progress.status.label} · {self.step.title}")
        if not self.checking:
            when = progress.checked_at.astimezone().strftime("%Y-%m-%d %H:%M") if progress.checked_at else ""
            caption = results_caption(progress.results, when, progress.kept_from_earlier())
            verdict = session_report(self.session, self.checklist).verdict(self.step.id)
            if verdict is not None and (verdict.provable or verdict.done_by_hand):
                caption = f"Proof: {verdict.label()}. {caption}"
            self.check_panel.show_results(caption, progress.results)
        plan = self.plan
        self._inside.show(seen_inside(plan, [self.step], self.session) if plan is not None else ())

    def on_resize(self) -> None:
        self._place_sidebar()

    def _place_sidebar(self) -> None:
        """The list of steps as the operator left it, or, until they say, only where there is room."""
        hidden = self.session.steps_hidden
        if hidden is None:
            hidden = self.app.size.width < SIDEBAR_MIN_WIDTH
        self._sidebar.display = not hidden

    def action_toggle_steps(self) -> None:
        """Hide or show the list of steps (remembered by the session)."""
        hidden = bool(self._sidebar.display)
        self.post_message(StepsToggled(hidden))
        self._sidebar.display = not hidden

    def on_shown(self) -> None:
        self._build_ahead_soon()

    def _build_ahead_soon(self) -> None:
        if not self._building_ahead:
            self._building_ahead = True
            self.call_after_refresh(self._build_ahead)

    async def _build_ahead(self) -> None:
        """Build one step the operator has not opened yet, hidden, then go on to the next.

        The operator reads a step for seconds; building the steps after it in that
        time makes every step change a switch of what is shown. One step per turn
        of the event loop, so a key pressed meanwhile waits for one step at most.
        """
        self._building_ahead = False
        # Quitting while steps are built: the switcher is being taken down, nothing to build into.
        if not self.is_current or self.plan is None or not self._switcher.is_attached:
            return
        if await self._switcher.build_one_ahead(self.session.steps(self.checklist), self.step.id):
            self._build_ahead_soon()

    def shows_results_of(self, step_id: str) -> bool:
        return step_id == self.step.id

    def reveal_problems(self) -> None:
        """Show every problem in the farm's values (only the form has any)."""
        for form in self.query(PlanForm):
            form.reveal()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "send_test":
            return self.step.sends_mail
        if action == "copy":
            return self.step.kind is not StepKind.INPUT
        return True

    # Actions -------------------------------------------------------------------

    def action_leave_field(self) -> None:
        """Leave a text field so that the single-key bindings work again."""
        self.set_focus(None)

    def action_check(self) -> None:
        """Run the step's live checks."""
        if self.accepts_input("Check"):
            self._start_checks(send_test=False)

    def action_send_test(self) -> None:
        """Send a real test message, after confirmation."""
        if not self.accepts_input("Send test"):
            return
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
        step = self.step

        def answered(yes: bool | None) -> None:
            if yes and step is self.step:
                self._start_checks(send_test=True)

        self.app.push_screen(ConfirmDialog("Send a real test message?", body, "Send it"), answered)

    def action_copy(self) -> None:
        """Copy the focused script, or the first one."""
        if not self.accepts_input("Copy"):
            return
        guidance = self._switcher.guidance
        block = guidance.block_to_copy(self.focused) if guidance is not None else None
        if block is None:
            self.notify("This step has nothing to copy.")
            return
        self.post_message(CopyRequested(block.text, block.what))

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
        self.check_panel.begin(what)
        self.run_step_checks([self.step], send_test)

    def action_done(self) -> None:
        """Mark the step done (the App moves on); asks first when the proof is missing."""
        if self.accepts_input("Done"):
            self.settle_done()

    def settle_done(self) -> None:
        """Mark the step done after the questions its state calls for."""
        if self.step.kind is StepKind.INPUT:
            problems = self.query_one(PlanForm).reveal()
            if problems:
                first = problem_line(problems[0])
                self.notify(f"{len(problems)} value(s) to fix first; {first}", severity="error")
                return
        step, note = self.step, self._note()
        questions = [question for question in (self._lockout_question(), self._doubt_question()) if question]

        def ask(remaining: list[ConfirmDialog]) -> None:
            if step is not self.step:
                return
            if not remaining:
                self.post_message(SettleRequested(step.id, False, note))
                return
            self.app.push_screen(remaining[0], lambda yes: ask(remaining[1:]) if yes else None)

        ask(questions)

    def _doubt_question(self) -> ConfirmDialog | None:
        verdict = session_report(self.session, self.checklist).verdict(self.step.id)
        doubt = done_doubt(self.step, verdict, self.checking)
        if not doubt:
            return None
        body = f"{doubt} {done_anyway(self.step)} Check (ctrl+r) runs its live checks first."
        return ConfirmDialog(DONE_QUESTION, body, "Mark done")

    def _lockout_question(self) -> ConfirmDialog | None:
        guidance = self._switcher.guidance
        rendered = guidance.rendered if guidance is not None else None
        if rendered is None or not rendered.locks_out:
            return None
        body = f"{rendered.locks_out}\n\nMark the step done?"
        return ConfirmDialog("Connection control is on", body, "Mark done", danger=True)

    def action_skip(self) -> None:
        """Skip the step (the App moves on)."""
        if self.accepts_input("Skip"):
            self.post_message(SettleRequested(self.step.id, True, self._note()))

    def action_back(self) -> None:
        """Go to the previous step."""
        if self.accepts_input("Back"):
            self.post_message(MoveRequested("back", self.step.id))

    def action_next(self) -> None:
        """Go to the next step, or to the summary after the last one."""
        if self.accepts_input("Next"):
            self.post_message(MoveRequested("next", self.step.id))

    def _note(self) -> str:
        return self._note_input.value

    # Events --------------------------------------------------------------------

    @on(Action.Pressed, "#actions Action")
    def _button(self, event: Action.Pressed) -> None:
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

    @on(Input.Submitted, "#note")
    def _note_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.set_focus(None)

    @on(StepSidebar.JumpRequested)
    def _jump(self, event: StepSidebar.JumpRequested) -> None:
        event.stop()
        if event.step_id != self.step.id and self.accepts_input("The jump"):
            self.post_message(MoveRequested(event.step_id, self.step.id))
