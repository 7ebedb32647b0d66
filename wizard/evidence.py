"""The evidence rule: how a new run of checks joins what a step already proved, and what changed.

Evidence is kept per step, check, target and origin (the host a check ran
from). A later run replaces a result with a newer real one (pass, warn, fail,
error); a skip never replaces real evidence, because "not checked this time"
says nothing about the farm. What changed between the kept result and the new
one is drift, which the front ends and the runbook show.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from wizard.bounds import SESSION, cut
from wizard.record import record
from wizard.results import CheckResult, Status
from wizard.untrusted import neutral

if TYPE_CHECKING:
    pass

Key = tuple[str, str, str, str | None]

MAX_TRANSCRIPT_LINES = SESSION.lines
"""Lines of a transcript a session keeps: the start of the conversation and its end."""
MAX_TRANSCRIPT_CHARS = SESSION.total or 0
"""Characters of a transcript a session keeps, all lines together."""
MAX_LINE_CHARS = SESSION.line_chars
"""Characters of one transcript line a session keeps."""
MAX_TEXT_CHARS = SESSION.text_chars or 0
"""Characters of a summary or hint a session keeps."""


def bounded(result: CheckResult) -> CheckResult:
    """The result as a session keeps it: whatever a server sent, a few KiB at most.

    A transcript keeps its first and last lines with a marker in between saying
    how much was cut, so a server that floods its greeting cannot fill the session.
    """
    lines = [cut(line, MAX_LINE_CHARS) for line in result.transcript]
    if len(lines) > MAX_TRANSCRIPT_LINES or sum(map(len, lines)) > MAX_TRANSCRIPT_CHARS:
        budget = MAX_TRANSCRIPT_CHARS - 80
        tail: list[str] = []
        for line in reversed(lines[-(MAX_TRANSCRIPT_LINES // 3) :]):
            if len(line) > budget // 3 - sum(map(len, tail)):
                break
            tail.insert(0, line)
        budget -= sum(map(len, tail))
        head: list[str] = []
        for line in lines[: len(lines) - len(tail)][: MAX_TRANSCRIPT_LINES - len(tail) - 1]:
            if len(line) > budget:
                break
            head.append(line)
            budget -= len(line)
        dropped = lines[len(head) : len(lines) - len(tail)]
        marker = f"... [{len(dropped):,} lines, {sum(map(len, dropped)):,} characters cut]"
        lines = [*head, marker, *tail]
    transcript = tuple(lines)
    summary, hint = cut(result.summary, MAX_TEXT_CHARS), cut(result.hint, MAX_TEXT_CHARS)
    if (transcript, summary, hint) == (result.transcript, result.summary, result.hint):
        return result
    return replace(result, transcript=transcript, summary=summary, hint=hint)


def server_names(result: CheckResult) -> tuple[str, str]:
    """The name a server gave in its 220 greeting and in its EHLO reply ("" where none was seen)."""
    greeting = ehlo = ""
    after_ehlo = False
    for line in result.transcript:
        if line.startswith("C: "):
            after_ehlo = line[3:].upper().startswith(("EHLO", "HELO"))
            continue
        if not line.startswith("S: "):
            continue
        reply = line[3:]
        words = reply[4:].split()
        if not greeting and reply.startswith(("220 ", "220-")) and words:
            greeting = words[0]
        elif after_ehlo and not ehlo and reply.startswith(("250 ", "250-")) and words:
            ehlo = words[0]
    return greeting, ehlo


@record
class Change:
    """One piece of evidence that differs from the previous run's."""

    step: str
    check: str
    target: str
    origin: str | None
    before: Status
    """The status the session held before this run."""
    after: Status
    """The status this run found."""
    before_at: datetime
    """When the earlier result was observed."""
    names_before: tuple[str, str] = ("", "")
    """Greeting and EHLO names the server gave before."""
    names_after: tuple[str, str] = ("", "")
    """Greeting and EHLO names it gives now."""

    @property
    def regression(self) -> bool:
        """A target that passed before and fails or errors now."""
        return self.before == Status.PASS and self.after.failed

    @property
    def renamed(self) -> bool:
        """The server now introduces itself under another name (compared where both runs saw one)."""
        return any(
            old and new and old != new for old, new in zip(self.names_before, self.names_after, strict=True)
        )

    def describe(self) -> str:
        """The change as one line."""
        where = self.target if self.origin is None else f"{self.target} (from {self.origin})"
        parts = []
        if self.before != self.after:
            parts.append(f"was {self.before.value} ({self.before_at.isoformat()}), now {self.after.value}")
        if self.renamed:
            old = " / ".join(name or "-" for name in self.names_before)
            new = " / ".join(name or "-" for name in self.names_after)
            parts.append(f"greeting / EHLO name was {old}, now {new}")
        return neutral(f"{self.step} {self.check} on {where}: " + "; ".join(parts))

    def to_json(self) -> dict[str, Any]:
        """The change as JSON data."""
        return {
            "step": self.step,
            "check": self.check,
            "target": self.target,
            "origin": self.origin,
            "before": self.before.value,
            "after": self.after.value,
            "before_at": self.before_at.isoformat(),
            "names_before": list(self.names_before),
            "names_after": list(self.names_after),
            "regression": self.regression,
        }


@record
class Drift:
    """What one recorded run changed in a session."""

    changes: tuple[Change, ...] = ()
    """Evidence whose status or server name differs from the previous run, regressions first."""
    kept: tuple[CheckResult, ...] = ()
    """Earlier real results kept because this run only skipped them."""

    @property
    def regressions(self) -> tuple[Change, ...]:
        """Targets that passed before and fail now."""
        return tuple(change for change in self.changes if change.regression)

    def lines(self) -> list[str]:
        """Every change as one line, regressions first."""
        return [("REGRESSED " if c.regression else "CHANGED ") + c.describe() for c in self.changes]

    def to_json(self) -> list[dict[str, Any]]:
        """The changes as JSON data."""
        return [change.to_json() for change in self.changes]


def merge(
    before: Sequence[CheckResult], run: Sequence[CheckResult]
) -> tuple[list[CheckResult], list[Change], list[CheckResult]]:
    """Join one step's new results to its kept ones.

    Returns (the step's results now, the changes, the earlier results kept over a skip).
    A kept result is replaced only by a newer one for the same check, target and
    origin: a run or a file that leaves a target out never erases what was seen
    of it, and an older result never hides a newer one.
    """
    run = [bounded(result) for result in run]
    old: dict[Key, CheckResult] = {result.key: result for result in before}
    merged: dict[Key, CheckResult] = dict(old)
    changes: list[Change] = []
    kept: list[CheckResult] = []
    for result in run:
        earlier = old.get(result.key)
        if earlier is not None and result.status == Status.SKIP and earlier.status != Status.SKIP:
            kept.append(earlier)
            continue
        if earlier is not None and result.observed_at < earlier.observed_at:
            continue
        merged[result.key] = result
        if earlier is None or Status.SKIP in (earlier.status, result.status):
            continue
        change = Change(
            step=result.step,
            check=result.check,
            target=result.target,
            origin=result.origin,
            before=earlier.status,
            after=result.status,
            before_at=earlier.observed_at,
            names_before=server_names(earlier),
            names_after=server_names(result),
        )
        if change.before != change.after or change.renamed:
            changes.append(change)
    order = {key: index for index, key in enumerate(old)}
    order.update(
        {result.key: len(order) + index for index, result in enumerate(run) if result.key not in order}
    )
    results = sorted(merged.values(), key=lambda result: order[result.key])
    return results, changes, kept


def sort_changes(changes: Iterable[Change]) -> tuple[Change, ...]:
    """Regressions first, otherwise in the order found."""
    return tuple(sorted(changes, key=lambda change: not change.regression))


def age(moment: datetime, now: datetime) -> str:
    """How long ago something was seen, as people say it ("just now", "5 min ago", "3 d ago")."""
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} d ago"
