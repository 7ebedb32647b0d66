"""``python -m wizard.tui``: the full-screen wizard at its start screen, for one browser.

``spmail-wizard serve`` runs this for each page it serves. Its terminal is
xterm.js in the page, reached through pipes, so the command line's "needs a
terminal" check would refuse it; the wizard itself is the same.
"""

from __future__ import annotations

import argparse
import sys

from textual.drivers.web_driver import WebDriver

from wizard.tui.app import WizardApp
from wizard.tui.options import CheckOptions
from wizard.tui.running import run_app
from wizard.tui.served import ServedDriver


def main() -> int:
    """Open the start screen; returns the wizard's exit code."""
    parser = argparse.ArgumentParser(prog="python -m wizard.tui")
    parser.add_argument("--exchange-port", type=int, default=25, metavar="N")
    args = parser.parse_args()
    app = WizardApp(None, options=CheckOptions(exchange_port=args.exchange_port))
    if app.driver_class is WebDriver:  # what textual-serve asks for: the same, quitting when it stops
        app.driver_class = ServedDriver
    return run_app(app, None)


if __name__ == "__main__":
    sys.exit(main())
