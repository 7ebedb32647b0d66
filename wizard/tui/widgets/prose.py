"""Text that never changes once shown (a step's Markdown), laid out once per width.

A Static hands its Rich renderable to Textual on every layout and every paint:
Markdown is then wrapped twice per step change (once to measure its height,
once to draw it), which was most of the cost of showing a step again. The
guidance of a step is fixed for a given plan, so its lines are kept per width
and style and reused until the terminal's width or the theme changes.
"""

from __future__ import annotations

from rich.console import RenderableType
from textual.geometry import Size
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget

KEPT_WIDTHS = 3
"""Renders kept per widget: the current width and the last few (a terminal resized back and forth)."""


class Prose(Widget):
    """A fixed renderable shown at the widget's width, rendered once per width and style."""

    def __init__(self, renderable: RenderableType, *, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self._renderable = renderable
        self._lines: dict[int, list[Strip]] = {}

    def _render_at(self, width: int) -> list[Strip]:
        lines = self._lines.get(width)
        if lines is None:
            style = self.visual_style
            lines = Visual.to_strips(
                self, visualize(self, self._renderable, markup=False), width, None, style
            )
            if len(self._lines) >= KEPT_WIDTHS:
                self._lines.pop(next(iter(self._lines)))
            self._lines[width] = lines
        return lines

    def notify_style_update(self) -> None:
        # A new theme or class changes colours: the kept lines carry the old ones.
        self._lines.clear()
        super().notify_style_update()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._render_at(width))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        lines = self._render_at(width)
        if y < len(lines):
            return lines[y]
        return Strip.blank(width, self.visual_style.rich_style)
