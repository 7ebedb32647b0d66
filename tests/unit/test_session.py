"""Session navigation and progress rules, per mode."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.checklist.model import Checklist
from wizard.plan.model import load_plan_file
from wizard.results import CheckResult, Status
from wizard.session import Session, StepStatus

DATA = Path(__file__).parent.parent / "data"
CONTRACT_ORDER = [
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
]
"""The contract's steps, in the order every session walks them (other steps may sit between)."""


def session_for(name: str) -> Session:
    return Session(name="s", plan_data=load_plan_file(DATA / name).to_data())


@pytest.mark.parametrize(("plan_file", "mode"), [("nlb.toml", "nlb"), ("single.toml", "single")])
def test_steps_follow_the_mode(checklist: Checklist, plan_file: str, mode: str) -> None:
    ids = session_for(plan_file).step_ids(checklist)
    assert ids == [step.id for step in checklist.steps if step.on_route(mode, "smtp_service")]
    contract = [s for s in CONTRACT_ORDER if mode == "nlb" or s != "nlb"]
    assert [s for s in ids if s in CONTRACT_ORDER] == contract


def test_walk_forward_and_back(checklist: Checklist) -> None:
    session = session_for("nlb.toml")
    seen = [session.current(checklist).id]
    while session.advance(checklist):
        seen.append(session.current_step)
    order = [step.id for step in checklist.for_mode("nlb")]
    assert seen == order
    assert session.next_step(checklist) is None
    assert session.back(checklist)
    assert session.current_step == order[-2]
    session.go_to(checklist, "mode")
    assert not session.back(checklist)


def test_switching_to_single_drops_the_nlb_step(checklist: Checklist) -> None:
    session = session_for("nlb.toml")
    session.go_to(checklist, "nlb")
    data = dict(session.plan_data, mode="single", nodes=session.plan_data["nodes"][:1])
    data.pop("vip")
    session.set_answers(data)
    assert session.current(checklist).id == "mode"
    with pytest.raises(KeyError):
        session.go_to(checklist, "nlb")


def test_status_changes(checklist: Checklist) -> None:
    session = session_for("single.toml")
    assert session.progress_for("dns").status is StepStatus.NOT_STARTED
    session.start("dns")
    assert session.progress_for("dns").status is StepStatus.IN_PROGRESS
    session.mark_done("dns", note="A record added by the DNS team")
    entry = session.progress_for("dns")
    assert entry.status is StepStatus.DONE and entry.done_at is not None
    session.reopen("dns")
    assert session.progress_for("dns").status is StepStatus.IN_PROGRESS
    assert session.progress_for("dns").note == "A record added by the DNS team"
    session.skip("outgoing")
    assert session.counts(checklist) == (1, len(checklist.for_mode("single")))


def test_failed_results_stay_open_items(checklist: Checklist) -> None:
    session = session_for("single.toml")
    for step_id in session.step_ids(checklist):
        session.mark_done(step_id)
    assert session.is_complete(checklist)
    failing = CheckResult("alias", "alias-accepted", "sp01.contoso.local", Status.FAIL, "refused (550 5.7.1)")
    session.record_run([failing])
    assert session.progress_for("alias").status is StepStatus.DONE
    assert [(step.id, why) for step, why in session.open_items(checklist)] == [("alias", "last check fail")]
    assert not session.is_complete(checklist)


def test_enter_returns_to_the_values_while_they_are_incomplete(checklist: Checklist) -> None:
    session = Session(name="s", plan_data={"mode": "nlb", "mail_host": "mossmail.foo.local"})
    session.current_step = "alias"
    assert session.enter(checklist).id == "mode"
    assert session.progress_for("mode").status is StepStatus.IN_PROGRESS
    complete = session_for("nlb.toml")
    complete.current_step = "alias"
    assert complete.enter(checklist).id == "alias"
    assert complete.progress_for("alias").status is StepStatus.IN_PROGRESS
