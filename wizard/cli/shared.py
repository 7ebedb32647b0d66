"""What every command of the command line shares: exit codes, the one-line error, the plan a command names.

Only what parsing needs is imported at the top: `--version` and `--help` must
answer before jinja2, textual or dnspython load, and each command imports
what it uses inside its handler.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING

from wizard import PROG
from wizard.errors import PlanError, StoreError, WizardError
from wizard.record import record

if TYPE_CHECKING:
    from wizard.checklist.model import Checklist
    from wizard.plan.model import Plan
    from wizard.session import Session

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


AddParser = Callable[..., argparse.ArgumentParser]
"""``add_parser`` of the subcommands: takes the command's name, help and parser options."""


@record
class Command:
    """One subcommand: how its arguments are declared, and what runs it."""

    add: Callable[[AddParser], None]
    run: Callable[[argparse.Namespace], ExitCode]


def add_source(parser: argparse.ArgumentParser) -> None:
    """The plan a command reads: a plan file, or a saved session's."""
    parser.add_argument("plan", nargs="?", type=Path, metavar="PLAN", help="plan file (TOML)")
    parser.add_argument("--session", metavar="NAME", help="a saved session instead of a plan file")


def err(message: str) -> None:
    from wizard.errors import one_line

    print(f"{PROG}: {one_line(message)}", file=sys.stderr)


def load_checklist() -> Checklist:
    from wizard.checklist.loader import load_default

    return load_default()


def session_plan(session: Session) -> Plan:
    try:
        return session.plan()
    except PlanError as exc:
        raise StoreError(
            f"session {session.name!r} has no complete plan yet ({exc}); finish the mode step first"
        ) from None


def plan_and_session(args: argparse.Namespace) -> tuple[Plan, Session | None]:
    """The plan named on the command line, from a file or a saved session."""
    if args.plan and args.session:
        raise UsageError("give either a plan file or --session NAME, not both")
    if args.session:
        from wizard import store

        session = store.load(args.session)
        return session_plan(session), session
    if args.plan:
        from wizard.plan.model import load_plan_file

        return load_plan_file(args.plan), None
    raise UsageError("name a plan file or --session NAME")


def interactive_ok(command: str, plain: bool = False) -> bool:
    # Plain mode writes bare lines, so its output may go to a pipe or a log while the operator types.
    if sys.stdin.isatty() and (plain or sys.stdout.isatty()):
        return True
    err(
        f"`{command}` needs a terminal; without one, use `{PROG} check` to run the checks "
        f"and `{PROG} export` to write the runbook"
    )
    return False


def exchange_port() -> int:
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


def warn(plan: Plan) -> None:
    """The plan's warnings on stderr, one line each: stdout stays for results."""
    from wizard.plan.rules import plan_warnings

    for warning in plan_warnings(plan):
        print(f"{PROG}: warning: {warning}", file=sys.stderr)


def open_front_end(session_name: str | None, plain: bool) -> ExitCode:
    """Hand over to the TUI or the plain prompts."""
    if plain:
        from wizard.plain import launch

        return ExitCode(launch.run(load_checklist(), session_name, exchange_port=exchange_port()))
    from wizard.tui import running

    # The TUI loads the checklist itself, after its first screen is painted.
    return ExitCode(running.run(None, session_name, exchange_port=exchange_port()))
