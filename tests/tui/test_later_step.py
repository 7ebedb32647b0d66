"""A step whose check reaches a target that a later step makes says so, instead of the check's usual remedy."""

from __future__ import annotations

from tests.farm.fixtures import FarmFactory
from tests.tui.helpers import screen_text, settle
from wizard import store
from wizard.checklist.model import Checklist
from wizard.results import Status
from wizard.session import Session
from wizard.tui.app import WizardApp
from wizard.tui.options import CheckOptions
from wizard.tui.widgets.check_panel import CheckRow


async def test_on_a_fresh_farm_step_1_says_the_vip_comes_with_the_nlb_step(
    farm: FarmFactory, checklist: Checklist
) -> None:
    running = farm("fresh", nodes=2)
    data = running.plan_data
    data.pop("schema")
    session = Session(name="fresh-farm", plan_data=data)
    session.go_to(checklist, "mode")
    store.save(session)
    app = WizardApp(checklist, options=CheckOptions(timeout=3.0))
    app.open_session("fresh-farm")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.session is not None
        vip = [r for r in app.session.progress_for("mode").results if r.target == data["mail_host"]]
        assert vip and all(r.status in (Status.FAIL, Status.ERROR) for r in vip)
        for result in vip:
            assert f"The VIP {data['vip']} comes with step 3 (Set up the NLB cluster" in result.hint
            assert "Start the SMTP service" not in result.hint
        # The operator reads it in the row, failures first, at 80 columns.
        rows = [row for row in app.screen.query(CheckRow) if row.target == data["mail_host"]]
        rows[0].focus()
        await pilot.pause()
        assert "comes with step 3" in " ".join(screen_text(app).split())
        # The nodes' own results keep their usual remedy.
        nodes = [r for r in app.session.progress_for("mode").results if r.target != data["mail_host"]]
        assert all("comes with step" not in r.hint for r in nodes)
        await pilot.press("ctrl+q")
