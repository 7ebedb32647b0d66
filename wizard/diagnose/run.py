"""One diagnosis from start to end: gather the evidence, read it for the message, build the trace."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from wizard.diagnose import signs
from wizard.diagnose.collect import gather
from wizard.diagnose.trace import Trace, build
from wizard.errors import WizardError
from wizard.plan.model import Plan
from wizard.results import CheckResult
from wizard.session import Session


class DiagnoseInputError(WizardError):
    """The question itself is wrong: no recipient, a bad time, a missing evidence path."""


def parse_since(text: str) -> datetime:
    """An ISO 8601 time; one without an offset is taken as UTC.

    Raises:
        DiagnoseInputError: not a time.
    """
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise DiagnoseInputError(
            f"--since: {text[:60]!r} is not an ISO 8601 time (2026-12-03T10:00:00+00:00)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def target_for(plan: Plan, to: str | None, message_id: str | None, since: datetime | None) -> signs.Sought:
    """The message asked about on ``plan``'s farm; the plan's test recipient when none is named."""
    recipient = (to or (str(plan.test_recipient) if plan.test_recipient else "")).strip().lower()
    if not recipient and not message_id:
        raise DiagnoseInputError(
            "name the message: --to ADDRESS or --message-id ID (the plan has no test_recipient)"
        )
    if recipient and ("@" not in recipient or any(c.isspace() for c in recipient) or len(recipient) > 320):
        raise DiagnoseInputError(f"--to: {recipient[:60]!r} is not a mail address")
    path_address = plan.target_address
    return signs.Sought(
        to=recipient,
        message_id=(message_id or "").strip(),
        since=since,
        path_address=path_address,
        node_addresses={node.name: str(node.address) for node in plan.nodes},
    )


def diagnose(
    plan: Plan,
    target: signs.Sought,
    evidence_paths: Sequence[Path] = (),
    checks: Sequence[CheckResult] = (),
) -> Trace:
    """Trace one message through everything known about it.

    Raises:
        DiagnoseInputError: an evidence path does not exist.
    """
    for path in evidence_paths:
        if not path.exists():
            raise DiagnoseInputError(f"--evidence: {path} does not exist")
    found = gather(list(evidence_paths))
    message_id = signs.resolve_message_id(target, found)
    evidence = [
        *signs.from_tracking(target, message_id, found),
        *signs.from_smtp_logs(target, message_id, found),
        *signs.from_mail_files(target, message_id, found),
        *signs.from_uls(target, message_id, found),
        *signs.from_checks(checks),
    ]
    return build(target, message_id, evidence, str(plan.mail_host), found.notes())


def folder_list(text: str) -> list[Path]:
    """Log folders or files typed on one line, separated by ``;`` (a path may hold spaces)."""
    return [Path(part.strip()).expanduser() for part in text.replace("\n", ";").split(";") if part.strip()]


def trace_session(session: Session, to: str, since_text: str, folders_text: str) -> Trace:
    """The trace a front end asks for: the session's plan and results, and the typed recipient, time and folders.

    Raises:
        DiagnoseInputError: a typed value is wrong (one line saying which).
        PlanError: the session has no complete plan yet.
    """
    plan = session.plan()
    since = parse_since(since_text) if since_text.strip() else None
    target = target_for(plan, to.strip() or None, None, since)
    results = [result for entry in session.progress.values() for result in entry.results]
    return diagnose(plan, target, folder_list(folders_text), results)
