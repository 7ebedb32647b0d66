"""Each delivery route's runbook and scripts: golden files, and every supported version pair's scripts parse."""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import pytest
import tree_sitter

from tests.runbook.conftest import GENERATED_AT, PLANS
from tests.runbook.pscheck import syntax_problems
from wizard.checklist.model import Checklist
from wizard.checklist.platforms import compatible, has_smtp_server
from wizard.errors import PlanError
from wizard.plan.model import PRODUCT_VERSIONS, WINDOWS_VERSIONS, load_plan_file, parse_plan
from wizard.probekit.kit import render_kit
from wizard.runbook.writer import render_markdown, render_scripts

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
ROUTE_PLANS = {
    "smtp_service": "single.toml",
    "foreign_connector": "foreign-connector.toml",
    "relay_host": "relay-host.toml",
}
"""One plan per delivery route."""


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"{name} missing; run with UPDATE_GOLDEN=1 and review it"
    assert text.encode("utf-8") == path.read_bytes(), f"{name} differs; UPDATE_GOLDEN=1 and review the diff"


@pytest.mark.parametrize("route", list(ROUTE_PLANS))
def test_each_route_has_a_golden_runbook_and_script_set(route: str, checklist: Checklist) -> None:
    plan = load_plan_file(PLANS / ROUTE_PLANS[route])
    assert plan.delivery == route
    _golden(f"route-{route}.md", render_markdown(plan, checklist, None, generated_at=GENERATED_AT))
    scripts = render_scripts(plan, checklist, generated_at=GENERATED_AT)
    folder = GOLDEN / f"route-{route}-ps1"
    if not UPDATE:
        assert sorted(p.name for p in folder.iterdir()) == sorted(scripts), "a script came or went"
    for name, text in scripts.items():
        _golden(f"route-{route}-ps1/{name}", text)


def test_the_foreign_connector_route_has_scripts_for_exchange_and_sharepoint_only(
    checklist: Checklist,
) -> None:
    plan = load_plan_file(PLANS / ROUTE_PLANS["foreign_connector"])
    scripts = render_scripts(plan, checklist, generated_at=GENERATED_AT)
    assert [name.split("-", 1)[1] for name in scripts] == ["sharepoint.ps1", "exchange.ps1"]
    exchange, sharepoint = scripts["2-exchange.ps1"], scripts["1-sharepoint.ps1"]
    assert "New-ForeignConnector -Name $connectorName -AddressSpaces" in exchange
    assert "Set-ForeignConnector -Identity $connector.Identity -DropDirectory $dropShare" in exchange
    assert "$dropShare = '\\\\sp1\\SPDrop'" in exchange and "New-SendConnector" not in exchange
    assert "Grant-SmbShareAccess -Name $shareName" in sharepoint and "SPTimerV4" in sharepoint
    assert (
        "$service.DropFolder = $dropShare" in sharepoint
        and "$service.UseAutomaticSettings = $false" in sharepoint
    )
    runbook = render_markdown(plan, checklist, None, generated_at=GENERATED_AT)
    for absent in ("IIS SMTP service of", "Send Connector >", "NLB cluster", "smart host", "VIP"):
        assert absent not in runbook, absent


def test_relay_hosts_and_sharepoint_each_get_their_own_windows_guidance(checklist: Checklist) -> None:
    plan = load_plan_file(PLANS / ROUTE_PLANS["relay_host"])
    scripts = render_scripts(plan, checklist, generated_at=GENERATED_AT)
    node = scripts["3-node-relay1.contoso.local.ps1"]
    # The relay host is a 2022 server: its SMTP steps are scripted, not listed as impossible.
    assert "has no SMTP Server feature" not in node and "Windows Server 2012 to 2022" in node
    sharepoint = scripts["4-sharepoint.ps1"]
    assert "$dropShare = '\\\\relay1\\Drop'" in sharepoint


def _route_plans() -> list[tuple[str, dict[str, Any]]]:
    """Every accepted SharePoint, Exchange and Windows combination, on each route."""
    base: dict[str, Any] = {
        "schema": 1,
        "mail_host": "sp.contoso.local",
        "exchange_servers": ["192.0.2.10"],
        "test_recipient": "docs@sp.contoso.local",
        "sharepoint_servers": ["sp1.contoso.local"],
    }
    node = {"mode": "single", "nodes": [{"name": "sp1.contoso.local", "address": "192.0.2.21"}]}
    cases: list[tuple[str, dict[str, Any]]] = []
    # Every SharePoint-on-Windows pair the plan accepts, on every route; the Exchange version turns
    # with each pair so that every one meets every route, without six copies of each pair.
    exchanges = itertools.cycle(PRODUCT_VERSIONS)
    for sharepoint in PRODUCT_VERSIONS:
        for windows in (w for w in WINDOWS_VERSIONS if compatible(sharepoint, w)):
            versions = base | {"sharepoint_version": sharepoint, "exchange_version": next(exchanges)}
            if has_smtp_server(windows):
                cases.append(("smtp_service", versions | node | {"windows_version": windows}))
            foreign = {
                "delivery": "foreign_connector",
                "drop_share": r"\\sp1\Drop",
                "windows_version": windows,
            }
            cases.append(("foreign_connector", versions | foreign))
            # Relay hosts on the newest release that has SMTP, SharePoint on each release it runs on.
            relay = {"delivery": "relay_host", "drop_share": r"\\sp1\Drop", "windows_version": "2022"}
            cases.append(("relay_host", versions | node | relay | {"sharepoint_windows_version": windows}))
    return cases


ROUTE_CASES = _route_plans()


@pytest.mark.parametrize("route", list(ROUTE_PLANS))
def test_every_supported_version_pair_exports_scripts_that_parse(
    route: str, checklist: Checklist, ps_parser: tree_sitter.Parser
) -> None:
    exported = 0
    for _, data in (case for case in ROUTE_CASES if case[0] == route):
        try:
            plan = parse_plan(data)
        except PlanError as exc:  # pragma: no cover - the matrix holds accepted pairs only
            pytest.fail(f"{route}: {exc}")
        for name, text in render_scripts(plan, checklist, generated_at=GENERATED_AT).items():
            problems = syntax_problems(ps_parser, text)
            assert problems == [], (route, plan.sharepoint_version, plan.exchange_version, name, problems[:3])
        exported += 1
    assert exported >= 20, exported


def test_the_foreign_connector_sharepoint_kit_proves_the_drop_share_and_parses(
    ps_parser: tree_sitter.Parser,
) -> None:
    plan = load_plan_file(PLANS / ROUTE_PLANS["foreign_connector"])
    kit = render_kit(plan, generated_at=GENERATED_AT)["probe-sharepoint.ps1"]
    assert syntax_problems(ps_parser, kit) == []
    assert "$DropShare = '\\\\sp1\\SPDrop'" in kit
    assert kit.count("Add-Fact 'drop_share' 'drop-share-rights'") == 3
    assert "drop_share / drop-share-rights" in kit
    smtp = render_kit(load_plan_file(PLANS / ROUTE_PLANS["smtp_service"]), generated_at=GENERATED_AT)
    assert "drop-share-rights" not in smtp["probe-sharepoint.ps1"]
