"""A screen whose first showing does not style again what it has just styled.

Textual restyles every widget of a screen each time the screen is resumed,
the first time included, although each widget was styled as it mounted a
moment before. On the start screen that second pass was about a third of the
time from launch to the first paint. A screen shown again later (after a
dialog, after another screen) is restyled as before: the theme or the focus
may have changed meanwhile.
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen


class FreshScreen(Screen[None]):
    """A screen that skips the restyle of its first resume only."""

    _resumed_before = False

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.ScreenResume) and not self._resumed_before:
            self._resumed_before = True
            event.refresh_styles = False
        await super().on_event(event)
