"""``import``: a results file joins a session as evidence with its origin; a bad file is one line and changes nothing."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.runbook.conftest import plan_data
from wizard import store
from wizard.cli import ExitCode, run
from wizard.evidence import MAX_TRANSCRIPT_LINES
from wizard.results import Status
from wizard.session import Session

ORIGIN = "ex1.foo.local"


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
    assert "Imported 4 results seen from ex1.foo.local, wfe1.foo.local: 3 pass, 1 skip" in out
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
        ("foreign target", target, "target 'evil.example.com' is not a node"),
        ("unknown status", status, "status 'proven' is not pass"),
        ("edited", edited, "summary: does not match the results"),
        ("from the future", future, "lies in the future"),
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
