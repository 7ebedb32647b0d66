"""`rehearse`: a practice farm on loopback, with a guided session against it or served alone."""

from __future__ import annotations

import argparse
from pathlib import Path

from wizard.cli.shared import AddParser, Command, ExitCode, UsageError, interactive_ok


def _add_rehearse(add_parser: AddParser) -> None:
    from wizard.farm.states import DEFAULT, STATES, help_lines

    parser = add_parser(
        "rehearse",
        help="a practice farm on loopback, and a session against it",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
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
        "--delivery",
        default="smtp_service",
        metavar="ROUTE",
        help="with --serve: smtp_service (default) or foreign_connector (no SMTP nodes; Exchange writes "
        "into a shared drop folder)",
    )
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


def _run_rehearse(args: argparse.Namespace) -> ExitCode:
    from wizard import rehearse

    if args.serve:
        if args.plan_out is None:
            raise UsageError("--serve needs --plan-out FILE, where the farm's plan is written")
        if args.plain:
            raise UsageError("--plain opens a session; --serve runs only the farm")
        return ExitCode(
            rehearse.serve(args.state, args.nodes, args.mode, args.plan_out, args.kit_out, args.delivery)
        )
    if args.delivery != "smtp_service":
        raise UsageError(
            f"--delivery {args.delivery} goes with --serve: the guided session rehearses the smtp_service route"
        )
    if args.kit_out is not None:
        raise UsageError("--kit-out goes with --serve: it writes what the kit would find on the served farm")
    rehearse.layout(args.state, args.nodes, args.mode)  # a bad option is refused before anything starts
    if not interactive_ok("rehearse", args.plain):
        return ExitCode.USAGE
    return ExitCode(
        rehearse.rehearse(args.state, args.nodes, args.mode, plain=args.plain, plan_out=args.plan_out)
    )


COMMANDS = {"rehearse": Command(_add_rehearse, _run_rehearse)}
