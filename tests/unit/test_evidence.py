"""Recording runs into a session: a skip never erases proof, and what changed is reported."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from wizard import sessionfile, store
from wizard.evidence import age, server_names
from wizard.results import CheckResult, Status
from wizard.session import Session, StepStatus

EARLY = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
LATE = EARLY + timedelta(hours=2)


def result(
    status: Status,
    *,
    step: str = "alias",
    check: str = "alias-accepted",
    target: str = "wfe1.foo.local",
    at: datetime = EARLY,
    origin: str | None = None,
    summary: str = "",
    transcript: tuple[str, ...] = (),
) -> CheckResult:
    return CheckResult(
        step=step,
        check=check,
        target=target,
        status=status,
        summary=summary or status.value,
        transcript=transcript,
        observed_at=at,
        origin=origin,
    )


def test_a_skip_never_replaces_a_proven_connector() -> None:
    session = Session(name="s", plan_data={})
    proof = result(
        Status.PASS, step="connector", check="connector-send-test", summary="picked up 5.0 s later"
    )
    session.record_run([proof])
    skipped = result(Status.SKIP, step="connector", check="connector-send-test", at=LATE)
    drift = session.record_run([skipped])
    assert session.progress_for("connector").results == [proof]
    assert session.progress_for("connector").worst == Status.PASS
    assert drift.kept == (proof,)
    assert drift.changes == ()


def test_a_real_result_replaces_an_older_one_and_a_skip_stays_until_then() -> None:
    session = Session(name="s", plan_data={})
    session.record_run([result(Status.SKIP)])
    assert session.progress_for("alias").worst == Status.SKIP
    session.record_run([result(Status.FAIL, at=LATE)])
    assert [r.status for r in session.progress_for("alias").results] == [Status.FAIL]
    assert session.progress_for("alias").checked_at == LATE


def test_a_pass_that_fails_now_is_reported_first() -> None:
    session = Session(name="s", plan_data={})
    session.record_run(
        [
            result(Status.WARN, check="fqdn-greeting", step="fqdn"),
            result(Status.PASS, target="wfe2.foo.local"),
        ]
    )
    drift = session.record_run(
        [
            result(Status.PASS, check="fqdn-greeting", step="fqdn", at=LATE),
            result(Status.FAIL, target="wfe2.foo.local", at=LATE),
        ]
    )
    assert [(c.target, c.before, c.after) for c in drift.changes] == [
        ("wfe2.foo.local", Status.PASS, Status.FAIL),
        ("wfe1.foo.local", Status.WARN, Status.PASS),
    ]
    assert drift.regressions == drift.changes[:1]
    assert drift.lines()[0].startswith("REGRESSED alias alias-accepted on wfe2.foo.local: was pass")


def test_a_server_that_changed_its_name_is_drift_even_when_it_still_passes() -> None:
    before = (
        "S: 220 wfe1.foo.local Microsoft ESMTP MAIL Service ready",
        "C: EHLO probe",
        "S: 250-wfe1.foo.local Hello",
    )
    after = ("S: 220 mossmail.foo.local Microsoft ESMTP", "C: EHLO probe", "S: 250-mossmail.foo.local Hello")
    assert server_names(result(Status.PASS, transcript=before)) == ("wfe1.foo.local", "wfe1.foo.local")
    session = Session(name="s", plan_data={})
    session.record_run([result(Status.PASS, transcript=before)])
    drift = session.record_run([result(Status.PASS, transcript=after, at=LATE)])
    assert len(drift.changes) == 1
    assert (
        "was wfe1.foo.local / wfe1.foo.local, now mossmail.foo.local / mossmail.foo.local" in drift.lines()[0]
    )


def test_evidence_is_kept_per_origin_and_a_target_a_run_left_out_is_kept() -> None:
    session = Session(name="s", plan_data={})
    from_exchange = result(Status.PASS, origin="ex1.foo.local")
    session.record_run([from_exchange, result(Status.PASS, target="old-node.foo.local")])
    session.record_run([result(Status.FAIL, at=LATE)])
    kept = session.progress_for("alias").results
    assert from_exchange in kept
    # Nothing is erased by omission: a target the newer run did not check keeps its result
    # (one no longer in the plan is simply not a target the proof rule asks for).
    assert [(r.target, r.origin, r.status) for r in kept] == [
        ("wfe1.foo.local", "ex1.foo.local", Status.PASS),
        ("old-node.foo.local", None, Status.PASS),
        ("wfe1.foo.local", None, Status.FAIL),
    ]


def test_a_run_marks_untouched_steps_in_progress_but_not_settled_ones() -> None:
    session = Session(name="s", plan_data={})
    session.mark_done("dns")
    session.record_run([result(Status.PASS, step="dns", check="dns-a-record")], steps=["dns", "nlb"])
    assert session.progress_for("dns").status is StepStatus.DONE
    assert session.progress_for("nlb").status is StepStatus.IN_PROGRESS


def test_origin_and_time_survive_a_save(wizard_home: Path) -> None:
    session = Session(name="farm", plan_data={})
    session.record_run(
        [result(Status.PASS, origin="ex1.foo.local"), result(Status.FAIL, target="wfe2.foo.local")]
    )
    path = store.save(session)
    saved = json.loads(path.read_text())["progress"]["alias"]["results"]
    assert saved[0]["origin"] == "ex1.foo.local" and saved[0]["observed_at"] == EARLY.isoformat()
    assert "origin" not in saved[1]
    assert store.load("farm").progress_for("alias").results == session.progress_for("alias").results


def test_a_first_version_session_file_is_read_with_its_result_times(wizard_home: Path) -> None:
    session = Session(name="old", plan_data={})
    session.record_run([result(Status.PASS)])
    data = sessionfile.to_json(session)
    data["schema_version"] = 1
    entry = data["progress"]["alias"]["results"][0]
    entry["checked_at"] = entry.pop("observed_at")
    folder = store.sessions_dir()
    folder.mkdir(parents=True)
    (folder / "old.json").write_text(json.dumps(data))
    assert store.load("old").progress_for("alias").results[0].observed_at == EARLY


def test_age_reads_like_speech() -> None:
    assert age(EARLY, EARLY + timedelta(seconds=20)) == "just now"
    assert age(EARLY, EARLY + timedelta(minutes=5)) == "5 min ago"
    assert age(EARLY, LATE) == "2 h ago"
    assert age(EARLY, EARLY + timedelta(days=3)) == "3 d ago"
