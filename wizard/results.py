"""Check results: what a live check found, as the front ends, sessions and JSON show it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from wizard.record import record
from wizard.untrusted import neutral


class Status(StrEnum):
    """Outcome of one check against one target.

    The members' order is the order counts are listed in (``check``'s last
    line, the JSON summary); :data:`SEVERITY` is the order of seriousness.
    """

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"
    ERROR = "error"

    @property
    def failed(self) -> bool:
        """True for the outcomes that make ``check`` exit 1."""
        return self in (Status.FAIL, Status.ERROR)


SEVERITY = (Status.ERROR, Status.FAIL, Status.WARN, Status.PASS, Status.SKIP)
"""Statuses from the most serious to the least: what a step, a row or a count shows first."""


def worst(results: Iterable[CheckResult]) -> Status | None:
    """The most serious status among results, or None when there are none."""
    present = {result.status for result in results}
    return next((status for status in SEVERITY if status in present), None)


def utc_now() -> datetime:
    """The current time, timezone-aware, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


@record
class CheckResult:
    """One check's verdict on one target."""

    step: str
    """Step id from the checklist (``alias``)."""
    check: str
    """Check name (``alias-accepted``)."""
    target: str
    """Node name, the mail host (through the VIP), or ``dns:ADDR``."""
    status: Status
    """The outcome."""
    summary: str
    """One sentence saying what was found."""
    hint: str = ""
    """What to do about it; empty when nothing needs doing."""
    duration_ms: int = 0
    """How long the check took."""
    transcript: tuple[str, ...] = ()
    """The protocol conversation (``S: 220 ...``, ``C: EHLO ...``) or DNS answers."""
    observed_at: datetime = field(default_factory=utc_now)
    """When the check ended (on the origin's clock)."""
    origin: str | None = None
    """The host the check ran from; None for this machine."""

    @property
    def headline(self) -> str:
        """Status and summary as one line, the same in every front end, safe to show (:mod:`wizard.untrusted`)."""
        return neutral(f"{self.status.value.upper():5} {self.target}: {self.summary}")

    @property
    def key(self) -> tuple[str, str, str, str | None]:
        """What this result is evidence about: step, check, target and where it was seen from."""
        return (self.step, self.check, self.target, self.origin)

    def to_json(self) -> dict[str, Any]:
        """The result as the contract's JSON object; ``origin`` only when not this machine."""
        data: dict[str, Any] = {
            "step": self.step,
            "check": self.check,
            "target": self.target,
            "status": self.status.value,
            "summary": self.summary,
            "hint": self.hint,
            "duration_ms": self.duration_ms,
            "transcript": list(self.transcript),
            "observed_at": self.observed_at.isoformat(),
        }
        if self.origin is not None:
            data["origin"] = self.origin
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckResult:
        """Rebuild a result saved with :meth:`to_json`.

        Raises:
            KeyError, ValueError, TypeError: the data is not a saved result.
        """
        if not isinstance(data, dict):
            raise TypeError("a result must be an object")
        transcript = data.get("transcript", [])
        if not isinstance(transcript, list) or not all(isinstance(x, str) for x in transcript):
            raise TypeError("transcript must be a list of strings")
        for key in ("step", "check", "target", "summary", "hint"):
            if not isinstance(data.get(key, ""), str):
                raise TypeError(f"{key} must be a string")
        duration = data.get("duration_ms", 0)
        if not isinstance(duration, int) or isinstance(duration, bool):
            raise TypeError("duration_ms must be an integer")
        observed = data["observed_at"]
        if not isinstance(observed, str):
            raise TypeError("observed_at must be an ISO 8601 string")
        observed_at = datetime.fromisoformat(observed)
        if observed_at.tzinfo is None:
            raise ValueError("observed_at has no time zone")
        origin = data.get("origin")
        if origin is not None and not isinstance(origin, str):
            raise TypeError("origin must be a string")
        return cls(
            step=data["step"],
            check=data["check"],
            target=data["target"],
            status=Status(data["status"]),
            summary=data["summary"],
            hint=data.get("hint", ""),
            duration_ms=duration,
            transcript=tuple(transcript),
            observed_at=observed_at,
            origin=origin,
        )


def checked_notice(results: list[CheckResult]) -> str:
    """What both front ends say once a run is recorded and saved: ``Checked: 3 pass, 1 warn. Saved.``"""
    told = ", ".join(f"{count} {status}" for status, count in summarize(results).items() if count)
    return f"Checked: {told or 'no results'}. Saved."


def summarize(results: list[CheckResult]) -> dict[str, int]:
    """Count results per status, every status present (``{"pass": 3, "warn": 0, ...}``)."""
    counts = {status.value: 0 for status in Status}
    for result in results:
        counts[result.status.value] += 1
    return counts
