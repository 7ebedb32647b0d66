"""The shipped checklist's content: step ids, versions, traps and scripts, as an operator reads them."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
import tree_sitter_powershell
from tree_sitter import Language, Parser
from tree_sitter import Node as SyntaxNode

from wizard.checklist.model import Checklist, Host, Step, StepKind
from wizard.checklist.platforms import compatible
from wizard.plan.model import MODES, PRODUCT_VERSIONS, WINDOWS_VERSIONS, Plan, parse_plan
from wizard.render import RenderedStep, render_step
from wizard.runbook.filters import ps_quote

CONTRACT_STEPS = (
    "mode",
    "dns",
    "nlb",
    "connector",
    "relay",
    "connection_control",
    "fqdn",
    "alias",
    "restart",
    "central_admin",
    "library_test",
    "outgoing",
)
NODE_STEPS = ("relay", "connection_control", "fqdn", "alias", "restart")
WINDOWS_OR_UNKNOWN: tuple[str | None, ...] = (None, *WINDOWS_VERSIONS)
IIS6_WINDOWS = ("2008", "2008r2", "2012", "2012r2", "2016", "2019", "2022")
MINROLE = ("2016", "2019", "se")

# Longest legal labels (63 characters), digits and hyphens where a label allows them.
LONG_LABEL = "m" + "0-9" * 20 + "xy"
HOSTILE_MAIL_HOST = f"{LONG_LABEL}.{'z' * 63}.{'y' * 63}.{'w' * 61}"
assert len(LONG_LABEL) == 63 and len(HOSTILE_MAIL_HOST) == 253


RUNS_ON = {
    "2003": "2007",
    "2008": "2010",
    "2008r2": "2010",
    "2012": "2013",
    "2012r2": "2013",
    "2016": "2016",
    "2019": "2019",
    "2022": "se",
    "2025": "se",
}
"""A SharePoint version that Microsoft supports on each Windows Server release."""


def make_plan(
    mode: str,
    sharepoint: str | None = None,
    exchange: str = "2010",
    windows: str | None = None,
    **overrides: Any,
) -> Plan:
    """A valid plan for one version combination; keys in ``overrides`` replace the defaults.

    Without a SharePoint version, one that runs on ``windows`` (2010 when that is unknown).
    """
    if sharepoint is None:
        sharepoint = RUNS_ON[windows] if windows and not compatible("2010", windows) else "2010"
    data: dict[str, Any] = {
        "schema": 1,
        "mode": mode,
        "mail_host": "mossmail.foo.local",
        "exchange_servers": ["10.0.0.20", "10.0.0.21"],
        "dns_servers": ["10.0.0.5"],
        "sharepoint_version": sharepoint,
        "exchange_version": exchange,
        "test_recipient": "docs@mossmail.foo.local",
    }
    if mode == "nlb":
        data["vip"] = "10.0.0.50"
        data["nodes"] = [
            {
                "name": "wfe1.foo.local",
                "address": "10.0.0.11",
                "drop_folder": r"\\wfe1\c$\Inetpub\mailroot\Drop",
            },
            {"name": "wfe2.foo.local", "address": "10.0.0.12"},
        ]
    else:
        data["nodes"] = [{"name": "wfe1.foo.local", "address": "10.0.0.11"}]
    if windows is not None:
        data["windows_version"] = windows
    if windows == "2025":
        # No node runs SMTP on 2025: such a farm takes mail through a Foreign connector (nodes kept, unused).
        data |= {"delivery": "foreign_connector", "drop_share": r"\\sp1\SPDrop"}
    data.update(overrides)
    return parse_plan(data)


def hostile_plan(mode: str, windows: str | None = None, **overrides: Any) -> Plan:
    """Valid but awkward values: the longest labels, IPv6, ports, odd but legal paths."""
    nodes = [
        {
            "name": f"{LONG_LABEL}.{'n' * 63}.example",
            "address": "10.0.0.11",
            "drop_folder": r"\\wfe-1\c$\Inetpub\mail root (old) #1 @x ~y +z\Drop",
        },
        {"name": f"{'q' * 63}.example", "address": "fd00::12"},
    ]
    sharepoint = "se" if mode == "nlb" else "2007"
    return make_plan(
        mode,
        sharepoint if compatible(sharepoint, windows) else RUNS_ON[windows or ""],
        "se" if mode == "nlb" else "2007",
        windows,
        mail_host=HOSTILE_MAIL_HOST,
        dns_zone=HOSTILE_MAIL_HOST.split(".", 1)[1],
        exchange_servers=["10.255.255.253", "10.255.255.254"],  # IIS lists hold IPv4 only
        dns_servers=["[fd00::53]:5353", "10.0.0.5:53"],
        smtp_port=65535,
        connection_control=True,
        test_recipient=f"lib.docs+test_1@{HOSTILE_MAIL_HOST}",
        outgoing_smtp_server="fd00::25",
        **({"vip": "fd00::50", "nodes": nodes} if mode == "nlb" else {"nodes": nodes[:1]}),
    )


def rendered_for_every_node(checklist: Checklist, plan: Plan) -> Iterator[RenderedStep]:
    """Every step of the plan's mode, node steps once per node."""
    for step in checklist.for_mode(plan.mode, plan.delivery):
        nodes = plan.nodes if step.host == Host.NODE else [None]
        for node in nodes:
            yield render_step(step, plan, node)


def reader_text(rendered: RenderedStep) -> str:
    """Everything an operator reads for a step, as one string."""
    parts = [rendered.why, rendered.before, rendered.verify, rendered.expected]
    parts += [rendered.on_failure, rendered.undo, *rendered.pitfalls]
    parts += [f"{gui.label}\n{gui.text}" for gui in rendered.gui]
    parts += [f"{script.label}\n{script.text}" for script in rendered.scripts]
    return "\n".join(parts)


def plain(text: str) -> str:
    """Text without Markdown emphasis and code marks, in lower case, for phrase checks."""
    return re.sub(r"[*`]", "", text).lower()


def render(checklist: Checklist, step_id: str, plan: Plan) -> RenderedStep:
    return render_step(checklist.step(step_id), plan)


@cache
def powershell_parser() -> Parser:
    return Parser(Language(tree_sitter_powershell.language()))


def syntax_defects(source: str) -> list[str]:
    """ERROR and MISSING nodes of a PowerShell script, each with the text around it."""
    tree = powershell_parser().parse(source.encode("utf-8"))
    defects: list[str] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            start = max(node.start_byte - 40, 0)
            defects.append(
                f"{node.type} at {node.start_point}: {source.encode()[start : node.end_byte + 40]!r}"
            )
        stack.extend(node.children)
    return defects


def single_quoted_spans(source: bytes) -> list[tuple[int, int]]:
    """Byte ranges of the single-quoted (verbatim) strings of a PowerShell script."""
    tree = powershell_parser().parse(source)
    spans: list[tuple[int, int]] = []
    stack: list[SyntaxNode] = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "verbatim_string_characters":
            spans.append((node.start_byte, node.end_byte))
        stack.extend(node.children)
    return spans


# --- ids, order, modes -------------------------------------------------------------------------


def test_contract_step_ids_in_contract_order(checklist: Checklist) -> None:
    ids = [step.id for step in checklist.steps]
    assert all(step_id in ids for step_id in CONTRACT_STEPS)
    assert sorted(CONTRACT_STEPS, key=ids.index) == list(CONTRACT_STEPS)


def test_nlb_step_only_in_nlb_mode_and_every_other_step_in_both(checklist: Checklist) -> None:
    for step in (checklist.step(step_id) for step_id in CONTRACT_STEPS):
        expected = ("nlb",) if step.id == "nlb" else ("single", "nlb")
        assert sorted(step.modes) == sorted(expected), step.id
    single = [s.id for s in checklist.for_mode("single")]
    assert "nlb" not in single and all(s in single for s in CONTRACT_STEPS if s != "nlb")
    assert all(s in [step.id for step in checklist.for_mode("nlb")] for s in CONTRACT_STEPS)


def test_kinds_and_hosts_say_where_each_step_is_done(checklist: Checklist) -> None:
    assert checklist.step("mode").kind == StepKind.INPUT
    assert checklist.step("outgoing").kind == StepKind.INFO
    for step_id in NODE_STEPS:
        assert checklist.step(step_id).host == Host.NODE
    assert checklist.step("dns").host == Host.DNS
    assert checklist.step("connector").host == Host.EXCHANGE
    assert checklist.step("central_admin").host == Host.CENTRAL_ADMIN


def test_no_placeholder_text_is_left(checklist: Checklist) -> None:
    for step in checklist.steps:
        for text in (step.why, step.verify, step.on_failure, step.undo, step.before, step.expected):
            assert "placeholder" not in text.lower(), step.id
        assert step.before and step.expected and step.pitfalls, step.id


# --- every combination renders -----------------------------------------------------------------


@pytest.mark.parametrize(("mode", "sharepoint"), list(itertools.product(MODES, PRODUCT_VERSIONS)))
def test_every_step_renders_for_every_version_combination(
    checklist: Checklist, mode: str, sharepoint: str
) -> None:
    for exchange, windows, control in itertools.product(PRODUCT_VERSIONS, WINDOWS_OR_UNKNOWN, (False, True)):
        if not compatible(sharepoint, windows):
            continue
        plan = make_plan(mode, sharepoint, exchange, windows, connection_control=control)
        for rendered in rendered_for_every_node(checklist, plan):
            step = rendered.step
            for field in ("why", "verify", "on_failure", "undo", "before", "expected"):
                assert getattr(rendered, field).strip(), (step.id, field, exchange, windows)
            assert rendered.gui or step.kind is StepKind.INPUT, (step.id, exchange, windows)
            for gui in rendered.gui:
                assert gui.label and gui.text.strip(), step.id
            for script in rendered.scripts:
                assert script.label and script.source and script.text.strip(), step.id
            assert "{{" not in reader_text(rendered) and "{%" not in reader_text(rendered), step.id


def test_unknown_windows_shows_every_variant_each_with_a_distinct_label(checklist: Checklist) -> None:
    for step_id in NODE_STEPS:
        rendered = render(checklist, step_id, make_plan("single"))
        labels = [gui.label for gui in rendered.gui]
        assert len(labels) == len(set(labels)), step_id
        joined = " | ".join(labels)
        assert "Windows Server 2003" in joined and "Windows Server 2008" in joined, step_id


# --- PowerShell scripts parse and keep plan values quoted --------------------------------------


@pytest.fixture(scope="module")
def powershell_scripts(checklist: Checklist) -> dict[str, str]:
    """Each distinct rendered PowerShell script over every combination, with where it came from."""
    found: dict[str, str] = {}
    plans = [
        make_plan(mode, sp, ex, win, connection_control=control)
        for mode, sp, ex, win, control in itertools.product(
            MODES, PRODUCT_VERSIONS, PRODUCT_VERSIONS, WINDOWS_OR_UNKNOWN, (False, True)
        )
        if compatible(sp, win)
    ]
    plans += [hostile_plan(mode, win) for mode in MODES for win in WINDOWS_OR_UNKNOWN]
    for plan in plans:
        for rendered in rendered_for_every_node(checklist, plan):
            for script in rendered.scripts:
                if script.shell == "powershell":
                    for text in (script.text, script.body):
                        found.setdefault(text, f"{rendered.step.id}: {script.label}")
    return found


def test_every_powershell_script_parses_without_error_or_missing_nodes(
    powershell_scripts: dict[str, str],
) -> None:
    scripts = powershell_scripts
    assert len(scripts) > 20
    problems = {where: syntax_defects(text) for text, where in scripts.items()}
    assert {where: found for where, found in problems.items() if found} == {}


def test_plan_values_stay_inside_single_quotes_in_powershell(checklist: Checklist) -> None:
    checked = 0
    for mode in MODES:
        for windows in WINDOWS_OR_UNKNOWN:
            plan = hostile_plan(mode, windows)
            values = {plan.mail_host, plan.zone, plan.record_name, plan.target_address, plan.nodes[0].name}
            values |= set(plan.exchange_servers) | {node.name for node in plan.nodes}
            for rendered in rendered_for_every_node(checklist, plan):
                for script in rendered.scripts:
                    if script.shell != "powershell":
                        continue
                    source = script.text.encode()
                    assert not syntax_defects(script.text), (rendered.step.id, script.label)
                    spans = single_quoted_spans(source)
                    for value in values:
                        for match in re.finditer(re.escape(value.encode()), source):
                            inside = any(lo <= match.start() and match.end() <= hi for lo, hi in spans)
                            assert inside, (rendered.step.id, script.label, value)
                            checked += 1
    assert checked > 100


def test_single_quotes_in_a_value_cannot_end_the_string() -> None:
    escape_attempt = "\u2019'; Remove-Item C:\\ -Recurse; '"
    source = f"$x = {ps_quote(escape_attempt)}\n"
    assert not syntax_defects(source)
    assert len(single_quoted_spans(source.encode())) == 1


def test_powershell_scripts_that_change_something_honour_dry_run(powershell_scripts: dict[str, str]) -> None:
    changing = re.compile(
        r"\b(?!New-Object\b)(New|Set|Add|Install|Restart|Remove)-[A-Za-z]+\b|\.(Put|SetInfo|Update)\(\)|\.Put\("
    )
    for text, where in powershell_scripts.items():
        if changing.search(text):
            assert re.search(r"if \(\$DryRun\)", text), where
            assert "Write-Host" in text, where


def test_scripts_are_offered_only_where_confirmed(
    checklist: Checklist, powershell_scripts: dict[str, str]
) -> None:
    for windows in ("2003", "2008"):
        rendered = render(checklist, "nlb", make_plan("nlb", windows=windows))
        assert not any("NlbCluster" in s.text for s in rendered.scripts), windows
    for step_id in NODE_STEPS:
        rendered = render(checklist, step_id, make_plan("single", windows="2025"))
        assert rendered.scripts == (), step_id
    relay = render(checklist, "relay", make_plan("single"))
    # The relay list is set through ADSI (an IIsIPSecurity object); its WMI byte layout is undocumented.
    setters = [s for s in relay.scripts if "RelayIpList" in s.text]
    assert setters and all("DirectoryEntry('IIS://localhost/SMTPSVC/1')" in s.text for s in setters)
    assert "Get-WmiObject" not in "".join(s.text for s in setters)
    for text, where in powershell_scripts.items():
        assert "-Force" not in text, where
    dns = render(checklist, "dns", make_plan("single"))
    assert any("2012" in s.label and "Add-DnsServerResourceRecordA" in s.text for s in dns.scripts)
    assert any(
        s.shell == "cmd" and "dnscmd 10.0.0.5 /recordadd foo.local mossmail A 10.0.0.11" in s.text
        for s in dns.scripts
    )
    se = render(checklist, "connector", make_plan("single", exchange="se"))
    # The current reference lists Exchange SE for every parameter used: no hedge in the script.
    assert "Exchange Server SE" in se.scripts[0].source and "Get-Help" not in se.scripts[0].text


# --- version-aware click paths -----------------------------------------------------------------


@pytest.mark.parametrize("step_id", NODE_STEPS)
def test_windows_2003_gets_iis_manager_and_later_versions_iis_6_manager(
    checklist: Checklist, step_id: str
) -> None:
    old = "\n".join(g.text for g in render(checklist, step_id, make_plan("single", windows="2003")).gui)
    assert "Internet Information Services (IIS) Manager" in old
    assert "6.0 Manager" not in old
    for windows in IIS6_WINDOWS:
        new = "\n".join(g.text for g in render(checklist, step_id, make_plan("single", windows=windows)).gui)
        assert "Internet Information Services (IIS) 6.0 Manager" in new, windows
        assert "Internet Information Services (IIS) Manager" not in new, windows


def test_sharepoint_2007_gets_operations_and_later_versions_system_settings(checklist: Checklist) -> None:
    for step_id in ("central_admin", "outgoing"):
        old = render(checklist, step_id, make_plan("single", "2007"))
        old_text = "\n".join(g.text for g in old.gui)
        assert "**Operations**" in old_text and "System Settings" not in old_text
        for sharepoint in PRODUCT_VERSIONS[1:]:
            new = render(checklist, step_id, make_plan("single", sharepoint))
            new_text = "\n".join(g.text for g in new.gui)
            assert "**System Settings**" in new_text and "Operations" not in new_text, sharepoint
    assert "Operations" in render(checklist, "central_admin", make_plan("single", "2007")).verify
    assert "System Settings" in render(checklist, "central_admin", make_plan("single", "2013")).verify


def test_exchange_2007_2010_get_the_console_and_later_versions_the_admin_center(checklist: Checklist) -> None:
    for exchange in PRODUCT_VERSIONS:
        rendered = render(checklist, "connector", make_plan("single", exchange=exchange))
        text = "\n".join(f"{g.label}\n{g.text}" for g in rendered.gui)
        if exchange in ("2007", "2010"):
            assert "Exchange Management Console" in text and "Hub Transport" in text, exchange
            assert "mail flow" not in text and "Hub Transport" in rendered.before, exchange
        else:
            assert "Exchange admin center" in text and "mail flow" in text, exchange
            assert "Hub Transport" not in text and "Mailbox" in rendered.before, exchange


def test_library_settings_path_follows_the_sharepoint_version(checklist: Checklist) -> None:
    old = "\n".join(g.text for g in render(checklist, "library_test", make_plan("single", "2007")).gui)
    new = "\n".join(g.text for g in render(checklist, "library_test", make_plan("single", "2019")).gui)
    assert "Document Library Settings" in old and "ribbon" not in old
    assert "Library Settings" in new and "ribbon" in new
    assert "`docs`" in old and "`docs`" in new


# --- the traps, each where it belongs ----------------------------------------------------------


def test_relay_warns_about_both_misleading_defaults(checklist: Checklist) -> None:
    text = plain(render(checklist, "relay", make_plan("single")).before)
    assert "only the list below" in text and "empty list" in text
    assert "allow all computers which successfully authenticate to relay" in text and "ticked" in text
    assert "all except the list below" in text and "everyone may relay" in text and "open relay" in text


def test_relay_check_names_an_accepted_recipient_an_open_relay(checklist: Checklist) -> None:
    rendered = render(checklist, "relay", make_plan("nlb"))
    assert "550 5.7.1" in rendered.expected
    assert "open relay" in plain(rendered.on_failure) and "250" in rendered.on_failure


def test_restart_explains_manual_start_type_and_upgrade_reset(checklist: Checklist) -> None:
    for windows in (None, *IIS6_WINDOWS):
        text = plain(reader_text(render(checklist, "restart", make_plan("single", windows=windows))))
        assert "manual" in text and "automatic" in text, windows
        assert "in-place upgrade" in text and "reset it to manual" in text, windows
    old = plain(render(checklist, "restart", make_plan("single", windows="2003")).why)
    assert "automatic by default" in old
    cmd = [
        s.text
        for s in render(checklist, "restart", make_plan("single", windows="2019")).scripts
        if s.shell == "cmd"
    ]
    assert cmd and "sc config SMTPSVC start= auto" in cmd[0]


def test_restart_after_alias_moves_queued_mail_to_drop(checklist: Checklist) -> None:
    for step_id in ("alias", "restart"):
        text = plain(reader_text(render(checklist, step_id, make_plan("nlb"))))
        assert "queue" in text and "drop" in text and "restart" in text, step_id
    alias = plain(render(checklist, "alias", make_plan("nlb")).before)
    assert "every node" in alias and "wfe1.foo.local, wfe2.foo.local" in alias


def test_alias_not_needed_when_the_mail_host_is_the_server_itself(checklist: Checklist) -> None:
    plan = make_plan("single", mail_host="wfe1.foo.local", test_recipient="docs@wfe1.foo.local")
    assert "no alias is needed" in plain(render(checklist, "alias", plan).why)
    assert "usually exists already" in plain(render(checklist, "dns", plan).before)
    assert "no alias is needed" not in plain(render(checklist, "alias", make_plan("single")).why)


def test_nlb_warns_about_affinity_single_default_rule_and_unicast(checklist: Checklist) -> None:
    rendered = render(checklist, "nlb", make_plan("nlb"))
    pitfalls = plain("\n".join(rendered.pitfalls))
    assert "affinity single" in pitfalls and "affinity none" in pitfalls and "one node" in pitfalls
    assert "0-65535" in pitfalls
    assert "unicast" in pitfalls
    assert "affinity single" in plain(rendered.on_failure)
    # Unicast or multicast is a warning for the operator, never something a script decides.
    assert rendered.scripts and not any("OperationMode" in s.text for s in rendered.scripts)
    port_rule = next(s for s in rendered.scripts if "Add-NlbClusterPortRule" in s.text)
    assert "-Affinity None" in port_rule.text and "-Protocol Tcp" in port_rule.text


def test_minrole_front_end_warning_only_for_2016_and_later(checklist: Checklist) -> None:
    for sharepoint in PRODUCT_VERSIONS:
        for step_id in ("mode", "central_admin"):
            text = plain(reader_text(render(checklist, step_id, make_plan("nlb", sharepoint))))
            assert ("front-end" in text) == (sharepoint in MINROLE), (step_id, sharepoint)


def test_drop_folder_permissions_are_spelled_out(checklist: Checklist) -> None:
    text = plain("\n".join(render(checklist, "central_admin", make_plan("single")).pitfalls))
    assert "wss_admin_wpg" in text and "full control" in text
    assert "wss_wpg" in text and "read" in text
    assert "timer service account modify" in text and "again and again" in text
    failure = plain(render(checklist, "library_test", make_plan("single")).on_failure)
    assert "imported again and again" in failure and "modify" in failure


def test_connection_control_warns_that_this_machine_will_be_refused(checklist: Checklist) -> None:
    for control in (False, True):
        rendered = render(checklist, "connection_control", make_plan("nlb", connection_control=control))
        before = plain(rendered.before)
        assert "probes from this machine will be refused" in before
        assert "before" in before and "temporarily" in before and "remove it afterwards" in before
        assert "Test-NetConnection mossmail.foo.local -Port 25" in rendered.before
        assert "2012 r2" in before
    off = render(checklist, "connection_control", make_plan("single", connection_control=False))
    assert "leaves it off" in plain(off.why) and "skipped" in plain(off.verify)
    assert "IPGrant = $wanted" not in off.scripts[0].text
    on = render(checklist, "connection_control", make_plan("single", connection_control=True))
    assert "IPGrant = $wanted" in on.scripts[0].text and "expected" in plain(on.verify)


def test_connector_warns_about_accepted_domain_and_iis_size_limit(checklist: Checklist) -> None:
    pitfalls = plain("\n".join(render(checklist, "connector", make_plan("single")).pitfalls))
    assert "authoritative accepted domain" in pitfalls and "mossmail.foo.local" in pitfalls
    assert "2 mb" in pitfalls and "size 2097152" in pitfalls
    library = plain(render(checklist, "library_test", make_plan("single")).before)
    assert "2 mb" in library


def test_dns_says_no_mx_is_needed_and_points_at_the_right_address(checklist: Checklist) -> None:
    nlb = render(checklist, "dns", make_plan("nlb"))
    assert "no mx record is needed" in plain(nlb.why)
    assert "10.0.0.50" in nlb.expected
    single = render(checklist, "dns", make_plan("single"))
    assert "10.0.0.11" in single.expected and "10.0.0.50" not in single.expected


def test_windows_2025_is_told_there_is_no_smtp_service(checklist: Checklist) -> None:
    text = plain(reader_text(render(checklist, "mode", make_plan("single", windows="2025"))))
    assert "windows server 2025 has no smtp server feature" in text
    assert "has no smtp server feature" not in plain(
        render(checklist, "mode", make_plan("single", windows="2022")).before
    )


def test_fqdn_leaves_masquerade_and_smart_host_alone(checklist: Checklist) -> None:
    rendered = render(checklist, "fqdn", make_plan("nlb", windows="2016"))
    assert "leave masquerade domain and smart host as they are" in plain(rendered.why)
    wmi = next(s for s in rendered.scripts if s.shell == "powershell")
    assert "$setting.FullyQualifiedDomainName = $mailHost" in wmi.text
    assert "MasqueradeDomain =" not in wmi.text and "SmartHost =" not in wmi.text


def test_unconfirmed_facts_are_worded_as_such(checklist: Checklist) -> None:
    ca = render(checklist, "central_admin", make_plan("single", "2007"))
    assert "may differ by version" in ca.gui[0].label
    dns_labels = [g.label for g in render(checklist, "dns", make_plan("single")).gui]
    assert any("2003" in label and "may differ by version" in label for label in dns_labels)
    sp2007 = render(checklist, "central_admin", make_plan("single", "2007")).scripts
    assert (
        len(sp2007) == 1
        and "no documented command" in sp2007[0].label
        and "prefer the GUI" in sp2007[0].label
    )


def test_every_step_names_its_check_types(checklist: Checklist) -> None:
    expected = {
        "dns": "dns-a-record",
        "nlb": "nlb-distribution",
        "connector": "connector-send-test",
        "relay": "relay-refused",
        "connection_control": "connection-control",
        "fqdn": "fqdn-greeting",
        "alias": "alias-accepted",
        "library_test": "library-delivery",
        "outgoing": "outgoing-smtp",
    }
    steps: dict[str, Step] = {step.id: step for step in checklist.steps}
    for step_id, check in expected.items():
        assert check in steps[step_id].checks, step_id


def test_no_variable_is_followed_by_a_colon_powershell_would_read_as_a_drive(
    powershell_scripts: dict[str, str],
) -> None:
    # "$zone: x" inside double quotes is a parse error in PowerShell; tree-sitter accepts it.
    drive_like = re.compile(r"\$(?!env:)[A-Za-z_]\w*:(?![A-Za-z_:])")
    for text, where in powershell_scripts.items():
        code = re.sub(r"(?m)(^|\s)#.*$", "", text)
        assert not drive_like.search(code), where
