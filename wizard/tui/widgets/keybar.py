"""The key line at the bottom of a screen: the screen's keys, each clickable, in one widget.

Textual's Footer builds a widget per key and rebuilds them all whenever the
bindings are refreshed, which the step screen does on every step change; one
line of text shows the same keys for a fraction of the cost.

At 80 columns not every key fits. The keys that cannot be found any other way
(help, export, quit and the palette, which lists everything else) are always
shown; the others give way, least needed first, and stay listed in help (F1).
"""

from __future__ import annotations

from textual.content import Content
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Static

from wizard.record import record

KEPT = frozenset({"help", "export", "quit", "close"})
"""Binding ids always shown: what an operator cannot find from the other keys."""
GIVE_WAY = ("copy", "send-test", "hide-steps", "back", "skip", "done")
"""Binding ids dropped first when the line is too narrow, in this order; then any other, last first."""
SEPARATOR = Content("  ")


@record
class Key:
    """One key of the line."""

    binding_id: str
    """The binding's id (or its action, for bindings without one)."""
    shown: Content
    """``key Description`` as drawn."""
    local: bool = False
    """A key of the focused widget rather than of the screen: it gives way before the screen's."""


def fit(keys: list[Key], width: int) -> list[Key]:
    """The keys that fit in ``width`` cells, in their order; kept ones always, the others by need."""
    shown = list(keys)

    def length() -> int:
        return sum(key.shown.cell_length for key in shown) + SEPARATOR.cell_length * max(0, len(shown) - 1)

    droppable = [key for key in shown if key.local and key.binding_id not in KEPT]
    droppable += [
        key for name in GIVE_WAY for key in shown if key.binding_id == name and key not in droppable
    ]
    droppable += [key for key in reversed(shown) if key.binding_id not in KEPT and key not in droppable]
    for key in droppable:
        if length() <= width:
            break
        shown.remove(key)
    return shown


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

    def keys(self) -> list[Key]:
        """Every key the screen shows now, in binding order (the palette is drawn apart)."""
        keys: list[Key] = []
        seen: set[str] = set()
        screen = self.screen
        for node, binding, enabled, _tooltip in screen.active_bindings.values():
            if binding.action in ("app.command_palette", "command_palette"):
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            shown = f"{escape(self.app.get_key_display(binding))}[/] {escape(binding.description)}"
            if enabled:
                # Key names are the bindings' own constants ("ctrl+r"), safe inside the action.
                key = binding.key.split(",")[0]
                content = Content.from_markup(f"[@click=app.simulate_key('{key}')][b $accent]{shown}[/]")
            else:
                content = Content.from_markup(f"[$text-disabled][b]{shown}[/]")
            keys.append(Key(binding.id or binding.action, content, local=node not in (screen, self.app)))
        return keys

    def _palette_hint(self) -> Content | None:
        for _node, binding, _enabled, _tooltip in self.screen.active_bindings.values():
            if (
                binding.action in ("app.command_palette", "command_palette")
                and self.app.ENABLE_COMMAND_PALETTE
            ):
                display = escape(self.app.get_key_display(binding))
                return Content.from_markup(f"[@click=app.command_palette][b $accent]{display}[/] palette[/]")
        return None

    def show_keys(self) -> None:
        """Draw the keys the screen offers now, as many as fit."""
        hint = self._palette_hint()
        # Before the first layout the bar has no size yet; it spans the screen's width.
        width = self.size.width or self.app.size.width
        room = width - 2 - (hint.cell_length + 2 if hint is not None else 0)
        line = SEPARATOR.join(key.shown for key in fit(self.keys(), room))
        if hint is not None:
            gap = max(2, width - line.cell_length - hint.cell_length - 2)
            line = line + Content(" " * gap) + hint
        self.update(Content(" ") + line)

    def on_resize(self) -> None:
        self.show_keys()
