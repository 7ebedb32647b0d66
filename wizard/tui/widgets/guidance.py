"""A change step's guidance: where, before you start, why, click paths, scripts, pitfalls, checks, undo.

Built once per step and set of answers and kept while the session is open, so
moving between steps shows it again instead of laying it out anew. The prose is
one rich Markdown renderable per section, not a widget per paragraph: a step
then costs a handful of widgets rather than a hundred.
"""

from __future__ import annotations

from rich.console import Group
from rich.markdown import Markdown
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from wizard.checklist.model import Step
from wizard.plan.model import Plan
from wizard.render import RenderedStep, render_step
from wizard.tui.widgets.prose import Prose
from wizard.tui.widgets.script_block import ScriptBlock

SEND_TEST_ACTION = "**Send test** (ctrl+t)"
"""How the wizard's step texts name the action that sends a real test message."""


def _section(title: str, text: str) -> list[Text | Markdown]:
    if not text.strip():
        return []
    return [Text(""), Text(title, style="bold"), Markdown(text)]


class StepGuidance(VerticalScroll):
    """What to do on one step, filled in with the plan's values."""

    def __init__(self, step: Step, plan: Plan | None) -> None:
        super().__init__(classes="guidance", id=f"guidance-{step.id}")
        self.step = step
        """The step shown."""
        self.plan = plan
        """The plan it is filled in with (None: the values are incomplete)."""
        self.rendered: RenderedStep | None = (
            render_step(step, plan, send_test=SEND_TEST_ACTION) if plan is not None else None
        )
        """The step's texts for the plan."""

    def compose(self) -> ComposeResult:
        rendered = self.rendered
        if rendered is None:
            yield Static("The farm's values are incomplete; finish them on step 1.", classes="before")
            return
        yield Static(f"Where: {self.step.where}", classes="where", markup=False)
        yield from self._before(rendered)
        yield Prose(Group(*_section("Why", rendered.why)), classes="why")
        for gui in rendered.gui:
            caption = f"Click path · {gui.label}" if gui.label else "Click path"
            yield ScriptBlock(caption, gui.text, "click path", markdown=True)
        for script in rendered.scripts:
            caption = " · ".join(part for part in (script.shell, script.label, script.source) if part)
            yield ScriptBlock(caption, script.text, f"{script.shell} script")
        pitfalls = "\n".join(f"- {pitfall}" for pitfall in rendered.pitfalls)
        rest = [
            *_section("Pitfalls", pitfalls),
            *_section("What is checked", rendered.verify),
            *_section("Expected", rendered.expected),
            *_section("If the check fails", rendered.on_failure),
            *_section("Undo", rendered.undo),
        ]
        yield Prose(Group(*rest), classes="rest")

    def _before(self, rendered: RenderedStep) -> ComposeResult:
        if not rendered.before:
            return
        box = Prose(Markdown(rendered.before), classes="before")
        if rendered.locks_out:
            box.add_class("-danger")
            box.border_title = "Read first: this machine will be locked out"
        else:
            box.border_title = "Before you start"
        yield box

    def block_to_copy(self, focused: Widget | None) -> ScriptBlock | None:
        """The focused script, else the first script, else the first click path."""
        blocks = list(self.query(ScriptBlock))
        chosen = next(
            (block for block in blocks if focused is not None and focused in block.walk_children()), None
        )
        chosen = chosen or next((block for block in blocks if not block.markdown), None)
        return chosen or (blocks[0] if blocks else None)
