"""The line at the top of every screen: the wizard's name and what the screen shows.

Textual's Header is four widgets (icon, title, clock space and the bar) with a
stylesheet of their own; the wizard shows a title and nothing else there, so
one line of text does it, one widget fewer to style and lay out per screen.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class TitleBar(Static):
    """``title — sub title`` of the screen (or the App), kept current as they change."""

    def __init__(self) -> None:
        super().__init__("", id="titlebar", markup=False)

    def on_mount(self) -> None:
        for node in (self.app, self.screen):
            self.watch(node, "title", self._show, init=False)
            self.watch(node, "sub_title", self._show, init=False)
        self._show()

    def _show(self) -> None:
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        self.update(app.format_title(title, sub_title) if sub_title else Content(title))
