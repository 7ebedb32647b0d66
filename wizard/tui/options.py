"""How the wizard runs live checks: a module of its own, free of Textual.

The App needs these options before its first paint; importing them from the
check screens would load those screens, their dialogs and a text editor widget
on the way to the start screen.
"""

from __future__ import annotations

from wizard.record import record


@record
class CheckOptions:
    """How the live checks run from the TUI."""

    timeout: float = 5.0
    """Seconds per probe."""
    exchange_port: int = 25
    """SMTP port of the Exchange servers, for the connector's test message."""
    outgoing_port: int = 25
    """SMTP port of the outgoing server named in the plan."""
    pickup_limit: float = 120.0
    """Seconds a test message is followed through the Drop folder."""
