"""Evidence and proof as the documents word them: one result per row, how much proof a step has, drift since sign-off.

The rules themselves are the domain's (:mod:`wizard.evidence` joins runs and
finds drift, :mod:`wizard.proof` judges a step); this module only words their
answers for the runbook's views and plain mode, and never says more than they do.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from wizard.evidence import merge, sort_changes
from wizard.proof import StepProof, Verdict
from wizard.record import record
from wizard.results import SEVERITY, CheckResult, Status
from wizard.runbook.filters import when
from wizard.session import StepProgress, StepStatus

THIS_MACHINE = "this workstation"
"""The origin shown for a check run where the runbook was prepared."""


@record
class ShownResult:
    """One live check result as the runbook shows it."""

    status: str
    """``pass``, ``warn``, ``fail``, ``skip`` or ``error`` (also a CSS class)."""
    label: str
    """The status as printed: ``PASS``; a skip says it proves nothing."""
    target: str
    """What was checked: a node, the mail host, ``dns:ADDR``."""
    summary: str
    """What the check found."""
    hint: str
    """What to do about it; empty when nothing needs doing."""
    checked_at: datetime
    """When the check ended."""
    origin: str
    """Where the check ran from."""

    @property
    def seen(self) -> str:
        """Where and when the result was seen, as both runbooks print it: ``seen from ex1.foo.local at ...``."""
        return f"seen from {self.origin} at {when(self.checked_at)}"


@record
class Proof:
    """How much a step is proven: the one rule behind the go/no-go table and each step's heading."""

    label: str
    """In words: ``proven live``, ``not proven live: done by hand``, ..."""
    css: str
    """A status class: ``pass``, ``warn``, ``fail``, ``skip`` or ``none``."""
    indicated: str
    """What the evidence suggests for the decision: ``go``, ``no-go``, ``check first``, ..."""


def evidence(result: CheckResult) -> ShownResult:
    """A result as a runbook row."""
    return ShownResult(
        status=result.status.value,
        label="SKIP (not proven)" if result.status == Status.SKIP else result.status.value.upper(),
        target=result.target,
        summary=result.summary,
        hint=result.hint,
        checked_at=result.observed_at,
        origin=result.origin or THIS_MACHINE,
    )


def counts(results: Sequence[CheckResult]) -> str:
    """How many results per status, most serious first (``1 fail, 3 pass``)."""
    found: dict[Status, int] = {}
    for result in results:
        found[result.status] = found.get(result.status, 0) + 1
    return ", ".join(f"{found[status]} {status.value}" for status in SEVERITY if status in found)


def proof(judged: StepProof | None, progress: StepProgress | None, now: datetime) -> Proof:
    """The proof rule's verdict as the go/no-go table and the step headings word it; never more.

    Only a proven step is "go"; stale proof shows its age and is checked again first.
    """
    results = progress.results if progress else []
    status = progress.status if progress else StepStatus.NOT_STARTED
    verdict = judged.verdict if judged else None
    if verdict is Verdict.FAILING:
        return Proof("failing", "fail", "no-go")
    if verdict is Verdict.PROVEN:
        if any(result.status == Status.WARN for result in results):
            return Proof("proven live, with warnings", "warn", "go, after reading the warnings")
        return Proof("proven live", "pass", "go")
    if verdict is Verdict.STALE and judged is not None:
        return Proof(judged.label(now), "warn", "check again: the proof is too old")
    if verdict is Verdict.PARTLY_PROVEN and judged is not None:
        return Proof(judged.label(now), "warn", "check first")
    if status == StepStatus.SKIPPED:
        return Proof("skipped: not proven live", "skip", "skipped: see the note")
    if status == StepStatus.DONE:
        return Proof("done by hand: not proven live", "none", "decide on the implementer's note")
    if results and all(result.status == Status.SKIP for result in results):
        return Proof("not proven live: checks skipped", "skip", "check first")
    if results:
        return Proof("not proven live", "none", "check first")
    return Proof("not checked yet", "none", "check first")


@record
class DriftNote:
    """A target whose evidence changed since its step was signed off (marked done)."""

    regression: bool
    """It passed at sign-off and fails now."""
    target: str
    """The node or name checked, with the host it was seen from when not this workstation."""
    text: str
    """What changed, with both times."""


def since_sign_off(progress: StepProgress | None) -> tuple[DriftNote, ...]:
    """What changed in a done step's evidence since it was marked done; regressions first."""
    if progress is None or progress.status != StepStatus.DONE or not progress.signed:
        return ()
    now = {result.key: result for result in progress.results}
    notes = []
    for change in sort_changes(merge(progress.signed, progress.results)[1]):
        current = now[(change.step, change.check, change.target, change.origin)]
        parts = []
        if change.before != change.after:
            parts.append(
                f"{change.before.value.upper()} at sign-off ({when(change.before_at)}), "
                f"{change.after.value.upper()} now ({when(current.observed_at)}): {current.summary}"
            )
        if change.renamed:
            old = " / ".join(name or "-" for name in change.names_before)
            new = " / ".join(name or "-" for name in change.names_after)
            parts.append(f"greeting / EHLO name {old} at sign-off, {new} now")
        target = change.target if change.origin is None else f"{change.target} (seen from {change.origin})"
        notes.append(DriftNote(change.regression, target, "; ".join(parts)))
    return tuple(notes)
