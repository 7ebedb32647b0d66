"""The proof rule on data: what proves a step, and every way evidence can look like proof without being it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from wizard.checklist.model import Checklist
from wizard.plan.model import Plan, load_plan_file
from wizard.proof import StepProof, Verdict, judge
from wizard.results import CheckResult, Status
from wizard.session import Session

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
PLAN = load_plan_file(Path(__file__).parent.parent / "data" / "nlb.toml")
NODES = ("wfe1.foo.local", "wfe2.foo.local")
VIP = "mossmail.foo.local"
EXCHANGE = "10.0.0.20"


def seen(
    check: str,
    target: str,
    status: Status = Status.PASS,
    *,
    step: str = "alias",
    origin: str | None = None,
    ago: timedelta = timedelta(minutes=10),
    transcript: tuple[str, ...] = ("S: 250 2.1.5 ok",),
) -> CheckResult:
    return CheckResult(
        step,
        check,
        target,
        status,
        f"{check} {status.value}",
        transcript=transcript,
        observed_at=NOW - ago,
        origin=origin,
    )


def verdict(
    checklist: Checklist,
    step: str,
    results: list[CheckResult],
    plan: Plan = PLAN,
    *,
    max_age: timedelta | None = None,
    done_by_hand: bool = False,
) -> StepProof:
    return judge(
        checklist.step(step), checklist, plan, results, now=NOW, max_age=max_age, done_by_hand=done_by_hand
    )


def accepted(
    status: Status = Status.PASS,
    *,
    origin: str | None = None,
    ago: timedelta = timedelta(minutes=10),
    transcript: tuple[str, ...] = ("S: 250 2.1.5 ok",),
) -> list[CheckResult]:
    return [
        seen("alias-accepted", target, status, origin=origin, ago=ago, transcript=transcript)
        for target in (*NODES, VIP)
    ]


def test_every_target_passing_proves_the_step(checklist: Checklist) -> None:
    assert verdict(checklist, "alias", accepted()).verdict is Verdict.PROVEN


def test_a_step_proven_by_some_of_its_targets_is_partly_proven_and_names_the_rest(
    checklist: Checklist,
) -> None:
    # The node kit of wfe1 alone: its own alias domain, nothing about wfe2.
    found = verdict(checklist, "alias", [seen("alias-domain", "wfe1.foo.local", origin="wfe1.foo.local")])
    assert found.verdict is Verdict.PARTLY_PROVEN
    assert found.label(NOW) == "partly proven live: no proof yet for alias-domain on wfe2.foo.local"


def test_a_warning_is_never_proof(checklist: Checklist) -> None:
    found = verdict(checklist, "alias", accepted(Status.WARN))
    assert found.verdict is Verdict.NOT_PROVEN and not found.proven


def test_a_later_failure_from_any_host_outweighs_a_pass(checklist: Checklist) -> None:
    results = [
        *accepted(ago=timedelta(hours=2)),
        seen("alias-accepted", "wfe2.foo.local", Status.FAIL, origin=EXCHANGE),
    ]
    found = verdict(checklist, "alias", results)
    assert found.verdict is Verdict.FAILING and found.failing[0].origin == EXCHANGE
    # A pass seen after the failure answers it.
    results.append(seen("alias-accepted", "wfe2.foo.local", ago=timedelta(minutes=1)))
    assert verdict(checklist, "alias", results).verdict is Verdict.PROVEN


def test_old_proof_is_stale_with_its_age_and_the_limit_can_be_set(checklist: Checklist) -> None:
    old = accepted(ago=timedelta(days=3))
    found = verdict(checklist, "alias", old)
    assert found.verdict is Verdict.STALE
    assert found.label(NOW) == "stale: proof from 3 d ago, older than 24 h"
    assert verdict(checklist, "alias", old, max_age=timedelta(hours=96)).verdict is Verdict.PROVEN
    ancient = accepted(ago=NOW - datetime(1970, 1, 1, tzinfo=UTC))
    assert verdict(checklist, "alias", ancient).verdict is Verdict.STALE
    plan = replace(PLAN, proof_max_age_hours=100)
    assert verdict(checklist, "alias", old, plan).verdict is Verdict.PROVEN


def test_a_pass_from_the_future_proves_nothing(checklist: Checklist) -> None:
    ahead = accepted(ago=-timedelta(hours=23))
    assert verdict(checklist, "alias", ahead).verdict is Verdict.NOT_PROVEN
    assert verdict(checklist, "alias", accepted(ago=-timedelta(minutes=4))).verdict is Verdict.PROVEN


def test_only_allowed_hosts_about_the_right_targets_count(checklist: Checklist) -> None:
    # wfe1 vouching for wfe2, Exchange reporting a node's own setting, a host outside the plan.
    cross = [seen("alias-domain", name, origin="wfe1.foo.local") for name in NODES]
    assert verdict(checklist, "alias", cross).verdict is Verdict.PARTLY_PROVEN
    from_exchange = [seen("alias-domain", name, origin=EXCHANGE) for name in NODES]
    assert verdict(checklist, "alias", from_exchange).verdict is Verdict.NOT_PROVEN
    stranger = accepted(origin="attacker.example")
    assert verdict(checklist, "alias", stranger).verdict is Verdict.NOT_PROVEN
    own = [seen("alias-domain", name, origin=name) for name in NODES]
    assert verdict(checklist, "alias", own).verdict is Verdict.PROVEN


def test_a_conversation_pass_without_its_transcript_proves_nothing(checklist: Checklist) -> None:
    assert verdict(checklist, "alias", accepted(transcript=())).verdict is Verdict.NOT_PROVEN


def test_manual_steps_have_no_live_verdict_whatever_a_file_claims(checklist: Checklist) -> None:
    claims = [seen("central-admin-manual", VIP, step="central_admin", origin=EXCHANGE)]
    found = verdict(checklist, "central_admin", claims)
    assert found.verdict is None and not found.provable
    # The outgoing step is provable only where the plan names an outgoing server.
    assert verdict(checklist, "outgoing", []).verdict is None
    named = replace(PLAN, outgoing_smtp_server="mail.foo.local")
    assert verdict(checklist, "outgoing", [], named).verdict is Verdict.NOT_PROVEN


def test_a_step_done_by_hand_is_done_not_proven(checklist: Checklist) -> None:
    found = verdict(checklist, "alias", [], done_by_hand=True)
    assert found.verdict is Verdict.NOT_PROVEN and found.label(NOW) == "done by hand: not proven live"


def test_a_newer_file_that_leaves_a_target_out_keeps_its_failure() -> None:
    session = Session(name="s", plan_data={})
    hour = timedelta(hours=1)
    session.record_run(
        [seen("alias-accepted", name, Status.FAIL, origin=EXCHANGE, ago=hour) for name in NODES]
    )
    # The same host's next file says nothing about wfe2: its failure stays until a newer wfe2 result.
    session.record_run([seen("alias-accepted", "wfe1.foo.local", origin=EXCHANGE)])
    held = {r.target: r.status for r in session.progress_for("alias").results}
    assert held == {"wfe1.foo.local": Status.PASS, "wfe2.foo.local": Status.FAIL}


def test_an_older_result_never_replaces_a_newer_one() -> None:
    session = Session(name="s", plan_data={})
    session.record_run([seen("alias-accepted", "wfe1.foo.local", Status.FAIL, ago=timedelta(minutes=1))])
    session.record_run([seen("alias-accepted", "wfe1.foo.local", ago=timedelta(hours=1))])
    assert [r.status for r in session.progress_for("alias").results] == [Status.FAIL]
