"""The runbook's after-the-change section: a trace of the test message from the evidence the session holds."""

from __future__ import annotations

from wizard.plan.model import Plan
from wizard.record import record
from wizard.session import Session


@record
class AfterTrace:
    """The test message's trace, as the runbook prints it."""

    recipient: str
    lines: tuple[str, ...]
    """The numbered trace, as ``diagnose`` prints it."""
    command: str
    """The command that traces it again with the logs of the day."""


def after_trace(plan: Plan, session: Session | None) -> AfterTrace | None:
    """The trace of the plan's test message from the session's checks.

    None when the plan names no test recipient, or its mail takes no SMTP node.
    """
    if plan.test_recipient is None or not plan.smtp_nodes:
        # The trace follows the SMTP hops (VIP, node, Drop); a Foreign connector's path is read in
        # Exchange's message tracking instead, as its step says.
        return None
    from wizard.diagnose import report
    from wizard.diagnose.run import diagnose, target_for

    recipient = str(plan.test_recipient)
    checks = [result for entry in session.progress.values() for result in entry.results] if session else []
    trace = diagnose(plan, target_for(plan, recipient, None, None), (), checks)
    source = f"--session {session.name}" if session else "farm.toml"
    command = (
        f"spmail-wizard diagnose {source} --to {recipient} --since <time the test message was sent> "
        "--evidence <message tracking export> --evidence <each node's LogFiles and mailroot> "
        "--evidence <Merge-SPLogFile output>"
    )
    return AfterTrace(recipient, tuple(report.lines(trace)), command)
