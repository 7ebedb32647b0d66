"""The second guidance audit's findings: harmful defects, wrong statements, settled hedges and missing traps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.unit.test_checklist_content import make_plan, plain, reader_text, render
from wizard.checklist.model import Checklist
from wizard.probekit.kit import render_kit

WHEN = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
IIS_WINDOWS = ("2003", "2008", "2008r2", "2012", "2012r2", "2016", "2019", "2022")


def _all_text(checklist: Checklist, plan_mode: str = "nlb", **plan: object) -> str:
    made = make_plan(plan_mode, **plan)  # type: ignore[arg-type]
    return "\n".join(reader_text(render(checklist, step.id, made)) for step in checklist.for_mode(plan_mode))


# Harmful: the relay step must not cut off SharePoint's outgoing mail ---------------------------


@pytest.mark.parametrize("windows", IIS_WINDOWS)
def test_relay_script_adds_exchange_to_the_list_and_removes_nothing(
    checklist: Checklist, windows: str
) -> None:
    rendered = render(checklist, "relay", make_plan("single", windows=windows))
    (script,) = [s for s in rendered.scripts if "RelayIpList" in s.text]
    assert script.shell == "powershell" and not script.prerequisite
    assert "$merged = @($current) + @($missing" in script.text
    assert "Also allowed to relay, kept" in script.text and "$manualSteps.Add" in script.text
    assert "if ($DryRun)" in script.text


def test_connection_control_script_keeps_the_grants_already_there(checklist: Checklist) -> None:
    rendered = render(checklist, "connection_control", make_plan("single", connection_control=True))
    text = "\n".join(s.text for s in rendered.scripts)
    assert "$wanted = @($current) + @($missing" in text and "Also allowed to connect, kept" in text


def test_relay_text_keeps_the_farm_servers_that_send_outgoing_mail_through_a_node(
    checklist: Checklist,
) -> None:
    plan = make_plan("nlb", outgoing_smtp_server="wfe1.foo.local")
    relay = plain(reader_text(render(checklist, "relay", plan)))
    assert "keep only the exchange addresses" not in relay
    assert "sharepoint sends its outgoing mail through the node wfe1.foo.local" in relay
    assert "keep the sharepoint servers" in relay
    outgoing = plain(render(checklist, "outgoing", plan).why)
    assert "does not use the iis smtp service" not in outgoing
    assert "the node's iis smtp relays it" in outgoing and "through the node wfe1.foo.local" in outgoing


# Wrong statements -------------------------------------------------------------------------------


def test_sharepoint_2010_script_demands_the_2_0_engine_and_later_versions_do_not(
    checklist: Checklist,
) -> None:
    sp2010 = render(checklist, "central_admin", make_plan("single", "2010")).scripts[0]
    assert "$PSVersionTable.CLRVersion.Major -ge 4" in sp2010.text and "-Version 2" in sp2010.text
    sp2013 = render(checklist, "central_admin", make_plan("single", "2013")).scripts[0]
    assert "CLRVersion" not in sp2013.text


def test_node_kit_passes_a_single_server_whose_mail_host_is_its_own_name() -> None:
    plan = make_plan("single", mail_host="wfe1.foo.local", test_recipient="docs@wfe1.foo.local")
    script = render_kit(plan, generated_at=WHEN)["probe-node-wfe1.foo.local.ps1"]
    assert "} elseif ($MailHost -eq $ThisNode) {" in script
    own = script.index("} elseif ($MailHost -eq $ThisNode) {")
    assert "'pass'" in script[own : own + 400]


def test_node_kit_never_says_1_bytes_and_reads_relay_for_auth_as_a_tick() -> None:
    script = render_kit(make_plan("single"), generated_at=WHEN)["probe-node-wfe1.foo.local.ps1"]
    assert "$size = @($Setting.RelayIpList).Count" not in script and " bytes" not in script
    assert "if ([int]$Setting.RelayForAuth -ne 0) { $forAuth = 'ticked' }" in script


@pytest.mark.parametrize("windows", ["2003", "2008"])
def test_node_kit_says_powershell_2_is_missing_on_2003_and_2008(windows: str) -> None:
    script = render_kit(make_plan("single", windows=windows), generated_at=WHEN)[
        "probe-node-wfe1.foo.local.ps1"
    ]
    assert "has no Windows PowerShell 2.0 by default" in script


def test_windows_2025_residue_is_gone(checklist: Checklist) -> None:
    plan = make_plan("single", windows="2025")
    assert "Every node needs the **SMTP Server** feature" not in render(checklist, "mode", plan).before
    assert "install it first" not in render(checklist, "relay", plan).before
    assert (
        "the SMTP service on that server writes there" not in render(checklist, "central_admin", plan).before
    )
    restart = reader_text(render(checklist, "restart", plan))
    assert "sc qc SMTPSVC" not in restart and "IISADMIN" not in restart
    assert "sc qc SMTPSVC" in reader_text(render(checklist, "restart", make_plan("single", windows="2022")))


def test_unknown_alias_files_stay_in_drop(checklist: Checklist) -> None:
    text = plain(render(checklist, "library_test", make_plan("single")).on_failure)
    assert "disappears but no item: unknown library alias" not in text
    assert "stays in drop and no item appears: unknown library alias" in text


def test_the_send_connector_script_has_no_hedge_for_exchange_se(checklist: Checklist) -> None:
    script = render(checklist, "connector", make_plan("single", exchange="se")).scripts[0]
    assert "Get-Help New-SendConnector" not in script.text and "Exchange SE" in script.label


# Settled hedges and missing traps ---------------------------------------------------------------


def test_an_authoritative_accepted_domain_is_stated_not_hedged(checklist: Checklist) -> None:
    text = plain("\n".join(render(checklist, "connector", make_plan("single")).pitfalls))
    assert "probably treat the domain" not in text and "not confirmed" not in text
    assert "authoritative" in text and "internalrelay" in text and "accepteddomaintype" in text


def test_nlb_operation_modes_are_stated_with_their_source(checklist: Checklist) -> None:
    text = plain(reader_text(render(checklist, "nlb", make_plan("nlb", windows="2016"))))
    assert "not confirmed for every version" not in text
    assert "static mac address table entry" in text and "igmp snooping" in text and "kb 4494444" in text


def test_the_2mb_limit_is_what_iis_shows_as_installed(checklist: Checklist) -> None:
    text = _all_text(checklist)
    assert (
        "2 MB by default" not in text and "2 MB default" not in text and "(the IIS SMTP default)" not in text
    )
    assert "as installed" in text


def test_tls_anonymous_access_and_exchange_dns_servers_are_named(checklist: Checklist) -> None:
    connector = plain(reader_text(render(checklist, "connector", make_plan("single"))))
    assert "requiretls" in connector and "certificate" in connector
    assert "internaldnsservers" in connector
    relay = plain(reader_text(render(checklist, "relay", make_plan("single"))))
    assert "anonymous access must stay on" in relay


def test_hop_limit_too_low_is_raised_to_30_beside_the_loop_trap(checklist: Checklist) -> None:
    pitfalls = plain("\n".join(render(checklist, "alias", make_plan("nlb")).pitfalls))
    assert "do not raise the hop count to cure this" not in pitfalls
    assert "raise it to 30" in pitfalls and "#2423" in pitfalls and "mail loop" in pitfalls


@pytest.mark.parametrize(
    ("windows", "date"),
    [
        ("2003", "2015-07-14"),
        ("2008r2", "2020-01-14"),
        ("2012r2", "2023-10-10"),
        ("2016", "2027-01-12"),
        ("2022", "2031-10-14"),
    ],
)
def test_each_node_release_gets_its_end_of_support_date(
    checklist: Checklist, windows: str, date: str
) -> None:
    before = render(checklist, "mode", make_plan("single", windows=windows)).before
    assert f"end of extended support {date}" in before and "Lifecycle" in before


def test_the_relay_script_needs_no_vbscript(checklist: Checklist) -> None:
    for windows in IIS_WINDOWS:
        rendered = render(checklist, "relay", make_plan("single", windows=windows))
        assert not [s for s in rendered.scripts if s.shell == "vbscript"], windows


def test_the_fqdn_step_says_the_distribution_check_can_then_only_warn(checklist: Checklist) -> None:
    pitfalls = plain("\n".join(render(checklist, "fqdn", make_plan("nlb")).pitfalls))
    assert "nodes answer alike" in pitfalls and "warning" in pitfalls and "smtp logs" in pitfalls
    assert "answer alike" not in plain("\n".join(render(checklist, "fqdn", make_plan("single")).pitfalls))


def test_windows_2025_lists_the_routes_with_their_tradeoffs_and_sources(checklist: Checklist) -> None:
    before = plain(render(checklist, "mode", make_plan("single", windows="2025")).before)
    assert "exchange foreign connector writing into a shared drop folder" in before
    assert "relay hosts outside the farm" in before and "2031-10-14" in before
    assert "non-microsoft smtp server" in before and before.count("(source: microsoft learn") == 2
    assert "iis smtp service on the sharepoint servers" not in before
