"""The ``dns-a-record`` check: the mail host's A record (AAAA for an IPv6 address) as each DNS server answers it."""

from __future__ import annotations

import asyncio
import ipaddress
from collections import Counter

from wizard.checks.base import Finding, Sweep, Target, finding, seconds
from wizard.checks.dnslookup import Answer, DnsServer, ask_first, system_servers
from wizard.plan.model import Plan
from wizard.results import Status

ANSWERS = ("ok", "nxdomain", "nodata")
"""Outcomes in which a server did answer the question; the others are silence or failure."""
SYSTEM = "system"
"""The label of the system resolver, used when the plan names no DNS server."""


def targets(plan: Plan) -> list[Target]:
    """Each DNS server, then each node's name, then (with several servers) their agreement."""
    found = [Target(f"dns:{label}", "dns", label) for label in (plan.dns_servers or [SYSTEM])]
    found += [Target(node.name, "node", node.address, node) for node in plan.nodes]
    if len(plan.dns_servers) > 1:
        found.append(Target(plan.mail_host, "host"))
    return found


async def run(sweep: Sweep, target: Target) -> Finding:
    """Judge one target of the DNS step."""
    if target.kind == "dns":
        return await _judge_server(sweep, target.address)
    if target.kind == "node":
        return await _judge_node_name(sweep, target)
    return await _judge_agreement(sweep)


def record_type(address: str) -> str:
    """The record that maps a name to ``address``: AAAA for an IPv6 address, A otherwise."""
    try:
        return "AAAA" if ipaddress.ip_address(address).version == 6 else "A"
    except ValueError:
        return "A"


def _same(found: str, wanted: str) -> bool:
    """Whether two addresses are one, however each is written (``2001:db8::50`` and ``2001:DB8:0::50``)."""
    try:
        return ipaddress.ip_address(found) == ipaddress.ip_address(wanted)
    except ValueError:
        return found == wanted


def _servers(label: str) -> list[DnsServer]:
    return system_servers() if label == SYSTEM else [DnsServer.parse(label)]


def _ask(sweep: Sweep, label: str, name: str, rdtype: str) -> asyncio.Task[Answer | None]:
    async def question() -> Answer | None:
        async with sweep.limiter:
            late = sweep.late()
            servers = _servers(label)
            if late and servers:
                return Answer(servers[0], name, rdtype, "error", detail=late, lines=(late,))
            return await ask_first(servers, name, rdtype, deadline=sweep.deadline)

    return sweep.shared(("dns", label, name, rdtype), question)


def _where(label: str, answer: Answer | None) -> str:
    if label != SYSTEM:
        return label
    return f"the system resolver ({answer.server.label})" if answer else "the system resolver"


def _expected(sweep: Sweep) -> str:
    plan = sweep.plan
    return (
        f"the VIP {plan.target_address}"
        if plan.mode == "nlb"
        else f"{plan.nodes[0].name} ({plan.target_address})"
    )


def _record_hint(plan: Plan, where: str) -> str:
    return (
        f"On {where}, create (or fix) the Host ({record_type(plan.target_address)}) record {plan.record_name!r} in zone {plan.zone} "
        f"pointing at {plan.target_address}, or check that the zone has replicated to that server."
    )


def _mx_note(mail_host: str, mx: Answer | None) -> tuple[str, bool]:
    """A sentence about the MX record, and whether it deserves a warning."""
    if mx is None or mx.outcome != "ok":
        return "no MX record, which is fine: the Send Connector's smart host routes by the A record", False
    targets = [value.split()[-1].rstrip(".").lower() for value in mx.values]
    if all(target == mail_host for target in targets):
        return f"an MX record points at {mail_host} itself", False
    return f"an MX record points at {', '.join(targets)}, which a DNS-routed connector would follow", True


async def _judge_server(sweep: Sweep, label: str) -> Finding:
    plan = sweep.plan
    rdtype = record_type(plan.target_address)
    a_task, mx_task = _ask(sweep, label, plan.mail_host, rdtype), _ask(sweep, label, plan.mail_host, "MX")
    answer, mx = await a_task, await mx_task
    where = _where(label, answer)
    if answer is None:
        return finding(
            Status.ERROR,
            "this machine has no DNS resolver configured",
            "List the DNS servers that Exchange uses under dns_servers in the plan.",
        )
    lines = list(answer.lines) + (list(mx.lines) if mx else [])
    host = plan.mail_host
    wanted = plan.target_address
    if answer.outcome == "ok":
        return _judge_addresses(sweep, where, answer, mx, lines)
    failures = {
        "nxdomain": (f"{where} says {host} does not exist (NXDOMAIN)", _record_hint(plan, where)),
        "nodata": (
            f"{where} knows {host} but has no {rdtype} record for it"
            + (f" (it is an alias of {answer.chain[-1]})" if answer.chain else ""),
            _record_hint(plan, where),
        ),
        "servfail": (
            f"{where} could not answer for {host} (SERVFAIL)",
            f"The server failed to resolve {plan.zone}: check that it hosts the zone or can reach one that does.",
        ),
        "refused": (
            f"{where} refused to answer for {host} (REFUSED)",
            f"The server does not serve {plan.zone} to this machine; ask a DNS server that Exchange uses.",
        ),
        "timeout": (
            f"{where} did not answer within {seconds(sweep.timeout)}",
            "Check the server's address, and that DNS (UDP and TCP 53) is open from this machine.",
        ),
        "truncated": (
            f"{where} sent a truncated answer for {host} and the TCP retry failed ({answer.detail})",
            "Allow DNS over TCP 53 to that server; a large answer cannot come over UDP alone.",
        ),
        "error": (
            f"{where} gave an unusable answer for {host}: {answer.detail}",
            f"Check that {where} is a DNS server.",
        ),
    }
    summary, hint = failures[answer.outcome]
    if answer.outcome == "error" and answer.detail.startswith("not probed"):
        summary, hint = f"{where}: {answer.detail}", "Run the check again for fewer steps at once."
    status = Status.ERROR if answer.outcome == "error" else Status.FAIL
    if wanted and answer.outcome in ("nxdomain", "nodata"):
        summary += f"; it should point at {_expected(sweep)}"
    return finding(status, summary, hint, lines)


def _judge_addresses(
    sweep: Sweep, where: str, answer: Answer, mx: Answer | None, lines: list[str]
) -> Finding:
    plan = sweep.plan
    host = plan.mail_host
    wanted = plan.target_address
    addresses = list(answer.values)
    mx_note, mx_warn = _mx_note(host, mx)
    node_addresses = {node.address for node in plan.nodes}
    kind = record_type(wanted)
    via = f" through the alias chain {' -> '.join(answer.chain)}" if answer.chain else ""
    if len(addresses) > 1:
        shown = ", ".join(addresses)
        if plan.mode == "nlb" and all(any(_same(a, n) for n in node_addresses) for a in addresses):
            summary = f"{where} answers {host} with {len(addresses)} node addresses ({shown}): round-robin DNS instead of the VIP {wanted}"
        else:
            summary = f"{where} answers {host} with {len(addresses)} addresses ({shown}) where exactly {wanted} was expected"
        return finding(
            Status.FAIL,
            summary,
            f"Keep one {kind} record for {plan.record_name}, pointing at {wanted}; remove the others.",
            lines,
        )
    address = addresses[0]
    if not _same(address, wanted):
        what = (
            "a node's own address"
            if any(_same(address, n) for n in node_addresses) and plan.mode == "nlb"
            else "another address"
        )
        return finding(
            Status.FAIL,
            f"{where} answers {host}{via} with {address} ({what}), not {_expected(sweep)}",
            f"Change the {kind} record {plan.record_name} in zone {plan.zone} to {wanted}.",
            lines,
        )
    if answer.chain:
        return finding(
            Status.WARN,
            f"{where} answers {host} with {address} as expected, but through the alias chain "
            f"{' -> '.join(answer.chain)}; {mx_note}",
            f"Exchange follows the alias, but the step asks for a Host ({kind}) record; replace the CNAME with an {kind} record for {wanted}.",
            lines,
        )
    status = Status.WARN if mx_warn else Status.PASS
    hint = (
        f"Remove the MX record or point it at {host}, unless the connector routes by DNS on purpose."
        if mx_warn
        else ""
    )
    role = "the VIP" if plan.mode == "nlb" else f"the node {plan.nodes[0].name}"
    return finding(status, f"{where} answers {host} with {address} ({role}); {mx_note}", hint, lines)


async def _judge_node_name(sweep: Sweep, target: Target) -> Finding:
    assert target.node is not None
    label = sweep.plan.dns_servers[0] if sweep.plan.dns_servers else SYSTEM
    answer = await _ask(sweep, label, target.node.name, record_type(target.node.address))
    where = _where(label, answer)
    name, address = target.node.name, target.node.address
    if answer is None:
        return finding(Status.SKIP, f"{name} not looked up: no DNS resolver is configured here")
    lines = answer.lines
    if answer.outcome == "ok" and any(_same(value, address) for value in answer.values):
        return finding(Status.PASS, f"{name} resolves to {address} at {where}, as planned", "", lines)
    found = answer.describe() if answer.outcome != "timeout" else f"no answer in {seconds(sweep.timeout)}"
    return finding(
        Status.WARN,
        f"{name} does not resolve to its planned address {address} at {where} (got {found})",
        "Check the node's name and address in the plan; results are named after the node, so they should match its DNS record.",
        lines,
    )


async def _judge_agreement(sweep: Sweep) -> Finding:
    labels = list(sweep.plan.dns_servers)
    rdtype = record_type(sweep.plan.target_address)
    answers = [await _ask(sweep, label, sweep.plan.mail_host, rdtype) for label in labels]
    said = {
        label: (answer.describe() if answer else "nothing")
        for label, answer in zip(labels, answers, strict=True)
    }
    lines = [line for answer in answers if answer for line in answer.lines]
    answered = [answer for answer in answers if answer is not None and answer.outcome in ANSWERS]
    if not answered:
        # Servers that all time out agree on nothing: silence is not an answer to compare.
        return finding(
            Status.WARN,
            f"none of the {len(labels)} DNS servers gave an answer about {sweep.plan.mail_host} (silence or "
            "failures only), so whether they agree is not known",
            "Check each server's address and that DNS (UDP and TCP 53) is open from this machine, then check again.",
            lines,
        )
    counts = Counter(said.values())
    if len(counts) == 1:
        return finding(
            Status.PASS,
            f"all {len(labels)} DNS servers give the same answer for {sweep.plan.mail_host}: {next(iter(counts))}",
        )
    parts = "; ".join(f"{label} says {text}" for label, text in said.items())
    return finding(
        Status.FAIL,
        f"the DNS servers disagree about {sweep.plan.mail_host}: {parts}",
        f"Wait for zone replication or force it, and make sure every server Exchange uses holds the same {rdtype} record.",
        lines,
    )
