"""The trace as text: a numbered chain of hops with a mark each, the cause and next command under the broken hop.

The same lines serve the command line and plain mode, and screen readers:
each mark is a word, not a symbol.
"""

from __future__ import annotations

from wizard.diagnose.hops import HOPS
from wizard.diagnose.trace import Trace

MARKS = {"seen": "seen", "contrary": "CONTRARY", "no_evidence": "no evidence"}
EVIDENCE_SHOWN = 3
"""Evidence lines shown under each hop; the JSON has them all."""


def lines(trace: Trace) -> list[str]:
    """The whole trace, one line each."""
    asked = trace.target.to or "the message"
    heading = f"Trace of the message to {asked}"
    if trace.message_id:
        heading += f" (Message-ID {trace.message_id})"
    out = [heading]
    for number, hop in enumerate(trace.hops, 1):
        out.append(f"{number}. {hop.title}: {MARKS[hop.status]}")
        shown = [e for e in hop.evidence if e.verdict != "context"] or list(hop.evidence)
        for item in shown[:EVIDENCE_SHOWN]:
            out.append(f"     {item.source}, {item.origin}: {item.line}")
        if len(shown) > EVIDENCE_SHOWN:
            out.append(f"     ... and {len(shown) - EVIDENCE_SHOWN} more")
        if hop.id == trace.broken_hop:
            out.append(f"   Cause: {trace.cause}")
            out.append(f"   Next: {trace.next}")
            if trace.source:
                out.append(f"   Source: {trace.source}")
    out.append(verdict(trace))
    out.extend(f"Warning: {warning}" for warning in trace.warnings)
    out.extend(f"Note: {note}" for note in trace.notes)
    return out


def verdict(trace: Trace) -> str:
    """One closing line: traced to the list, or where it stops."""
    if trace.reached_list:
        return "Traced to the list: every hop has evidence."
    position = HOPS.index(trace.broken_hop) + 1 if trace.broken_hop else 0
    return f"Broken hop: {position}. {trace.broken_hop}."
