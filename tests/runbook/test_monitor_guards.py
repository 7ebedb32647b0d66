"""The monitoring export watches relay and itself, loads in Nagios, and says when connection control refuses it."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.farm.fixtures import FarmFactory
from tests.runbook.conftest import PLANS
from tests.runbook.engines import PROMTOOL, blackbox, nagios_checks, run_check
from wizard.cli import run
from wizard.cli.shared import ExitCode
from wizard.farm import Farm
from wizard.plan.model import Plan, load_plan_file, parse_plan
from wizard.runbook.monitor import FILES, PROBES, job_name, monitoring_files

NAGIOS = shutil.which("nagios4") or shutil.which("nagios")
SAMPLES = Path("/etc/nagios4/objects")
"""Debian's sample object files (nagios4-common), whose generic-host the export names."""


def _export(plan_file: Path, folder: Path) -> dict[str, str]:
    assert run(["export", str(plan_file), "--format", "monitor", "-o", str(folder)]) == ExitCode.OK
    return {name: (folder / name).read_text(encoding="utf-8") for name in FILES}


def _relay_targets(files: dict[str, str]) -> list[tuple[str, str, str]]:
    """(module, target, host label) of every relay probe in the generated scrape file."""
    found = []
    for job in yaml.safe_load(files[FILES[1]])["scrape_configs"]:
        (module,) = job["params"]["module"]
        if module.endswith("_relay"):
            for group in job["static_configs"]:
                found += [(module, target, group["labels"]["spmail_host"]) for target in group["targets"]]
    return found


def test_the_relay_probe_passes_a_closed_node_and_fails_the_open_one(
    farm: FarmFactory, tmp_path: Path
) -> None:
    running: Farm = farm("open-relay", nodes=2)
    files = _export(running.write_plan(tmp_path / "farm.toml"), tmp_path / "monitor")
    config = tmp_path / FILES[0]
    config.write_text(files[FILES[0]], encoding="utf-8")
    first, last = (node.name for node in running.plan.nodes)
    with blackbox(config) as exporter:
        found = {
            host: exporter.probe(module, target)["probe_success"]
            for module, target, host in _relay_targets(files)
        }
    assert found == {first: 1.0, last: 0.0}
    for node in running.nodes:
        assert "DATA" not in node.commands()
    relay = {
        host: run_check(line) for host, service, line in nagios_checks(files[FILES[3]]) if "relay" in service
    }
    assert relay[f"spmail-{first}"][0] == 0, relay
    assert relay[f"spmail-{last}"][0] == 2, relay


def _expanded(template: str, labels: dict[str, str]) -> str:
    return re.sub(r"\{\{ \$labels\.(\w+) \}\}", lambda m: labels[m.group(1)], template)


def _expected(rules: dict[str, Any], alert: str, labels: dict[str, str]) -> dict[str, Any]:
    (rule,) = [r for r in rules["groups"][0]["rules"] if r["alert"] == alert]
    annotations = {key: _expanded(value, labels) for key, value in rule["annotations"].items()}
    return {"exp_labels": {**labels, **rule["labels"]}, "exp_annotations": annotations}


def test_promtool_fires_the_exporter_down_and_open_relay_alerts(nlb_plan: Plan, tmp_path: Path) -> None:
    if PROMTOOL is None:
        pytest.skip("promtool is not installed (tests/run_suite.sh fetches it): alert rules not evaluated")
    files = monitoring_files(nlb_plan)
    (tmp_path / FILES[2]).write_text(files[FILES[2]], encoding="utf-8")
    rules = yaml.safe_load(files[FILES[2]])
    farm = {"spmail_farm": nlb_plan.mail_host, "spmail_role": "node"}
    job = {probe.name: job_name(nlb_plan, probe) for probe in PROBES}
    wfe2 = {**farm, "instance": "10.0.0.12:25", "spmail_host": "wfe2.foo.local"}
    wfe1 = {**farm, "instance": "10.0.0.11:25", "spmail_host": "wfe1.foo.local"}
    series = [
        (f'up{{job="{job["banner"]}",instance="10.0.0.11:25"}}', "0x10"),
        ('up{job="someone-else",instance="10.0.0.9:9100"}', "0x10"),
        *[
            (
                "probe_success{"
                + ",".join(f'{k}="{v}"' for k, v in {**node, "job": job[probe]}.items())
                + "}",
                value,
            )
            for node, probe, value in (
                (wfe1, "banner", "1x10"),
                (wfe1, "relay", "1x10"),
                (wfe2, "banner", "1x10"),
                (wfe2, "relay", "0x10"),
            )
        ],
    ]
    test = {
        "rule_files": [FILES[2]],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": [{"series": s, "values": v} for s, v in series],
                "alert_rule_test": [
                    {
                        "eval_time": "10m",
                        "alertname": "SpmailMonitorExporterDown",
                        "exp_alerts": [
                            _expected(
                                rules,
                                "SpmailMonitorExporterDown",
                                {"job": job["banner"], "instance": "10.0.0.11:25"},
                            )
                        ],
                    },
                    {
                        "eval_time": "10m",
                        "alertname": "SpmailSmtpOpenRelay",
                        "exp_alerts": [
                            _expected(rules, "SpmailSmtpOpenRelay", {**wfe2, "job": job["relay"]})
                        ],
                    },
                    {"eval_time": "3m", "alertname": "SpmailMonitorExporterDown", "exp_alerts": []},
                ],
            }
        ],
    }
    (tmp_path / "test.yml").write_text(yaml.safe_dump(test), encoding="utf-8")
    done = subprocess.run(
        [PROMTOOL, "test", "rules", "test.yml"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("plan_file", ["nlb.toml", "single.toml"])
def test_nagios_loads_the_export_with_the_sample_templates_it_names(plan_file: str) -> None:
    if NAGIOS is None or not (SAMPLES / "templates.cfg").is_file():
        pytest.skip("nagios4 and its sample objects are not installed (Debian nagios4-core)")
    files = monitoring_files(load_plan_file(PLANS / plan_file))
    # Started as root, Nagios reads its files as the nagios user: a folder that user can enter.
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        folder.chmod(0o755)
        (folder / FILES[3]).write_text(files[FILES[3]], encoding="utf-8")
        samples = ("commands.cfg", "timeperiods.cfg", "templates.cfg", "contacts.cfg")
        main = [f"cfg_file={SAMPLES / sample}" for sample in samples] + [f"cfg_file={folder / FILES[3]}"]
        (folder / "nagios.cfg").write_text("\n".join(main) + "\n", encoding="utf-8")
        done = subprocess.run(
            [NAGIOS, "-v", str(folder / "nagios.cfg")], capture_output=True, text=True, timeout=60
        )
    assert done.returncode == 0 and "Total Errors:   0" in done.stdout, done.stdout[-2000:]


def test_connection_control_names_the_grant_the_monitoring_host_needs_in_every_file() -> None:
    data = load_plan_file(PLANS / "nlb.toml").to_data()
    closed = monitoring_files(parse_plan({**data, "connection_control": True}))
    opened = monitoring_files(parse_plan({**data, "connection_control": False}))
    for name in FILES:
        assert "CONNECTION CONTROL IS ON" in closed[name], name
        assert "Access > Connection on every node" in closed[name], name
        assert "CONNECTION CONTROL" not in opened[name], name
    # Still loadable: the note is made of comments only.
    assert yaml.safe_load(closed[FILES[0]])["modules"] == yaml.safe_load(opened[FILES[0]])["modules"]
