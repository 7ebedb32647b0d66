"""The full-screen form offers only the Windows versions the chosen SharePoint version can run on."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message
from textual.widgets import Select

from tests.tui.helpers import choose, settle
from wizard import store
from wizard.checklist.model import Checklist
from wizard.plan.model import load_plan_file
from wizard.session import Session
from wizard.tui.app import WizardApp
from wizard.tui.messages import AnswersChanged

PLAN = Path(__file__).parent.parent / "data" / "single.toml"


def _offered(app: WizardApp, selector: str) -> list[str]:
    select = app.screen.query_one(selector, Select)
    return [str(value) for _label, value in select._options if value is not Select.NULL]


async def test_choosing_sharepoint_2019_takes_windows_releases_before_2016_off_the_list(
    checklist: Checklist,
) -> None:
    data = load_plan_file(PLAN).to_data()
    data.pop("schema")
    store.save(Session(name="versions", plan_data=data))
    app = WizardApp(checklist)
    app.open_session("versions")
    edits: list[AnswersChanged] = []

    def note_edit(message: Message) -> None:
        # A message is seen again at each widget it bubbles through; count it once.
        if isinstance(message, AnswersChanged) and not any(message is seen for seen in edits):
            edits.append(message)

    async with app.run_test(size=(100, 40), message_hook=note_edit) as pilot:
        await settle(pilot)
        offered = _offered(app, "#f-windows_version Select")  # SharePoint 2016: 2012 R2 and later
        assert "2012r2" in offered and "2012" not in offered
        assert "se" not in _offered(app, "#f-sharepoint_version Select")  # the plan says Windows Server 2016
        edits.clear()
        await choose(pilot, "#f-sharepoint_version Select", "2019")
        await settle(pilot)
        # One choice is one edit: the two version fields do not reset each other back and forth.
        assert [edit.plan_data["sharepoint_version"] for edit in edits] == ["2019"]
        offered = _offered(app, "#f-windows_version Select")
        assert "2003" not in offered and "2012r2" not in offered and "2022" in offered
        assert app.screen.query_one("#f-windows_version Select", Select).value == "2016"
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert store.load("versions").plan_data["sharepoint_version"] == "2019"
