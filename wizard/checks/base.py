"""The sweep: shared state of one run of checks, targets, findings and the wrapper that times them."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from wizard.bounds import PROBE
from wizard.plan.model import Node, Plan
from wizard.record import record
from wizard.results import CheckResult, Status

log = logging.getLogger(__name__)

MAX_IN_FLIGHT = 160
"""Connections and queries a sweep keeps open at once. The largest plan fits in one round: 32 nodes and
the VIP (33 conversations), the NLB probes through the VIP (32), two questions to each of at most 16
DNS servers, one per node name (32) and the outgoing server; so even a silent farm costs one timeout."""
DEADLINE_MARGIN = 1.0
"""Seconds past the sweep's deadline after which a check is cut off as stuck. No probe waits on the
network past the deadline itself; the margin only leaves room for a busy machine to finish judging."""
TRANSCRIPT_LINES = PROBE.lines
"""Most transcript lines kept per result; the rest are counted in a marker line."""
TRANSCRIPT_BYTES = PROBE.total or 0
"""Most transcript bytes (UTF-8) kept per result, so no server can swell a saved session."""
LINE_WIDTH = PROBE.line_chars
"""Longest transcript line kept; the rest of a line is counted, not kept."""

ProbeKind = Literal["node", "vip", "dns", "host"]
Progress = Callable[[str, float], None]
"""Told a long check's phase as it begins (``waiting for the Drop folder``) and the seconds it may take."""


@record
class Target:
    """What one check result is about."""

    label: str
    """The result's ``target``: a node name, the mail host, or ``dns:ADDR``."""
    kind: ProbeKind
    """A node, the VIP (or the single node reached as the mail host), a DNS server, or another host."""
    address: str = ""
    """The address probed, when there is one."""
    node: Node | None = None
    """The plan's node, for node targets."""


@record
class Finding:
    """What a check found, before the runner stamps it with step, target and time."""

    status: Status
    """The outcome."""
    summary: str
    """One sentence saying what was found."""
    hint: str = ""
    """What to do about it."""
    transcript: tuple[str, ...] = ()
    """The conversation or answers behind the finding."""


def finding(status: Status, summary: str, hint: str = "", transcript: Any = ()) -> Finding:
    """Build a finding; ``transcript`` may be any iterable of lines."""
    return Finding(status, summary, hint, tuple(transcript))


@dataclass
class Sweep:
    """One run of checks: the plan, the options, and the probes its checks share.

    Several checks ask the same question of the same server (the greeting of
    a node proves ``mode``, ``fqdn`` and ``restart`` alike), so each probe
    runs once per sweep and every check awaits the same task.
    """

    plan: Plan
    """The farm being checked."""
    timeout: float = 5.0
    """Deadline in seconds for one conversation or one DNS question."""
    send_test: bool = False
    """Whether real test messages may be sent (DATA)."""
    exchange_port: int = 25
    """SMTP port of the Exchange servers, for the connector send test."""
    outgoing_port: int = 25
    """SMTP port of the outgoing server named in the plan."""
    pickup_limit: float = 120.0
    """How long a sent test message is followed through the Drop folder."""
    on_progress: Progress | None = None
    """Told each phase of a test message as it begins, with its limit in seconds."""
    pages: dict[str, str] = field(default_factory=dict)
    """Console pages by name (``incoming``), filled in for the plan from the checked steps' places."""
    limiter: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(MAX_IN_FLIGHT))
    """Bounds the connections and queries in flight."""
    deadline: float = 0.0
    """When every network probe of the sweep must have ended (event-loop time): one timeout from the start,
    for every target at once. Set when the sweep is made."""
    _shared: dict[tuple[str, ...], asyncio.Task[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.deadline:
            self.deadline = _clock() + self.timeout

    def progress(self, phase: str, limit: float) -> None:
        """Say that a long check entered a phase that may take up to ``limit`` seconds."""
        if self.on_progress is not None:
            self.on_progress(phase, limit)

    def remaining(self) -> float:
        """Seconds left before the sweep's deadline (never below zero)."""
        return max(0.0, self.deadline - _clock())

    def late(self) -> str:
        """Why a probe that only now got its turn is not started, or ``""`` when there is time for it.

        Only a plan larger than one round of :data:`MAX_IN_FLIGHT` probes can make a probe wait so long;
        it is then reported as not probed, never as a server that did not answer.
        """
        if self.remaining() > min(0.05, self.timeout / 4):
            return ""
        return (
            f"not probed: the sweep's {seconds(self.timeout)} ran out while {MAX_IN_FLIGHT} other "
            "probes held every connection slot"
        )

    def shared(self, key: tuple[str, ...], factory: Callable[[], Awaitable[Any]]) -> asyncio.Task[Any]:
        """The task for ``key``, started by ``factory`` on first use."""
        task = self._shared.get(key)
        if task is None:
            task = asyncio.ensure_future(factory())
            self._shared[key] = task
        return task

    async def close(self) -> None:
        """Cancel shared probes nobody awaited to the end."""
        pending = [task for task in self._shared.values() if not task.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in self._shared.values():
            if task.done() and not task.cancelled():
                task.exception()  # mark retrieved, so asyncio does not log it

    @property
    def vip_address(self) -> str:
        """The address the mail host should reach: the VIP, or the single node."""
        return self.plan.target_address

    def vip_label(self) -> str:
        """How summaries name the address behind the mail host."""
        if self.plan.mode == "nlb":
            return f"the VIP {self.vip_address}"
        return f"{self.plan.nodes[0].name} ({self.vip_address})"


def _clock() -> float:
    """Event-loop time when a loop runs (what ``asyncio.timeout_at`` reads), else the same monotonic clock."""
    try:
        return asyncio.get_running_loop().time()
    except RuntimeError:
        return time.monotonic()


def cut_transcript(lines: Iterable[str]) -> tuple[str, ...]:
    """A transcript cut to :data:`TRANSCRIPT_LINES` lines and :data:`TRANSCRIPT_BYTES` bytes.

    What is cut is counted in a last line (``-- 4,812 more lines (97,110 bytes) cut``), so the
    evidence says it is incomplete.
    """
    kept: list[str] = []
    size = 0
    cut_lines = cut_bytes = 0
    for line in lines:
        if len(line) > LINE_WIDTH:
            line = f"{line[:LINE_WIDTH]}... ({len(line):,} chars)"
        width = len(line.encode("utf-8", "replace")) + 1
        if cut_lines or len(kept) >= TRANSCRIPT_LINES - 1 or size + width > TRANSCRIPT_BYTES - 100:
            cut_lines += 1
            cut_bytes += width
            continue
        kept.append(line)
        size += width
    if cut_lines:
        kept.append(f"-- {cut_lines:,} more line{'s' if cut_lines != 1 else ''} ({cut_bytes:,} bytes) cut")
    return tuple(kept)


def node_targets(plan: Plan) -> list[Target]:
    """Every node of the plan, in plan order."""
    return [Target(node.name, "node", node.address, node) for node in plan.nodes]


def vip_target(plan: Plan) -> Target:
    """The mail host, reached through the VIP (or the single node)."""
    return Target(plan.mail_host, "vip", plan.target_address)


def nodes_and_vip(plan: Plan) -> list[Target]:
    """Nodes, then the VIP in NLB mode (in single mode the node is the mail host)."""
    targets = node_targets(plan)
    if plan.mode == "nlb":
        targets.append(vip_target(plan))
    return targets


def seconds(value: float) -> str:
    """A duration as people read it in a summary (``2 s``, ``0.5 s``)."""
    return f"{value:.0f} s" if value >= 10 or value == int(value) else f"{value:.1f} s"


async def run_guarded(
    step_id: str,
    check: str,
    target: Target,
    body: Awaitable[Finding],
    budget: float,
) -> CheckResult:
    """Run one check body: time it, bound it, and turn any surprise into an ``error`` result."""
    started = time.monotonic()
    try:
        async with asyncio.timeout(budget):
            found = await body
    except TimeoutError:
        found = finding(
            Status.ERROR,
            f"the check did not finish within {seconds(budget)}",
            "Run it again; if it keeps happening, something between here and the server is stalling.",
        )
    except Exception as exc:  # a defect in a check must not take the whole sweep down
        log.exception("check %s on %s failed", check, target.label)
        found = finding(
            Status.ERROR,
            f"the check itself failed: {type(exc).__name__}: {exc}",
            "This is a defect in the check, not a finding about the farm; please report it with the plan.",
        )
    elapsed_ms = int((time.monotonic() - started) * 1000)
    return CheckResult(
        step=step_id,
        check=check,
        target=target.label,
        status=found.status,
        summary=found.summary,
        hint=found.hint,
        duration_ms=elapsed_ms,
        transcript=cut_transcript(found.transcript),
    )
