"""The probe kit: every script parses for every version, plan values stay quoted, golden kits, read-only."""

from __future__ import annotations

import functools
import itertools
import os
import re
from pathlib import Path
from typing import Any

import pytest
import tree_sitter
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.runbook.conftest import GENERATED_AT, plan_data
from tests.runbook.pscheck import exposed_values, syntax_problems
from tests.runbook.test_hostile import PREFIXES, _set, hostile_text
from tests.unit.test_checklist_content import RUNS_ON
from wizard.checklist.platforms import compatible
from wizard.cli import run
from wizard.cli.shared import ExitCode
from wizard.errors import PlanError
from wizard.plan.model import PRODUCT_VERSIONS, WINDOWS_VERSIONS, Plan, parse_plan
from wizard.probekit.kit import render_kit

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
NLB_PLAN = str(Path(__file__).parent.parent / "data" / "nlb.toml")


def _plan(mode: str, **values: Any) -> Plan:
    data: dict[str, Any] = plan_data("nlb.toml" if mode == "nlb" else "single.toml") | {"schema": 1} | values
    if not compatible(data["sharepoint_version"], data.get("windows_version")):
        del data["windows_version"]  # the sample's Windows release does not run this SharePoint version
    return parse_plan(data)


@functools.lru_cache(maxsize=64)
def _problems(parser: tree_sitter.Parser, text: str, values: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Syntax problems and exposed values of one script; most version combinations give the same text."""
    return syntax_problems(parser, text), exposed_values(parser, text, values)


def _values(plan: Plan) -> tuple[str, ...]:
    return (
        plan.mail_host,
        *(node.name for node in plan.nodes),
        *(node.address for node in plan.nodes),
        *plan.exchange_servers,
        *plan.sharepoint_servers,
    )


@pytest.mark.parametrize("mode", ["single", "nlb"])
@pytest.mark.parametrize(
    ("sharepoint", "exchange"), list(itertools.product(PRODUCT_VERSIONS, PRODUCT_VERSIONS))
)
def test_every_kit_script_parses_for_every_version(
    mode: str, sharepoint: str, exchange: str, ps_parser: tree_sitter.Parser
) -> None:
    plan = _plan(mode, sharepoint_version=sharepoint, exchange_version=exchange)
    scripts = render_kit(plan, generated_at=GENERATED_AT)
    assert len(scripts) == len(plan.exchange_servers) + len(plan.nodes) + 1  # and one SharePoint server
    for name, text in scripts.items():
        assert _problems(ps_parser, text, _values(plan)) == ([], []), name


@pytest.mark.parametrize("windows", [w for w in WINDOWS_VERSIONS if w != "2025"])
def test_every_kit_script_parses_for_every_windows_version(
    windows: str, ps_parser: tree_sitter.Parser
) -> None:
    plan = _plan("nlb", windows_version=windows, sharepoint_version=RUNS_ON[windows], connection_control=True)
    for name, text in render_kit(plan, generated_at=GENERATED_AT).items():
        assert _problems(ps_parser, text, _values(plan)) == ([], []), name
    node_script = render_kit(plan, generated_at=GENERATED_AT)["probe-node-wfe1.foo.local.ps1"]
    # Nodes on 2025 are refused by the plan (no SMTP Server feature), so every kit here has its node checks.
    assert "has no SMTP Server feature" not in node_script


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(sorted(PREFIXES)), start=st.integers(0, 2), text=hostile_text)
def test_hostile_plan_values_stay_inside_their_quoting(
    field: str, start: int, text: str, ps_parser: tree_sitter.Parser
) -> None:
    prefixes = PREFIXES[field]
    value = prefixes[start % len(prefixes)] + text
    data = plan_data("nlb.toml") | {"schema": 1}
    _set(data, field, value)
    try:
        plan = parse_plan(data)
    except PlanError:
        event(f"{field}: refused")
        return
    event(f"{field}: accepted")
    scripts = render_kit(plan, generated_at=GENERATED_AT)
    # A value the scripts' own words already hold (a one-letter name is in "param") cannot be
    # told apart from them: only its syntax is checked then.
    base = "".join(
        render_kit(parse_plan(plan_data("nlb.toml") | {"schema": 1}), generated_at=GENERATED_AT).values()
    )
    own_words = value.strip().lower() in base.lower()
    # The first Exchange script and the first node script: the others come from the same templates.
    for name in ("probe-exchange-1.ps1", f"probe-node-{plan.nodes[0].name}.ps1", "probe-sharepoint.ps1"):
        assert syntax_problems(ps_parser, scripts[name]) == [], name
        if not own_words:
            assert exposed_values(ps_parser, scripts[name], [value.strip().lower(), value.strip()]) == [], (
                name
            )


def test_curly_quotes_in_a_value_are_doubled(ps_parser: tree_sitter.Parser) -> None:
    from wizard.runbook.filters import ps_quote

    # Plan validation refuses quotes, but the filter the kit uses must not rely on that.
    assert ps_quote("a\u2019b'c") == "'a\u2019\u2019b''c'"
    script = "$X = " + ps_quote("x\u2018; Stop-Computer; \u2019") + "\n"
    assert syntax_problems(ps_parser, script) == []
    assert exposed_values(ps_parser, script, ["Stop-Computer"]) == []


CHANGING = re.compile(
    r"(?<![\w.$-])(Set|New|Remove|Add|Clear|Stop|Start|Restart|Suspend|Resume|Rename|Move|Copy|Install|Uninstall|Enable|Disable|Register|Invoke)-[A-Za-z]+"
)


def _code_only(parser: tree_sitter.Parser, script: str) -> str:
    """The script without comments and single-quoted strings: what PowerShell would run."""
    from tests.runbook.pscheck import inert_spans

    data = bytearray(script.encode("utf-8"))
    spans, _ = inert_spans(parser, script)
    for low, high in spans:
        data[low:high] = b" " * (high - low)
    return data.decode("utf-8", "replace")


def test_kit_scripts_are_read_only(ps_parser: tree_sitter.Parser) -> None:
    plan = _plan("nlb", connection_control=True)
    for name, script in render_kit(plan, generated_at=GENERATED_AT).items():
        code = _code_only(ps_parser, script)
        commands = {m.group(0) for m in CHANGING.finditer(code)}
        # New-Object builds .NET objects in memory; New-Verdict and Add-Result/-Fact/-Verdict/-ReadError
        # are the script's own functions that only collect results.
        # Add-PSSnapin loads the SharePoint cmdlets into this session only (2010 and 2013).
        allowed = {
            "Add-PSSnapin",
            "New-Object",
            "New-Verdict",
            "New-TestMessage",
            "Add-Result",
            "Add-Fact",
            "Add-Verdict",
            "Add-ReadError",
            "Invoke-Conversation",
            "Invoke-SmtpCommand",
        }
        assert commands - allowed == set(), name
        # No WMI or ADSI write, and no service control (hints may name those commands in words).
        for needle in (".Put(", "SetInfo", ".Delete(", "Invoke-WmiMethod", ".StopService(", ".StartService("):
            assert needle not in code, (name, needle)


def test_only_the_exchange_script_can_send_and_only_with_send_test(ps_parser: tree_sitter.Parser) -> None:
    plan = _plan("nlb")
    for name, script in render_kit(plan, generated_at=GENERATED_AT).items():
        code = _code_only(ps_parser, script)
        sends = "$message.Text" in code
        assert sends == name.startswith("probe-exchange"), name
        if sends:
            # The one call that passes a message sits behind the -SendTest switch.
            body = code.split("function Test-LibraryDelivery", 1)[1]
            assert body.index("if (-not $SendTest)") < body.index("$message.Text")


@pytest.mark.parametrize(("name", "plan_file"), [("nlb", "nlb.toml"), ("single", "single.toml")])
def test_kit_matches_its_golden_files(name: str, plan_file: str) -> None:
    data = plan_data(plan_file) | {"schema": 1}
    scripts = render_kit(parse_plan(data), generated_at=GENERATED_AT)
    folder = GOLDEN / name
    if UPDATE:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.ps1"):
            old.unlink()
        for file_name, text in scripts.items():
            (folder / file_name).write_bytes(text.encode("utf-8"))
    assert sorted(p.name for p in folder.glob("*.ps1")) == sorted(scripts), "UPDATE_GOLDEN=1 and review"
    for file_name, text in scripts.items():
        assert text.encode("utf-8") == (folder / file_name).read_bytes(), (
            f"{file_name} differs; UPDATE_GOLDEN=1"
        )


def test_export_probe_writes_one_script_per_host(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "kit"
    assert run(["export", NLB_PLAN, "--format", "probe", "-o", str(out)]) == ExitCode.OK
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "probe-exchange-1.ps1",
        "probe-node-wfe1.foo.local.ps1",
        "probe-node-wfe2.foo.local.ps1",
        "probe-sharepoint.ps1",
    ]
    raw = (out / "probe-exchange-1.ps1").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert "Wrote 4 scripts" in capsys.readouterr().err


def test_export_probe_onto_a_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x")
    assert run(["export", NLB_PLAN, "--format", "probe", "-o", str(target)]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "is a file" in err and err.count("\n") == 1
    assert target.read_text() == "x"


def test_each_script_stops_on_another_host_and_writes_its_farm_and_origin() -> None:
    import json

    from wizard.probekit.fingerprint import fingerprint

    plan = _plan("nlb", sharepoint_servers=["sp1.foo.local"])
    scripts = render_kit(plan, generated_at=GENERATED_AT)

    def literal(text: str, variable: str) -> str:
        match = re.search(rf"^\${variable} = '((?:[^']|'')*)'$", text, re.M)
        assert match, variable
        return match.group(1).replace("''", "'")

    for name, text in scripts.items():
        assert json.loads(literal(text, "Farm")) == fingerprint(plan), name
        if name.startswith("probe-sharepoint"):
            # One script for any SharePoint server: it names the one it runs on, and import checks that.
            assert "$Origin = Get-ThisHostName" in text
            continue
        assert "('  \"farm\": ' + $Farm + ','" in text, name
        run_part = text.split("# The run.", 1)[1]
        first_read = min(
            run_part.index(call) for call in ("Test-Service", "Test-MailHostRecord") if call in run_part
        )
        if name.startswith("probe-node-"):
            node = name.removeprefix("probe-node-").removesuffix(".ps1")
            address = next(n.address for n in plan.nodes if n.name == node)
            assert literal(text, "Origin") == node
            assert (literal(text, "ThisNode"), literal(text, "ThisAddress")) == (node, address)
            check = run_part.index("Assert-ThisHost $ThisNode $ThisAddress")
        else:
            assert literal(text, "Origin") in plan.exchange_servers
            check = run_part.index("Assert-ThisHost '' $Origin")
        # The host is checked before anything is read or any conversation opened.
        assert check < first_read, name
    assert (
        "Stopped: this script was made for $what, but this host is $computer"
        in scripts["probe-node-wfe1.foo.local.ps1"]
    )
