"""`spmail-wizard check` as the contract fixes it: exit codes, JSON, report, sessions."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tests.farm.fixtures import FarmFactory
from wizard import store
from wizard.cli import run
from wizard.cli.report import Progress
from wizard.results import CheckResult, Status
from wizard.session import Session


def test_good_farm_exits_0_with_a_readable_report(
    farm: FarmFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = farm("good", nodes=2).write_plan(tmp_path / "plan.toml")
    code = run(["check", str(plan), "--timeout", "2"])
    out, err = capsys.readouterr()
    assert code == 0, out
    assert "alias: Add the mail host as an Alias domain" in out
    assert "\033[" not in out  # not a terminal: no colour
    last_two = out.rstrip().splitlines()[-2:]
    shown = [line for line in out.splitlines() if re.match(r"  (PASS|WARN|FAIL|SKIP|ERROR) ", line)]
    assert last_two[0].startswith(f"{len(shown)} checks in") and len(shown) > 10
    # Without --send-test the connector and the library are not proven, nor Central Administration's
    # settings, which only a SharePoint server of the plan can report; the report says so last.
    assert last_two[1].startswith("Not proven live: 2 checks could not be run from here")
    assert last_two[1].endswith("steps without live proof: connector, central_admin, library_test")


def test_failures_exit_1_with_the_hint_under_them(
    farm: FarmFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = farm("open-relay", nodes=2).write_plan(tmp_path / "plan.toml")
    assert run(["check", str(plan), "--step", "relay", "--timeout", "2"]) == 1
    lines = capsys.readouterr().out.splitlines()
    failing = next(i for i, line in enumerate(lines) if line.strip().startswith("FAIL"))
    assert "open relay" in lines[failing]
    assert lines[failing + 1].strip().startswith("-> Access > Relay")


def test_json_is_exactly_the_contract_object(
    farm: FarmFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = farm("misconfigured-node", nodes=2).write_plan(tmp_path / "plan.toml")
    code = run(["check", str(plan), "--json", "--step", "alias", "--step", "fqdn", "--timeout", "2"])
    out, _err = capsys.readouterr()
    report = json.loads(out)
    assert code == 1
    assert set(report) == {
        "schema",
        "plan",
        "farm",
        "started_at",
        "duration_ms",
        "summary",
        "results",
        "proof",
    }
    assert report["proof"] == {
        "unchecked": 0,
        "unproven_steps": ["fqdn", "alias"],
        "steps": {"fqdn": "partly_proven", "alias": "failing"},
    }
    assert report["schema"] == 1
    assert report["plan"] == {"mode": "nlb", "mail_host": "mossmail.foo.local"}
    assert report["summary"] == {"pass": 3, "warn": 1, "fail": 1, "skip": 0, "error": 0}
    assert [r["step"] for r in report["results"]] == ["fqdn", "fqdn", "alias", "alias", "alias"]
    for entry in report["results"]:
        assert "origin" not in entry  # checked from this machine
        assert set(entry) == {
            "observed_at",
            "step",
            "check",
            "target",
            "status",
            "summary",
            "hint",
            "duration_ms",
            "transcript",
        }
    failed = [r for r in report["results"] if r["status"] == "fail"]
    assert {r["target"] for r in failed} == {"wfe2.foo.local"}


@pytest.mark.parametrize("step", ["bogus", "nlb"])
def test_unknown_step_or_other_mode_is_exit_2_naming_valid_ids(
    farm: FarmFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str], step: str
) -> None:
    plan = farm("single").write_plan(tmp_path / "plan.toml")
    assert run(["check", str(plan), "--step", step]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert f"no step {step!r} in single mode" in err and "mode, dns, connector" in err


def _session_for(plan_data: dict[str, object]) -> Session:
    data = {k: v for k, v in plan_data.items() if k != "schema"}
    session = Session(name="farm-a", plan_data=data)
    store.save(session)
    return session


def test_session_gets_each_steps_results(farm: FarmFactory, capsys: pytest.CaptureFixture[str]) -> None:
    running = farm("misconfigured-node", nodes=2)
    _session_for(running.plan_data)
    assert run(["check", "--session", "farm-a", "--step", "alias", "--step", "dns", "--timeout", "2"]) == 1
    saved = store.load("farm-a")
    alias = saved.progress_for("alias").results
    assert [r.target for r in alias] == ["wfe1.foo.local", "wfe2.foo.local", "mossmail.foo.local"]
    assert saved.progress_for("alias").worst == Status.FAIL
    assert saved.progress_for("dns").worst == Status.PASS
    assert not saved.progress_for("fqdn").results


def _session_on_port(port: int) -> None:
    """A single-server session whose one node is 127.0.0.1 at ``port``, where the test listens."""
    _session_for(
        {
            "mode": "single",
            "mail_host": "sp01.foo.local",
            "exchange_servers": ["127.0.0.9"],
            "smtp_port": port,
            "sharepoint_version": "2016",
            "exchange_version": "2016",
            "nodes": [{"name": "sp01.foo.local", "address": "127.0.0.1"}],
        }
    )


def _check_command(timeout: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "wizard",
        "check",
        "--session",
        "farm-a",
        "--step",
        "mode",
        "--timeout",
        timeout,
    ]


def test_locked_session_is_refused_before_any_probe(tmp_path: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    port = listener.getsockname()[1]
    _session_on_port(port)
    before = store.session_path("farm-a").read_bytes()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom wizard import store\nwith store.lock('farm-a'):\n"
            "    print('held', flush=True)\n    time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        done = subprocess.run(
            _check_command("2"),
            capture_output=True,
            text=True,
            env=dict(os.environ),
            timeout=60,
        )
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "open in another spmail-wizard" in done.stderr
    with pytest.raises(BlockingIOError):
        listener.accept()  # nobody knocked: no probe ran
    listener.close()
    assert store.session_path("farm-a").read_bytes() == before


class _Terminal:
    def __init__(self) -> None:
        self.written: list[str] = []

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.written.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def test_progress_draws_on_a_terminal_only() -> None:
    terminal = _Terminal()
    progress = Progress(2, terminal)  # type: ignore[arg-type]
    progress.started("alias", "alias-accepted", "wfe1.foo.local")
    progress.finished(CheckResult("alias", "alias-accepted", "wfe1.foo.local", Status.PASS, "ok"))
    progress.clear()
    assert any("alias alias-accepted on wfe1.foo.local" in text for text in terminal.written)
    assert terminal.written[-1] == "\r\033[K"
    quiet = Progress(2, open(os.devnull, "w"))  # noqa: SIM115
    quiet.started("alias", "alias-accepted", "wfe1.foo.local")
    assert not quiet.enabled


def test_colour_on_a_terminal_unless_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    from wizard.checklist.loader import load_default
    from wizard.cli.report import format_report, wants_colour

    terminal = _Terminal()
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert wants_colour(terminal)  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_colour(terminal)  # type: ignore[arg-type]
    step = load_default().step("relay")
    result = CheckResult("relay", "relay-refused", "wfe1.foo.local", Status.FAIL, "open relay", "fix it")
    coloured = format_report([result], [step], colour=True)
    assert "\033[31mFAIL \033[0m wfe1.foo.local: open relay" in coloured
    assert "-> fix it" in coloured


def test_a_node_that_passed_before_and_fails_now_is_the_first_line(
    farm: FarmFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    running = farm("misconfigured-node", nodes=2)
    session = _session_for(running.plan_data)
    earlier = CheckResult("alias", "alias-accepted", "wfe2.foo.local", Status.PASS, "accepted")
    session.record_run([earlier])
    store.save(session)
    assert run(["check", "--session", "farm-a", "--step", "alias", "--timeout", "2"]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("REGRESSED alias alias-accepted on wfe2.foo.local: was pass")
    assert run(["check", "--session", "farm-a", "--step", "alias", "--timeout", "2", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    # The second run finds what the first saved (the VIP may reach either node, so it is left out).
    assert [c for c in report["drift"] if c["target"] != "mossmail.foo.local"] == []


def test_check_all_keeps_a_proven_connector(farm: FarmFactory) -> None:
    running = farm("good", nodes=2)
    session = _session_for(running.plan_data)
    proof = CheckResult(
        "connector", "connector-send-test", "mossmail.foo.local", Status.PASS, "picked up 5.0 s later"
    )
    session.record_run([proof])
    store.save(session)
    assert run(["check", "--session", "farm-a", "--step", "connector", "--timeout", "2"]) == 0
    assert store.load("farm-a").progress_for("connector").results == [proof]


def test_a_copied_session_is_saved_to_its_own_file(farm: FarmFactory) -> None:
    running = farm("good", nodes=2)
    _session_for(running.plan_data)
    original = store.session_path("farm-a")
    copy = original.with_name("backup.json")
    copy.write_bytes(original.read_bytes())
    before = original.read_bytes()
    assert run(["check", "--session", "backup", "--step", "alias", "--timeout", "2"]) == 0
    assert original.read_bytes() == before
    assert store.load("backup").name == "backup"
    assert store.load("backup").progress_for("alias").worst == Status.PASS


def test_a_machine_turned_away_is_told_what_it_could_not_prove(
    farm: FarmFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = farm("conn-control", nodes=2).write_plan(tmp_path / "plan.toml")
    assert run(["check", str(plan), "--timeout", "2"]) == 0
    last = capsys.readouterr().out.rstrip().splitlines()[-1]
    assert last.startswith("Not proven live: ")
    count = int(last.removeprefix("Not proven live: ").split()[0])
    assert count >= 10
    for step in ("alias", "fqdn", "relay"):
        assert step in last.split("steps without live proof: ")[1].split(", ")
    assert run(["check", str(plan), "--timeout", "2", "--require-proof"]) == 1
    capsys.readouterr()
    assert run(["check", str(plan), "--timeout", "2", "--require-proof", "--json"]) == 1
    proof = json.loads(capsys.readouterr().out)["proof"]
    assert proof["unchecked"] == count and "alias" in proof["unproven_steps"]


def test_require_proof_is_met_when_every_checked_step_passed(
    farm: FarmFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = farm("complete", nodes=2).write_plan(tmp_path / "plan.toml")
    args = ["check", str(plan), "--timeout", "2", "--require-proof", "--step", "alias", "--step", "dns"]
    assert run(args) == 0
    assert capsys.readouterr().out.rstrip().splitlines()[-1] == (
        "Proven live: all 2 steps that can be checked have a pass on every target."
    )
    assert run(["check", str(plan), "--timeout", "2", "--require-proof", "--step", "connector"]) == 1


def test_a_session_keeps_earlier_proof_for_require_proof(farm: FarmFactory) -> None:
    running = farm("complete", nodes=2)
    session = _session_for(running.plan_data)
    bare = CheckResult("connector", "connector-send-test", "mossmail.foo.local", Status.PASS, "picked up")
    session.record_run([bare])
    store.save(session)
    args = ["check", "--session", "farm-a", "--timeout", "2", "--require-proof", "--step", "connector"]
    # A pass that shows no conversation proves nothing: the send test's transcript is its evidence.
    assert run(args) == 1
    session = store.load("farm-a")
    session.record_run(
        [replace(bare, transcript=("S: 250 2.6.0 queued", "-- picked up 1.20 s after arrival"))]
    )
    store.save(session)
    assert run(args) == 0


def test_the_closing_line_never_says_proven_under_failures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import wizard.checks

    async def failing(*args: object, **kwargs: object) -> list[CheckResult]:
        return [
            CheckResult("mode", "smtp-greeting", "sp01.contoso.local", Status.FAIL, "connection refused"),
            CheckResult("restart", "smtp-greeting", "sp01.contoso.local", Status.FAIL, "connection refused"),
        ]

    monkeypatch.setattr(wizard.checks, "run_checks", failing)
    plan = Path(__file__).parent.parent / "data" / "single.toml"
    assert run(["check", str(plan), "--step", "mode", "--step", "restart"]) == 1
    last = capsys.readouterr().out.rstrip().splitlines()[-1]
    assert last == "Not proven live: steps without live proof: mode (failing), restart (failing)"
    assert run(["check", str(plan), "--step", "mode", "--step", "restart", "--json"]) == 1
    proof = json.loads(capsys.readouterr().out)["proof"]
    assert proof == {
        "unchecked": 0,
        "unproven_steps": ["mode", "restart"],
        "steps": {"mode": "failing", "restart": "failing"},
    }


def test_an_error_result_makes_check_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import wizard.checks

    async def erring(*args: object, **kwargs: object) -> list[CheckResult]:
        return [CheckResult("mode", "smtp-greeting", "sp01.contoso.local", Status.ERROR, "the check stopped")]

    monkeypatch.setattr(wizard.checks, "run_checks", erring)
    plan = Path(__file__).parent.parent / "data" / "single.toml"
    assert run(["check", str(plan), "--step", "mode"]) == 1
    assert "ERROR sp01.contoso.local: the check stopped" in capsys.readouterr().out


def test_a_second_check_of_the_same_session_is_refused_while_the_first_runs() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(30)
    _session_on_port(listener.getsockname()[1])
    command = _check_command("5")
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        connection, _ = listener.accept()  # the first run is probing, so it holds the session
        second = subprocess.run(command, capture_output=True, text=True, timeout=60)
        connection.close()
        out, _err = first.communicate(timeout=60)
    finally:
        first.kill()
        listener.close()
    assert second.returncode == 2 and second.stdout == ""
    assert "open in another spmail-wizard" in second.stderr and second.stderr.count("\n") == 1
    assert first.returncode == 1 and "sp01.foo.local" in out
    assert store.load("farm-a").progress_for("mode").results, "the first run's results were saved"


def test_a_send_accepted_but_not_followed_is_a_warning_that_proves_nothing(
    farm: FarmFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from wizard.plan.tomlfile import dump_plan

    running = farm("complete", nodes=2)
    data = running.plan_data
    for node in data["nodes"]:
        node.pop("drop_folder", None)  # no Drop folder readable from here: nothing to follow
    plan = tmp_path / "unfollowed.toml"
    plan.write_text(dump_plan(data), encoding="utf-8")
    args = ["check", str(plan), "--timeout", "5", "--send-test", "--step", "library_test", "--json"]
    assert run([*args, "--require-proof"]) == 1
    report = json.loads(capsys.readouterr().out)
    (delivery,) = report["results"]
    assert delivery["status"] == "warn" and "does not prove delivery" in delivery["summary"]
    assert report["proof"]["steps"] == {"library_test": "not_proven"}
