"""`export --format monitor`: the files load in the real engines, and catch a node without the alias."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.farm.fixtures import FarmFactory
from tests.runbook.conftest import PLANS
from tests.runbook.engines import BLACKBOX, PROMTOOL, blackbox, nagios_checks, run_check
from wizard.cli import run
from wizard.cli.shared import ExitCode
from wizard.farm import Farm
from wizard.plan.model import Plan, load_plan_file
from wizard.runbook.monitor import FILES, monitoring_files
from wizard.runbook.monitortext import (
    expand_literal,
    go_regex_literal,
    nagios_arg,
    nagios_value,
    promql_str,
    template_text,
    yaml_str,
)


def _export(plan_file: Path, folder: Path) -> dict[str, str]:
    assert run(["export", str(plan_file), "--format", "monitor", "-o", str(folder)]) == ExitCode.OK
    return {name: (folder / name).read_text(encoding="utf-8") for name in FILES}


def _scrape_jobs(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """(module, target, labels) of every scrape target, read from the generated Prometheus file."""
    config = yaml.safe_load(text)
    jobs = []
    for job in config["scrape_configs"]:
        (module,) = job["params"]["module"]
        for group in job["static_configs"]:
            jobs += [(module, target, group["labels"]) for target in group["targets"]]
    return jobs


def test_export_writes_the_four_files_and_refuses_a_file_as_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _export(PLANS / "nlb.toml", tmp_path / "monitor")
    assert capsys.readouterr().err == f"Wrote 4 monitoring files to {tmp_path / 'monitor'}\n"
    assert all(text.endswith("\n") for text in files.values())
    (tmp_path / "file").write_text("x")
    assert run(["export", str(PLANS / "nlb.toml"), "--format", "monitor", "-o", str(tmp_path / "file")]) == 2
    assert "is a file; monitor export writes its files into a folder" in capsys.readouterr().err
    assert (tmp_path / "file").read_text() == "x"


def test_every_node_and_the_vip_is_probed_three_ways_each_node_for_relay_and_never_with_data(
    nlb_plan: Plan,
) -> None:
    files = monitoring_files(nlb_plan)
    jobs = _scrape_jobs(files["spmail-prometheus.yml"])
    targets = {target for _, target, _ in jobs}
    assert targets == {"10.0.0.11:25", "10.0.0.12:25", "10.0.0.50:25"}
    assert len(jobs) == 11
    relay = sorted(target for module, target, _ in jobs if module.endswith("_relay"))
    assert relay == ["10.0.0.11:25", "10.0.0.12:25"]
    modules = yaml.safe_load(files["spmail-blackbox.yml"])["modules"]
    assert set(modules) == {module for module, _, _ in jobs}
    sent = [
        step["send"]
        for module in modules.values()
        for step in module["tcp"]["query_response"]
        if "send" in step
    ]
    assert "RCPT TO:<spmail-wizard-probe@mossmail.foo.local>\r" in sent
    assert "RCPT TO:<spmail-wizard-probe@example.com>\r" in sent
    assert not [line for line in sent if line.upper().startswith("DATA")]
    commands = [line for _, _, line in nagios_checks(files["spmail-nagios.cfg"])]
    assert len(commands) == 11
    assert not [c for c in commands if re.search(r"-C '?DATA", c)]
    rules = yaml.safe_load(files["spmail-alerts.yml"])["groups"][0]["rules"]
    assert [rule["alert"] for rule in rules] == [
        "SpmailSmtpNodeDown",
        "SpmailSmtpVipDown",
        "SpmailSmtpAliasRefused",
        "SpmailSmtpGreetingDiffers",
        "SpmailSmtpOpenRelay",
        "SpmailMonitorExporterDown",
    ]


def test_the_files_load_in_their_engines(nlb_plan: Plan, tmp_path: Path) -> None:
    assert BLACKBOX, "prometheus-blackbox-exporter is not installed (tests/run_suite.sh installs it)"
    for name, text in monitoring_files(nlb_plan).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    checked = subprocess.run(
        [BLACKBOX, "--config.check", f"--config.file={tmp_path / FILES[0]}"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr
    if PROMTOOL is None:
        pytest.skip("promtool is not installed (Debian package prometheus): config and rules not checked")
    for args in (["check", "config", str(tmp_path / FILES[1])], ["check", "rules", str(tmp_path / FILES[2])]):
        done = subprocess.run([PROMTOOL, *args], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr


def _probe_all(files: dict[str, str], folder: Path, only: str | None = None) -> dict[tuple[str, str], float]:
    """probe_success per (module, host label), through a real blackbox_exporter on loopback."""
    config = folder / FILES[0]
    config.write_text(files[FILES[0]], encoding="utf-8")
    found = {}
    with blackbox(config) as exporter:
        assert exporter.address == "127.0.0.1"
        for module, target, labels in _scrape_jobs(files[FILES[1]]):
            if only is None or labels["spmail_role"] == only:
                metrics = exporter.probe(module, target)
                found[module.rsplit("_", 1)[1], labels["spmail_host"]] = metrics["probe_success"]
    return found


def test_blackbox_proves_a_complete_farm_and_catches_a_node_without_the_alias(
    farm: FarmFactory, tmp_path: Path
) -> None:
    running: Farm = farm("complete", nodes=2)
    files = _export(running.write_plan(tmp_path / "farm.toml"), tmp_path / "monitor")
    names = [node.name for node in running.plan.nodes]
    hosts = [*names, running.plan.mail_host]
    assert _probe_all(files, tmp_path) == {
        **{(p, h): 1.0 for p in ("banner", "greeting", "alias") for h in hosts},
        **{("relay", h): 1.0 for h in names},
    }
    for node in running.nodes:
        assert "DATA" not in node.commands() and "RCPT" in node.commands() and "RSET" in node.commands()

    running.nodes[-1].setup.alias_domains = set()  # wfe2 loses its alias; its FQDN stays
    found = _probe_all(files, tmp_path, only="node")
    assert found[("alias", names[-1])] == 0.0
    assert found[("alias", names[0])] == 1.0
    assert found[("banner", names[-1])] == found[("greeting", names[-1])] == 1.0


def test_check_smtp_passes_a_complete_farm_and_is_critical_for_a_node_without_the_alias(
    farm: FarmFactory, tmp_path: Path
) -> None:
    running: Farm = farm("complete", nodes=2)
    files = _export(running.write_plan(tmp_path / "farm.toml"), tmp_path / "monitor")
    checks = nagios_checks(files["spmail-nagios.cfg"])
    assert len(checks) == 11
    for host, service, line in checks:
        code, output = run_check(line)
        assert code == 0, f"{host} {service}: {output}"

    running.nodes[-1].setup.alias_domains = set()
    last = f"spmail-{running.plan.nodes[-1].name}"
    codes = {service.split()[1]: run_check(line) for host, service, line in checks if host == last}
    assert codes["alias"][0] == 2, codes["alias"][1]
    assert "550" in codes["alias"][1]
    assert codes["banner"][0] == codes["greeting"][0] == 0


def test_check_smtp_says_critical_for_a_node_down_and_warning_for_another_greeting(
    farm: FarmFactory, tmp_path: Path
) -> None:
    for state, service, expected in (("node-down", "banner", 2), ("partial", "greeting", 1)):
        running: Farm = farm(state, nodes=2)
        files = _export(running.write_plan(tmp_path / f"{state}.toml"), tmp_path / state)
        last = f"spmail-{running.plan.nodes[-1].name}"
        (line,) = [
            line
            for host, name, line in nagios_checks(files["spmail-nagios.cfg"])
            if host == last and name.split()[1] == service
        ]
        assert run_check(line)[0] == expected, state


# Escaping: what the validators let through is safe anyway, and the escapers hold for anything.

hostile = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["$1", "${x}", "'; rm -rf /; '", "a;b", "a!b", "{{ $labels }}", '"\\', "\n- x: y", "RCPT\r\nDATA"]
)


@settings(max_examples=150, deadline=None)
@given(value=hostile)
def test_escapers_keep_any_value_literal(value: str) -> None:
    assert yaml.safe_load("key: " + yaml_str(value))["key"] == value
    assert re.fullmatch(go_regex_literal(value), value, flags=re.S)
    assert json.loads(promql_str(value)) == value
    assert expand_literal(value).replace("$$", "$") == value
    assert "{{" not in template_text(value).replace('{{ "{{" }}', "")
    assert len(nagios_value(value).splitlines()) <= 1
    assert ";" not in nagios_value(value).replace("\\;", "")
    # Nagios strips a directive's surrounding blanks, as the validators do with every plan value.
    if len(value.splitlines()) <= 1 and "\x00" not in value and value == value.strip():
        # A check_command argument, put inside '...' of a command line, reaches the plugin as it was.
        assert shlex.split(nagios_objects_line(nagios_arg(value))) == ["plugin", value]


def nagios_objects_line(argument: str) -> str:
    """The command line Nagios runs for ``plugin '$ARG1$'`` with this check_command argument."""
    checks = nagios_checks(
        "define command {\n    command_name c\n    command_line plugin '$ARG1$'\n}\n"
        "define host {\n    host_name h\n    address 127.0.0.1\n}\n"
        f"define service {{\n    host_name h\n    service_description s\n    check_command c!{argument}\n}}\n"
    )
    return checks[0][2]


def test_the_plan_values_in_the_files_are_the_plan_values(tmp_path: Path) -> None:
    plan = load_plan_file(PLANS / "nlb.toml")
    files: dict[str, Any] = monitoring_files(plan)
    labels = [labels for _, _, labels in _scrape_jobs(files["spmail-prometheus.yml"])]
    assert {label["spmail_host"] for label in labels} == {
        "wfe1.foo.local",
        "wfe2.foo.local",
        "mossmail.foo.local",
    }
    greeting = yaml.safe_load(files["spmail-blackbox.yml"])["modules"]["spmail_mossmail_foo_local_greeting"]
    pattern = greeting["tcp"]["query_response"][0]["expect"]
    assert re.match(pattern, "220 mossmail.foo.local Microsoft ESMTP MAIL Service ready")
    assert not re.match(pattern, "220 mossmailxfoo.local Microsoft ESMTP MAIL Service ready")
    assert not re.match(pattern, "220 wfe2.foo.local Microsoft ESMTP MAIL Service ready")


def test_the_front_ends_offer_the_monitoring_export(tmp_path: Path, nlb_plan: Plan) -> None:
    from wizard import jobs
    from wizard.checklist.loader import load_default

    assert "monitor" in dict(jobs.EXPORT_FORMATS)
    folder = tmp_path / jobs.default_export_path("farm", "monitor")
    written = jobs.export("monitor", nlb_plan, load_default(), None, folder)
    assert [path.name for path in written] == list(FILES)
    assert folder.name == "farm-monitor"


def test_single_mode_has_no_vip_to_watch(single_plan: Plan) -> None:
    files = monitoring_files(single_plan)
    assert {labels["spmail_role"] for _, _, labels in _scrape_jobs(files["spmail-prometheus.yml"])} == {
        "node"
    }
    rules = yaml.safe_load(files["spmail-alerts.yml"])["groups"][0]["rules"]
    assert "SpmailSmtpVipDown" not in [rule["alert"] for rule in rules]
    assert len(nagios_checks(files["spmail-nagios.cfg"])) == 4
    (node_down,) = [rule for rule in rules if rule["alert"] == "SpmailSmtpNodeDown"]
    assert "NLB" not in node_down["annotations"]["description"]
    assert (
        f"no mail for {single_plan.mail_host} reaches SharePoint" in node_down["annotations"]["description"]
    )
