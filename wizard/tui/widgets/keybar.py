"""The key line at the bottom of a screen: the screen's keys, each clickable, in one widget.

Textual's Footer builds a widget per key and rebuilds them all whenever the
bindings are refreshed, which the step screen does on every step change; one
line of text shows the same keys for a fraction of the cost.
"""

from __future__ import annotations

from textual.content import Content
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    """Every shown binding of the screen as ``key Description``; disabled ones dimmed."""

    def __init__(self) -> None:
        super().__init__("", id="keybar")

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        # Drawn now, so the keys are in the first paint; drawn again once focus settles.
        self.show_keys()
        self.call_after_refresh(self.show_keys)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen[object]) -> None:
        self.show_keys()

    def show_keys(self) -> None:
        """Draw the keys the screen offers now."""
        parts: list[Content] = []
        palette = None
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.action == "app.command_palette" or binding.action == "command_palette":
                palette = binding
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            shown = f"{escape(self.app.get_key_display(binding))}[/] {escape(binding.description)}"
            if enabled:
                # Key names are the bindings' own constants ("ctrl+r"), safe inside the action.
                key = binding.key.split(",")[0]
                parts.append(Content.from_markup(f"[@click=app.simulate_key('{key}')][b $accent]{shown}[/]"))
            else:
                parts.append(Content.from_markup(f"[$text-disabled][b]{shown}[/]"))
        line = Content("  ").join(parts)
        if palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            display = escape(self.app.get_key_display(palette))
            hint = Content.from_markup(f"[@click=app.command_palette][b $accent]{display}[/] palette[/]")
            # Before the first layout the bar has no size yet; it spans the screen's width.
            width = self.size.width or self.app.size.width
            gap = max(2, width - line.cell_length - hint.cell_length - 2)
            line = line + Content(" " * gap) + hint
        self.update(Content(" ") + line)

    def on_resize(self) -> None:
        self.show_keys()
