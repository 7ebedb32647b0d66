"""`import` and `evidence`: results the probe kit recorded elsewhere, merged into a session, listed or taken out."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from wizard.cli.shared import AddParser, Command, ExitCode, load_checklist


def _moment(text: str) -> datetime:
    from wizard.imported import parse_time

    try:
        return parse_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_import(add_parser: AddParser) -> None:
    imported = add_parser(
        "import", help="merge results the probe kit recorded on another host into a session"
    )
    imported.add_argument(
        "file",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="results files the probe kit wrote (all are checked before any is merged)",
    )
    imported.add_argument("--session", required=True, metavar="NAME", help="the session to add them to")


def _run_import(args: argparse.Namespace) -> ExitCode:
    from wizard.probekit.importer import import_files
    from wizard.untrusted import neutral

    for report in import_files(args.file, args.session, load_checklist()):
        for line in report.lines():
            print(neutral(line))
    return ExitCode.OK


def _add_evidence(add_parser: AddParser) -> None:
    evidence = add_parser("evidence", help="list imported evidence by origin and age, or take it back out")
    evidence.add_argument("action", choices=("list", "drop"), help="list it, or drop it from the session")
    evidence.add_argument("--session", required=True, metavar="NAME", help="the session")
    evidence.add_argument("--origin", metavar="HOST", help="only the evidence seen from this host")
    evidence.add_argument(
        "--before",
        type=_moment,
        metavar="TIME",
        help="only evidence seen before this ISO 8601 time (UTC unless given)",
    )


def _run_evidence(args: argparse.Namespace) -> ExitCode:
    from wizard import imported, store
    from wizard.untrusted import neutral

    if args.action == "list":
        for line in imported.listing(imported.imported(store.load(args.session), args.origin, args.before)):
            print(neutral(line))
        return ExitCode.OK
    with store.OpenSession(args.session) as opened:
        taken = imported.drop(opened.session, args.origin, args.before)
        if taken:
            opened.save()
    origins = ", ".join(dict.fromkeys(r.origin or "" for r in taken))
    print(
        neutral(
            f"Dropped {len(taken)} imported results from {origins}."
            if taken
            else "No imported evidence matches."
        )
    )
    return ExitCode.OK


COMMANDS = {
    "import": Command(_add_import, _run_import),
    "evidence": Command(_add_evidence, _run_evidence),
}
