"""Plain mode: each action keeps one number on every step, so `3)` always means the same thing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tests.plain.test_prompt_flow import ScriptedAsker
from wizard.checklist.model import Checklist
from wizard.plain import launch

PLAN = Path(__file__).parent.parent / "data" / "nlb.toml"


class MenuRecorder(ScriptedAsker):
    """A scripted asker that keeps every step menu it was shown."""

    def __init__(self, script: list[tuple[str, str]]) -> None:
        super().__init__(script)
        self.menus: list[list[str]] = []

    def choose(self, message: str, choices: Sequence[tuple[str, str]], *, default: str | None = None) -> str:
        if "what now" in message:
            self.menus.append([value for value, _label in choices])
        return super().choose(message, choices, default=default)


def test_every_action_has_the_same_number_on_every_step(checklist: Checklist) -> None:
    steps = checklist.for_mode("nlb")
    script = [("Plan file", str(PLAN)), ("Session name", "numbers")]
    # On the form step, then every step after it: the same menu, action for action.
    script += [("what now", "next")] * (len(steps) - 1)
    # Send test is not offered on the last step: chosen anyway, it is refused with a line.
    script += [("what now", "send"), ("what now", "quit")]
    asker = MenuRecorder(script)
    assert launch.run(checklist, None, asker=asker, timeout=1.0) == 0
    assert not asker.script
    assert len(asker.menus) == len(steps) + 1
    first = asker.menus[0]
    assert all(menu[: len(first)] == first for menu in asker.menus), "an action moved to another number"
    assert first.index("done") == 2, "3) is Mark done on every step"
    assert any("not on this step" in line for line in asker.said)
