"""The ``connection-control`` check: who a node lets in, and what that can and cannot prove from here."""

from __future__ import annotations

from wizard.checks.base import Finding, Sweep, Target, finding
from wizard.checks.smtpchecks import FAULT_HINTS, conversation, fault_verdict, first_exchange, where
from wizard.checks.smtpchecks import connection_targets as connection_targets
from wizard.checks.smtpprobe import Conversation, Fault
from wizard.results import Status

NOT_PROOF = (
    "what connection control does, and equally what a stopped service or a wrong address in the plan "
    "does, so this alone proves nothing"
)
"""Why a refusal seen from this machine is a warning, never proof of the step."""


def proof_hint(sweep: Sweep) -> str:
    """What does prove connection control: the node's own list and a session the Exchange side is let into."""
    exchange = ", ".join(sweep.plan.exchange_servers)
    return (
        "Proof is each node's own list together with a session from the Exchange side: run the probe kit "
        f"on each node (connection-list: only the list below, with {exchange} on it) and on "
        f"{first_exchange(sweep.plan)} (connection-control: the node lets it in), then import the results "
        "(`spmail-wizard export PLAN --format probe -o DIR`, `spmail-wizard import RESULTS.json --session NAME`)."
    )


def _from_exchange(sweep: Sweep, target: Target, found: Conversation, reason: str) -> Finding:
    """This machine is an Exchange server: it must be let in, whatever the setting."""
    plan = sweep.plan
    at = where(sweep, target)
    if reason:
        return finding(
            Status.FAIL,
            f"{at} turned this machine away ({reason}), although it is an Exchange server "
            f"({found.source_address}) that must be let in",
            f"Access > Connection: add {', '.join(plan.exchange_servers)} to the list of computers allowed to connect.",
            found.transcript,
        )
    if not found.greeted:
        return fault_verdict(sweep, target, found)
    # Being let in is half of the proof with connection control on; the node's own list is the other.
    half = (
        "; who else is kept out is read from the node's own list (the probe kit's connection-list)"
        if plan.connection_control
        else " (connection control is off in the plan)"
    )
    return finding(
        Status.PASS,
        f"{at} accepts a session from the Exchange server {found.source_address}, as it must{half}",
        "",
        found.transcript,
    )


async def run_connection_control(sweep: Sweep, target: Target) -> Finding:
    """``connection-control``: who a node lets in, as far as a session from this machine can tell."""
    found = await conversation(sweep, target.address)
    if found.out_of_turn:
        return fault_verdict(sweep, target, found)
    reason = found.blocked()
    plan = sweep.plan
    at = where(sweep, target)
    if found.source_address in plan.exchange_servers:
        return _from_exchange(sweep, target, found, reason)
    if plan.connection_control:
        if reason:
            return finding(
                Status.WARN,
                f"{at} turned this machine away ({reason}): {NOT_PROOF}",
                proof_hint(sweep),
                found.transcript,
            )
        if found.greeted:
            return finding(
                Status.WARN,
                f"{at} accepts a session from this machine ({found.source_address}): connection control is not set, or this machine is on the allowed list",
                f"Access > Connection: choose 'Only the list below' and list only {', '.join(plan.exchange_servers)}; remove this machine if it was added for testing.",
                found.transcript,
            )
        problem = str(found.fault) if found.fault else "broke off the session"
        return finding(
            Status.WARN,
            f"{at} {problem}; that is not how connection control refuses, so the cause may be a firewall",
            FAULT_HINTS[found.fault.kind].format(port=plan.smtp_port) if found.fault else "",
            found.transcript,
        )
    if reason and not (found.fault is not None and found.fault.kind == Fault.REFUSED):
        return finding(
            Status.FAIL,
            f"{at} turned this machine away ({reason}) although connection control is off in the plan",
            "Access > Connection: choose 'All except the list below', or add this machine; if the restriction is intended, turn Connection control on in the farm's values.",
            found.transcript,
        )
    if found.greeted:
        return finding(
            Status.PASS,
            f"{at} accepts connections from this machine (connection control is off in the plan)",
            "",
            found.transcript,
        )
    return fault_verdict(sweep, target, found)
