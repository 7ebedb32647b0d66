"""The driver of a wizard served to a browser: Textual's web driver, ending the wizard when its server goes.

textual-serve talks to each wizard over its stdin and stdout. When the server
stops (Ctrl+C, SIGTERM, or killed), that input reaches its end; Textual's web
driver then stops reading but leaves the wizard running, holding its
session's lock with nobody able to reach it. This driver asks it to quit,
the way closing the browser tab does.
"""

from __future__ import annotations

from textual.drivers.web_driver import WebDriver
from textual.messages import ExitApp


class ServedDriver(WebDriver):
    """Textual's web driver, quitting the wizard when the server closes its input."""

    def run_input_thread(self) -> None:
        super().run_input_thread()
        # Set when the wizard itself is leaving; otherwise the input ended under it.
        if not self.exit_event.is_set():
            self._app.post_message(ExitApp())
