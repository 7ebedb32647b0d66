"""The ``relay-refused`` check: a node refuses to relay for this machine."""

from __future__ import annotations

from wizard.checks import dialogue
from wizard.checks.base import Sweep, Target, Verdict, verdict
from wizard.checks.dialogue import OUTSIDE_DOMAIN, reply_class
from wizard.checks.smtpchecks import connection_targets as connection_targets
from wizard.checks.smtpchecks import rcpt_blocked_verdict, usable, where
from wizard.results import Status


async def run_relay(sweep: Sweep, target: Target) -> Verdict:
    """``relay-refused``: RCPT to an outside domain is refused with 5xx (a 4xx proves nothing)."""
    found, instead = await usable(sweep, target)
    if instead is not None:
        return instead
    reply = found.replies.get(dialogue.RCPT_OUTSIDE.name)
    if reply is None:
        return rcpt_blocked_verdict(sweep, target, found) or verdict(
            Status.ERROR, f"{where(sweep, target)}: no RCPT answer recorded", "", found.transcript
        )
    if found.source_address in sweep.plan.exchange_servers:
        return verdict(
            Status.SKIP,
            f"this machine ({found.source_address}) is on the relay list, so relaying from here proves nothing",
            "Run the check from a machine that is not an Exchange server.",
            found.transcript,
        )
    status = Status(dialogue.RCPT_OUTSIDE.rule(reply_class(reply.code)).status)
    if status == Status.PASS:
        return verdict(
            Status.PASS,
            f"{where(sweep, target)} refused to relay to {OUTSIDE_DOMAIN} ({reply.first})",
            "",
            found.transcript,
        )
    if status == Status.FAIL:
        exchange = ", ".join(sweep.plan.exchange_servers)
        return verdict(
            Status.FAIL,
            f"{where(sweep, target)} accepted mail for {OUTSIDE_DOMAIN} from this machine: an open relay",
            f"Access > Relay: choose 'Only the list below', list only the Exchange servers ({exchange}), and clear "
            "'Allow all computers which successfully authenticate to relay' unless it is needed.",
            found.transcript,
        )
    return verdict(
        Status.WARN,
        f"{where(sweep, target)} answered mail for {OUTSIDE_DOMAIN} with a temporary {reply.first}: "
        "neither refused nor accepted, so the relay restriction is not proven",
        "A temporary reply (the service is short of disk or busy, or a greylist) says nothing about relaying; "
        "check Access > Relay, then run the check again.",
        found.transcript,
    )
