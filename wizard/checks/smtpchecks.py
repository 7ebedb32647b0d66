"""Checks that read a node's SMTP conversation: greeting, FQDN, alias, relay, connection control."""

from __future__ import annotations

import asyncio
import re

from wizard.checks import dialogue
from wizard.checks.banner import windows_note
from wizard.checks.base import Finding, Sweep, Target, finding, node_targets, nodes_and_vip
from wizard.checks.dialogue import OUTSIDE_DOMAIN as OUTSIDE_DOMAIN
from wizard.checks.dialogue import PROBE, reply_class
from wizard.checks.dialogue import PROBE_LOCAL_PART as PROBE_LOCAL_PART
from wizard.checks.smtpprobe import Conversation, Fault, converse, not_started, probe_name
from wizard.plan.model import Plan
from wizard.results import Status

_READY_AT = re.compile(r"\s+ready at\b.*$", re.IGNORECASE)
"""The clock part of an IIS greeting, left out of summaries."""
IIS_BANNER = "Microsoft ESMTP MAIL Service"
"""Text of the stock IIS greeting; its absence means an unknown or customised server, not a fault."""


def alias_probe(plan: Plan) -> str:
    """The address at the mail host that the alias check asks for."""
    return probe_values(plan)["alias_rcpt"]


def relay_probe() -> str:
    """The outside address that the relay check asks for."""
    return f"{PROBE_LOCAL_PART}@{OUTSIDE_DOMAIN}"


def probe_values(plan: Plan, address: str = "") -> dict[str, str]:
    """The values the probe dialogue's commands are filled with, for this plan and the target at ``address``.

    The target's own name is the node's name, or the mail host for the VIP (or any address not a node's).
    """
    name = next((node.name for node in plan.nodes if node.address == address), plan.mail_host)
    return dialogue.probe_values(
        helo=probe_name(), zone=plan.zone, mail_host=plan.mail_host, node_name=name, node_address=address
    )


def conversation(sweep: Sweep, address: str) -> asyncio.Task[Conversation]:
    """The sweep's one read-only conversation with ``address``, along :data:`dialogue.PROBE`.

    Every check of the target reads this one conversation, so a sweep opens one
    connection per target (plus the NLB probes through the VIP).
    """
    plan = sweep.plan

    async def talk() -> Conversation:
        async with sweep.limiter:
            late = sweep.late()
            if late:
                return not_started(address, plan.smtp_port, late)
            return await converse(
                address,
                plan.smtp_port,
                deadline=sweep.deadline,
                moves=PROBE,
                values=probe_values(plan, address),
            )

    return sweep.shared(("smtp", address, str(plan.smtp_port)), talk)


def first_exchange(plan: Plan) -> str:
    """The Exchange server the probe kit is run on, when this machine cannot prove a step."""
    return plan.exchange_servers[0]


def probe_kit_hint(plan: Plan, *, send_test: bool = False) -> str:
    """What proves a step instead, when this machine is turned away: the probe kit run on Exchange."""
    switch = " (with -SendTest on the Exchange server)" if send_test else ""
    # The Exchange server's script proves what travels the network; what an Exchange server
    # may do anyway (relay, connect) is proven by each node's script reading its settings.
    return (
        f"Run the probe kit on {first_exchange(plan)} and on each node, and import its results: "
        f"`spmail-wizard export PLAN --format probe -o DIR`, run each host's script there{switch}, "
        "then `spmail-wizard import RESULTS.json --session NAME` for each results file."
    )


def where(sweep: Sweep, target: Target) -> str:
    """How a summary names the target and the address probed."""
    if target.kind == "vip":
        return f"{target.label} through {sweep.vip_label()}"
    return f"{target.label} ({target.address})"


FAULT_HINTS = {
    Fault.REFUSED: "Start the SMTP service (net start smtpsvc) and check the virtual server's address and port; a firewall may also reject TCP {port}.",
    Fault.UNREACHABLE: "Check the address in the plan and the route to it from this machine.",
    Fault.TIMEOUT: "The host is down, a firewall drops TCP {port}, or the service is hung; restart the SMTP service and check the firewall.",
    Fault.RESET: "Something between here and the node, or the service itself, cuts sessions; check the firewall and the SMTP service's event log.",
    Fault.CLOSED: "The service drops sessions at once; check Access > Connection on the node and its event log.",
    Fault.GARBAGE: "Another program answers on port {port}; check what listens there (netstat -ano).",
    Fault.TOO_LONG: "Whatever answers on port {port} is not a working SMTP server; check what listens there.",
    Fault.NOT_STARTED: "Run the check again for fewer steps at once, or with a longer --timeout.",
    Fault.OUT_OF_TURN: "The server on port {port} sends replies nobody asked for, or one command behind, so none of "
    "its answers can be read as proof; check what listens there (netstat -ano) and its event log.",
}
UNTRUSTED = (Fault.NOT_STARTED, Fault.OUT_OF_TURN)
"""Faults that leave nothing judged: the probe did not run, or its replies cannot be matched to its commands."""


def fault_verdict(sweep: Sweep, target: Target, found: Conversation) -> Finding:
    """The finding for a conversation that never got a usable greeting."""
    port = sweep.plan.smtp_port
    lines = found.transcript
    if found.fault is not None:
        hint = FAULT_HINTS[found.fault.kind].format(port=port)
        if found.fault.kind in UNTRUSTED:
            return finding(Status.ERROR, f"{where(sweep, target)} {found.fault}", hint, lines)
        if found.fault.kind == Fault.REFUSED:
            # Nothing listens: with connection control off in the plan, that is a node down, not a policy.
            return finding(Status.FAIL, f"{where(sweep, target)} is down: {found.fault}", hint, lines)
        return finding(Status.FAIL, f"{where(sweep, target)} {found.fault}", hint, lines)
    assert found.greeting is not None
    if found.greeting.code == 421:
        return finding(
            Status.FAIL,
            f"{where(sweep, target)} is busy and turned the session away ({found.greeting.first})",
            "The service refuses new sessions (too many connections, or shutting down); retry, then check its connection limits.",
            lines,
        )
    return finding(
        Status.FAIL,
        f"{where(sweep, target)} refused the session ({found.greeting.first})",
        "Check Access > Connection on the node: this machine may not be allowed to connect.",
        lines,
    )


def blocked_skip(sweep: Sweep, target: Target, found: Conversation) -> Finding | None:
    """With connection control on, a node that turns this machine away cannot be checked from here."""
    reason = found.blocked()
    if not (sweep.plan.connection_control and reason):
        return None
    if found.source_address in sweep.plan.exchange_servers:
        # An Exchange server must be let in: being turned away is a fault, not the setting at work.
        return None
    return finding(
        Status.SKIP,
        f"{where(sweep, target)} turned this machine away ({reason}), as connection control would "
        "(a stopped service or a wrong address looks the same); not checked from here",
        probe_kit_hint(sweep.plan),
        found.transcript,
    )


async def usable(sweep: Sweep, target: Target) -> tuple[Conversation, Finding | None]:
    """The target's conversation, and the finding to give instead when it never got going."""
    found = await conversation(sweep, target.address)
    skip = blocked_skip(sweep, target, found)
    if skip is not None:
        return found, skip
    if not found.greeted:
        return found, fault_verdict(sweep, target, found)
    return found, None


def greeting_targets(plan: Plan) -> list[Target]:
    """Nodes, then the mail host through the VIP in NLB mode."""
    return nodes_and_vip(plan)


async def run_greeting(sweep: Sweep, target: Target) -> Finding:
    """``smtp-greeting``: the target answers 220 on the SMTP port in time."""
    found, instead = await usable(sweep, target)
    if instead is not None:
        return instead
    assert found.greeting is not None
    note = (
        ""
        if IIS_BANNER.lower() in found.greeting.text.lower()
        else " (not the IIS banner: an unknown or customised server)"
    )
    return finding(
        Status.PASS,
        f"{where(sweep, target)} greets with 220 in {found.greeting.elapsed_ms} ms{note}: {_READY_AT.sub('', found.greeting.text)[:100]}",
        "",
        found.transcript,
    )


def _first_word(text: str) -> str:
    return text.split()[0] if text.split() else ""


async def run_fqdn(sweep: Sweep, target: Target) -> Finding:
    """``fqdn-greeting``: the greeting and the EHLO reply name the mail host."""
    found, instead = await usable(sweep, target)
    if instead is not None:
        return instead
    assert found.greeting is not None
    host = sweep.plan.mail_host
    greeted_as = _first_word(found.greeting.text)
    ehlo_as = _first_word(found.ehlo.text) if found.ehlo is not None and found.ehlo.ok else ""
    wrong = [name for name in (greeted_as, ehlo_as) if name and name.lower() != host]
    build = windows_note(found.greeting.text, sweep.plan.windows_version)
    if not wrong:
        seen = (
            greeted_as
            if not ehlo_as or ehlo_as.lower() == greeted_as.lower()
            else f"{greeted_as} / {ehlo_as}"
        )
        return finding(
            Status.PASS,
            f"{where(sweep, target)} greets and answers EHLO as {seen}{build}",
            "",
            found.transcript,
        )
    shown = f"greets as {greeted_as or '(nothing)'}" + (
        f" and answers EHLO as {ehlo_as}" if ehlo_as and ehlo_as.lower() != greeted_as.lower() else ""
    )
    node = target.label.split(".")[0]
    return finding(
        Status.WARN,
        f"{where(sweep, target)} {shown}, not {host}; the FQDN is recommended, not required, so mail "
        f"still flows{build}",
        f"On {node}, set Delivery > Advanced > Fully-qualified domain name to {host}, then restart the SMTP service.",
        found.transcript,
    )


def rcpt_blocked_verdict(sweep: Sweep, target: Target, found: Conversation) -> Finding | None:
    """A conversation that stopped before the RCPT a check reads: say where and why."""
    if found.fault is not None:
        return finding(
            Status.ERROR if found.fault.kind in UNTRUSTED else Status.FAIL,
            f"{where(sweep, target)} broke off at {found.stage}: {found.fault}",
            FAULT_HINTS[found.fault.kind].format(port=sweep.plan.smtp_port),
            found.transcript,
        )
    if found.ehlo is not None and not found.ehlo.ok:
        return finding(
            Status.FAIL,
            f"{where(sweep, target)} refused EHLO and HELO ({found.ehlo.first})",
            "",
            found.transcript,
        )
    if found.mail is not None and not found.mail.ok:
        return finding(
            Status.FAIL,
            f"{where(sweep, target)} refused the probe's sender ({found.mail.first})",
            "The node rejects MAIL FROM from this machine; check its Access settings and event log.",
            found.transcript,
        )
    if found.stopped_at in (dialogue.RSET.name, dialogue.RSET_OUTSIDE.name):
        rset = found.replies[found.stopped_at]
        return finding(
            Status.ERROR,
            f"{where(sweep, target)} refused RSET ({rset.first}), which RFC 5321 does not allow, so the "
            "probe stopped before this question",
            "A server that refuses to reset a transaction cannot be probed safely; check what listens on "
            f"port {sweep.plan.smtp_port}.",
            found.transcript,
        )
    return None


async def run_alias(sweep: Sweep, target: Target) -> Finding:
    """``alias-accepted``: RCPT to an address at the mail host is accepted."""
    found, instead = await usable(sweep, target)
    if instead is not None:
        return instead
    reply = found.replies.get(dialogue.RCPT_ALIAS.name)
    if reply is None:
        return rcpt_blocked_verdict(sweep, target, found) or finding(
            Status.ERROR, f"{where(sweep, target)}: no RCPT answer recorded", "", found.transcript
        )
    host = sweep.plan.mail_host
    node = target.label.split(".")[0] if target.kind == "node" else "every node"
    status = Status(dialogue.RCPT_ALIAS.rule(reply_class(reply.code)).status)
    if status == Status.PASS:
        outside = found.replies.get(dialogue.RCPT_OUTSIDE.name)
        if outside is not None and outside.ok and found.source_address in sweep.plan.exchange_servers:
            # An Exchange server may relay: a node without the alias takes its mail too (into
            # Queue, not Drop), so acceptance proves nothing about the alias from here.
            return finding(
                Status.SKIP,
                f"{where(sweep, target)} accepted mail for {host} ({reply.first}), but it takes mail for any domain "
                f"from this machine, an Exchange server that may relay, so this does not prove the alias",
                "The probe kit's node script reads the Domains list of each node; run it there and import its results.",
                found.transcript,
            )
        if outside is not None and outside.ok:
            return finding(
                Status.WARN,
                f"{where(sweep, target)} accepted mail for {host} ({reply.first}), but it accepts mail for any domain from here, so this does not prove the alias",
                f"Close the open relay first (relay step), then check again; if {host} is then refused, add it as an Alias domain.",
                found.transcript,
            )
        return finding(
            Status.PASS,
            f"{where(sweep, target)} accepted mail for {host} ({reply.first})",
            "",
            found.transcript,
        )
    if reply.code == 550 and "5.7.1" in reply.text:
        summary = f"{where(sweep, target)} refused mail for {host} ({reply.first}): alias domain missing, or the service was not restarted"
    elif reply.code < 500:
        summary = f"{where(sweep, target)} deferred mail for {host} ({reply.first}) instead of accepting it"
    else:
        summary = f"{where(sweep, target)} refused mail for {host} ({reply.first})"
    return finding(
        status,
        summary,
        f"Add {host} as an Alias domain on {node} (Domains > New > Domain > Alias), then restart the SMTP service.",
        found.transcript,
    )


def connection_targets(plan: Plan) -> list[Target]:
    """Every node."""
    return node_targets(plan)
