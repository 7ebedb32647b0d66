"""A step screen's guard against keys typed ahead: a key is applied only to the step that was on show when it was pressed.

A key pressed before the step was drawn was meant for what was shown before;
an action it triggers is dropped with a notice rather than applied to this step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual._time import get_time

from wizard.tui.screens.checking import CheckingScreen

if TYPE_CHECKING:
    from wizard.checklist.model import Step


class ShownScreen(CheckingScreen):
    """Knows when its current step was drawn; ``on_shown`` runs once it is."""

    step: Step
    """The step shown."""
    shown_at: float | None = None
    """When the current step was drawn (Textual's clock), or None while it is not on show."""
    _ready = False

    def watch_paints(self) -> None:
        """Start following the screen's paints (from ``on_mount``)."""
        # Immediate: the step is marked shown in the same call that drew it, not by a message
        # handled later, when keys pressed after the paint may already be waiting.
        self.screen_layout_refresh_signal.subscribe(self, self._painted, immediate=True)

    def on_shown(self) -> None:
        """The current step has just been drawn (work to do while the operator reads it)."""

    def on_screen_resume(self) -> None:
        self.not_shown()
        self.await_paint()

    def on_screen_suspend(self) -> None:
        self.shown_at = None

    def not_shown(self) -> None:
        """The step on show is changing: keys from now on wait for its paint."""
        self.shown_at = None
        self._ready = False

    def await_paint(self) -> None:
        """The step's widgets are in place: the next paint shows it."""
        self._ready = True
        self.call_after_refresh(self._mark_shown)

    def _painted(self, _screen: object) -> None:
        # Published as the screen's new layout has been drawn: the moment the step became
        # visible. Only keys that arrived before it were typed ahead; one pressed after it is
        # taken however long the app then takes to reach it, busy or not.
        if self.shown_at is None and self._ready and self.is_current:
            self.shown_at = get_time()
            self.on_shown()

    def _mark_shown(self) -> None:
        # A paint without a new layout (nothing moved) publishes nothing; the step is on screen
        # by the time the "after refresh" callbacks run.
        if self.is_current and self._ready and self.shown_at is None:
            self.shown_at = get_time()
            self.on_shown()

    def accepts_input(self, what: str) -> bool:
        """True when the key or click being handled was pressed while this step was on show.

        Otherwise the operator has not seen this step yet: say so, and do nothing.
        """
        pressed = getattr(self.app, "input_time", 0.0)
        if self.shown_at is not None and pressed >= self.shown_at:
            return True
        self.notify(
            f"{what} not applied: it was pressed before {self.step.title!r} was on screen. "
            "Press it again to apply it to this step.",
            severity="warning",
        )
        return False
