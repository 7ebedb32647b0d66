"""Fixtures for the runbook tests: sessions with fixed times, the scripted checklist, a PowerShell parser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import tree_sitter
import tree_sitter_powershell

from wizard.checklist.loader import load_checklist
from wizard.checklist.model import Checklist
from wizard.plan.model import Plan, load_plan_file
from wizard.results import CheckResult, Status
from wizard.session import Session, StepProgress, StepStatus

DATA = Path(__file__).parent / "data"
PLANS = Path(__file__).parent.parent / "data"
GENERATED_AT = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
"""The fixed clock every rendered runbook in these tests uses."""
T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    """A fixed moment, minutes after 10:00 UTC on the change day."""
    return T0 + timedelta(minutes=minutes)


CHECK_OF = {
    "mode": "smtp-greeting",
    "dns": "dns-a-record",
    "nlb": "nlb-distribution",
    "connector": "connector-send-test",
    "relay": "relay-refused",
    "connection_control": "connection-control",
    "fqdn": "fqdn-greeting",
    "alias": "alias-accepted",
    "restart": "smtp-greeting",
    "central_admin": "central-admin-manual",
    "library_test": "library-delivery",
    "outgoing": "outgoing-smtp",
}
"""The check each step's live results carry."""


def result(
    step: str, target: str, status: Status, summary: str, minutes: int, hint: str = "", check: str = ""
) -> CheckResult:
    """A check result at a fixed time, with the one-line conversation a pass rests on."""
    return CheckResult(
        step=step,
        check=check or CHECK_OF[step],
        target=target,
        status=status,
        summary=summary,
        hint=hint,
        duration_ms=12,
        transcript=(f"S: 220 {target} ready",) if status == Status.PASS else (),
        observed_at=at(minutes),
    )


def progress(
    status: StepStatus, results: list[CheckResult] | None = None, note: str = "", done: int | None = None
) -> StepProgress:
    """Step progress with fixed times."""
    checked = max((r.observed_at for r in results), default=None) if results else None
    return StepProgress(
        status=status,
        note=note,
        done_at=at(done) if done is not None else None,
        results=list(results or []),
        checked_at=checked,
    )


def plan_data(name: str) -> dict[str, Any]:
    """A sample plan's data as a session holds it (without the schema key)."""
    data = load_plan_file(PLANS / name).to_data()
    data.pop("schema", None)
    return data


def nlb_session() -> Session:
    """A two-node NLB change, partly done: passes, a warning, a failure, notes, a skipped step."""
    ok, warn, fail = Status.PASS, Status.WARN, Status.FAIL
    progress_by_step = {
        "mode": progress(
            StepStatus.DONE,
            [
                result("mode", "wfe1.foo.local", ok, "wfe1.foo.local answered: 220 wfe1.foo.local ready", 1),
                result("mode", "wfe2.foo.local", ok, "wfe2.foo.local answered: 220 wfe2.foo.local ready", 1),
                result("mode", "mossmail.foo.local", ok, "the VIP 10.0.0.50 answered", 1),
            ],
            done=2,
        ),
        "dns": progress(
            StepStatus.DONE,
            [result("dns", "dns:10.0.0.5", ok, "mossmail.foo.local A 10.0.0.50", 5, check="dns-a-record")],
            note="Record added by the DNS team, change CHG-1042.",
            done=6,
        ),
        "nlb": progress(
            StepStatus.DONE,
            [
                result(
                    "nlb",
                    "mossmail.foo.local",
                    warn,
                    "10 connections: wfe1.foo.local 8 | wfe2.foo.local 2",
                    12,
                    hint="Affinity Single keeps one Exchange server on one node; consider None",
                )
            ],
            done=13,
        ),
        "relay": progress(
            StepStatus.IN_PROGRESS,
            [
                result("relay", "wfe1.foo.local", ok, "RCPT to an outside domain refused (550 5.7.1)", 20),
                result(
                    "relay",
                    "wfe2.foo.local",
                    fail,
                    "RCPT to <probe@example.com> accepted (250 2.1.5): open relay",
                    20,
                    hint="On wfe2, Access > Relay: allow only the Exchange servers",
                ),
            ],
            note="wfe2 still has *all except* the list set;\nfix planned after lunch | see ticket #77",
        ),
        "connection_control": progress(
            StepStatus.SKIPPED, note="Not required: the nodes sit on the mail VLAN.", done=21
        ),
        "fqdn": progress(
            StepStatus.DONE,
            [
                result("fqdn", "wfe1.foo.local", ok, "greeting and EHLO name mossmail.foo.local", 25),
                result("fqdn", "wfe2.foo.local", ok, "greeting and EHLO name mossmail.foo.local", 25),
            ],
            done=26,
        ),
        "alias": progress(
            StepStatus.IN_PROGRESS,
            [
                result("alias", "wfe1.foo.local", ok, "RCPT to probe@mossmail.foo.local accepted (250)", 30),
                result(
                    "alias",
                    "wfe2.foo.local",
                    Status.ERROR,
                    "connection reset after EHLO",
                    30,
                    hint="Look at the SMTP log on wfe2",
                ),
                result("alias", "mossmail.foo.local", ok, "accepted through the VIP (250)", 30),
            ],
        ),
    }
    return Session(
        name="mossmail-change",
        plan_data=plan_data("nlb.toml"),
        current_step="alias",
        progress=progress_by_step,
        created_at=at(0),
        updated_at=at(31),
    )


def single_session() -> Session:
    """A single-server change, finished apart from the library test."""
    ok = Status.PASS
    return Session(
        name="sp01",
        plan_data=plan_data("single.toml"),
        current_step="library_test",
        progress={
            "mode": progress(
                StepStatus.DONE, [result("mode", "sp01.contoso.local", ok, "answered on 25", 1)], done=1
            ),
            "dns": progress(
                StepStatus.DONE,
                [result("dns", "dns:system", ok, "resolves to 192.0.2.21 (system resolver)", 3)],
                done=4,
            ),
            "relay": progress(
                StepStatus.DONE, [result("relay", "sp01.contoso.local", ok, "refused", 8)], done=9
            ),
            "central_admin": progress(
                StepStatus.DONE,
                note="Set by the SharePoint team; display address sp01.contoso.local",
                done=15,
            ),
            "outgoing": progress(StepStatus.SKIPPED, done=16),
        },
        created_at=at(0),
        updated_at=at(16),
    )


@pytest.fixture
def nlb_plan() -> Plan:
    """The two-node NLB sample plan."""
    return load_plan_file(PLANS / "nlb.toml")


@pytest.fixture
def single_plan() -> Plan:
    """The single-server sample plan."""
    return load_plan_file(PLANS / "single.toml")


@pytest.fixture(scope="session")
def scripted() -> Checklist:
    """A checklist with PowerShell, cmd and click paths in every shape."""
    return load_checklist(DATA / "scripted.toml")


@pytest.fixture(scope="session")
def ps_parser() -> tree_sitter.Parser:
    """A tree-sitter parser for PowerShell."""
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
