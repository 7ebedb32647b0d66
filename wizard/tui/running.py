"""Running the full-screen wizard from the command line: open the session, run, always release it."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from wizard import PROG
from wizard.errors import StoreError
from wizard.interactive import interactive_signals
from wizard.tui.app import WizardApp

if TYPE_CHECKING:
    from wizard.checklist.model import Checklist

OUTPUT_SWITCH_INTERVAL = 0.001
"""Seconds another thread may wait for the interpreter lock while the App runs (see ``run_app``)."""


def run(checklist: Checklist | None, session_name: str | None, *, exchange_port: int = 25) -> int:
    """Run the full-screen wizard.

    Args:
        checklist: the steps, or None for the default checklist, loaded when first needed.
        session_name: a saved session to open at its step, or None for the start screen.
        exchange_port: SMTP port of the Exchange servers, for the connector's test message.

    Returns:
        0, 2 when the session cannot be opened (locked or refused), 130 when interrupted.
    """
    from wizard.tui.options import CheckOptions

    return run_app(WizardApp(checklist, options=CheckOptions(exchange_port=exchange_port)), session_name)


def run_app(app: WizardApp, session_name: str | None) -> int:
    """Open ``session_name`` (if given) in ``app``, run it, and always release the session."""
    if session_name is not None:
        try:
            app.open_session(session_name)
        except StoreError as exc:
            print(f"{PROG}: {exc}", file=sys.stderr)
            return 2
    # Textual writes each frame from a thread of its own. While the event loop is busy
    # (building a step, mounting the start screen's other jobs) that thread waits for the
    # interpreter lock up to the switch interval at every write: at the default 5 ms a
    # painted frame reached the terminal up to 90 ms late. 1 ms lets it through at once.
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(switch_interval, OUTPUT_SWITCH_INTERVAL))
    try:
        with interactive_signals():
            code = app.run()
    except KeyboardInterrupt:
        return 130
    finally:
        sys.setswitchinterval(switch_interval)
        app.close_session()
    if code is None:
        return app.return_code or 0
    return code
