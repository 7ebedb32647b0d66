"""Deleting a saved session: from the command line and from the start screen, its lock respected."""

from __future__ import annotations

import json
from pathlib import Path

from tests.tui.helpers import screen_text, settle
from tests.tui.sample import sample_session
from tests.unit.test_cli import one_line_error, run
from wizard import store
from wizard.checklist.model import Checklist
from wizard.session import Session
from wizard.tui.app import WizardApp
from wizard.tui.screens.dialogs import ConfirmDialog


def _rehearsal(name: str) -> Session:
    session = sample_session("relay")
    session.name = name
    session.rehearsal = {"state": "partial", "nodes": 3, "mode": "nlb"}
    return session


def test_sessions_delete_removes_one_and_lists_rehearsals_as_such(wizard_home: Path) -> None:
    store.save(_rehearsal("rehearsal-partial"))
    store.save(sample_session("relay"))
    listed = run("sessions", home=wizard_home)
    row = next(line for line in listed.stdout.splitlines() if line.startswith("rehearsal-partial"))
    assert "rehearsal" in row.split("  ", 1)[1], "the row says it is a rehearsal"
    data = json.loads(run("sessions", "--json", home=wizard_home).stdout)
    assert {s["name"]: s["rehearsal"] for s in data["sessions"]} == {
        "rehearsal-partial": True,
        "foo-farm": False,
    }

    deleted = run("sessions", "--delete", "rehearsal-partial", home=wizard_home)
    assert deleted.returncode == 0, deleted.stderr
    assert not store.exists("rehearsal-partial")
    assert store.exists("foo-farm"), "only the named session goes"
    assert not (store.sessions_dir() / "rehearsal-partial.lock").exists()

    missing = run("sessions", "--delete", "rehearsal-partial", home=wizard_home)
    assert missing.returncode == 2
    assert "no saved session" in one_line_error(missing)


def test_a_session_open_elsewhere_is_not_deleted(wizard_home: Path) -> None:
    store.save(sample_session("relay"))
    with store.OpenSession("foo-farm"):
        held = run("sessions", "--delete", "foo-farm", home=wizard_home)
    assert held.returncode == 2
    assert "open in another" in one_line_error(held)
    assert store.exists("foo-farm")


async def test_the_start_screen_deletes_a_session_after_asking(
    checklist: Checklist, wizard_home: Path
) -> None:
    store.save(_rehearsal("rehearsal-partial"))
    app = WizardApp(checklist)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "nlb · rehearsal" in screen_text(app)
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert store.exists("rehearsal-partial"), "Cancel keeps it"
        await pilot.press("delete")
        await settle(pilot)
        app.screen.query_one("#yes").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not store.exists("rehearsal-partial")
        assert "No saved sessions" in screen_text(app)
        await pilot.press("ctrl+q")
