"""Plans and small helpers for the check tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wizard.checklist.loader import load_default
from wizard.checklist.model import Step
from wizard.plan.model import Plan, parse_plan
from wizard.results import CheckResult, Status


def single_plan(address: str, port: int, **changes: Any) -> Plan:
    """A single-mode plan whose one node is ``address:port``."""
    data: dict[str, Any] = {
        "schema": 1,
        "mode": "single",
        "mail_host": "mossmail.foo.local",
        "exchange_servers": ["127.0.0.254"],
        "smtp_port": port,
        "sharepoint_version": "2010",
        "exchange_version": "2010",
        "nodes": [{"name": "wfe1.foo.local", "address": address}],
    }
    data.update(changes)
    return parse_plan(data)


def steps(*ids: str, mode: str = "nlb") -> list[Step]:
    """The shipped checklist's steps with these ids (all of the mode's steps when none are named)."""
    chosen = load_default().for_mode(mode)
    return [step for step in chosen if not ids or step.id in ids]


def pick(results: Sequence[CheckResult], step: str, target: str | None = None) -> list[CheckResult]:
    """The results of one step, optionally for one target."""
    return [r for r in results if r.step == step and (target is None or r.target == target)]


def one(results: Sequence[CheckResult], step: str, target: str, check: str | None = None) -> CheckResult:
    """The single result of a step's check for a target: ``check``, or the step's first (main) check."""
    main = check or next(s.checks[0] for s in load_default().steps if s.id == step)
    found = [r for r in pick(results, step, target) if r.check == main]
    assert len(found) == 1, [r.headline for r in results]
    return found[0]


def statuses(results: Sequence[CheckResult], step: str) -> dict[str, Status]:
    """Status per target for a step."""
    return {r.target: r.status for r in pick(results, step)}
