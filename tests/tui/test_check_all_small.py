"""Check all at 80x24 on a practice farm: the panel doing the work is brought into view."""

from __future__ import annotations

from textual.widgets import Static

from tests.farm.fixtures import FarmFactory
from tests.tui.helpers import app_at_step, screen_text, settle
from wizard.checklist.model import Checklist
from wizard.tui.app import WizardApp
from wizard.tui.screens.step import StepScreen
from wizard.tui.screens.summary import SummaryScreen

SMALL = (80, 24)


def _caption(app: WizardApp) -> str:
    screen = app.screen
    assert isinstance(screen, StepScreen | SummaryScreen)
    return str(screen.check_panel.query_one("#check-caption", Static).content)


async def test_check_all_brings_its_panel_into_view_and_the_step_shows_the_results(
    farm: FarmFactory, checklist: Checklist
) -> None:
    running = farm("partial", nodes=2)
    app = app_at_step(checklist, running.plan_data, "fqdn", "check-all")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.commands.check_all()
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        # The panel's caption (the spinner while it runs, then this) is on screen, not below the table.
        assert _caption(app) in screen_text(app)
        assert app.session is not None
        assert app.session.progress_for("fqdn").results, "the run kept its results"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        assert "Last check" in _caption(app), _caption(app)
        await pilot.press("ctrl+q")
