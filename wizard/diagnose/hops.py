"""The hops of the incoming path, in order, and one piece of evidence placed on a hop."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from wizard.record import record

HOPS: tuple[str, ...] = (
    "exchange_accepted",
    "connector_routed",
    "dns_resolved",
    "vip_reached",
    "node_accepted",
    "drop_written",
    "timer_picked_up",
    "list_stored",
)
"""Hop ids, in the order a message passes them (the contract's order)."""
TITLES: dict[str, str] = {
    "exchange_accepted": "Exchange accepted",
    "connector_routed": "connector routed",
    "dns_resolved": "DNS resolved",
    "vip_reached": "VIP reached a node",
    "node_accepted": "node accepted",
    "drop_written": "node wrote Drop",
    "timer_picked_up": "timer job picked up",
    "list_stored": "list stored the item",
}
Reading = Literal["seen", "contrary", "context"]
"""``seen``: this message passed the hop; ``contrary``: it did not (or the hop is broken);
``context``: a fact about the hop, not about this message (a passing check)."""


@record
class Evidence:
    """One fact placed on one hop."""

    hop: str
    verdict: Reading
    sign: str
    """What kind of fact, for the cause rules (``in-queue``, ``connect-refused``, ``check:dns``)."""
    source: str
    """Where it came from, in words (``message tracking``, ``IIS SMTP log``, ``live check``)."""
    origin: str
    """The host or file it was read from."""
    observed_at: datetime | None
    line: str
    """The line or sentence that shows it, cut to a readable length."""
    detail: str = ""
    """A value a cause sentence names (an address, a node, a reason)."""

    def to_json(self) -> dict[str, Any]:
        """The contract's evidence object."""
        return {
            "source": self.source,
            "origin": self.origin,
            "observed_at": self.observed_at.isoformat() if self.observed_at else None,
            "line": self.line,
        }


def cut(text: str, limit: int = 300) -> str:
    """A log line short enough to show: one line, at most ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
