"""Help (F1 or ?): the keys of the screen it was opened on, what the marks mean, where sessions live."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from wizard.helptext import marks_text, sessions_text
from wizard.tui.widgets.action import Action
from wizard.tui.widgets.keybar import KeyBar


def key_lines(screen: Screen[object]) -> list[str]:
    """``key  Description: what it does`` for every key the screen answers to, shown or not."""
    app = screen.app
    lines: list[str] = []
    seen: set[str] = set()
    for node, binding, enabled, tooltip in screen.active_bindings.values():
        # The screen's and the wizard's own keys; a focused list's arrows explain themselves.
        if node not in (screen, app) or not binding.description or binding.action in seen:
            continue
        seen.add(binding.action)
        what = tooltip or binding.tooltip
        note = "" if enabled else " (not on this step)"
        detail = f": {what}" if what and what != binding.description else ""
        lines.append(f"  {app.get_key_display(binding):<8} {binding.description}{detail}{note}")
    return lines


class HelpScreen(ModalScreen[None]):
    """What the operator can do here, and how to read what the wizard shows."""

    BINDINGS = [Binding("escape,f1,q", "close", "Close", id="close", tooltip="Back to the screen")]

    def __init__(self, opened_on: Screen[object], sessions: Path, *, extra: str = "") -> None:
        super().__init__(classes="dialog")
        self.keys = key_lines(opened_on)
        """The keys of the screen help was opened on."""
        self.sessions = sessions
        """The folder of the saved sessions."""
        self.extra = extra
        """Anything the screen it was opened on adds (how its own parts are reached)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box wide tall", id="help-box"):
            yield Label("Help", classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll", id="help-text"):
                parts = ["Keys on this screen", *self.keys]
                if self.extra:
                    parts += ["", self.extra]
                parts += [
                    "",
                    "ctrl+p opens the palette: every command, each step by name, the summary.",
                    "",
                    "Marks beside the steps",
                    marks_text(),
                    "",
                    "Where sessions live",
                    sessions_text(self.sessions),
                ]
                yield Static("\n".join(parts), markup=False, classes="help-body")
            with Horizontal(classes="dialog-buttons"):
                yield Action("Close", id="close", variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#help-text").focus()

    @on(Action.Pressed, "#close")
    def action_close(self) -> None:
        """Back to the screen help was opened on."""
        self.dismiss(None)
