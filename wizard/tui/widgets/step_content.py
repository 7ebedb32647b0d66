"""The step screen's content: each step's form or guidance, built once and kept.

Moving between steps swaps what is shown instead of building a screen: a step
change costs a repaint, not a layout of a hundred widgets. While the operator
reads a step, the steps after it are built, hidden, one per turn of the event
loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.widget import Widget
from textual.widgets import ContentSwitcher

from wizard.checklist.model import Step, StepKind
from wizard.plan.model import Plan
from wizard.tui.widgets.guidance import StepGuidance
from wizard.tui.widgets.plan_form import PlanForm


def content_id(step: Step) -> str:
    """The id of a step's content: the one form for the input step, a guidance per change."""
    return "plan-form" if step.kind is StepKind.INPUT else f"guidance-{step.id}"


class StepContent(ContentSwitcher):
    """Every step's content built so far; one of them on show."""

    def __init__(self, plan_data: Callable[[], dict[str, object]], plan: Callable[[], Plan | None]) -> None:
        super().__init__(id="step-content")
        self._plan_data = plan_data
        self._plan = plan

    def _build(self, step: Step) -> PlanForm | StepGuidance:
        if step.kind is StepKind.INPUT:
            return PlanForm(self._plan_data(), id="plan-form")
        return StepGuidance(step, self._plan())

    async def show(self, step: Step) -> None:
        """Show a step's content, building it the first time."""
        wanted = content_id(step)
        if not any(child.id == wanted for child in self.children):
            await self.mount(self._build(step))
        self.current = wanted

    @property
    def guidance(self) -> StepGuidance | None:
        """The guidance on show, or None on the form."""
        shown: Widget | None = self.visible_content
        return shown if isinstance(shown, StepGuidance) else None

    async def forget_guidance(self, keep: str) -> None:
        """Drop the guidance built for other answers, except the step ``keep``'s; each is built again when shown."""
        stale = [
            child for child in self.children if isinstance(child, StepGuidance) and child.step.id != keep
        ]
        for child in stale:
            await child.remove()

    async def build_one_ahead(self, steps: Sequence[Step], here: str) -> bool:
        """Build, hidden, the first step after ``here`` (wrapping round) not built yet; False when none is left."""
        index = next((n for n, step in enumerate(steps) if step.id == here), 0)
        built = {child.id for child in self.children}
        for step in list(steps[index + 1 :]) + list(steps[:index]):
            if content_id(step) not in built:
                content = self._build(step)
                content.display = False
                await self.mount(content)
                return True
        return False
