"""``spmail-wizard diagnose``: the command's arguments, its run and its output.

Only argparse is imported at the top: the command line builds every parser
before it knows which command runs, and ``--version`` must stay instant.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.results import CheckResult


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``diagnose`` options (the plan or ``--session`` is added by the caller)."""
    parser.add_argument("--to", metavar="ADDRESS", help="the recipient (default: the plan's test_recipient)")
    parser.add_argument("--message-id", metavar="ID", help="the message's Message-ID, when known")
    parser.add_argument(
        "--since", metavar="TIME", help="only evidence from this time on (ISO 8601; UTC if no offset)"
    )
    parser.add_argument(
        "--evidence",
        action="append",
        default=[],
        type=Path,
        metavar="FILE_OR_DIR",
        help="a log file or folder to read: IIS SMTP logs, message tracking, mailroot folders, .eml, unified logs "
        "(repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def session_results(session: object) -> list[CheckResult]:
    """Every result a session keeps, live and imported."""
    progress = getattr(session, "progress", {})
    return [result for entry in progress.values() for result in entry.results]


def run(args: argparse.Namespace, plan: object, session: object | None) -> int:
    """Trace the message and print the trace; returns 0 traced to the list, 1 a broken hop named."""
    import json
    import sys

    from wizard.diagnose import report
    from wizard.diagnose.run import diagnose, parse_since, target_for
    from wizard.plan.model import Plan

    assert isinstance(plan, Plan)
    since = parse_since(args.since) if args.since else None
    target = target_for(plan, args.to, args.message_id, since)
    checks = session_results(session) if session is not None else []
    trace = diagnose(plan, target, args.evidence, checks)
    if args.json:
        print(json.dumps(trace.to_json(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write("".join(line + "\n" for line in report.lines(trace)))
    return 0 if trace.reached_list else 1
