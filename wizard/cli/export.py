"""`export` and `schema`: the runbook, the scripts or the plan written out, and the plan's JSON Schema."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from wizard import exportnames
from wizard.cli.shared import (
    AddParser,
    Command,
    ExitCode,
    UsageError,
    add_source,
    load_checklist,
    plan_and_session,
    warn,
)


def _add_export(add_parser: AddParser) -> None:
    export = add_parser("export", help="write the runbook, the scripts or the plan")
    add_source(export)
    export.add_argument("--format", required=True, choices=exportnames.NAMES, help="what to write")
    folders = [fmt for fmt in exportnames.FORMATS if fmt.folder]
    export.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="PATH",
        help=f"file (folder for {', '.join(fmt.name for fmt in folders)}); default: stdout, or for those "
        f"the folder {', '.join('NAME' + fmt.suffix for fmt in folders)} here, "
        "NAME being the session or the mail host",
    )


def _run_export(args: argparse.Namespace) -> ExitCode:
    from wizard.results import utc_now
    from wizard.runbook.writer import write_export

    plan, session = plan_and_session(args)
    warn(plan)
    if args.format == "monitor" and not plan.smtp_nodes:
        raise UsageError(
            'export --format monitor: delivery = "foreign_connector" has no SMTP server to probe; '
            "watch Exchange's queue for the mail host and the drop share instead"
        )
    row = exportnames.export_format(args.format)
    checklist = load_checklist()
    if row.stdout and args.output is None:
        text = row.render(plan, checklist, session, utc_now())
        assert isinstance(text, str)
        sys.stdout.write(text)
        return ExitCode.OK
    written = write_export(args.format, plan, checklist, session, args.output)
    if row.folder:
        folder = written[0].parent if written else args.output
        print(f"Wrote {len(written)} {row.noun} to {folder}", file=sys.stderr)
    else:
        for path in written:
            print(f"Wrote {path}", file=sys.stderr)
    return ExitCode.OK


def _add_schema(add_parser: AddParser) -> None:
    add_parser("schema", help="print the plan file's JSON Schema")


def _run_schema(_args: argparse.Namespace) -> ExitCode:
    import json

    from wizard.plan.model import plan_json_schema

    print(json.dumps(plan_json_schema(), indent=2))
    return ExitCode.OK


COMMANDS = {
    "export": Command(_add_export, _run_export),
    "schema": Command(_add_schema, _run_schema),
}
