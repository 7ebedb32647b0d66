"""The command line: argument parsing, picking a front end, exit codes.

Each group of commands is a module of its own, declaring its arguments beside
what runs them: ``sessions`` (new, resume, sessions), ``check`` with its
``report``, ``export`` (export, schema), ``importing`` (import, evidence),
``diagnosing``, ``serving`` and ``rehearsing``. ``shared`` holds the exit codes and what
several commands read. Only what parsing needs is imported here: `--version`
and `--help` must answer before jinja2, textual or dnspython load, and a
command line that names its command loads only that command's module.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import TYPE_CHECKING, NoReturn

from wizard import PROG, __version__
from wizard.cli.shared import Command, ExitCode, UsageError, err, interactive_ok, open_front_end
from wizard.errors import PlanError, WizardError

if TYPE_CHECKING:
    from collections.abc import Sequence

_COMMANDS = {
    # command: the module of wizard.cli that declares and runs it, in the order --help lists them
    "new": "sessions",
    "resume": "sessions",
    "sessions": "sessions",
    "check": "check",
    "export": "export",
    "import": "importing",
    "evidence": "importing",
    "schema": "export",
    "diagnose": "diagnosing",
    "serve": "serving",
    "rehearse": "rehearsing",
}


def _command(name: str) -> Command:
    module = importlib.import_module(f"wizard.cli.{_COMMANDS[name]}")
    command: Command = module.COMMANDS[name]
    return command


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
    for name in _COMMANDS:
        if command in (None, name):
            _command(name).add(commands.add_parser)
    return parser


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
            if not interactive_ok(PROG):
                return ExitCode.USAGE
            return open_front_end(None, plain=False)
        return _command(args.command).run(args)
    except PlanError as exc:
        lines = exc.lines()
        more = len(lines) - 1
        err(lines[0] + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""))
        return ExitCode.USAGE
    except (WizardError, ValueError) as exc:
        err(str(exc))
        return ExitCode.USAGE
    except KeyboardInterrupt:
        err("interrupted")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (`| head`); nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point."""
    return int(run(argv))
