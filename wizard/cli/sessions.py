"""`new`, `resume` and `sessions`: starting, reopening and listing saved sessions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from wizard import PROG
from wizard.cli.shared import (
    AddParser,
    Command,
    ExitCode,
    UsageError,
    interactive_ok,
    load_checklist,
    open_front_end,
)
from wizard.errors import StoreError


def _add_new(add_parser: AddParser) -> None:
    new = add_parser("new", help="start a guided session, optionally prefilled from a plan")
    new.add_argument("--plan", type=Path, metavar="FILE", help="plan file (TOML) to prefill the answers")
    new.add_argument("--name", metavar="NAME", help="name of the new session (default: from the mail host)")
    new.add_argument("--plain", action="store_true", help="line-by-line prompts instead of the full screen")


def _add_resume(add_parser: AddParser) -> None:
    resume = add_parser("resume", help="reopen a saved session where it stopped")
    resume.add_argument("name", nargs="?", metavar="NAME", help="session name (default: the latest)")
    resume.add_argument(
        "--plain", action="store_true", help="line-by-line prompts instead of the full screen"
    )


def _add_sessions(add_parser: AddParser) -> None:
    sessions = add_parser("sessions", help="list saved sessions")
    sessions.add_argument("--json", action="store_true", help="print JSON")
    sessions.add_argument(
        "--delete", metavar="NAME", help="delete a saved session (refused while it is open elsewhere)"
    )


def _run_new(args: argparse.Namespace) -> ExitCode:
    from wizard import jobs, store
    from wizard.plan import validate
    from wizard.plan.model import load_plan_file

    if not interactive_ok("new", args.plain):
        return ExitCode.USAGE
    plan = load_plan_file(args.plan) if args.plan else None
    if args.name and store.exists(validate.session_name(args.name)):
        raise UsageError(
            f"a session named {args.name!r} exists; `{PROG} resume {args.name}` or choose another name"
        )
    checklist = load_checklist()
    session = jobs.create_session(checklist, args.name or "", plan)
    print(f"Session {session.name!r} saved to {store.session_path(session.name)}", file=sys.stderr)
    return open_front_end(session.name, args.plain)


def _run_resume(args: argparse.Namespace) -> ExitCode:
    from wizard import store

    if not interactive_ok("resume", args.plain):
        return ExitCode.USAGE
    name = args.name
    if name is None:
        good = [info for info in store.list_sessions(load_checklist()) if not info.error]
        if not good:
            raise StoreError(f"no saved session to resume; start one with `{PROG} new`")
        name = good[0].name
    if store.load(name).rehearsal is not None:  # a missing or damaged session is refused here too
        from wizard import rehearse

        return ExitCode(rehearse.resume(name, plain=args.plain))
    return open_front_end(name, args.plain)


def _run_sessions(args: argparse.Namespace) -> ExitCode:
    import json

    from wizard import store

    if args.delete is not None:
        path = store.delete(args.delete)
        print(f"Deleted session {args.delete!r} ({path}).")
        return ExitCode.OK
    infos = store.list_sessions(load_checklist())
    if args.json:
        print(json.dumps({"schema": 1, "sessions": [info.to_json() for info in infos]}, indent=2))
        return ExitCode.OK
    if not infos:
        print(f"No saved sessions in {store.sessions_dir()}.")
        return ExitCode.OK
    rows = [
        ("NAME", "MODE", "MAIL HOST", "PROGRESS", "STEP", "LAST CHANGE"),
        *(info.cells() for info in infos),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    for info in infos:
        if info.error:
            print(info.error, file=sys.stderr)
    return ExitCode.OK


COMMANDS = {
    "new": Command(_add_new, _run_new),
    "resume": Command(_add_resume, _run_resume),
    "sessions": Command(_add_sessions, _run_sessions),
}
