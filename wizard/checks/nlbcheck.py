"""The ``nlb-distribution`` check: which nodes answer through the VIP, told apart by their own replies."""

from __future__ import annotations

import asyncio
import re
from collections import Counter

from wizard.checks.base import Finding, Sweep, Target, finding, vip_target
from wizard.checks.dialogue import IDENTIFY
from wizard.checks.smtpchecks import blocked_skip, conversation, fault_verdict, probe_values
from wizard.checks.smtpprobe import Conversation, converse, not_started
from wizard.plan.model import Plan
from wizard.results import Status

MIN_PER_NODE = 3
"""Connections through the VIP per node before judging."""
MAX_PER_NODE = 8
"""Connections through the VIP per node at most, while some node has not been seen yet."""
_READY_AT = re.compile(r"\s+ready at\b.*$", re.IGNORECASE)


def targets(plan: Plan) -> list[Target]:
    """The mail host, reached through the VIP."""
    return [vip_target(plan)]


def fingerprint(found: Conversation) -> tuple[str, ...]:
    """What a server says about itself in greeting and EHLO, minus the clock.

    Nodes set up alike greet alike, but the version string, the EHLO keyword
    set or a node's own name usually differ; the time in "ready at" always
    does, so it is dropped.
    """
    if found.greeting is None:
        return ()
    parts = [_READY_AT.sub("", found.greeting.text).strip()]
    if found.ehlo is not None:
        parts.extend(line.strip() for line in found.ehlo.lines)
    return tuple(parts)


async def _through_vip(sweep: Sweep) -> Conversation:
    port = sweep.plan.smtp_port
    async with sweep.limiter:
        late = sweep.late()
        if late:
            return not_started(sweep.vip_address, port, late)
        return await converse(
            sweep.vip_address,
            port,
            deadline=sweep.deadline,
            moves=IDENTIFY,
            values=probe_values(sweep.plan),
        )


async def run(sweep: Sweep, target: Target) -> Finding:
    """Open enough connections through the VIP to see every node answer, all before the sweep's deadline."""
    plan = sweep.plan
    if plan.mode != "nlb":
        return finding(Status.SKIP, "single-server mode has no load balancing to check")
    node_tasks = [conversation(sweep, node.address) for node in plan.nodes]
    first = await conversation(sweep, sweep.vip_address)
    skip = blocked_skip(sweep, target, first)
    if skip is not None:
        return skip
    if not first.greeted:
        return fault_verdict(sweep, target, first)
    if first.fault is not None:
        # It greeted, then stalled or broke off: every probe through the VIP would do the same.
        return finding(
            Status.FAIL,
            f"{plan.mail_host} through {sweep.vip_label()} greeted, then {first.fault} (at {first.stage})",
            "A node behind the VIP hangs or drops sessions after the greeting; check each node's SMTP service and event log.",
            first.transcript,
        )
    direct = [await task for task in node_tasks]
    prints: dict[tuple[str, ...], list[str]] = {}
    for node, found in zip(plan.nodes, direct, strict=True):
        if found.greeted:
            prints.setdefault(fingerprint(found), []).append(node.name)
    seen: Counter[tuple[str, ...]] = Counter()
    failures = 0
    wanted_rounds = MIN_PER_NODE
    count = len(plan.nodes)
    rounds = 0
    while rounds < wanted_rounds and not sweep.late():
        batch = await asyncio.gather(*(_through_vip(sweep) for _ in range(count)))
        rounds += 1
        for found in batch:
            if found.greeted:
                seen[fingerprint(found)] += 1
            else:
                failures += 1
        unseen = [fp for fp in prints if fp not in seen]
        if rounds == wanted_rounds and unseen and wanted_rounds < MAX_PER_NODE:
            wanted_rounds += 1
    if not rounds:
        return finding(
            Status.ERROR,
            f"no connection through {sweep.vip_label()} could be made before the sweep's deadline: "
            "the nodes took the whole timeout to answer",
            "Run the check again with a longer --timeout.",
            first.transcript,
        )
    return _judge(sweep, direct, prints, seen, failures, rounds * count)


def _judge(
    sweep: Sweep,
    direct: list[Conversation],
    prints: dict[tuple[str, ...], list[str]],
    seen: Counter[tuple[str, ...]],
    failures: int,
    total: int,
) -> Finding:
    plan = sweep.plan
    vip = sweep.vip_label()
    down = [
        f"{node.name} ({found.fault or (found.greeting.first if found.greeting else 'no greeting')})"
        for node, found in zip(plan.nodes, direct, strict=True)
        if not found.greeted
    ]
    lines = [f"-- {total} connections through {vip}"]
    for fp, names in prints.items():
        lines.append(f"{' / '.join(names)}: {seen.get(fp, 0)} connections; answers {fp[0][:100]!r}")
    strangers = sum(n for fp, n in seen.items() if fp not in prints)
    if strangers:
        lines.append(f"unknown server: {strangers} connections")
    if failures:
        lines.append(f"failed: {failures} connections")
    problems: list[str] = []
    hints: list[str] = []
    if down:
        problems.append(f"not answering directly: {', '.join(down)}")
        hints.append(
            "Start the SMTP service on the nodes named, or take them out of the cluster (nlb drainstop)."
        )
    never = [names for fp, names in prints.items() if fp not in seen]
    if never:
        problems.append(
            f"the VIP never reached {', '.join(' / '.join(names) for names in never)} in {total} connections"
        )
        hints.append(
            "Check that every host has converged (Get-NlbClusterNode: State Converged) and that the TCP 25 port rule "
            "uses affinity None; with affinity Single every connection from one client lands on one host."
        )
    if strangers:
        problems.append(
            f"{strangers} of {total} connections reached a server that answers like no node in the plan"
        )
        hints.append(
            "A host in the cluster is missing from the plan, or answers differently from its direct address."
        )
    if failures:
        problems.append(f"{failures} of {total} connections through the VIP failed")
        hints.append(
            "Some cluster host drops sessions on the VIP; check each host's port rules and SMTP bindings."
        )
    differences = _greeting_names(plan, direct)
    if problems:
        return finding(Status.FAIL, "; ".join(problems), " ".join(hints), lines)
    shared = [group for group in prints.values() if len(group) > 1]
    if shared:
        groups = "; ".join(" and ".join(group) for group in shared)
        return finding(
            Status.WARN,
            f"all {total} connections through {vip} were answered, but {groups} answer identically, "
            "so which of them took each connection could not be told",
            "To see the distribution, compare the SMTP logs of the nodes, or give each node a distinct ConnectResponse while testing.",
            lines,
        )
    spread = ", ".join(f"{prints[fp][0]} x{seen[fp]}" for fp in prints)
    if differences:
        return finding(
            Status.WARN,
            f"{total} connections through {vip} reached every node ({spread}), but the nodes differ: {differences}",
            "Give every node the same settings (FQDN and alias domain); the fqdn step shows which.",
            lines,
        )
    return finding(Status.PASS, f"{total} connections through {vip} reached every node: {spread}", "", lines)


def _greeting_names(plan: Plan, direct: list[Conversation]) -> str:
    """Nodes whose greeting names a different host from the others, or ``""``."""
    named: dict[str, list[str]] = {}
    for node, found in zip(plan.nodes, direct, strict=True):
        if found.greeting is not None and found.greeted:
            first = found.greeting.text.split()
            named.setdefault(first[0].lower() if first else "", []).append(node.name)
    if len(named) <= 1:
        return ""
    return "; ".join(
        f"{', '.join(group)} {'greet' if len(group) > 1 else 'greets'} as {name or '(nothing)'}"
        for name, group in named.items()
    )
