"""The plan's delivery route: what each route needs, what it refuses, and which steps a farm on it has."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_cli import run
from wizard.checklist.model import Checklist, Host
from wizard.errors import PlanError
from wizard.plan.model import load_plan_file, parse_plan
from wizard.plan.questions import question, with_answer
from wizard.plan.routes import route_choices
from wizard.plan.rules import plan_warnings
from wizard.probekit.kit import render_kit
from wizard.render import plan_steps, render_step

DATA = Path(__file__).parent.parent / "data"
SMTP_STEPS = ("mode", "dns", "connector", "relay", "connection_control", "fqdn", "alias", "restart")


def _foreign(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema": 1,
        "delivery": "foreign_connector",
        "drop_share": r"\\sp1\SPDrop",
        "mail_host": "sp.contoso.local",
        "exchange_servers": ["192.0.2.10"],
        "sharepoint_version": "se",
        "exchange_version": "se",
    }
    return {**data, **changes}


def _problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(PlanError) as caught:
        parse_plan(data)
    return {p.key: p.reason for p in caught.value.problems}


@pytest.mark.parametrize("delivery", ["smtp_service", "relay_host"])
def test_smtp_nodes_on_windows_2025_are_refused_in_one_line_naming_the_routes(delivery: str) -> None:
    data = {
        **_foreign(delivery=delivery),
        "mode": "single",
        "windows_version": "2025",
        "nodes": [{"name": "sp1.contoso.local", "address": "192.0.2.21"}],
    }
    reason = _problems(data)["windows_version"]
    assert "Windows Server 2025 has no SMTP Server feature" in reason
    assert '"foreign_connector"' in reason and '"relay_host"' in reason and "\n" not in reason


def test_a_foreign_connector_plan_needs_no_mode_no_node_and_no_vip() -> None:
    plan = parse_plan(_foreign(windows_version="2025"))
    assert plan.nodes == [] and plan.vip is None and not plan.smtp_nodes
    assert not any("kept but not used" in w for w in plan_warnings(plan))


def test_nodes_given_to_a_foreign_connector_plan_are_kept_with_a_warning() -> None:
    plan = parse_plan(
        _foreign(
            mode="nlb", vip="192.0.2.50", nodes=[{"name": "wfe1.contoso.local", "address": "192.0.2.21"}]
        )
    )
    assert len(plan.nodes) == 1  # kept, although nlb mode would need two: nothing uses them
    assert any("nodes and vip are kept but not used" in w for w in plan_warnings(plan))


@pytest.mark.parametrize("delivery", ["foreign_connector", "relay_host"])
def test_a_drop_share_route_without_its_share_is_refused(delivery: str) -> None:
    data = _foreign(delivery=delivery)
    del data["drop_share"]
    if delivery == "relay_host":
        data |= {"mode": "single", "nodes": [{"name": "relay1.contoso.local", "address": "192.0.2.31"}]}
    assert "needs the UNC path SharePoint reads" in _problems(data)["drop_share"]


@pytest.mark.parametrize(
    ("share", "reason"),
    [
        (r"C:\SPDrop", "is not a UNC path"),
        ("/mnt/drop", "is not a UNC path"),
        (r"\\sp1\SP'Drop", "may not hold quotes"),
        (r"\\sp1\SPDrop\..\x", "'..'"),
    ],
)
def test_the_drop_share_must_be_a_plain_unc_path(share: str, reason: str) -> None:
    assert reason in _problems(_foreign(drop_share=share))["drop_share"]


def test_smtp_service_nodes_are_the_sharepoint_servers_so_their_releases_cannot_differ() -> None:
    data = load_plan_file(DATA / "single.toml").to_data() | {"sharepoint_windows_version": "2019"}
    assert 'use delivery = "relay_host"' in _problems(data | {"schema": 1})["sharepoint_windows_version"]


def test_a_relay_host_plan_refuses_sharepoint_on_a_release_its_requirements_rule_out() -> None:
    data = load_plan_file(DATA / "relay-host.toml").to_data() | {"sharepoint_windows_version": "2016"}
    assert "ruled out" in _problems(data)["sharepoint_windows_version"]


def test_each_route_has_its_own_steps(checklist: Checklist) -> None:
    single = plan_steps(checklist, load_plan_file(DATA / "single.toml"))
    foreign = plan_steps(checklist, load_plan_file(DATA / "foreign-connector.toml"))
    relay = plan_steps(checklist, load_plan_file(DATA / "relay-host.toml"))
    assert [s.id for s in foreign] == [
        "route",
        "drop_share",
        "foreign_connector",
        "central_admin",
        "library_test",
        "outgoing",
    ]
    assert not any(s.host == Host.NODE for s in foreign)
    assert all(step in [s.id for s in single] for step in SMTP_STEPS)
    assert [s.id for s in relay] == [s.id for s in single]


def test_relay_host_guidance_follows_each_servers_own_windows_release(checklist: Checklist) -> None:
    plan = load_plan_file(DATA / "relay-host.toml")
    central = render_step(checklist.step("central_admin"), plan)
    text = "\n".join([central.before, *(g.text for g in central.gui)])
    assert r"\\relay1\Drop" in text and "Advanced" in text
    assert "Windows Server 2025: end of extended support" in central.before
    mode = render_step(checklist.step("mode"), plan)
    assert "Windows Server 2022: end of mainstream support" in mode.before
    assert "shared as `\\\\relay1\\Drop`" in mode.why and "relay hosts outside the farm" in mode.why
    alias = render_step(checklist.step("alias"), plan, plan.nodes[0])
    # The relay host runs 2022: its alias step has IIS 6.0 Manager steps, not 2025's "no SMTP" text.
    assert not any("no SMTP Server feature" in g.text for g in alias.gui)
    assert any("IIS) 6.0 Manager" in g.text for g in alias.gui)


def test_the_route_question_is_asked_only_when_the_versions_leave_more_than_one_route() -> None:
    delivery = question("delivery")
    assert not delivery.asks({"sharepoint_version": "2016", "windows_version": "2016"})
    assert delivery.asks({"sharepoint_version": "se", "windows_version": "2022"})
    offered = dict(route_choices({"sharepoint_version": "se", "windows_version": "2025"}))
    assert list(offered) == ["foreign_connector", "relay_host"]
    # Each choice carries its trade-off, with the support dates from the platform data.
    assert "no SMTP service, no NLB and no Send Connector" in offered["foreign_connector"]
    assert "extended support to 2031-10-14" in offered["relay_host"]


def test_choosing_the_foreign_connector_drops_the_smtp_nodes_answers_and_their_questions() -> None:
    answers = {"mode": "nlb", "vip": "10.0.0.50", "nodes": [{"name": "a.b.c"}], "sharepoint_version": "se"}
    answers |= {"windows_version": "2025"}
    updated = with_answer(answers, "delivery", "foreign_connector")
    assert "nodes" not in updated and "vip" not in updated
    assert not question("vip").asks(updated) and not question("smtp_port").asks(updated)
    assert question("drop_share").asks(updated) and not question("sharepoint_windows_version").asks(updated)
    relay = with_answer(answers, "delivery", "relay_host")
    assert question("sharepoint_windows_version").asks(relay) and question("vip").asks(relay)


def test_the_foreign_connector_probe_kit_is_the_sharepoint_servers_only() -> None:
    plan = load_plan_file(DATA / "foreign-connector.toml")
    kit = render_kit(plan, generated_at=datetime(2026, 11, 27, tzinfo=UTC))
    # The Exchange and node kits probe an SMTP path this route does not have.
    assert list(kit) == ["probe-sharepoint.ps1"]


def test_check_on_a_foreign_connector_plan_runs_its_steps_and_points_at_the_foreign_connector(
    wizard_home: Path,
) -> None:
    result = run("check", str(DATA / "foreign-connector.toml"), "--json", "--timeout", "1", home=wizard_home)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    steps = {r["step"] for r in document["results"]}
    assert steps == {"foreign_connector", "central_admin", "library_test", "outgoing"}
    hints = " ".join(r["hint"] for r in document["results"])
    assert "Get-ForeignConnector" in hints and "Get-SendConnector" not in hints
    for command, fmt in (("export", "monitor"), ("diagnose", None)):
        args = [command, str(DATA / "foreign-connector.toml")]
        args += (
            ["--format", fmt, "-o", str(wizard_home.parent / "out")]
            if fmt
            else ["--to", "docs@sp.contoso.local"]
        )
        refused = run(*args, home=wizard_home)
        assert refused.returncode == 2 and "foreign_connector" in refused.stderr.splitlines()[-1]
