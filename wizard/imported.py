"""Imported evidence, by origin: what ``evidence list`` shows and ``evidence drop`` takes back out.

An import can bring a result that should never have counted (a file from the
wrong host, a FAIL from a mistyped origin that no later run replaces). The
operator sees what each host contributed and when, and can take it back out;
this machine's own results are not touched (a new ``check`` replaces them).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from wizard.evidence import age
from wizard.record import record
from wizard.results import CheckResult, utc_now
from wizard.session import Session


@record
class OriginEvidence:
    """What one origin contributed to a session."""

    origin: str
    results: tuple[CheckResult, ...]

    def line(self, now: datetime) -> str:
        """One line: the origin, how many results of each status, and their age."""
        newest = max(r.observed_at for r in self.results)
        oldest = min(r.observed_at for r in self.results)
        tally: dict[str, int] = {}
        for result in self.results:
            tally[result.status.value] = tally.get(result.status.value, 0) + 1
        counts = ", ".join(f"{n} {status}" for status, n in tally.items())
        return (
            f"{self.origin}: {len(self.results)} results ({counts}), seen {oldest.isoformat()} "
            f"({age(oldest, now)}) to {newest.isoformat()} ({age(newest, now)})"
        )


def parse_time(text: str) -> datetime:
    """``--before``: an ISO 8601 date or time; without a time zone it is UTC.

    Raises:
        ValueError: not a date or time, with the reason.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{text!r} is not an ISO 8601 date or time, such as 2026-12-03T10:00+00:00"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _matches(result: CheckResult, origin: str | None, before: datetime | None) -> bool:
    if result.origin is None:
        return False
    if origin is not None and result.origin.lower() != origin.lower():
        return False
    return before is None or result.observed_at < before


def imported(
    session: Session, origin: str | None = None, before: datetime | None = None
) -> list[OriginEvidence]:
    """The session's imported evidence by origin, in the order first seen, optionally narrowed."""
    by_origin: dict[str, list[CheckResult]] = {}
    for progress in session.progress.values():
        for result in progress.results:
            if _matches(result, origin, before):
                assert result.origin is not None
                by_origin.setdefault(result.origin, []).append(result)
    return [OriginEvidence(name, tuple(results)) for name, results in by_origin.items()]


def drop(session: Session, origin: str | None = None, before: datetime | None = None) -> list[CheckResult]:
    """Take imported results out of the session (the caller saves); returns what was taken."""
    taken: list[CheckResult] = []
    for progress in session.progress.values():
        kept = [r for r in progress.results if not _matches(r, origin, before)]
        taken += [r for r in progress.results if _matches(r, origin, before)]
        progress.results = kept
    if taken:
        session.updated_at = utc_now()
    return taken


def listing(found: Sequence[OriginEvidence], now: datetime | None = None) -> list[str]:
    """``evidence list`` as lines."""
    now = now or utc_now()
    if not found:
        return ["No imported evidence matches."]
    return [entry.line(now) for entry in found]
