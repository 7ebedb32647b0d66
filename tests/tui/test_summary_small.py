"""The summary at 80x24: its keys, and the age of results kept from earlier runs."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable

from tests.tui.helpers import bottom_line, settle
from tests.tui.sample import MOMENT, sample_app, sample_session
from wizard.checklist.model import Checklist
from wizard.tui.screens.summary import SummaryScreen


async def test_the_summary_shows_the_age_of_kept_results_and_keeps_its_keys(checklist: Checklist) -> None:
    session = sample_session("relay")
    relay = session.progress["relay"]
    # The last run reached one node; the other node's result is two days older and kept.
    relay.checked_at = MOMENT + timedelta(days=2)
    app = sample_app(checklist, session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.show_summary()
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        table = app.screen.query_one(DataTable)
        cell = str(table.get_row("relay")[5])
        assert "kept from an earlier run" in cell and "oldest" in cell, cell
        keys = bottom_line(app)
        for shown in ("^r Check all", "^e Export", "f1 Help", "^p palette"):
            assert shown in keys, f"{shown!r} missing from {keys!r}"
        await pilot.press("ctrl+q")
