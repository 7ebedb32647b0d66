"""A fixed session for screen tests: the NLB plan, three steps settled, results on two (no network)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wizard import store
from wizard.checklist.model import Checklist
from wizard.plan.model import load_plan_file
from wizard.results import CheckResult, Status
from wizard.session import Session, StepProgress, StepStatus
from wizard.tui.app import WizardApp

DATA = Path(__file__).parent.parent / "data"
MOMENT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def sample_result(
    step: str, check: str, target: str, status: Status, summary: str, hint: str = ""
) -> CheckResult:
    return CheckResult(
        step=step,
        check=check,
        target=target,
        status=status,
        summary=summary,
        hint=hint,
        duration_ms=12,
        transcript=("S: 220 wfe1.foo.local Microsoft ESMTP MAIL Service ready", "C: EHLO probe", "C: QUIT"),
        observed_at=MOMENT,
    )


def sample_session(step: str = "relay", *, connection_control: bool = False) -> Session:
    data: dict[str, Any] = load_plan_file(DATA / "nlb.toml").to_data()
    data.pop("schema")
    data["connection_control"] = connection_control
    done = StepProgress(status=StepStatus.DONE, done_at=MOMENT)
    relay = [
        sample_result(
            "relay",
            "relay-refused",
            "wfe1.foo.local",
            Status.PASS,
            "refused to relay to example.com (550 5.7.1)",
        ),
        sample_result(
            "relay",
            "relay-refused",
            "wfe2.foo.local",
            Status.FAIL,
            "accepted a message for example.com: an open relay",
            "On wfe2, Access > Relay: choose Only the list below and list only the Exchange servers",
        ),
    ]
    dns = [
        sample_result(
            "dns", "dns-a-record", "dns:10.0.0.5", Status.WARN, "answers with 10.0.0.50 and an MX elsewhere"
        )
    ]
    session = Session(
        name="foo-farm",
        plan_data=data,
        current_step=step,
        progress={
            "mode": done,
            "dns": StepProgress(status=StepStatus.DONE, done_at=MOMENT, results=dns, checked_at=MOMENT),
            "nlb": StepProgress(status=StepStatus.SKIPPED, note="cluster built last week", done_at=MOMENT),
            "relay": StepProgress(
                status=StepStatus.IN_PROGRESS, note="CHG-1042", results=relay, checked_at=MOMENT
            ),
        },
        created_at=MOMENT,
        updated_at=MOMENT,
    )
    return session


def sample_app(checklist: Checklist, session: Session | None) -> WizardApp:
    app = WizardApp(checklist)
    if session is not None:
        store.save(session)
        app.open_session(session.name)
    return app
