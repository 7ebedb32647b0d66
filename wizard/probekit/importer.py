"""``import``: results recorded on another host join a session as evidence, with their origin."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wizard import store
from wizard.checklist.model import Checklist
from wizard.evidence import MAX_TRANSCRIPT_CHARS, MAX_TRANSCRIPT_LINES, Drift
from wizard.plan.model import Plan
from wizard.probekit.resultsfile import (
    ResultsFile,
    ResultsFileError,
    counts,
    read_results,
)
from wizard.results import CheckResult, Status
from wizard.session import Session
from wizard.untrusted import neutral


@dataclass
class ImportReport:
    """What an import added, kept and changed."""

    path: Path
    origins: list[str]
    added: list[CheckResult] = field(default_factory=list)
    older: list[CheckResult] = field(default_factory=list)
    """Results not recorded because the session holds a newer one from the same host."""
    replaced: list[tuple[CheckResult, CheckResult]] = field(default_factory=list)
    """(held before, brought now) for each result the file replaced."""
    drift: Drift = field(default_factory=Drift)
    cut_transcripts: int = 0
    cut_texts: int = 0

    def lines(self) -> list[str]:
        """What to tell the operator, one fact per line: every failure brought and every result replaced."""
        where = ", ".join(self.origins) or "another host"
        out = [
            f"{self.path.name}: imported {len(self.added)} results seen from {where}: {counts(self.added)}"
        ]
        by_step: dict[str, list[CheckResult]] = {}
        for result in self.added:
            by_step.setdefault(result.step, []).append(result)
        out += [f"  {step}: {counts(results)}" for step, results in by_step.items()]
        out += [
            f"  brings {r.status.value.upper()}: {r.step} {r.check} on {r.target} from {r.origin}: {r.summary}"
            for r in self.added
            if r.status.failed
        ]
        out += [
            f"  replaces {old.status.value.upper()} of {old.observed_at.isoformat()} with "
            f"{new.status.value.upper()} of {new.observed_at.isoformat()}: {new.step} {new.check} on "
            f"{new.target} from {new.origin}"
            for old, new in self.replaced
        ]
        if self.older:
            out.append(f"Kept {len(self.older)} newer results already in the session from the same host")
            out += [
                f"  kept the newer result for {r.step} {r.check} on {r.target} from {r.origin}; "
                f"this file's is older ({r.status.value.upper()} of {r.observed_at.isoformat()})"
                for r in self.older
                if r.status.failed
            ]
        if self.cut_transcripts:
            out.append(
                f"Cut the transcripts of {self.cut_transcripts} results to what a session keeps "
                f"(at most {MAX_TRANSCRIPT_LINES} lines and {MAX_TRANSCRIPT_CHARS:,} characters each)"
            )
        if self.cut_texts:
            out.append(f"Cut the summary or hint of {self.cut_texts} results")
        out += self.drift.lines()
        return out


def _held(session: Session, result: CheckResult) -> CheckResult | None:
    """The session's result for the same step, check, target and origin, if any."""
    return next((held for held in session.progress_for(result.step).results if held.key == result.key), None)


def merge_into(session: Session, found: ResultsFile, path: Path) -> ImportReport:
    """Record the file's results in the session through the one evidence rule; a later import of an
    older file never replaces what a newer run from the same host found."""
    report = ImportReport(
        path=path,
        origins=list(found.origins),
        cut_transcripts=found.cut_transcripts,
        cut_texts=found.cut_texts,
    )
    for result in found.results:
        held = _held(session, result)
        if held is not None and held.observed_at >= result.observed_at:
            report.older.append(result)
            continue
        report.added.append(result)
        if held is not None and not (result.status == Status.SKIP and held.status != Status.SKIP):
            report.replaced.append((held, result))
    if report.added:
        report.drift = session.record_run(report.added)
    return report


def import_files(paths: Sequence[Path], session_name: str, checklist: Checklist) -> list[ImportReport]:
    """Check every results file against the session's plan, then merge them in order and save.

    All files are checked completely before any is merged, so one refused file
    leaves the session byte for byte as it was.

    Raises:
        ResultsFileError: a file is refused (one line naming it).
        StoreError: the session is missing, refused, open elsewhere or has no complete plan.
    """
    with store.OpenSession(session_name) as opened:
        plan = _plan_of(opened.session)
        found = [(read_results(path, plan, checklist), path) for path in paths]
        reports = [merge_into(opened.session, results, path) for results, path in found]
        if any(report.added for report in reports):
            opened.save()
        return reports


def import_into(session: Session, path: Path, checklist: Checklist) -> ImportReport:
    """Check a results file against an open session's plan and merge it in (the caller saves).

    Raises:
        ResultsFileError: the file is refused, or the session has no complete plan; nothing changed.
    """
    return merge_into(session, read_results(path, _plan_of(session), checklist), path)


def _plan_of(session: Session) -> Plan:
    plan = session.plan_or_none()
    if plan is None:
        raise ResultsFileError(
            f"session {session.name!r} has no complete plan yet; finish the mode step before importing"
        )
    return plan


def preview(text: str, *, session: Session, checklist: Checklist) -> tuple[ResultsFile | None, str]:
    """Check a typed path as the operator types it, for a field validated as typed.

    Returns:
        The file's results (or None) and one line: what the file holds, or why it is refused
        (empty for an empty path).
    """
    if not text.strip():
        return None, ""
    session_plan = session.plan_or_none()
    if session_plan is None:
        return None, "✖ the farm's values are incomplete; finish step 1 first"
    path = Path(text.strip()).expanduser()
    try:
        found = read_results(path, session_plan, checklist)
    except ResultsFileError as exc:
        reason = str(exc).split(": refused: ", 1)[-1].removesuffix("; the session was not changed")
        return None, f"✖ {neutral(reason.split(': ', 1)[-1] if reason.startswith(str(path)) else reason)}"
    origins = ", ".join(found.origins)
    return found, f"✔ {len(found.results)} results seen from {origins}: {counts(found.results)}"
