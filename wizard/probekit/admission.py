"""Which results a session admits from another host: the right host, the right target, the right time.

A results file is evidence only if each result comes from a host of the plan
in a role the checklist allows for its check (an Exchange server by its
address, a node about itself, a SharePoint server), names a target its check
can have on this plan, carries the transcript a pass of a conversation rests
on, and was not observed in the future. Every refusal is one reason, worded
for the line that names the file and the result.
"""

from __future__ import annotations

from datetime import datetime

from wizard.checklist.model import Checklist, Step, Vantage
from wizard.checklist.vantages import reports_under, roles_of, targets_of
from wizard.plan.model import Plan
from wizard.proof import FUTURE_SKEW
from wizard.results import CheckResult, Status
from wizard.untrusted import neutral


def _quoted(text: str) -> str:
    shown = neutral(text)
    return repr(shown if len(shown) <= 60 else shown[:57] + "...")


def _hosts(plan: Plan) -> str:
    parts = [f"Exchange servers {', '.join(plan.exchange_servers)} (by address)"]
    parts.append(f"nodes {', '.join(node.name for node in plan.nodes)}")
    if plan.sharepoint_servers:
        parts.append(f"SharePoint servers {', '.join(plan.sharepoint_servers)}")
    return "; ".join(parts)


def ahead(moment: datetime, now: datetime) -> str:
    """How far a moment lies ahead of now, in words (``3 h 12 min``)."""
    minutes = int((moment - now).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{minutes // (24 * 60)} days"


def future(moment: datetime, now: datetime, what: str, origin: str | None) -> str:
    """Why a moment is refused as lying in the future, or "" when it is not too far ahead."""
    if moment - now <= FUTURE_SKEW:
        return ""
    host = f"the clock of {neutral(origin)}" if origin else "that host's clock"
    return (
        f"{what} {moment.isoformat()} lies {ahead(moment, now)} ahead of this machine's clock "
        f"(at most {int(FUTURE_SKEW.total_seconds() // 60)} min are allowed); check {host}"
    )


def refusal(result: CheckResult, step: Step, checklist: Checklist, plan: Plan, now: datetime) -> str:
    """Why the session does not admit this result from a file, or "" when it does."""
    spec = checklist.check_spec(result.check)
    if spec is None or not reports_under(spec, step):
        return f"check {_quoted(result.check)} does not belong to step {step.id}"
    if not spec.vantages:
        return (
            f"check {result.check} is proven by no host (a manual check); "
            "import takes no results for it, only the implementer's note can"
        )
    roles = roles_of(result.origin, plan)
    if not roles or Vantage.WORKSTATION in roles:
        return f"origin {_quoted(result.origin or '')} is not a host of this plan ({_hosts(plan)})"
    allowed = roles & set(spec.vantages)
    if not allowed:
        may = ", ".join(v.value for v in spec.vantages)
        role = " and ".join(sorted(v.value for v in roles))
        return f"{result.check} may come only from {may}, not from the {role} {result.origin}"
    if allowed == {Vantage.NODE} and result.origin != result.target:
        return (
            f"the node {result.origin} reports {result.check} about {_quoted(result.target)}; "
            "a node's own facts speak only for itself"
        )
    if result.target not in targets_of(spec.targets, plan):
        kinds = ", ".join(kind.value.replace("_", " ") for kind in spec.targets)
        return f"target {_quoted(result.target)} is not one {result.check} can have on this plan ({kinds})"
    if (
        result.status == Status.PASS
        and spec.transcript
        and not any(line.strip() for line in result.transcript)
    ):
        return f"a pass of {result.check} without its transcript proves nothing; the kit records the conversation"
    return future(result.observed_at, now, "observed_at", result.origin)
