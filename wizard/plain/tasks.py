"""Plain mode's whole-session tasks: the summary, importing probe kit results and exporting."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from wizard.checklist.model import Checklist
from wizard.errors import PlanError, WizardError
from wizard.evidence import Drift
from wizard.jobs import EXPORT_FORMATS, default_export_path
from wizard.jobs import export as write_export
from wizard.plain.asker import Asker
from wizard.proof import proof_label, session_report
from wizard.session import Session


def summary(asker: Asker, session: Session, checklist: Checklist) -> None:
    """Print every step's status and what is still open."""
    say = asker.say
    settled, total = session.counts(checklist)
    verdicts = session_report(session, checklist)
    say("")
    say(f"Summary of {session.name}: {settled} of {total} steps settled.")
    for number, step in enumerate(session.steps(checklist), start=1):
        progress = session.progress_for(step.id)
        note = f"; note: {progress.note}" if progress.note else ""
        proof = proof_label(verdicts, step.id)
        say(f"  {number:>2}. {step.title}: {progress.status.label}, {proof}{note}")
    items = session.open_items(checklist)
    if items:
        say(f"Open items ({len(items)}):")
        for step, reason in items:
            say(f"  {step.title}: {reason}")
    else:
        say("Nothing open: every step is settled and no check failed.")


def import_results(
    asker: Asker, session: Session, checklist: Checklist, save: Callable[[], None]
) -> Drift | None:
    """Ask for a probe kit results file, checked as typed, and add its results with their origin.

    Returns what the import changed, or None when nothing was imported.
    """
    from wizard.probekit.importer import import_into, preview

    if session.plan_or_none() is None:
        asker.say("The farm's values are not complete yet; results are checked against them.")
        return None

    def check(text: str) -> bool | str:
        if not text.strip():
            return "the path of a results file (probe-...-results-....json) is required"
        found, line = preview(text, session=session, checklist=checklist)
        return True if found is not None else line.removeprefix("✖ ")

    path = asker.text("Results file written by a probe kit script:", validate=check)
    try:
        report = import_into(session, Path(path.strip()).expanduser(), checklist)
    except WizardError as exc:
        asker.say(f"Import failed: {exc}")
        return None
    if report.added:
        save()
    for line in report.lines():
        asker.say(line)
    return report.drift


def export(asker: Asker, session: Session, checklist: Checklist) -> None:
    """Ask for a format and a path, then write the export."""
    plan = session.plan_or_none()
    if plan is None:
        asker.say("The farm's values are not complete yet; nothing to export.")
        return
    fmt = asker.choose("Export which format?", list(EXPORT_FORMATS), default="md")
    output = asker.text(
        "Write to (a folder for scripts):",
        default=default_export_path(session.name, fmt),
        validate=lambda text: True if text.strip() else "a file or folder to write to is required",
    )
    try:
        written = write_export(fmt, plan, checklist, session, Path(output.strip()).expanduser())
    except (WizardError, PlanError, OSError, ValueError) as exc:
        asker.say(f"Export failed: {exc}")
        return
    for path in written:
        asker.say(f"Wrote {path}")
