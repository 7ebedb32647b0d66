"""What the probe kit saw inside each node and SharePoint server, host by host, for the runbook's "Seen inside" section.

The step tables show each result under its step; this view gathers, per
host, what that host reported about itself (its settings, folders, the
timer account, the lists and the unified log), the evidence past the Drop
folder that no network check sees.
"""

from __future__ import annotations

from collections.abc import Sequence

from wizard.checklist.model import Step
from wizard.plan.model import Plan
from wizard.probekit.waiting import unknown_aliases
from wizard.record import record
from wizard.runbook.worded import ShownResult, evidence
from wizard.session import Session


@record
class InsideRow:
    step: str
    """The step's title."""
    check: str
    evidence: ShownResult


@record
class InsideHost:
    name: str
    role: str
    """``SMTP node``, ``SharePoint server`` or both."""
    rows: tuple[InsideRow, ...]
    unknown: tuple[str, ...] = ()
    """Mail waiting in this node's Drop for aliases the imported list inventory lacks, one sentence each."""


def _role(plan: Plan, name: str) -> str:
    roles = []
    if name in {node.name for node in plan.nodes}:
        roles.append("SMTP node")
    if name in plan.sharepoint_servers:
        roles.append("SharePoint server")
    return " and ".join(roles)


def seen_inside(plan: Plan, steps: Sequence[Step], session: Session | None) -> tuple[InsideHost, ...]:
    """Per node and SharePoint server of the plan, the results it reported itself, in step order."""
    if session is None:
        return ()
    hosts = [node.name for node in plan.nodes] + [
        s for s in plan.sharepoint_servers if s not in {n.name for n in plan.nodes}
    ]
    found: dict[str, list[InsideRow]] = {name: [] for name in hosts}
    for step in steps:
        for result in session.progress_for(step.id).results:
            if result.origin in found:
                found[result.origin].append(InsideRow(step.title, result.check, evidence(result)))
    unknown: dict[str, list[str]] = {}
    for item in unknown_aliases(plan, session):
        unknown.setdefault(item.node, []).append(item.sentence())
    return tuple(
        InsideHost(name, _role(plan, name), tuple(rows), tuple(unknown.get(name, ())))
        for name, rows in found.items()
        if rows
    )
