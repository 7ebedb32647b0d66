"""The command line: argument parsing, picking a front end, exit codes."""

from __future__ import annotations

# Only what parsing the command line needs is imported here: `--version` and
# `--help` must answer before jinja2, textual or dnspython load, and
# each command imports what it uses inside its handler.
import argparse
import os
import sys
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from wizard import PROG, __version__
from wizard.errors import PlanError, StoreError, WizardError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from wizard.checklist.model import Checklist
    from wizard.plan.model import Plan
    from wizard.session import Session
    from wizard.store import OpenSession

EXCHANGE_PORT_VARIABLE = "SPMAIL_WIZARD_EXCHANGE_PORT"


class ExitCode(IntEnum):
    """Process exit codes, as the contract fixes them."""

    OK = 0
    """Nothing failed (warnings and skips allowed)."""
    FAILED = 1
    """A check failed or errored."""
    USAGE = 2
    """Bad invocation, or an unreadable or invalid plan or session."""
    INTERRUPTED = 130
    """Stopped with Ctrl+C."""


class UsageError(WizardError):
    """The command line itself is wrong."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line on stderr rather than a usage block."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser for every subcommand, or for ``command`` alone.

    Building the parsers of eight commands costs more of a headless `check`'s start than
    its probes (each looks up its help texts' translations); a command line that names its
    command gets only that command's parser. Help and mistakes in the command name get them all.
    """
    parser = _Parser(
        prog=PROG,
        description="Set up SharePoint incoming e-mail through IIS SMTP, step by step, "
        "on one server or behind NLB, and prove each step live.",
        epilog="Without a command, the full-screen wizard opens at its start screen.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    if command in (None, "new"):
        new = commands.add_parser("new", help="start a guided session, optionally prefilled from a plan")
        new.add_argument("--plan", type=Path, metavar="FILE", help="plan file (TOML) to prefill the answers")
        new.add_argument(
            "--name", metavar="NAME", help="name of the new session (default: from the mail host)"
        )
        new.add_argument(
            "--plain", action="store_true", help="line-by-line prompts instead of the full screen"
        )

    if command in (None, "resume"):
        resume = commands.add_parser("resume", help="reopen a saved session where it stopped")
        resume.add_argument("name", nargs="?", metavar="NAME", help="session name (default: the latest)")
        resume.add_argument(
            "--plain", action="store_true", help="line-by-line prompts instead of the full screen"
        )

    if command in (None, "sessions"):
        sessions = commands.add_parser("sessions", help="list saved sessions")
        sessions.add_argument("--json", action="store_true", help="print JSON")
        sessions.add_argument(
            "--delete", metavar="NAME", help="delete a saved session (refused while it is open elsewhere)"
        )

    if command in (None, "check"):
        check = commands.add_parser("check", help="run the live checks headless")
        _add_source(check)
        check.add_argument(
            "--step", action="append", default=[], metavar="ID", help="only this step (repeatable)"
        )
        check.add_argument("--json", action="store_true", help="print one JSON object")
        check.add_argument(
            "--timeout",
            type=float,
            default=5.0,
            metavar="S",
            help="seconds every probe of the run may take, all targets at once (default 5)",
        )
        check.add_argument(
            "--send-test", action="store_true", help="also send a real test message (library_test, connector)"
        )
        check.add_argument(
            "--require-proof",
            action="store_true",
            help="exit 1 unless every step that can be checked is proven live (skips count against it)",
        )
        check.add_argument(
            "--max-age",
            type=_hours,
            metavar="HOURS",
            help="evidence older than this is stale, never proof (default: the plan's proof_max_age_hours, 24)",
        )

    if command in (None, "export"):
        from wizard import exportnames

        export = commands.add_parser("export", help="write the runbook, the scripts or the plan")
        _add_source(export)
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

    if command in (None, "import"):
        imported = commands.add_parser(
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

    if command in (None, "evidence"):
        evidence = commands.add_parser(
            "evidence", help="list imported evidence by origin and age, or take it back out"
        )
        evidence.add_argument("action", choices=("list", "drop"), help="list it, or drop it from the session")
        evidence.add_argument("--session", required=True, metavar="NAME", help="the session")
        evidence.add_argument("--origin", metavar="HOST", help="only the evidence seen from this host")
        evidence.add_argument(
            "--before",
            type=_moment,
            metavar="TIME",
            help="only evidence seen before this ISO 8601 time (UTC unless given)",
        )

    if command in (None, "schema"):
        commands.add_parser("schema", help="print the plan file's JSON Schema")

    if command in (None, "diagnose"):
        diagnose = commands.add_parser(
            "diagnose", help="trace one message along the path and name the first hop without evidence"
        )
        _add_source(diagnose)
        from wizard.diagnose.command import add_arguments

        add_arguments(diagnose)

    if command in (None, "serve"):
        from wizard.serve import add_arguments as add_serve_arguments

        add_serve_arguments(
            commands.add_parser(
                "serve", help="the same wizard in a browser (no authentication: 127.0.0.1 only)"
            )
        )

    if command in (None, "rehearse"):
        _add_rehearse(
            commands.add_parser(
                "rehearse",
                help="a practice farm on loopback, and a session against it",
                formatter_class=argparse.RawDescriptionHelpFormatter,
            )
        )

    return parser


def _hours(text: str) -> int:
    from wizard.plan.validate import hours

    try:
        return hours(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _moment(text: str) -> datetime:
    from wizard.imported import parse_time

    try:
        return parse_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_rehearse(parser: argparse.ArgumentParser) -> None:
    from wizard.farm.states import DEFAULT, STATES, help_lines

    parser.description = (
        "A practice farm on loopback (SMTP nodes, NLB, DNS, Exchange, Drop folders, timer job),\n"
        "no root needed, and a guided session against it; with --serve, only the farm."
    )
    parser.epilog = "states:\n" + "\n".join(help_lines())
    parser.add_argument(
        "--state", default=DEFAULT, metavar="STATE", help=f"{' | '.join(STATES)} (default {DEFAULT})"
    )
    parser.add_argument(
        "--nodes", type=int, metavar="N", help="SMTP nodes, 1 to 32 (default 2; single mode 1)"
    )
    parser.add_argument("--mode", choices=("single", "nlb"), help="default: single for one node, else nlb")
    parser.add_argument(
        "--plain", action="store_true", help="line-by-line prompts instead of the full screen"
    )
    parser.add_argument("--serve", action="store_true", help="only the farm, until Ctrl+C or SIGTERM")
    parser.add_argument(
        "--plan-out", type=Path, metavar="FILE", help="write the farm's plan here (needed with --serve)"
    )
    parser.add_argument(
        "--kit-out",
        type=Path,
        metavar="DIR",
        help="with --serve: write here the results files the probe kit would write on the farm as it starts",
    )


def _add_source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", nargs="?", type=Path, metavar="PLAN", help="plan file (TOML)")
    parser.add_argument("--session", metavar="NAME", help="a saved session instead of a plan file")


def _err(message: str) -> None:
    from wizard.errors import one_line

    print(f"{PROG}: {one_line(message)}", file=sys.stderr)


def _load_checklist() -> Checklist:
    from wizard.checklist.loader import load_default

    return load_default()


def _session_plan(session: Session) -> Plan:
    try:
        return session.plan()
    except PlanError as exc:
        raise StoreError(
            f"session {session.name!r} has no complete plan yet ({exc}); finish the mode step first"
        ) from None


def _plan_and_session(args: argparse.Namespace) -> tuple[Plan, Session | None]:
    """The plan named on the command line, from a file or a saved session."""
    if args.plan and args.session:
        raise UsageError("give either a plan file or --session NAME, not both")
    if args.session:
        from wizard import store

        session = store.load(args.session)
        return _session_plan(session), session
    if args.plan:
        from wizard.plan.model import load_plan_file

        return load_plan_file(args.plan), None
    raise UsageError("name a plan file or --session NAME")


def _interactive_ok(command: str, plain: bool = False) -> bool:
    # Plain mode writes bare lines, so its output may go to a pipe or a log while the operator types.
    if sys.stdin.isatty() and (plain or sys.stdout.isatty()):
        return True
    _err(
        f"`{command}` needs a terminal; without one, use `{PROG} check` to run the checks "
        f"and `{PROG} export` to write the runbook"
    )
    return False


def _exchange_port() -> int:
    """Where the connector test submits its message on the first Exchange server.

    The contract has no flag for it: Exchange listens on 25, but a test rig may not.
    """
    text = os.environ.get(EXCHANGE_PORT_VARIABLE, "").strip()
    if not text:
        return 25
    from wizard.plan import validate

    try:
        return validate.port(text)
    except ValueError as exc:
        raise UsageError(f"{EXCHANGE_PORT_VARIABLE}: {exc}") from None


def _open_front_end(session_name: str | None, plain: bool) -> ExitCode:
    """Hand over to the TUI or the plain prompts."""
    if plain:
        from wizard.plain import launch

        return ExitCode(launch.run(_load_checklist(), session_name, exchange_port=_exchange_port()))
    from wizard.tui import running

    # The TUI loads the checklist itself, after its first screen is painted.
    return ExitCode(running.run(None, session_name, exchange_port=_exchange_port()))


def _cmd_new(args: argparse.Namespace) -> ExitCode:
    from wizard import jobs, store
    from wizard.plan import validate
    from wizard.plan.model import load_plan_file

    if not _interactive_ok("new", args.plain):
        return ExitCode.USAGE
    plan = load_plan_file(args.plan) if args.plan else None
    if args.name and store.exists(validate.session_name(args.name)):
        raise UsageError(
            f"a session named {args.name!r} exists; `{PROG} resume {args.name}` or choose another name"
        )
    checklist = _load_checklist()
    session = jobs.create_session(checklist, args.name or "", plan)
    print(f"Session {session.name!r} saved to {store.session_path(session.name)}", file=sys.stderr)
    return _open_front_end(session.name, args.plain)


def _cmd_resume(args: argparse.Namespace) -> ExitCode:
    from wizard import store

    if not _interactive_ok("resume", args.plain):
        return ExitCode.USAGE
    name = args.name
    if name is None:
        good = [info for info in store.list_sessions(_load_checklist()) if not info.error]
        if not good:
            raise StoreError(f"no saved session to resume; start one with `{PROG} new`")
        name = good[0].name
    else:
        store.load(name)  # refuse a missing or damaged session before any screen opens
    return _open_front_end(name, args.plain)


def _cmd_sessions(args: argparse.Namespace) -> ExitCode:
    import json

    from wizard import store

    if args.delete is not None:
        path = store.delete(args.delete)
        print(f"Deleted session {args.delete!r} ({path}).")
        return ExitCode.OK
    infos = store.list_sessions(_load_checklist())
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


def _cmd_check(args: argparse.Namespace) -> ExitCode:
    if not args.timeout > 0 or args.timeout > 300:
        raise UsageError("--timeout takes seconds between 0 and 300")
    if args.plan and args.session:
        raise UsageError("give either a plan file or --session NAME, not both")
    if args.plan:
        from wizard.plan.model import load_plan_file

        return _run_check(args, load_plan_file(args.plan), None)
    if not args.session:
        raise UsageError("name a plan file or --session NAME")
    from wizard import store

    # The lock is held from before the session is read until its results are
    # saved: a session open elsewhere is refused before any probe runs, and two
    # runs cannot both read the old results and lose one another's.
    with store.OpenSession(args.session) as opened:
        return _run_check(args, _session_plan(opened.session), opened)


def _warn(plan: Plan) -> None:
    """The plan's warnings on stderr, one line each: stdout stays for results."""
    from wizard.plan.rules import plan_warnings

    for warning in plan_warnings(plan):
        print(f"{PROG}: warning: {warning}", file=sys.stderr)


def _run_check(args: argparse.Namespace, plan: Plan, opened: OpenSession | None) -> ExitCode:
    import asyncio
    import json
    import time

    from wizard import proof
    from wizard.checklist.loader import load_default
    from wizard.checks import run_checks
    from wizard.cli import report as checkreport
    from wizard.results import utc_now

    _warn(plan)
    # A headless check shows no guidance: only the console pages its manual checks name are
    # rendered, so only their steps' templates are proven sound here.
    checklist = load_default(templates=False)
    steps = checklist.for_mode(plan.mode)
    valid = [step.id for step in steps]
    unknown = [step_id for step_id in args.step if step_id not in valid]
    if unknown:
        raise UsageError(f"no step {unknown[0]!r} in {plan.mode} mode; the steps are {', '.join(valid)}")
    if args.step:
        steps = tuple(step for step in steps if step.id in args.step)
    paged = [step for step in steps if step.pages]
    if paged:
        from wizard.render import verify_templates

        verify_templates(checklist, paged)
    exchange_port = _exchange_port()
    progress = checkreport.Progress(0)

    def started(step_id: str, check: str, target: str) -> None:
        progress.total += 1
        progress.started(step_id, check, target)

    started_at = utc_now()
    clock = time.monotonic()
    try:
        results = asyncio.run(
            run_checks(
                plan,
                steps,
                timeout=args.timeout,
                send_test=args.send_test,
                exchange_port=exchange_port,
                on_start=started,
                on_result=progress.finished,
            )
        )
    finally:
        progress.clear()
    duration_ms = int((time.monotonic() - clock) * 1000)
    drift = None
    not_saved: StoreError | None = None
    if opened is not None:
        drift = opened.session.record_run(results, steps=[step.id for step in steps], at=started_at)
        try:
            opened.save()
        except StoreError as exc:  # a full disk: the run is still shown, then why it was not kept
            not_saved = exc
    # Earlier evidence of a session counts, with its age; a plan file has only this run.
    held = opened.session if opened is not None else None
    verdicts = proof.report(
        steps,
        checklist,
        plan,
        (lambda step_id: held.progress_for(step_id).results)
        if held is not None
        else (lambda step_id: [r for r in results if r.step == step_id]),
        run=results,
        max_age=proof.max_age_of(plan, args.max_age),
    )
    if args.json:
        report = checkreport.report_json(plan, results, started_at, duration_ms, drift=drift)
        report["proof"] = verdicts.to_json()
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        colour = checkreport.wants_colour(sys.stdout)
        sys.stdout.write(
            checkreport.format_report(results, steps, colour=colour, duration_ms=duration_ms, drift=drift)
        )
        print(verdicts.line())
    if not_saved is not None:
        sys.stdout.flush()
        raise not_saved
    if any(result.status.failed for result in results):
        return ExitCode.FAILED
    if args.require_proof and verdicts.unproven:
        return ExitCode.FAILED
    return ExitCode.OK


def _cmd_export(args: argparse.Namespace) -> ExitCode:
    from wizard import runbook
    from wizard.results import utc_now

    plan, session = _plan_and_session(args)
    _warn(plan)
    from wizard import exportnames

    row = exportnames.export_format(args.format)
    checklist = _load_checklist()
    if row.stdout and args.output is None:
        text = row.render(plan, checklist, session, utc_now())
        assert isinstance(text, str)
        sys.stdout.write(text)
        return ExitCode.OK
    written = runbook.write_export(args.format, plan, checklist, session, args.output)
    if row.folder:
        folder = written[0].parent if written else args.output
        print(f"Wrote {len(written)} {row.noun} to {folder}", file=sys.stderr)
    else:
        for path in written:
            print(f"Wrote {path}", file=sys.stderr)
    return ExitCode.OK


def _cmd_import(args: argparse.Namespace) -> ExitCode:
    from wizard.probekit.importer import import_files
    from wizard.untrusted import neutral

    for report in import_files(args.file, args.session, _load_checklist()):
        for line in report.lines():
            print(neutral(line))
    return ExitCode.OK


def _cmd_evidence(args: argparse.Namespace) -> ExitCode:
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


def _cmd_diagnose(args: argparse.Namespace) -> ExitCode:
    from wizard.diagnose.command import run as run_diagnose

    plan, session = _plan_and_session(args)
    return ExitCode(run_diagnose(args, plan, session))


def _cmd_schema(_args: argparse.Namespace) -> ExitCode:
    import json

    from wizard.plan.model import plan_json_schema

    print(json.dumps(plan_json_schema(), indent=2))
    return ExitCode.OK


def _cmd_rehearse(args: argparse.Namespace) -> ExitCode:
    from wizard import rehearse

    if args.serve:
        if args.plan_out is None:
            raise UsageError("--serve needs --plan-out FILE, where the farm's plan is written")
        if args.plain:
            raise UsageError("--plain opens a session; --serve runs only the farm")
        return ExitCode(rehearse.serve(args.state, args.nodes, args.mode, args.plan_out, args.kit_out))
    if args.kit_out is not None:
        raise UsageError("--kit-out goes with --serve: it writes what the kit would find on the served farm")
    rehearse.layout(args.state, args.nodes, args.mode)  # a bad option is refused before anything starts
    if not _interactive_ok("rehearse", args.plain):
        return ExitCode.USAGE
    return ExitCode(
        rehearse.rehearse(args.state, args.nodes, args.mode, plain=args.plain, plan_out=args.plan_out)
    )


def _cmd_serve(args: argparse.Namespace) -> ExitCode:
    from wizard.serve import run as serve

    return ExitCode(serve(args.host, args.port, exchange_port=_exchange_port()))


_COMMANDS = {
    "new": _cmd_new,
    "resume": _cmd_resume,
    "sessions": _cmd_sessions,
    "check": _cmd_check,
    "export": _cmd_export,
    "schema": _cmd_schema,
    "import": _cmd_import,
    "evidence": _cmd_evidence,
    "rehearse": _cmd_rehearse,
    "diagnose": _cmd_diagnose,
    "serve": _cmd_serve,
}


def run(argv: Sequence[str] | None = None) -> ExitCode:
    """Parse the arguments and run one command; returns the exit code."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        # No arguments is the commonest start, the wizard itself: no parser to build on the way.
        named = arguments[0] if arguments and arguments[0] in _COMMANDS else None
        if arguments == ["--version"]:
            named = ""  # the program's own parser, without a command's: it only prints the version
        args = build_parser(named).parse_args(arguments) if arguments else None
        if args is None or args.command is None:
            if not _interactive_ok(PROG):
                return ExitCode.USAGE
            return _open_front_end(None, plain=False)
        return _COMMANDS[args.command](args)
    except PlanError as exc:
        lines = exc.lines()
        more = len(lines) - 1
        _err(lines[0] + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""))
        return ExitCode.USAGE
    except (WizardError, ValueError) as exc:
        _err(str(exc))
        return ExitCode.USAGE
    except KeyboardInterrupt:
        _err("interrupted")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (`| head`); nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point."""
    return int(run(argv))
