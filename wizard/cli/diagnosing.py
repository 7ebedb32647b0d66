"""`diagnose`: one message traced along the path, its arguments declared beside the tracer."""

from __future__ import annotations

import argparse

from wizard.cli.shared import AddParser, Command, ExitCode, UsageError, add_source, plan_and_session


def _add_diagnose(add_parser: AddParser) -> None:
    diagnose = add_parser(
        "diagnose", help="trace one message along the path and name the first hop without evidence"
    )
    add_source(diagnose)
    from wizard.diagnose.command import add_arguments

    add_arguments(diagnose)


def _run_diagnose(args: argparse.Namespace) -> ExitCode:
    from wizard.diagnose.command import run as run_diagnose

    plan, session = plan_and_session(args)
    if not plan.smtp_nodes:
        raise UsageError(
            'diagnose follows the SMTP path, and delivery = "foreign_connector" has none: trace the message '
            "with Get-MessageTrackingLog on Exchange (the Foreign connector step) and the SharePoint kit"
        )
    return ExitCode(run_diagnose(args, plan, session))


COMMANDS = {"diagnose": Command(_add_diagnose, _run_diagnose)}
