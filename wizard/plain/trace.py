"""Plain mode's "Trace a message": the same trace as ``diagnose``, asked for one question at a time and read out as numbered lines."""

from __future__ import annotations

from wizard.errors import PlanError, WizardError
from wizard.plain.asker import Asker
from wizard.session import Session


def trace_message(asker: Asker, session: Session) -> None:
    """Ask for the recipient, the time and log folders, then say the trace line by line."""
    from wizard.diagnose import report
    from wizard.diagnose.run import trace_session

    default = str(session.plan_data.get("test_recipient", "") or "")
    to = asker.text("Recipient of the message (the library's address):", default=default)
    since = asker.text("Sent at or after (ISO 8601, such as 2026-12-03T10:00; empty: any time):", default="")
    folders = asker.text(
        "Log folders or files to read, separated by ; (empty: the session's checks only):", default=""
    )
    try:
        trace = trace_session(session, to, since, folders)
    except (WizardError, PlanError) as exc:
        asker.say(f"Not traced: {exc}")
        return
    for line in report.lines(trace):
        asker.say(line)
