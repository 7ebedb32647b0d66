"""`rehearse --serve` as a process, in every state, checked by `check --json` as a process.

Every state's farm runs at once, side by side (each on its own 127.a.b.0/24),
so the module also proves that farms do not meet; all are stopped by SIGTERM
at the end, and every address they held can be bound again.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.rehearse.helpers import taken
from wizard.checklist.loader import load_default
from wizard.checks import run_checks
from wizard.farm.states import STATES
from wizard.plan.model import Plan, load_plan_file
from wizard.results import Status

ROOT = Path(__file__).parent.parent.parent
MAIL_HOST = "mossmail.foo.local"
NODES = ("wfe1.foo.local", "wfe2.foo.local")
Report = dict[str, Any]


@dataclass
class Served:
    """One `rehearse --serve` process and what it printed up to its plan."""

    state: str
    process: subprocess.Popen[str]
    plan_file: Path
    lines: list[str]

    @property
    def plan(self) -> Plan:
        return load_plan_file(self.plan_file)


def wizard(*args: str) -> list[str]:
    return [sys.executable, "-m", "wizard", *args]


def start_serving(state: str, folder: Path) -> Served:
    plan_file = folder / f"{state}.toml"
    process = subprocess.Popen(
        wizard("rehearse", "--serve", "--state", state, "--plan-out", str(plan_file)),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return Served(state, process, plan_file, [])


def wait_until_served(served: Served) -> None:
    """Read its output up to the line saying it is ready (the plan is written before it)."""
    assert served.process.stdout is not None
    for line in served.process.stdout:
        served.lines.append(line.rstrip("\n"))
        if line.startswith("Ctrl+C stops the farm."):
            return
    raise AssertionError(f"{served.state}: the farm ended before serving: {served.lines}")


@pytest.fixture(scope="module")
def farms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Served]]:
    folder = tmp_path_factory.mktemp("served")
    started = {state: start_serving(state, folder) for state in STATES}
    try:
        for served in started.values():
            wait_until_served(served)
        yield started
    finally:
        for served in started.values():
            if served.process.poll() is None:
                served.process.send_signal(signal.SIGTERM)
        for served in started.values():
            served.process.wait(30)


def check_json(served: Served, *args: str) -> tuple[int, Report]:
    done = subprocess.run(
        # A generous timeout: nine farms and their checks share a busy machine here.
        wizard("check", "--json", str(served.plan_file), "--timeout", "5", *args),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode in (0, 1), done.stderr
    report: Report = json.loads(done.stdout)
    return done.returncode, report


def status(report: Report, step: str, target: str) -> str:
    # The step's main check: the mode step also notes STARTTLS (smtp-starttls) for each target.
    found = [
        r
        for r in report["results"]
        if r["step"] == step and r["target"] == target and r["check"] != "smtp-starttls"
    ]
    assert len(found) == 1, (step, target, [(r["step"], r["target"]) for r in report["results"]])
    return str(found[0]["status"])


def summary(report: Report, step: str, target: str) -> str:
    return str(next(r["summary"] for r in report["results"] if r["step"] == step and r["target"] == target))


def dns_target(served: Served) -> str:
    return f"dns:{served.plan.dns_servers[0]}"


def test_plan_needs_no_environment_and_farms_do_not_meet(farms: dict[str, Served]) -> None:
    # Farms meet only where they share an address and a port: two of 16 random 127.a.b ranges
    # coincide about once in 500 runs, and their ports then keep them apart.
    places = set()
    for served in farms.values():
        plan = served.plan
        places.add((plan.exchange_servers[0].rsplit(".", 1)[0], plan.smtp_port))
        assert plan.exchange_port == plan.smtp_port and plan.smtp_port >= 1024  # no root needed
        assert all(node.drop_folder and node.drop_folder.startswith("/") for node in plan.nodes)
        assert all(
            line.startswith(("practice farm", "  ", "plan written", "try:", "Ctrl+C"))
            for line in served.lines
        )
    assert len(places) == len(farms), "every farm has an address range and port of its own"


def test_complete_passes_everything_and_files_a_message_that_is_picked_up(farms: dict[str, Served]) -> None:
    code, report = check_json(farms["complete"], "--send-test")
    assert code == 0
    assert report["summary"]["fail"] == report["summary"]["error"] == report["summary"]["warn"] == 0
    for step in ("library_test", "connector"):
        assert status(report, step, MAIL_HOST) == "pass"
        assert "arrived on wfe" in summary(report, step, MAIL_HOST)
        assert "picked up" in summary(report, step, MAIL_HOST)
    assert "through Exchange" in summary(report, "connector", MAIL_HOST)


def test_fresh_has_nothing_configured(farms: dict[str, Served]) -> None:
    served = farms["fresh"]
    code, report = check_json(served, "--step", "mode", "--step", "dns", "--step", "alias", "--step", "nlb")
    assert code == 1
    assert status(report, "dns", dns_target(served)) == "fail"
    assert "NXDOMAIN" in summary(report, "dns", dns_target(served))
    assert [status(report, "alias", node) for node in NODES] == ["fail", "fail"]
    assert status(report, "mode", MAIL_HOST) == "fail"  # no NLB cluster yet
    assert status(report, "nlb", MAIL_HOST) == "fail"


def test_partial_names_the_last_node(farms: dict[str, Served]) -> None:
    code, report = check_json(farms["partial"], "--step", "alias", "--step", "fqdn")
    assert code == 1
    assert [status(report, "alias", node) for node in NODES] == ["pass", "fail"]
    assert status(report, "fqdn", NODES[0]) == "pass"
    assert status(report, "fqdn", NODES[1]) in ("warn", "fail")
    assert "greets as wfe2.foo.local" in summary(report, "fqdn", NODES[1])


def test_open_relay_is_a_failure_on_that_node(farms: dict[str, Served]) -> None:
    code, report = check_json(farms["open-relay"], "--step", "relay")
    assert code == 1
    assert [status(report, "relay", node) for node in NODES] == ["pass", "fail"]
    assert "open relay" in summary(report, "relay", NODES[1])


def test_node_down_is_named(farms: dict[str, Served]) -> None:
    code, report = check_json(farms["node-down"], "--step", "mode", "--step", "nlb", "--step", "restart")
    assert code == 1
    assert [status(report, "mode", node) for node in NODES] == ["pass", "fail"]
    assert status(report, "restart", NODES[1]) == "fail"
    assert status(report, "nlb", MAIL_HOST) == "fail"


def test_wrong_dns_points_where_nothing_listens(farms: dict[str, Served]) -> None:
    served = farms["wrong-dns"]
    code, report = check_json(served, "--step", "dns", "--step", "mode")
    assert code == 1
    assert status(report, "dns", dns_target(served)) == "fail"
    assert "not the VIP" in summary(report, "dns", dns_target(served))
    assert status(report, "mode", MAIL_HOST) == "pass"  # the VIP itself answers; only the record is wrong


def test_connection_control_turns_this_machine_away_as_planned(farms: dict[str, Served]) -> None:
    code, report = check_json(farms["conn-control"])
    assert code == 0, report["summary"]
    # Turned away as planned, which a stopped service would do too: a warning, not proof.
    assert [status(report, "connection_control", node) for node in NODES] == ["warn", "warn"]
    assert "connection control" in summary(report, "connection_control", NODES[0])


def test_silent_nodes_never_greet(farms: dict[str, Served]) -> None:
    code, report = check_json(farms["silent"], "--step", "mode", "--timeout", "1")
    assert code == 1
    assert [status(report, "mode", node) for node in NODES] == ["fail", "fail"]
    assert "no complete greeting" in summary(report, "mode", NODES[0])


def test_timer_stopped_leaves_the_message_in_drop(farms: dict[str, Served]) -> None:
    served = farms["timer-stopped"]
    code, report = check_json(served)
    assert code == 0, "without a test message nothing shows the stopped job"
    # `check` follows a message for two minutes; the same checks with a short limit show the verdict.
    steps = [step for step in load_default().for_mode("nlb") if step.id == "library_test"]
    results = asyncio.run(run_checks(served.plan, steps, timeout=2, send_test=True, pickup_limit=1.0))
    assert results[0].status == Status.FAIL
    assert "still in the Drop folder" in results[0].summary
    left = [path for node in served.plan.nodes for path in Path(str(node.drop_folder)).glob("*.eml")]
    assert len(left) == 1 and left[0].read_bytes().startswith(b"x-sender: spmail-wizard@foo.local\r\n")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl+C"])
def test_a_stop_signal_stops_cleanly_and_frees_every_address(stop: signal.Signals, tmp_path: Path) -> None:
    served = start_serving("complete", tmp_path)
    try:
        wait_until_served(served)
        plan = served.plan
        assert taken(plan), "while serving, the addresses are held"
        served.process.send_signal(stop)
        out, _ = served.process.communicate(timeout=30)
    finally:
        if served.process.poll() is None:
            served.process.kill()  # a farm deaf to the signal must not outlive the test
            served.process.wait(10)
    assert served.process.returncode == 0
    assert out.strip().endswith("practice farm stopped")
    assert taken(plan) == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--serve"], "--serve needs --plan-out FILE"),
        (["--serve", "--plan-out", "x.toml", "--nodes", "40"], "--nodes takes 1 to 32"),
        (
            ["--serve", "--plan-out", "x.toml", "--mode", "single", "--nodes", "3"],
            "single mode has exactly one node",
        ),
        (["--serve", "--plan-out", "x.toml", "--state", "broken"], "--state 'broken' is not one of: fresh"),
        (["--nodes", "2"], "needs a terminal"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(args: list[str], words: str, tmp_path: Path) -> None:
    done = subprocess.run(
        wizard("rehearse", *args),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and words in done.stderr, done.stderr
    assert not (tmp_path / "x.toml").exists()
