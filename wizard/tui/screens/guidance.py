"""Step screens by kind: the form for the farm's values, and the guidance for a change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from wizard.render import RenderedStep, render_step
from wizard.tui.messages import CopyRequested
from wizard.tui.screens.dialogs import ConfirmDialog
from wizard.tui.screens.step import StepScreen
from wizard.tui.widgets.plan_form import PlanForm
from wizard.tui.widgets.script_block import ScriptBlock


def _section(title: str, text: str) -> str:
    return f"### {title}\n\n{text}\n\n" if text.strip() else ""


class InputStepScreen(StepScreen):
    """The farm's values: mode, names, addresses, versions."""

    def compose_content(self) -> ComposeResult:
        yield PlanForm(self.session.plan_data, id="plan-form")

    def reveal_problems(self) -> None:
        self.query_one(PlanForm).reveal()

    def action_done(self) -> None:
        problems = self.query_one(PlanForm).reveal()
        if problems:
            first = problems[0].describe()
            self.notify(f"{len(problems)} value(s) to fix first; {first}", severity="error")
            return
        super().action_done()


class ActionStepScreen(StepScreen):
    """A change made somewhere (or information to read): where, why, how, what is checked, how to undo."""

    BINDINGS = [
        Binding("ctrl+t", "send_test", "Send test", id="send-test", tooltip="Send a real test message"),
        Binding("ctrl+y", "copy", "Copy", id="copy", tooltip="Copy the first script (or click path)"),
    ]

    def compose_content(self) -> ComposeResult:
        plan = self.plan
        with VerticalScroll(id="guidance"):
            if plan is None:
                yield Static("The farm's values are incomplete; finish them on step 1.", classes="before")
                return
            rendered = render_step(self.step, plan)
            yield Static(f"Where: {self.step.where}", id="where", markup=False)
            yield from self._before(rendered)
            yield Markdown(_section("Why", rendered.why), classes="why")
            for gui in rendered.gui:
                caption = f"Click path · {gui.label}" if gui.label else "Click path"
                yield ScriptBlock(caption, gui.text, "click path", markdown=True)
            for script in rendered.scripts:
                caption = " · ".join(part for part in (script.shell, script.label, script.source) if part)
                yield ScriptBlock(caption, script.text, f"{script.shell} script")
            pitfalls = "\n".join(f"- {pitfall}" for pitfall in rendered.pitfalls)
            rest = (
                _section("Pitfalls", pitfalls)
                + _section("What is checked", rendered.verify)
                + _section("Expected", rendered.expected)
                + _section("If the check fails", rendered.on_failure)
                + _section("Undo", rendered.undo)
            )
            yield Markdown(rest, classes="rest")

    def _before(self, rendered: RenderedStep) -> ComposeResult:
        if not rendered.before:
            return
        box = Markdown(rendered.before, classes="before")
        if rendered.locks_out:
            box.add_class("-danger")
            box.border_title = "Read first: this machine will be locked out"
        else:
            box.border_title = "Before you start"
        yield box

    def action_copy(self) -> None:
        """Copy the focused script, or the first one."""
        blocks = list(self.query(ScriptBlock))
        focused = self.focused
        chosen = next(
            (block for block in blocks if focused is not None and focused in block.walk_children()), None
        )
        chosen = chosen or next((block for block in blocks if not block.markdown), None)
        chosen = chosen or (blocks[0] if blocks else None)
        if chosen is None:
            self.notify("This step has nothing to copy.")
            return
        self.post_message(CopyRequested(chosen.text, chosen.what))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "send_test":
            return self.step.sends_mail
        return True

    def action_done(self) -> None:
        plan = self.plan
        locks_out = render_step(self.step, plan).locks_out if plan is not None else ""
        if not locks_out:
            super().action_done()
            return
        body = f"{locks_out}\n\nMark the step done?"

        def answered(yes: bool | None) -> None:
            if yes:
                StepScreen.action_done(self)

        self.app.push_screen(
            ConfirmDialog("Connection control is on", body, "Mark done", danger=True), answered
        )
