"""The step screen's "Seen inside": per node and SharePoint server, what the probe kit saw on the host itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import Static

from tests.farm.fixtures import FarmFactory
from tests.tui.helpers import screen_text, settle, until
from wizard import store
from wizard.checklist.model import Checklist
from wizard.cli import run
from wizard.cli.shared import ExitCode
from wizard.farm import kitfiles
from wizard.session import Session
from wizard.tui.app import WizardApp
from wizard.tui.widgets.seen_inside import SeenInside


def _inside_text(app: WizardApp) -> str:
    box = app.screen.query_one(SeenInside)
    return "\n".join(str(line.content) for line in box.query(Static))


@pytest.fixture
def imported(farm: FarmFactory, checklist: Checklist, tmp_path: Path) -> str:
    """A session of the practice farm with no list for the test library's alias, its three kits' files imported."""
    running = farm("unknown-alias", nodes=2, pickup_delay=0.2)
    plan_data = running.plan_data
    plan_data.pop("schema")
    session = Session(name="inside", plan_data=plan_data)
    session.go_to(checklist, "library_test")
    store.save(session)
    for path in kitfiles.write_kit(running, checklist, tmp_path / "kit"):
        assert run(["import", str(path), "--session", "inside"]) == ExitCode.OK, path.name
    return "inside"


async def test_a_step_shows_what_each_host_saw_inside(imported: str, checklist: Checklist) -> None:
    app = WizardApp(checklist)
    app.open_session(imported)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.screen.query_one(SeenInside)
        assert box.display
        text = _inside_text(app)
        assert "Seen inside wfe1.foo.local (SMTP node and SharePoint server)" in text
        # The unknown alias, the files waiting for it and their age, and the deletion after a day.
        assert "FAIL sp-list-alias: no list has the alias docs" in text
        assert "deletes it after about 24 hours" in text
        assert re.search(r"\d file\(s\) wait now, the oldest \d+ h old \(deleted in about \d+ h\)", text)
        # Under the node that holds them: the files for the alias no imported list has, their age, the deletion.
        assert re.search(
            r"Unknown alias: \d file\(s\) for docs@mossmail\.foo\.local wait in the Drop folder of wfe\d\.foo\.local, "
            r"the oldest \d+ h \d+ min: no SharePoint list has the alias docs",
            text,
        )
        # The hop headroom of the newest waiting message.
        assert re.search(r"PASS hop-count: .*: headroom \d+", text)
        # The operator reaches it by scrolling the panel of results, at 80 columns.
        panel = app.screen.query_one("#checks")

        def scrolled_into_view() -> bool:
            panel.scroll_to_widget(box, top=True, animate=False)
            return "Seen inside wfe1.foo.local" in screen_text(app)

        assert await until(pilot, scrolled_into_view), screen_text(app)

        # Central Administration's step: the timer account's verdict, as the SharePoint server saw it.
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert app.session is not None and app.session.current_step == "central_admin"
        text = _inside_text(app)
        assert "the timer account FOO" in text and "lacks Modify" not in text

        # A step no node or SharePoint server reported on (the DNS record) has no such section.
        while app.session.current_step != "dns":
            await pilot.press("ctrl+g")
            await settle(pilot)
        assert not app.screen.query_one(SeenInside).display
        await pilot.press("ctrl+q")
