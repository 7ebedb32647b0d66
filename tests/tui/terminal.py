"""What a real terminal would show: the wizard's output fed to a terminal emulator, not the app's own picture.

``screen_text`` reads the compositor, which is right by construction; a fault
in what is sent to the terminal (cells not drawn again) shows only here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyte
import pytest
from textual.app import App
from textual.drivers.headless_driver import HeadlessDriver


class Terminal:
    """An 80x24 (or other) terminal that the app under test writes to."""

    def __init__(self, width: int, height: int) -> None:
        self.screen = pyte.Screen(width, height)
        self._stream = pyte.Stream(self.screen)

    def feed(self, data: str) -> None:
        self._stream.feed(data)

    def text(self) -> str:
        """The terminal's lines as shown now."""
        return "\n".join(self.screen.display)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[Terminal]:
    """The app's output goes to this terminal (run_test's driver otherwise drops it)."""
    shown = Terminal(80, 24)
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: shown.feed(data))
    # A headless app renders nothing at all; this one renders to the emulator above.
    monkeypatch.setattr(App, "is_headless", property(lambda self: False))
    yield shown
