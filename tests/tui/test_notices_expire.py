"""A notice that expires leaves the terminal: the cells it covered are drawn again (step screen and summary)."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from tests.tui.helpers import screen_text, settle
from tests.tui.sample import sample_app, sample_session
from tests.tui.terminal import Terminal, terminal  # noqa: F401  (the fixture)
from wizard.checklist.model import Checklist
from wizard.tui.app import WizardApp

NOTICE = "The VIP is down."
"""Short enough for one line of a toast at 80 columns, so the terminal shows it whole."""


async def _until(pilot: Pilot[int], done: object) -> None:
    # Waits on what the screen or the app shows, not on a clock (the cap is a safety net).
    for _ in range(1000):
        if callable(done) and done():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"never happened:\n{pilot.app.screen}")


@pytest.mark.parametrize("where", ["step", "summary"])
async def test_an_expired_notice_is_gone_from_the_terminal(
    terminal: Terminal,  # noqa: F811
    checklist: Checklist,
    where: str,
) -> None:
    app = sample_app(checklist, sample_session("nlb"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app, WizardApp)
        if where == "summary":
            app.show_summary()
            await settle(pilot)
        app.notify(NOTICE, timeout=3.0)
        await _until(pilot, lambda: NOTICE in terminal.text())
        await _until(pilot, lambda: not app._notifications)
        await settle(pilot)
        await settle(pilot)
        assert NOTICE not in screen_text(app)
        assert NOTICE not in terminal.text(), terminal.text()
        await pilot.press("ctrl+q")
