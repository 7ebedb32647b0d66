"""The plain prompts of a rehearsal: the guided session, plus a menu that breaks and fixes the practice farm."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from wizard.checklist.model import Step
from wizard.farm import actions, changes
from wizard.farm.farm import Farm
from wizard.plain.flow import PromptFlow


class RehearsalFlow(PromptFlow):
    """A prompt flow whose menu also changes the practice farm the session checks."""

    def __init__(self, *args: Any, farm: Farm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.farm = farm

    @classmethod
    def maker(cls, farm: Farm) -> Callable[..., PromptFlow]:
        """A flow builder for :func:`wizard.plain.launch.run` bound to ``farm``."""
        return functools.partial(cls, farm=farm)

    def extra_choices(self, step: Step) -> list[tuple[str, str]]:
        lines = [("farm", "Practice farm: break or change something, or see what runs")]
        if step.id in actions.REMEDIES:
            lines.insert(0, ("fix", "Practice farm: fix this step"))
        return lines

    def act_extra(self, step: Step, action: str) -> bool:
        if action == "fix":
            done = changes.fix(self.farm, step.id)
            for line in done or [
                "Nothing to fix in the farm for this step: it is as the step wants it, or done by hand elsewhere."
            ]:
                self.asker.say(line)
            if done:
                self.asker.say("Run the live checks again to see it.")
            return False
        if action == "farm":
            offered = actions.available(self.farm)
            choices = [(a.key, a.title) for a in offered]
            choices += [("describe", "Show what runs where"), ("back", "Back")]
            key = self.asker.choose("Change the practice farm:", choices, default="back")
            chosen = next((a for a in offered if a.key == key), None)
            if chosen is not None:
                self.asker.say(changes.apply(self.farm, chosen))
                self.asker.say(f"Checks that show it: {', '.join(chosen.steps)}.")
            elif key == "describe":
                for line in self.farm.describe():
                    self.asker.say(line)
        return False
