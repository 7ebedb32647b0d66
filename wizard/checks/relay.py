"""The ``relay-refused`` check: a node refuses to relay for this machine, in every form relays are asked for."""

from __future__ import annotations

from typing import Literal

from wizard.checks import dialogue
from wizard.checks.base import Finding, Sweep, Target, finding
from wizard.checks.dialogue import OUTSIDE_DOMAIN, reply_class
from wizard.checks.relayforms import RELAY_FORMS, RelayForm, final_domain
from wizard.checks.smtpchecks import connection_targets as connection_targets
from wizard.checks.smtpchecks import probe_values, rcpt_blocked_verdict, usable, where
from wizard.checks.smtpprobe import Conversation
from wizard.record import record
from wizard.results import Status

RelayOutcome = Literal["refused", "relays", "local", "deferred", "unasked"]


@record
class FormAnswer:
    """What a target answered to one relay form."""

    form: RelayForm
    address: str
    """The recipient address as sent."""
    outcome: RelayOutcome
    """Refused; accepted for another domain (relays); accepted for the mail host (local delivery, not
    relaying); deferred; or not asked, because the conversation ended first."""
    reply: str = ""
    """The reply that decided it, as the server sent it."""

    @property
    def shown(self) -> str:
        """The form in a sentence: ``percent hack <a%b@[10.0.0.11]> (250 2.1.5 ...)``."""
        return f"{self.form.label} <{self.address}>" + (f" ({self.reply})" if self.reply else "")


def form_answers(sweep: Sweep, target: Target, found: Conversation) -> list[FormAnswer]:
    """How the target answered each relay form, judged by where each address is routed."""
    values = probe_values(sweep.plan, target.address)
    answers = []
    for form in RELAY_FORMS:
        address = form.recipient.format_map(values)
        mail = found.replies.get(f"mail-{form.name}")
        rcpt = found.replies.get(f"rcpt-{form.name}")
        outcome: RelayOutcome
        if rcpt is None or mail is None:
            outcome, said = "unasked", ""
        elif not mail.ok:
            outcome, said = "refused", mail.first
        elif rcpt.ok:
            # Mail for the Alias domain is taken whatever its local part: local delivery, not relaying.
            local = final_domain(address) == sweep.plan.mail_host.lower()
            outcome, said = ("local" if local else "relays"), rcpt.first
        else:
            outcome, said = ("deferred" if rcpt.code < 500 else "refused"), rcpt.first
        answers.append(FormAnswer(form, address, outcome, said))
    return answers


def _forms_verdict(sweep: Sweep, target: Target, found: Conversation, plain: str) -> Finding:
    """The finding of a target that refused the plain relay question (``plain``): what the forms add."""
    at = where(sweep, target)
    answers = form_answers(sweep, target, found)
    relays = [a for a in answers if a.outcome == "relays"]
    if relays:
        return finding(
            Status.FAIL,
            f"{at} refused plain relaying ({plain}) but accepted mail for {OUTSIDE_DOMAIN} in the "
            + "; ".join(a.shown for a in relays),
            f"The node takes these forms as mail to pass on to {OUTSIDE_DOMAIN}: check Access > Relay "
            f"('Only the list below', only {', '.join(sweep.plan.exchange_servers)}) and any other relay or "
            "routing rule on the node, then check again.",
            found.transcript,
        )
    open_ = [a for a in answers if a.outcome in ("deferred", "unasked")]
    if open_:
        return finding(
            Status.WARN,
            f"{at} refused plain relaying ({plain}), but the "
            + "; ".join(f"{a.form.label} was {'deferred' if a.reply else 'never asked'}" for a in open_)
            + ", so those forms are not proven",
            "Run the check again; a deferral or a conversation cut short says nothing about relaying.",
            found.transcript,
        )
    local = [a for a in answers if a.outcome == "local"]
    note = (
        "; the "
        + ", ".join(a.form.label for a in local)
        + f" was accepted as mail for {sweep.plan.mail_host}, "
        "the Alias domain: local delivery, not relaying"
        if local
        else ""
    )
    refused = [a.form.label for a in answers if a.outcome == "refused"]
    return finding(
        Status.PASS,
        f"{at} refused to relay to {OUTSIDE_DOMAIN} ({plain}), and in the {len(refused)} other forms tried "
        f"({', '.join(refused)}){note}",
        "",
        found.transcript,
    )


async def run_relay(sweep: Sweep, target: Target) -> Finding:
    """``relay-refused``: RCPT to an outside domain is refused with 5xx (a 4xx proves nothing)."""
    found, instead = await usable(sweep, target)
    if instead is not None:
        return instead
    reply = found.replies.get(dialogue.RCPT_OUTSIDE.name)
    if reply is None:
        return rcpt_blocked_verdict(sweep, target, found) or finding(
            Status.ERROR, f"{where(sweep, target)}: no RCPT answer recorded", "", found.transcript
        )
    if found.source_address in sweep.plan.exchange_servers:
        return finding(
            Status.SKIP,
            f"this machine ({found.source_address}) is on the relay list, so relaying from here proves nothing",
            "Run the check from a machine that is not an Exchange server.",
            found.transcript,
        )
    status = Status(dialogue.RCPT_OUTSIDE.rule(reply_class(reply.code)).status)
    if status == Status.PASS:
        return _forms_verdict(sweep, target, found, reply.first)
    if status == Status.FAIL:
        exchange = ", ".join(sweep.plan.exchange_servers)
        return finding(
            Status.FAIL,
            f"{where(sweep, target)} accepted mail for {OUTSIDE_DOMAIN} from this machine: an open relay",
            f"Access > Relay: choose 'Only the list below', list only the Exchange servers ({exchange}), and clear "
            "'Allow all computers which successfully authenticate to relay' unless it is needed.",
            found.transcript,
        )
    return finding(
        Status.WARN,
        f"{where(sweep, target)} answered mail for {OUTSIDE_DOMAIN} with a temporary {reply.first}: "
        "neither refused nor accepted, so the relay restriction is not proven",
        "A temporary reply (the service is short of disk or busy, or a greylist) says nothing about relaying; "
        "check Access > Relay, then run the check again.",
        found.transcript,
    )
