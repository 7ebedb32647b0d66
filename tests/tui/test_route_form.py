"""The form asks for the delivery route when the versions leave more than one, and then only what that route needs."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from tests.tui.helpers import choose, settle, type_into
from wizard.checklist.model import Checklist, StepKind
from wizard.tui.app import WizardApp
from wizard.tui.screens.step import StepScreen
from wizard.tui.widgets.form_field import FormField

SIZE = (120, 40)
PLAN = Path(__file__).parent.parent / "data" / "single.toml"


def _shown(app: WizardApp, field_id: str) -> bool:
    return bool(app.screen.query_one(f"#{field_id}", FormField).display)


async def test_choosing_the_foreign_connector_hides_the_smtp_answers_and_asks_for_the_share(
    checklist: Checklist, wizard_home: Path
) -> None:
    text = PLAN.read_text().replace('sharepoint_version = "2016"', 'sharepoint_version = "se"')
    plan_file = wizard_home.parent / "se.toml"
    plan_file.write_text(text.replace('windows_version = "2016"', 'windows_version = "2022"'))
    app = WizardApp(checklist)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "#new-plan", str(plan_file))
        assert "plan for" in str(app.screen.query_one("#new-plan-reason", Static).content)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen) and app.screen.step.kind is StepKind.INPUT
        # SE on 2022: its own SMTP service, or a Foreign connector; the share is not asked yet.
        assert _shown(app, "f-delivery") and not _shown(app, "f-drop_share")
        assert _shown(app, "f-mode") and bool(app.screen.query_one("#nodes").display)
        await choose(pilot, "#f-delivery Select", "Exchange Foreign connector")
        await settle(pilot)
        assert app.session is not None and app.session.plan_data["delivery"] == "foreign_connector"
        assert "nodes" not in app.session.plan_data
        assert not _shown(app, "f-mode") and not _shown(app, "f-smtp_port")
        assert not bool(app.screen.query_one("#nodes").display)
        assert _shown(app, "f-drop_share") and not _shown(app, "f-sharepoint_windows_version")
        await type_into(pilot, "#f-drop_share Input", r"\\sp1\SPDrop")
        await settle(pilot)
        assert app.session.plan() is not None
        assert [s.id for s in app.session.steps(checklist)][:2] == ["route", "drop_share"]
