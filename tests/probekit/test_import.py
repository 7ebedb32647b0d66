"""``import``: a results file joins a session as evidence with its origin; a bad file is one line and changes nothing."""

from __future__ import annotations

import copy
import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.runbook.conftest import plan_data
from wizard import store
from wizard.cli import run
from wizard.cli.shared import ExitCode
from wizard.evidence import MAX_TRANSCRIPT_LINES
from wizard.results import Status, utc_now
from wizard.session import Session

ORIGIN = "10.0.0.20"
"""The plan's Exchange server: the kit names an Exchange server by its address in the plan."""
FARM = {
    "mail_host": "mossmail.foo.local",
    "mode": "nlb",
    "nodes": [
        {"name": "wfe1.foo.local", "address": "10.0.0.11"},
        {"name": "wfe2.foo.local", "address": "10.0.0.12"},
    ],
    "exchange_servers": ["10.0.0.20"],
    "sharepoint_servers": [],
    "smtp_port": 25,
}
"""The fingerprint of tests/data/nlb.toml."""


def _result(step: str, check: str, target: str, status: str = "pass", **extra: Any) -> dict[str, Any]:
    return {
        "step": step,
        "check": check,
        "target": target,
        "status": status,
        "summary": f"{target} {check} {status}",
        "hint": "",
        "duration_ms": 12,
        "transcript": ["S: 220 mossmail.foo.local Microsoft ESMTP MAIL Service ready"],
        "observed_at": "2026-11-27T10:00:00+00:00",
        "origin": ORIGIN,
    } | extra


def document(*results: dict[str, Any]) -> dict[str, Any]:
    """A results document in the kit's format, its summary counted from the results."""
    counts = {s.value: 0 for s in Status}
    for item in results:
        counts[item["status"]] += 1
    return {
        "schema": 1,
        "plan": {"mode": "nlb", "mail_host": "mossmail.foo.local"},
        "farm": copy.deepcopy(FARM),
        "started_at": "2026-11-27T09:59:58+00:00",
        "duration_ms": 2100,
        "summary": counts,
        "results": list(results),
    }


GOOD = document(
    _result("alias", "alias-accepted", "wfe1.foo.local"),
    _result("alias", "alias-accepted", "mossmail.foo.local"),
    _result("relay", "relay-refused", "wfe1.foo.local", "skip"),
    _result("restart", "service-start-type", "wfe1.foo.local", origin="wfe1.foo.local"),
)


@pytest.fixture
def session() -> Session:
    created = Session(name="farm", plan_data=plan_data("nlb.toml"))
    store.save(created)
    return created


def _write(tmp_path: Path, data: Any, name: str = "results.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_a_results_file_becomes_evidence_with_its_origin(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, GOOD)
    assert run(["import", str(path), "--session", "farm"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "results.json: imported 4 results seen from 10.0.0.20, wfe1.foo.local: 3 pass, 1 skip" in out
    assert "  alias: 2 pass" in out
    saved = store.load("farm")
    alias = saved.progress_for("alias").results
    assert {(r.target, r.origin, r.status) for r in alias} == {
        ("wfe1.foo.local", ORIGIN, Status.PASS),
        ("mossmail.foo.local", ORIGIN, Status.PASS),
    }
    start_type = saved.progress_for("restart").results[0]
    assert (start_type.check, start_type.origin) == ("service-start-type", "wfe1.foo.local")


def test_importing_twice_adds_nothing_and_an_older_file_never_replaces_newer_evidence(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newer = copy.deepcopy(GOOD)
    newer["results"][0]["status"] = "fail"
    newer["results"][0]["observed_at"] = "2026-11-27T11:00:00+00:00"
    newer["summary"] = {"pass": 2, "warn": 0, "fail": 1, "skip": 1, "error": 0}
    assert run(["import", str(_write(tmp_path, newer, "new.json")), "--session", "farm"]) == ExitCode.OK
    before = store.session_path("farm").read_bytes()
    capsys.readouterr()
    assert run(["import", str(_write(tmp_path, GOOD, "old.json")), "--session", "farm"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "Kept 4 newer results" in out
    assert store.session_path("farm").read_bytes() == before
    held = store.load("farm").progress_for("alias").results
    assert [r.status for r in held if r.target == "wfe1.foo.local"] == [Status.FAIL]


def test_a_skip_in_a_file_never_replaces_an_earlier_pass_from_the_same_host(
    session: Session, tmp_path: Path
) -> None:
    assert run(["import", str(_write(tmp_path, GOOD, "a.json")), "--session", "farm"]) == ExitCode.OK
    later = document(
        _result("alias", "alias-accepted", "wfe1.foo.local", "skip", observed_at="2026-11-27T12:00:00+00:00")
    )
    assert run(["import", str(_write(tmp_path, later, "b.json")), "--session", "farm"]) == ExitCode.OK
    held = store.load("farm").progress_for("alias").results
    assert [r.status for r in held if r.target == "wfe1.foo.local"] == [Status.PASS]


def _hostile_cases() -> list[tuple[str, Any, str]]:
    wrong_type = copy.deepcopy(GOOD)
    wrong_type["results"][1]["duration_ms"] = "12"
    unknown_step = copy.deepcopy(GOOD)
    unknown_step["results"][0]["step"] = "reboot_everything"
    wrong_check = copy.deepcopy(GOOD)
    wrong_check["results"][0]["check"] = "relay-refused"
    duplicate = copy.deepcopy(GOOD)
    duplicate["results"].append(copy.deepcopy(duplicate["results"][0]))
    duplicate["summary"]["pass"] += 1
    foreign = copy.deepcopy(GOOD)
    foreign["plan"]["mail_host"] = "mail.other.example"
    schema = copy.deepcopy(GOOD) | {"schema": 2}
    no_origin = copy.deepcopy(GOOD)
    del no_origin["results"][0]["origin"]
    bad_origin = copy.deepcopy(GOOD)
    bad_origin["results"][0]["origin"] = "ex1\n$(Stop-Computer)"
    target = copy.deepcopy(GOOD)
    target["results"][0]["target"] = "evil.example.com"
    stranger = copy.deepcopy(GOOD)
    stranger["results"][0]["origin"] = "attacker.example"
    workstation = copy.deepcopy(GOOD)
    workstation["results"][0]["origin"] = "this-workstation"
    cross_node = copy.deepcopy(GOOD)
    cross_node["results"][3] |= {"target": "wfe2.foo.local"}
    node_fact_from_exchange = copy.deepcopy(GOOD)
    node_fact_from_exchange["results"][3]["origin"] = ORIGIN
    smtp_on_dns = copy.deepcopy(GOOD)
    smtp_on_dns["results"][0]["target"] = "dns:system"
    manual = document(_result("central_admin", "central-admin-manual", "mossmail.foo.local"))
    outgoing = document(_result("outgoing", "outgoing-smtp", "mossmail.foo.local"))
    bare = copy.deepcopy(GOOD)
    bare["results"][0]["transcript"] = []
    blank = copy.deepcopy(GOOD)
    blank["results"][0]["transcript"] = ["", "  "]
    tomorrow = copy.deepcopy(GOOD)
    tomorrow["results"][0]["observed_at"] = (utc_now() + timedelta(hours=23, minutes=30)).isoformat()
    started_ahead = copy.deepcopy(GOOD) | {"started_at": (utc_now() + timedelta(minutes=30)).isoformat()}
    staging = copy.deepcopy(GOOD)
    staging["farm"]["nodes"][1]["address"] = "10.9.0.12"
    staging["farm"]["exchange_servers"] = ["10.9.0.20"]
    unfingerprinted = copy.deepcopy(GOOD)
    del unfingerprinted["farm"]
    status = copy.deepcopy(GOOD)
    status["results"][0]["status"] = "proven"
    edited = copy.deepcopy(GOOD)
    edited["results"][2]["status"] = "pass"
    future = copy.deepcopy(GOOD)
    future["results"][0]["observed_at"] = "2099-01-01T00:00:00+00:00"
    naive = copy.deepcopy(GOOD)
    naive["results"][0]["observed_at"] = "2026-11-27T10:00:00"
    extra_key = copy.deepcopy(GOOD)
    extra_key["results"][0]["evil"] = 1
    text = json.dumps(GOOD)
    return [
        ("truncated", text[: len(text) // 2], "not a complete JSON document"),
        ("empty", "", "not a complete JSON document"),
        ("not json", "MZ\x90\x00 binary", "not a complete JSON document"),
        ("a session file", {"format": "spmail-wizard-session", "name": "x"}, "not a results file"),
        ("a list", [1, 2], "not a results file"),
        ("wrong schema", schema, "schema: 2 is not a version"),
        ("foreign plan", foreign, "this session is for mossmail.foo.local"),
        ("wrong type", wrong_type, "duration_ms '12' is not a number"),
        ("unknown step", unknown_step, "step 'reboot_everything' is not a step"),
        ("check of another step", wrong_check, "check 'relay-refused' does not belong to step alias"),
        ("duplicate row", duplicate, "result 5: repeats result 1"),
        ("no origin", no_origin, "result 1: origin missing"),
        ("hostile origin", bad_origin, "is not a host name or address"),
        ("foreign target", target, "target 'evil.example.com' is not one alias-accepted can have"),
        ("origin no host of the plan", stranger, "origin 'attacker.example' is not a host of this plan"),
        ("origin naming this machine", workstation, "origin 'this-workstation' is not a host of this plan"),
        ("a node about another node", cross_node, "the node wfe1.foo.local reports service-start-type about"),
        (
            "a node fact from Exchange",
            node_fact_from_exchange,
            "may come only from node, not from the exchange",
        ),
        (
            "an SMTP check on a DNS target",
            smtp_on_dns,
            "target 'dns:system' is not one alias-accepted can have",
        ),
        ("a manual check", manual, "central-admin-manual is proven by no host (a manual check)"),
        ("a workstation check from Exchange", outgoing, "outgoing-smtp may come only from workstation"),
        ("a pass without its transcript", bare, "a pass of alias-accepted without its transcript"),
        ("a pass with a blank transcript", blank, "a pass of alias-accepted without its transcript"),
        ("a day ahead", tomorrow, "lies 23 h "),
        ("started ahead", started_ahead, "started_at: started_at"),
        (
            "another farm",
            staging,
            "made for another farm (nodes: file wfe1.foo.local=10.0.0.11, wfe2.foo.local=10.9.0.12",
        ),
        ("no fingerprint", unfingerprinted, "made for another farm (the file has no farm fingerprint)"),
        ("unknown status", status, "status 'proven' is not pass"),
        ("edited", edited, "summary: does not match the results"),
        ("from the future", future, "ahead of this machine's clock"),
        ("no time zone", naive, "has no time zone"),
        ("unknown key", extra_key, "unknown key 'evil'"),
        ("NaN", text.replace('"duration_ms": 12', '"duration_ms": NaN', 1), "NaN is not a number"),
        ("huge number", text.replace('"duration_ms": 12', '"duration_ms": ' + "9" * 5000, 1), "digits"),
        ("deep", "[" * 100_000 + "]" * 100_000, "nested deeper"),
        ("duplicate key", text.replace('"schema": 1', '"schema": 1, "schema": 1', 1), "appears twice"),
        ("no results", document(), "holds no results"),
    ]


@pytest.mark.parametrize(("case", "data", "message"), _hostile_cases(), ids=[c[0] for c in _hostile_cases()])
def test_a_bad_results_file_is_one_line_and_the_session_stays_byte_for_byte(
    case: str, data: Any, message: str, session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, data)
    before = store.session_path("farm").read_bytes()
    assert run(["import", str(path), "--session", "farm"]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert message in err, err
    assert err.count("\n") == 1 and len(err) < 400, err
    assert store.session_path("farm").read_bytes() == before


def test_special_and_huge_files_are_refused_without_blocking(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "results.fifo"
    os.mkfifo(fifo)
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(5 * 1024 * 1024)
    before = store.session_path("farm").read_bytes()
    for path, message in [
        (fifo, "not a regular file"),
        (tmp_path, "a folder"),
        (Path("/dev/zero"), "not a regular file"),
        (big, "larger than any results file"),
        (tmp_path / "missing.json", "no such file"),
    ]:
        assert run(["import", str(path), "--session", "farm"]) == ExitCode.USAGE
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, err
    assert store.session_path("farm").read_bytes() == before


def test_a_file_name_with_a_line_break_is_still_one_line(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "{", name="a\nb\u202e.json")
    assert run(["import", str(path), "--session", "farm"]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\u202e" not in err


def test_huge_transcripts_and_texts_are_cut_and_said(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flood = document(
        _result(
            "mode",
            "smtp-greeting",
            "wfe1.foo.local",
            transcript=[f"S: 220-{'x' * 500}"] * 5000,
            summary="s" * 50_000,
        )
    )
    assert run(["import", str(_write(tmp_path, flood)), "--session", "farm"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "Cut the transcripts of 1 results to what a session keeps (at most 60 lines" in out
    assert "Cut the summary or hint of 1 results" in out
    (held,) = store.load("farm").progress_for("mode").results
    assert len(held.transcript) <= MAX_TRANSCRIPT_LINES and all(len(line) < 260 for line in held.transcript)
    # One marker, with the true count of what was left out of the 5,000 lines.
    (marker,) = [line for line in held.transcript if line.startswith("... [") and " lines, " in line]
    left_out = int(marker.split("[", 1)[1].split(" lines", 1)[0].replace(",", ""))
    assert left_out + len(held.transcript) - 1 == 5000
    assert len(held.summary) < 1100
    assert store.session_path("farm").stat().st_size < 200_000


def test_a_missing_session_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["import", str(_write(tmp_path, GOOD)), "--session", "nope"]) == ExitCode.USAGE
    assert capsys.readouterr().err.count("\n") == 1


def test_several_files_are_all_checked_before_any_is_merged(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _write(tmp_path, GOOD, "good.json")
    stranger = copy.deepcopy(GOOD)
    stranger["results"][0]["origin"] = "attacker.example"
    bad = _write(tmp_path, stranger, "bad.json")
    before = store.session_path("farm").read_bytes()
    assert run(["import", str(good), str(bad), "--session", "farm"]) == ExitCode.USAGE
    assert "bad.json: refused" in capsys.readouterr().err
    assert store.session_path("farm").read_bytes() == before
    node = document(
        _result("alias", "alias-domain", "wfe2.foo.local", origin="wfe2.foo.local", transcript=[])
    )
    assert run(["import", str(good), str(_write(tmp_path, node, "wfe2.json")), "--session", "farm"]) == 0
    out = capsys.readouterr().out
    assert "good.json: imported 4 results" in out and "wfe2.json: imported 1 results seen from wfe2" in out


def test_import_names_each_failure_it_brings_and_each_result_it_replaces(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["import", str(_write(tmp_path, GOOD, "a.json")), "--session", "farm"]) == ExitCode.OK
    capsys.readouterr()
    later = document(
        _result("alias", "alias-accepted", "wfe1.foo.local", "fail", observed_at="2026-11-27T11:00:00+00:00")
    )
    assert run(["import", str(_write(tmp_path, later, "b.json")), "--session", "farm"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "  brings FAIL: alias alias-accepted on wfe1.foo.local from 10.0.0.20: " in out
    assert (
        "  replaces PASS of 2026-11-27T10:00:00+00:00 with FAIL of 2026-11-27T11:00:00+00:00: "
        "alias alias-accepted on wfe1.foo.local from 10.0.0.20"
    ) in out


def test_evidence_lists_imports_by_origin_and_drops_them(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["import", str(_write(tmp_path, GOOD)), "--session", "farm"]) == ExitCode.OK
    capsys.readouterr()
    assert run(["evidence", "list", "--session", "farm"]) == ExitCode.OK
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].startswith("10.0.0.20: 3 results (2 pass, 1 skip), seen 2026-11-27T10:00:00+00:00")
    assert listed[1].startswith("wfe1.foo.local: 1 results (1 pass)")
    assert (
        run(["evidence", "drop", "--session", "farm", "--origin", "10.0.0.20", "--before", "2026-11-27"]) == 0
    )
    assert capsys.readouterr().out == "No imported evidence matches.\n"
    assert run(["evidence", "drop", "--session", "farm", "--origin", "10.0.0.20"]) == ExitCode.OK
    assert capsys.readouterr().out == "Dropped 3 imported results from 10.0.0.20.\n"
    held = [r for p in store.load("farm").progress.values() for r in p.results]
    assert {r.origin for r in held} == {"wfe1.foo.local"}
    assert run(["evidence", "drop", "--session", "farm", "--before", "yesterday"]) == ExitCode.USAGE
    assert "is not an ISO 8601 date" in capsys.readouterr().err
