"""The engine: place the evidence on the hops, find where the trace ends, and ask the cause table why.

It knows the order of the hops and nothing of any particular fault: every
judgement of a cause is a row of ``causes.CAUSES``.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, Literal

from wizard.diagnose.causes import CAUSES, COLLECT, HOP_LEDGER, Cause
from wizard.diagnose.hops import HOPS, TITLES, Evidence
from wizard.diagnose.signs import Sought
from wizard.record import record

HopStatus = Literal["seen", "contrary", "no_evidence"]


@record
class Hop:
    """One hop of the trace with the evidence placed on it."""

    id: str
    status: HopStatus
    evidence: tuple[Evidence, ...]

    @property
    def title(self) -> str:
        return TITLES[self.id]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "evidence": [e.to_json() for e in self.evidence]}


@record
class Trace:
    """Where one message's evidence ends, and why."""

    target: Sought
    message_id: str
    hops: tuple[Hop, ...]
    traced_to: str | None
    broken_hop: str | None
    cause: str | None
    next: str | None
    source: str | None
    notes: tuple[str, ...] = field(default=())
    """What reading the evidence left out (damaged lines, unreadable files)."""
    warnings: tuple[str, ...] = field(default=())
    """What is wrong although the message got through (stored more than once), with the command to read next."""

    @property
    def reached_list(self) -> bool:
        """Whether the message is traced all the way to the list."""
        return self.broken_hop is None and self.traced_to == HOPS[-1]

    def to_json(self) -> dict[str, Any]:
        """The contract's ``diagnose --json`` document."""
        since = self.target.since
        return {
            "schema": 1,
            "message": {
                "to": self.target.to or None,
                "message_id": self.message_id or None,
                "since": since.isoformat() if since else None,
            },
            "traced_to": self.traced_to,
            "broken_hop": self.broken_hop,
            "cause": self.cause,
            "next": self.next,
            "hops": [hop.to_json() for hop in self.hops],
            "warnings": list(self.warnings),
        }


def _status(evidence: list[Evidence]) -> HopStatus:
    if any(e.verdict == "seen" for e in evidence):
        return "seen"
    if any(e.verdict == "contrary" for e in evidence):
        return "contrary"
    return "no_evidence"


def build(
    target: Sought, message_id: str, evidence: list[Evidence], mail_host: str, notes: list[str]
) -> Trace:
    """The trace of one message from all the evidence gathered for it."""
    by_hop: dict[str, list[Evidence]] = {hop: [] for hop in HOPS}
    for item in evidence:
        by_hop[item.hop].append(item)
    hops = tuple(Hop(hop, _status(by_hop[hop]), tuple(by_hop[hop])) for hop in HOPS)
    seen = [index for index, hop in enumerate(hops) if hop.status == "seen"]
    last = seen[-1] if seen else -1
    traced_to = hops[last].id if seen else None
    broken = next((hop for hop in hops[last + 1 :] if hop.status != "seen"), None)
    if broken is None:
        return Trace(
            target, message_id, hops, traced_to, None, None, None, None, tuple(notes), _warnings(hops, target)
        )
    cause, next_command, source = _explain(broken, hops[last] if seen else None, target, mail_host)
    later = next(
        (e for hop in hops[hops.index(broken) + 1 :] for e in hop.evidence if e.verdict == "contrary"), None
    )
    if broken.status == "no_evidence" and later is not None:
        # Nothing shows the message here, yet a later hop is known broken: say so, without claiming it is the cause.
        cause += f". Further on, {TITLES[later.hop].lower()} has contrary evidence: {later.line}"
    return Trace(target, message_id, hops, traced_to, broken.id, cause, next_command, source, tuple(notes))


def _warnings(hops: tuple[Hop, ...], target: Sought) -> tuple[str, ...]:
    """A message that reached the list more than once, or whose file the timer job could not delete.

    The list holds it, so no hop is broken; but each run of the job stores it
    again while the file stays in Drop. The cause and the command come from the
    cause table's row for the sign the unified log leaves.
    """
    by_id = {hop.id: hop for hop in hops}
    stored = [e for e in by_id["list_stored"].evidence if e.verdict == "seen" and e.sign == "stored"]
    denied = [e for e in by_id["timer_picked_up"].evidence if e.sign == "drop-access-denied"]
    if len(stored) < 2 and not denied:
        return ()
    row = min((row for row in CAUSES if "drop-access-denied" in row.signs), key=lambda row: row.rank)
    values = {
        "to": target.to or "the recipient",
        "detail": "",
        "mail_host": "",
        "target": target.path_address,
    }
    copies = f"stored {len(stored)} times" if len(stored) > 1 else "stored"
    cause = _fill(row.cause, values)
    return (
        f"The message reached the list, but it was {copies} and its file stays in Drop: {cause[:1].lower()}{cause[1:]}, "
        f"so every run of the job stores it again. Next: {_fill(row.next, values)}",
    )


def _fill(template: str, values: dict[str, str]) -> str:
    """A cause or command with its placeholders filled; PowerShell's own braces are left alone."""
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def _where(last_seen: Hop) -> str:
    """Where the evidence ends, named by what showed it: Exchange alone, or a hop."""
    sources = {e.source for e in last_seen.evidence if e.verdict == "seen"}
    if sources == {"message tracking"}:
        return "No evidence past Exchange (its message tracking is the last evidence)"
    return f"No evidence past {last_seen.title}"


def _explain(broken: Hop, last_seen: Hop | None, target: Sought, mail_host: str) -> tuple[str, str, str]:
    """The cause, next command and source for the broken hop, from the first cause row its evidence fits."""
    values = {"to": target.to or "the recipient", "mail_host": mail_host, "target": target.path_address}
    signs = {e.sign: e for e in broken.evidence if e.verdict in ("contrary", "context")}
    rows: list[tuple[Cause, Evidence]] = [
        (row, signs[sign]) for row in CAUSES if row.hop == broken.id for sign in row.signs if sign in signs
    ]
    if rows:
        row, evidence = min(rows, key=lambda pair: pair[0].rank)
        values["detail"] = evidence.detail or evidence.origin
        return _fill(row.cause, values), _fill(row.next, values), row.source
    missing, collect = COLLECT[broken.id]
    values["detail"] = ""
    where = _where(last_seen) if last_seen else "No evidence for this message at all"
    if broken.status == "contrary":
        first = next(e for e in broken.evidence if e.verdict == "contrary")
        return (
            f"{TITLES[broken.id]}: contrary evidence from {first.source} ({first.line})",
            _fill(collect, values),
            HOP_LEDGER,
        )
    return f"{where}: {_fill(missing, values)}", _fill(collect, values), HOP_LEDGER
