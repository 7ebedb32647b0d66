"""Leaving the summary while Check all runs: the run is said to be cancelled, and the step shows what the session holds."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static

from tests.farm.fixtures import FarmFactory
from tests.tui.helpers import app_at_step, screen_text, settle
from tests.tui.terminal import Terminal, terminal  # noqa: F401  (the fixture)
from wizard.checklist.model import Checklist
from wizard.tui.app import WizardApp
from wizard.tui.options import CheckOptions
from wizard.tui.screens.step import StepScreen
from wizard.tui.screens.summary import SummaryScreen
from wizard.tui.widgets.check_panel import CheckRow
from wizard.tui.widgets.sidebar import StepSidebar

SMALL = (80, 24)


def _caption(app: WizardApp) -> str:
    screen = app.screen
    assert isinstance(screen, StepScreen | SummaryScreen)
    return str(screen.check_panel.query_one("#check-caption", Static).content)


def _notices(app: WizardApp) -> list[str]:
    return [notice.message for notice in app._notifications]


async def _until_finished(pilot: Pilot[int], app: WizardApp) -> None:
    """Wait for the summary's run to start and end (its rows are in the session then)."""
    for _ in range(2000):
        await pilot.pause()
        screen = app.screen
        if isinstance(screen, SummaryScreen) and screen.check_panel.query(CheckRow) and not screen.checking:
            break
    await settle(pilot)


async def test_leaving_a_second_check_all_says_so_and_the_step_keeps_its_results(
    farm: FarmFactory,
    checklist: Checklist,
    terminal: Terminal,  # noqa: F811
) -> None:
    # Nodes that accept and never greet: a run lasts until its timeout, long enough to leave it.
    running = farm("silent", nodes=2)
    app = app_at_step(checklist, running.plan_data, "fqdn", "check-all-left", timeout=3.0)
    # Notices drawn as the operator sees them (tests leave them out unless asked).
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        app.commands.check_all()
        await _until_finished(pilot, app)
        assert app.session is not None
        failures = [
            r for r in app.session.progress_for("fqdn").results if r.status.value in ("fail", "error")
        ]
        assert failures, "the first run kept its failures"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        assert "Last check" in _caption(app), _caption(app)

        # A second Check all, left while its rows are still running (silent nodes hold them for minutes).
        app.options = CheckOptions(timeout=120.0)
        app.commands.check_all()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        for _ in range(2000):
            await pilot.pause()
            if summary.check_panel.query(CheckRow):
                break
        assert summary.checking
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        # Said, not silent: the run was cancelled and its results not kept.
        assert any("Check all stopped when you left the summary" in notice for notice in _notices(app))
        # The step shows the failures the session still holds, as the sidebar does, on the terminal too.
        assert "Not checked yet" not in _caption(app)
        assert "Not checked yet" not in terminal.text() and "Last check" in terminal.text(), terminal.text()
        assert "Last check" in _caption(app), _caption(app)
        sidebar = app.screen.query_one(StepSidebar)
        marks = [str(sidebar.get_option_at_index(i).prompt) for i in range(sidebar.option_count)]
        assert any(mark.startswith("✖") and "Set the FQDN" in mark for mark in marks), marks
        assert "Check all stopped" in " ".join(screen_text(app).split())
        await pilot.press("ctrl+q")
