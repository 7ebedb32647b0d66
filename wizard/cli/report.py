"""The check report for the command line: readable text grouped by step, the contract's JSON, progress."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TextIO

from wizard.checklist.model import Step
from wizard.evidence import Drift, bounded
from wizard.plan.model import Plan
from wizard.probekit.fingerprint import fingerprint
from wizard.results import CheckResult, Status, summarize
from wizard.untrusted import neutral

_COLOURS = {
    Status.PASS: "32",
    Status.WARN: "33",
    Status.FAIL: "31",
    Status.SKIP: "2",
    Status.ERROR: "35",
}
_RESET = "\033[0m"


def wants_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _paint(text: str, status: Status, colour: bool) -> str:
    return f"\033[{_COLOURS[status]}m{text}{_RESET}" if colour else text


def format_report(
    results: Sequence[CheckResult],
    steps: Sequence[Step],
    *,
    colour: bool = False,
    duration_ms: int | None = None,
    drift: Drift | None = None,
) -> str:
    """Results grouped under their step's title, a hint under each failure (and once per skip reason), counts at the end.

    What changed since the session's previous run comes first: a node that
    passed before and fails now is the report's first line.
    """
    lines: list[str] = []
    if drift is not None and drift.changes:
        lines += [*drift.lines(), ""]
    skip_hints: set[str] = set()
    for step in steps:
        mine = [r for r in results if r.step == step.id]
        if not mine:
            continue
        lines.append(f"{step.id}: {step.title}")
        for result in map(bounded, mine):  # as long as a session keeps it, at most
            label = _paint(f"{result.status.value.upper():5}", result.status, colour)
            lines.append(f"  {label} {neutral(result.target)}: {neutral(result.summary)}")
            if result.hint and result.status in (Status.FAIL, Status.ERROR, Status.WARN):
                lines.append(f"        -> {neutral(result.hint)}")
            elif result.hint and result.status == Status.SKIP and result.hint not in skip_hints:
                # What proves a skipped check instead (such as the probe kit), said once.
                skip_hints.add(result.hint)
                lines.append(f"        -> {neutral(result.hint)}")
        lines.append("")
    counts = summarize(list(results))
    parts = [_paint(f"{counts[s.value]} {s.value}", s, colour and counts[s.value] > 0) for s in Status]
    took = ""
    if duration_ms is not None:
        took = f" in {duration_ms} ms" if duration_ms < 1000 else f" in {duration_ms / 1000:.1f} s"
    lines.append(f"{len(results)} checks{took}: " + ", ".join(parts))
    return "\n".join(lines) + "\n"


def report_json(
    plan: Plan,
    results: Sequence[CheckResult],
    started_at: datetime,
    duration_ms: int,
    *,
    drift: Drift | None = None,
) -> dict[str, Any]:
    """The contract's ``check --json`` object; with a session, ``drift`` lists what changed since its last run."""
    report: dict[str, Any] = {
        "schema": 1,
        "plan": {"mode": plan.mode, "mail_host": plan.mail_host},
        "farm": fingerprint(plan),
        "started_at": started_at.isoformat(),
        "duration_ms": duration_ms,
        "summary": summarize(list(results)),
        "results": [result.to_json() for result in results],
    }
    if drift is not None:
        report["drift"] = drift.to_json()
    return report


class Progress:
    """A one-line progress indicator on a terminal's stderr; silent anywhere else."""

    _SPINNER = "|/-\\"

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.done = 0
        self.running: dict[tuple[str, str, str], None] = {}
        try:
            self.enabled = self.stream.isatty()
        except (AttributeError, ValueError):
            self.enabled = False
        self._tick = 0

    def started(self, step_id: str, check: str, target: str) -> None:
        """A check began."""
        self.running[(step_id, check, target)] = None
        self._draw()

    def finished(self, result: CheckResult) -> None:
        """A check ended."""
        self.running.pop((result.step, result.check, result.target), None)
        self.done += 1
        self._draw()

    def _draw(self) -> None:
        if not self.enabled:
            return
        self._tick += 1
        spin = self._SPINNER[self._tick % len(self._SPINNER)]
        current = next(iter(self.running), None)
        doing = f" {current[0]} {current[1]} on {current[2]}" if current else ""
        line = f"{spin} {self.done}/{self.total} checks done{doing}"
        self.stream.write("\r\033[K" + line[:100])
        self.stream.flush()

    def clear(self) -> None:
        """Remove the line, before the report is printed."""
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()
