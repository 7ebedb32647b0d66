"""PowerShell per host: every script parses, holds the checklist's snippets, and is written safely."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import tree_sitter

from tests.runbook.conftest import GENERATED_AT, nlb_session, plan_data
from tests.runbook.pscheck import exposed_values, syntax_problems
from wizard.checklist.model import Checklist
from wizard.checklist.platforms import compatible
from wizard.plan.model import PRODUCT_VERSIONS, Plan, parse_plan
from wizard.runbook.writer import render_scripts, write_export

VERSION_PAIRS = list(itertools.product(PRODUCT_VERSIONS, PRODUCT_VERSIONS))


def _plan(mode: str, sharepoint: str, exchange: str) -> Plan:
    data: dict[str, Any] = plan_data("nlb.toml" if mode == "nlb" else "single.toml")
    data |= {"schema": 1, "sharepoint_version": sharepoint, "exchange_version": exchange}
    if not compatible(sharepoint, data.get("windows_version")):
        del data["windows_version"]  # the sample's Windows release does not run this SharePoint version
    return parse_plan(data)


@pytest.mark.parametrize("source", ["shipped", "scripted"])
@pytest.mark.parametrize("mode", ["single", "nlb"])
@pytest.mark.parametrize(("sharepoint", "exchange"), VERSION_PAIRS)
def test_every_script_parses_for_every_mode_and_version(
    source: str,
    mode: str,
    sharepoint: str,
    exchange: str,
    checklist: Checklist,
    scripted: Checklist,
    ps_parser: tree_sitter.Parser,
) -> None:
    plan = _plan(mode, sharepoint, exchange)
    scripts = render_scripts(plan, checklist if source == "shipped" else scripted, generated_at=GENERATED_AT)
    assert scripts
    values = [plan.mail_host, *(node.name for node in plan.nodes), *plan.exchange_servers]
    for name, text in scripts.items():
        assert syntax_problems(ps_parser, text) == [], name
        assert text.count("param([switch]$DryRun)") == 1, name
        assert exposed_values(ps_parser, text, values) == [], name


def test_one_script_per_host_in_visiting_order(
    nlb_plan: Plan, single_plan: Plan, checklist: Checklist
) -> None:
    assert list(render_scripts(nlb_plan, checklist, generated_at=GENERATED_AT)) == [
        "1-dns-server.ps1",
        "2-nlb-manager.ps1",
        "3-exchange.ps1",
        "4-node-wfe1.foo.local.ps1",
        "4-node-wfe2.foo.local.ps1",
        "5-sharepoint.ps1",
    ]
    assert list(render_scripts(single_plan, checklist, generated_at=GENERATED_AT)) == [
        "1-dns-server.ps1",
        "2-exchange.ps1",
        "3-node-sp01.contoso.local.ps1",
        "4-sharepoint.ps1",
    ]


def test_header_says_what_where_when_and_how_to_dry_run(nlb_plan: Plan, scripted: Checklist) -> None:
    text = render_scripts(nlb_plan, scripted, nlb_session(), generated_at=GENERATED_AT)[
        "4-node-wfe2.foo.local.ps1"
    ]
    header, _, body = text.partition("[CmdletBinding()]\nparam([switch]$DryRun)\n")
    assert body, "the switch declaration is missing"
    assert all(line.startswith("#") for line in header.strip().splitlines())
    assert "SMTP node wfe2.foo.local" in header
    assert "mossmail.foo.local; Load balanced (NLB) across 2 nodes; SharePoint 2007; Exchange 2007" in header
    assert "Run on: wfe2.foo.local (10.0.0.12)" in header
    assert "2026-11-27 16:30:00 UTC from session mossmail-change" in header
    assert ".\\4-node-wfe2.foo.local.ps1 -DryRun" in header


def test_node_steps_are_rendered_for_each_node(nlb_plan: Plan, scripted: Checklist) -> None:
    scripts = render_scripts(nlb_plan, scripted, generated_at=GENERATED_AT)
    first, second = scripts["4-node-wfe1.foo.local.ps1"], scripts["4-node-wfe2.foo.local.ps1"]
    assert "$address = '10.0.0.11'" in first and "10.0.0.12" not in first
    assert "$address = '10.0.0.12'" in second and "10.0.0.11" not in second
    # Only wfe1 has a Drop folder in the plan; the template's condition holds per node.
    assert "$drop = '\\\\wfe1\\c$\\Inetpub\\mailroot\\Drop'" in first
    assert "$drop" not in second


def test_snippets_are_the_body_inside_their_own_block(nlb_plan: Plan, scripted: Checklist) -> None:
    text = render_scripts(nlb_plan, scripted, generated_at=GENERATED_AT)["1-dns-server.ps1"]
    # The exported script declares $DryRun itself; the stand-alone prelude would override the switch.
    assert "$DryRun = $false" not in text
    assert "& {\n$zone = 'foo.local'\n$name = 'mossmail'\n" in text
    assert text.count("param([switch]$DryRun)") == 1


def test_step_without_powershell_points_at_the_console(nlb_plan: Plan, scripted: Checklist) -> None:
    scripts = render_scripts(nlb_plan, scripted, generated_at=GENERATED_AT)
    exchange = scripts["3-exchange.ps1"]
    assert "# No PowerShell for this step with these versions; do it in the console:" in exchange
    assert "#   [Exchange 2007 and 2010]" in exchange
    assert (
        "#   Exchange Management Console > Organization Configuration > Hub Transport > Send Connectors"
        in exchange
    )
    assert "New-SendConnector" not in exchange
    node = scripts["4-node-wfe1.foo.local.ps1"]
    assert (
        "#   IIS 6.0 Manager > wfe1.foo.local > SMTP Virtual Server > Domains > New > Domain > Alias\n"
        in node
    )
    assert "#   Name: mossmail.foo.local\n" in node


def test_newer_exchange_gets_the_powershell_instead(
    scripted: Checklist, ps_parser: tree_sitter.Parser
) -> None:
    plan = _plan("nlb", "2016", "2016")
    exchange = render_scripts(plan, scripted, generated_at=GENERATED_AT)["3-exchange.ps1"]
    assert "New-SendConnector -Name 'SharePoint mossmail.foo.local'" in exchange
    assert "do it in the console" not in exchange


def test_only_powershell_goes_into_scripts(nlb_plan: Plan, scripted: Checklist) -> None:
    dns = render_scripts(nlb_plan, scripted, generated_at=GENERATED_AT)["1-dns-server.ps1"]
    assert "dnscmd" not in dns
    assert "Add-DnsServerResourceRecordA" in dns


def test_session_status_is_noted_per_step(nlb_plan: Plan, checklist: Checklist) -> None:
    scripts = render_scripts(nlb_plan, checklist, nlb_session(), generated_at=GENERATED_AT)
    node = scripts["4-node-wfe1.foo.local.ps1"]
    assert "# In the session: skipped" in node  # connection_control
    assert "# In the session: in progress" in node  # relay
    plain = render_scripts(nlb_plan, checklist, generated_at=GENERATED_AT)["4-node-wfe1.foo.local.ps1"]
    assert "In the session" not in plain
    assert "from a plan; nothing checked yet" in plain


def test_written_scripts_have_bom_and_crlf_and_still_parse(
    tmp_path: Path, nlb_plan: Plan, scripted: Checklist, ps_parser: tree_sitter.Parser
) -> None:
    folder = tmp_path / "out" / "scripts"
    written = write_export("ps1", nlb_plan, scripted, None, folder)
    assert sorted(path.name for path in written) == sorted(path.name for path in folder.iterdir())
    assert len(written) == 6
    for path in written:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), path.name
        assert b"\n" not in raw.replace(b"\r\n", b""), path.name
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
        assert syntax_problems(ps_parser, text) == [], path.name
    assert oct(written[0].stat().st_mode & 0o777) == "0o644"


def test_rewriting_scripts_replaces_them(tmp_path: Path, nlb_plan: Plan, scripted: Checklist) -> None:
    folder = tmp_path / "scripts"
    write_export("ps1", nlb_plan, scripted, None, folder)
    again = write_export("ps1", nlb_plan, scripted, nlb_session(), folder)
    assert len(list(folder.iterdir())) == len(again)
    assert "from session mossmail-change" in again[0].read_text(encoding="utf-8-sig")


def test_a_step_with_powershell_still_lists_its_click_path_and_other_scripts(
    nlb_plan: Plan, scripted: Checklist
) -> None:
    dns = render_scripts(nlb_plan, scripted, generated_at=GENERATED_AT)["1-dns-server.ps1"]
    after = dns.split("Add-DnsServerResourceRecordA", 1)[1]
    assert "# The same in the console, and what to do by hand where the PowerShell" in after
    assert "#   DNS Manager > Forward Lookup Zones > foo.local > New Host (A or AAAA)" in after
    assert "# The runbook also shows a cmd script for this step." in after
