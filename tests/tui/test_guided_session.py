"""Whole guided sessions in the full-screen wizard against the loopback farm: type, check, mark, quit, resume."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from tests.farm.fixtures import FarmFactory
from tests.tui.helpers import choose, current_step, settle, type_into
from wizard import store
from wizard.checklist.model import Checklist, StepKind
from wizard.farm import Farm
from wizard.plan.model import parse_plan
from wizard.session import Session, StepStatus
from wizard.tui.app import WizardApp
from wizard.tui.options import CheckOptions
from wizard.tui.screens.dialogs import ConfirmDialog
from wizard.tui.screens.step import StepScreen
from wizard.tui.screens.summary import SummaryScreen
from wizard.tui.widgets.check_panel import CheckRow
from wizard.tui.widgets.form_field import FormField

SIZE = (100, 32)


def _options(running: Farm) -> CheckOptions:
    return CheckOptions(timeout=3.0, exchange_port=running.exchange_port, pickup_limit=10.0)


def _saved(home: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((home / "sessions" / f"{name}.json").read_text())
    return data


def _rows(app: WizardApp) -> list[CheckRow]:
    return list(app.screen.query(CheckRow))


def _reason(app: WizardApp, field_id: str) -> str:
    return str(app.screen.query_one(f"#{field_id}", FormField).query_one(".reason", Static).content)


async def _check_and_mark_done(pilot: Any, app: WizardApp, step_id: str) -> list[CheckRow]:
    assert current_step(app) == step_id
    await pilot.press("ctrl+r")
    await settle(pilot)
    rows = _rows(app)
    assert rows, f"no result rows on {step_id}"
    assert all(row.result is not None for row in rows)
    await pilot.press("ctrl+d")
    await settle(pilot)
    skipped = all(row.result is not None and row.result.status.value == "skip" for row in rows)
    if skipped and app.checklist.step(step_id).confirm_done_unless_passed:
        # A check that proved nothing is no proof: on a step the checklist flags, done is asked first.
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#yes")
        await settle(pilot)
    return rows


@pytest.mark.timeout(300)
async def test_whole_nlb_session_typed_checked_quit_resumed_and_exported(
    farm: FarmFactory, checklist: Checklist, wizard_home: Path, tmp_path: Path
) -> None:
    running = farm("good", nodes=2)
    data = running.plan_data
    app = WizardApp(checklist, options=_options(running))
    async with app.run_test(size=SIZE) as pilot:
        # Start screen: a blank session with a chosen name.
        await type_into(pilot, "#new-name", "farm-a")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen) and app.screen.step.kind is StepKind.INPUT
        assert app.session is not None and app.session.name == "farm-a"

        # The farm's values, typed; a half-typed address shows its reason beside the field.
        await choose(pilot, "#f-mode Select", "Load balanced")
        await type_into(pilot, "#f-mail_host Input", data["mail_host"])
        await type_into(pilot, "#f-dns_zone Input", data["dns_zone"])
        await type_into(pilot, "#f-vip Input", "127.0.0.")
        assert "is not an IPv4 or IPv6 address" in _reason(app, "f-vip")
        await app.until_saved()
        assert _saved(wizard_home, "farm-a")["plan"]["vip"] == "127.0.0.", "a half-typed answer is kept"
        await type_into(pilot, "#f-vip Input", data["vip"])
        assert _reason(app, "f-vip") == ""
        await type_into(pilot, "#f-exchange_servers Input", data["exchange_servers"][0])
        await type_into(pilot, "#f-dns_servers Input", data["dns_servers"][0])
        await type_into(pilot, "#f-smtp_port Input", str(data["smtp_port"]))
        await choose(pilot, "#f-sharepoint_version Select", "2010")
        await choose(pilot, "#f-exchange_version Select", "2010")
        await type_into(pilot, "#f-test_recipient Input", data["test_recipient"])
        await type_into(pilot, "#f-sharepoint_servers Input", ", ".join(data["sharepoint_servers"]))
        for index, node in enumerate(data["nodes"]):
            await pilot.click("#add-node")
            await settle(pilot)
            await type_into(pilot, f"#f-nodes-{index}-name Input", node["name"])
            await type_into(pilot, f"#f-nodes-{index}-address Input", node["address"])
            await type_into(pilot, f"#f-nodes-{index}-drop_folder Input", node["drop_folder"])
        # Two nodes with one address: the cross-field rule is shown beside the second one.
        await type_into(pilot, "#f-nodes-1-address Input", data["nodes"][0]["address"])
        assert "already the address of node 1" in _reason(app, "f-nodes-1-address")
        await type_into(pilot, "#f-nodes-1-address Input", data["nodes"][1]["address"])
        # Everything typed; the farm's Exchange port is the one key the form does not ask.
        assert app.session.plan() == parse_plan({k: v for k, v in data.items() if k != "exchange_port"})

        # Step 1 checks every node's greeting and the VIP, then is marked done.
        rows = await _check_and_mark_done(pilot, app, "mode")
        assert {row.target for row in rows} == {"wfe1.foo.local", "wfe2.foo.local", "mossmail.foo.local"}
        assert all(row.has_class("-pass") for row in rows)
        assert isinstance(app.screen, StepScreen) and app.screen.step.kind is not StepKind.INPUT

        for step_id in ("dns", "nlb", "connector", "relay"):
            rows = await _check_and_mark_done(pilot, app, step_id)
            wanted = "-skip" if step_id == "connector" else "-pass"
            assert all(row.has_class(wanted) for row in rows), step_id

        # A note on the next step, then quit in the middle.
        assert current_step(app) == "connection_control"
        await type_into(pilot, "#note", "CHG-1042 by the night shift")
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0

    saved = store.load("farm-a")
    assert saved.current_step == "connection_control"
    assert saved.progress_for("connection_control").note == "CHG-1042 by the night shift"
    assert [saved.progress_for(s).status for s in ("mode", "dns", "nlb", "connector", "relay")] == [
        StepStatus.DONE
    ] * 5

    # Resume: same step, same note; the last results of a finished step are still there.
    app = WizardApp(checklist, options=_options(running))
    app.open_session("farm-a")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StepScreen) and app.screen.step.kind is not StepKind.INPUT
        assert current_step(app) == "connection_control"
        assert app.screen.query_one("#note", Input).value == "CHG-1042 by the night shift"
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert current_step(app) == "relay"
        assert {row.target for row in _rows(app)} == {"wfe1.foo.local", "wfe2.foo.local"}
        assert all(row.has_class("-pass") for row in _rows(app))
        await pilot.press("ctrl+n")
        await settle(pilot)

        for step_id in ("connection_control", "fqdn", "alias", "restart", "central_admin", "library_test"):
            await _check_and_mark_done(pilot, app, step_id)
        await _check_and_mark_done(pilot, app, "outgoing")
        assert isinstance(app.screen, SummaryScreen), "after the last step comes the summary"
        assert app.session is not None and app.session.is_complete(checklist)
        assert "Nothing open" in str(app.screen.query_one("#open-items", Static).content)

        # Export from inside the session: format and path in the dialog.
        target = tmp_path / "farm-a.md"
        await pilot.press("ctrl+e")
        await pilot.pause()
        await type_into(pilot, "#export-path", str(target))
        await pilot.press("enter")
        await settle(pilot)
        assert target.exists()
        assert "mossmail.foo.local" in target.read_text(encoding="utf-8")
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not store.session_path("farm-a").with_suffix(".lock").exists() or _unlocked("farm-a")


def _unlocked(name: str) -> bool:
    with store.lock(name):
        return True


@pytest.mark.timeout(300)
async def test_whole_single_server_session_from_a_plan(
    farm: FarmFactory, checklist: Checklist, wizard_home: Path
) -> None:
    running = farm("single", nodes=1)
    plan_file = running.write_plan(wizard_home.parent / "single.toml")
    app = WizardApp(checklist, options=_options(running))
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "#new-plan", str(plan_file))
        assert "SINGLE plan for mossmail.foo.local, 1 node" in str(
            app.screen.query_one("#new-plan-reason", Static).content
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen) and app.screen.step.kind is StepKind.INPUT
        assert app.session is not None
        name = app.session.name
        # In single mode the VIP is not asked.
        assert not app.screen.query_one("#f-vip", FormField).display
        steps = app.session.step_ids(checklist)
        assert "nlb" not in steps
        for step_id in steps[:4]:
            await _check_and_mark_done(pilot, app, step_id)
        await pilot.press("ctrl+q")
        await pilot.pause()

    app = WizardApp(checklist, options=_options(running))
    app.open_session(name)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert current_step(app) == steps[4]
        for step_id in steps[4:]:
            rows = await _check_and_mark_done(pilot, app, step_id)
            assert not any(row.has_class("-fail") or row.has_class("-error") for row in rows), step_id
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("ctrl+q")
    session: Session = store.load(name)
    assert session.is_complete(checklist)
