"""The full-screen wizard of a rehearsal: palette commands (ctrl+p) that break and fix the practice farm."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import SystemCommand
from textual.screen import Screen

from wizard.checklist.model import Checklist
from wizard.farm import actions, changes
from wizard.farm.farm import Farm
from wizard.tui.app import WizardApp
from wizard.tui.running import run_app
from wizard.tui.screens.step import StepScreen

PREFIX = "Farm: "
"""Every farm command starts so, so typing "farm" in the palette lists them all."""


class RehearsalApp(WizardApp):
    """The guided session against a practice farm, which the palette can change while it runs."""

    QUIT_NOTE = " The practice farm stops with the wizard."

    def __init__(self, checklist: Checklist, farm: Farm, **kwargs: Any) -> None:
        super().__init__(checklist, **kwargs)
        self.farm = farm

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        step = screen.step if isinstance(screen, StepScreen) else None
        if step is not None and step.id in actions.REMEDIES:
            yield SystemCommand(
                f"{PREFIX}fix this step ({step.title})",
                "Apply this step's remedy to the practice farm; check again to see it pass",
                lambda step_id=step.id: self.fix(step_id),
            )
        for action in actions.available(self.farm):
            yield SystemCommand(
                f"{PREFIX}{action.title}",
                f"Changes what these steps' checks see: {', '.join(action.steps)}",
                lambda chosen=action: self.change(chosen),
            )
        yield SystemCommand(
            f"{PREFIX}what runs where", "Every server of the practice farm and its state", self.describe
        )

    def fix(self, step_id: str) -> None:
        """Apply a step's remedy and say what changed."""
        done = changes.fix(self.farm, step_id)
        if not done:
            self.notify(
                "Nothing to fix in the farm for this step: it is as the step wants it, or done by hand elsewhere.",
                title="Practice farm",
            )
            return
        self.notify(
            " ".join(done) + " Check again (ctrl+r) to see it.", title="Practice farm fixed", markup=False
        )

    def change(self, action: actions.Action) -> None:
        """Apply one break or fix action and say what changed."""
        said = changes.apply(self.farm, action)
        self.notify(
            f"{said} Check again (ctrl+r) to see it in: {', '.join(action.steps)}.",
            title="Practice farm changed",
            markup=False,
        )

    def describe(self) -> None:
        """Show what runs where."""
        self.notify("\n".join(self.farm.describe()), title="Practice farm", timeout=15, markup=False)


def run(checklist: Checklist, session_name: str, farm: Farm) -> int:
    """Run the full-screen wizard on ``session_name`` against ``farm``; returns the exit code."""
    return run_app(RehearsalApp(checklist, farm), session_name)
