"""`serve`: the full-screen wizard in a browser, its arguments declared beside the server."""

from __future__ import annotations

import argparse

from wizard.cli.shared import AddParser, Command, ExitCode, exchange_port


def _add_serve(add_parser: AddParser) -> None:
    from wizard.serve import add_arguments

    add_arguments(
        add_parser("serve", help="the same wizard in a browser (no authentication: 127.0.0.1 only)")
    )


def _run_serve(args: argparse.Namespace) -> ExitCode:
    from wizard.serve import run as serve

    return ExitCode(serve(args.host, args.port, exchange_port=exchange_port()))


COMMANDS = {"serve": Command(_add_serve, _run_serve)}
