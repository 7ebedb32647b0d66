"""SharePoint on a Windows release that Microsoft rules out is refused citing the rule; unsettled pairs are warned."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from wizard.checklist.loader import checklist_dir
from wizard.checklist.platforms import PLATFORMS_FILE, pair_rule, parse_platforms, platforms
from wizard.errors import ChecklistError, PlanError
from wizard.plan import questions
from wizard.plan.model import PRODUCT_VERSIONS, WINDOWS_VERSIONS, parse_plan
from wizard.plan.rules import plan_warnings


def _data(sharepoint: str, windows: str | None, exchange: str = "2016") -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema": 1,
        "mode": "single",
        "mail_host": "sp01.contoso.local",
        "exchange_servers": ["192.0.2.10"],
        "sharepoint_version": sharepoint,
        "exchange_version": exchange,
        "nodes": [{"name": "sp01.contoso.local", "address": "192.0.2.21"}],
    }
    if windows is not None:
        data["windows_version"] = windows
    if windows == "2025":
        # No node can run SMTP on 2025: SharePoint there takes mail through a Foreign connector.
        del data["nodes"], data["mode"]
        data |= {"delivery": "foreign_connector", "drop_share": "\\\\sp01\\SPDrop"}
    return data


@pytest.mark.parametrize(
    ("sharepoint", "windows", "rule"),
    [
        ("se", "2016", '"Earlier versions of windows server are not supported"'),
        ("se", "2003", "needs Windows Server 2019 or 2022"),
        ("2019", "2012r2", "needs Windows Server 2016 or later"),
        ("2013", "2016", '"Windows Server 2016 or higher is not supported"'),
        ("2013", "2022", '"Windows Server 2016 or higher is not supported"'),
        ("2016", "2012", "needs Windows Server 2012 R2 or later"),
        ("2010", "2003", "64-bit only"),
    ],
)
def test_a_pair_the_requirements_rule_out_is_refused_in_one_line_citing_the_rule(
    sharepoint: str, windows: str, rule: str
) -> None:
    with pytest.raises(PlanError) as raised:
        parse_plan(_data(sharepoint, windows))
    (problem,) = raised.value.problems
    assert problem.key == "windows_version"
    assert rule in problem.reason and "requirements" in problem.reason.lower()
    assert "\n" not in problem.reason


def test_every_pair_is_refused_exactly_when_the_table_says_and_warned_when_no_source_settles_it() -> None:
    refused = warned = 0
    for sharepoint in PRODUCT_VERSIONS:
        assert plan_warnings(parse_plan(_data(sharepoint, None))) == []
        for windows in WINDOWS_VERSIONS:
            verdict = pair_rule(sharepoint, windows).verdict
            if verdict == "refused":
                refused += 1
                with pytest.raises(PlanError):
                    parse_plan(_data(sharepoint, windows))
                continue
            for exchange in PRODUCT_VERSIONS:
                warnings = plan_warnings(parse_plan(_data(sharepoint, windows, exchange)))
                settles = [w for w in warnings if "No requirements page read here settles" in w]
                assert bool(settles) == (verdict == "unsettled"), (sharepoint, windows)
                warned += verdict == "unsettled"
    assert refused == 22 and warned


def test_the_table_lives_in_the_checklist_data_with_a_source_for_every_pair() -> None:
    data = tomllib.loads((checklist_dir() / PLATFORMS_FILE).read_text(encoding="utf-8"))
    for pair in data["pairs"]:
        assert pair["source"] in data["sources"] and pair["rule"]
    assert pair_rule("se", "2016").source == data["sources"]["spse"]
    broken = {**data, "pairs": [{**data["pairs"][0], "source": "nowhere"}]}
    with pytest.raises(ChecklistError, match="source 'nowhere' is not in \\[sources\\]"):
        parse_platforms(broken)
    assert platforms().windows["2022"].extended_end.isoformat() == "2031-10-14"


def test_the_form_offers_only_windows_versions_the_sharepoint_version_runs_on() -> None:
    windows = questions.question("windows_version")
    offered = [value for value, _ in questions.choices_for(windows, {"sharepoint_version": "se"})]
    assert "2016" not in offered and "2022" in offered and "" in offered
    offered = [value for value, _ in questions.choices_for(windows, {"sharepoint_version": "2013"})]
    assert "2016" not in offered and "2012r2" in offered
    sharepoint = questions.question("sharepoint_version")
    offered = [value for value, _ in questions.choices_for(sharepoint, {"windows_version": "2012r2"})]
    assert "2019" not in offered and "se" not in offered and "2013" in offered
    assert questions.choices_for(windows, {}) == windows.choices


def test_an_ipv6_exchange_address_is_refused_because_iis_lists_cannot_hold_it() -> None:
    data = _data("2016", "2016") | {"exchange_servers": ["192.0.2.10", "fd00::20"]}
    with pytest.raises(PlanError) as raised:
        parse_plan(data)
    (problem,) = raised.value.problems
    assert problem.key == "exchange_servers[1]"
    assert "IPv4 addresses only" in problem.reason and "IPv4 address" in problem.reason


@pytest.mark.parametrize("outgoing", ["sp01.contoso.local", "sp01", "192.0.2.21", "localhost"])
def test_outgoing_mail_through_a_node_is_warned_about_the_relay_list(outgoing: str) -> None:
    plan = parse_plan(_data("2016", "2016") | {"outgoing_smtp_server": outgoing})
    (warning,) = plan_warnings(plan)
    assert "relay list" in warning and "outgoing mail stops" in warning
    elsewhere = parse_plan(_data("2016", "2016") | {"outgoing_smtp_server": "exch01.contoso.local"})
    assert plan_warnings(elsewhere) == []


def test_the_mode_step_shows_the_plans_warnings_before_anything_is_done() -> None:
    from wizard.checklist.loader import load_default
    from wizard.render import render_step

    plan = parse_plan(_data("2016", "2022") | {"outgoing_smtp_server": "sp01"})
    before = render_step(load_default().step("mode"), plan).before
    assert before.count("**Check first:**") == 2
    assert "SharePoint 2016 on Windows Server 2022" in before and "outgoing mail stops" in before
