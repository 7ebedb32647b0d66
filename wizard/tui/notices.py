"""Notices that leave nothing behind when they expire.

When a notice times out, Textual removes its toast but, on the step screen and
the summary, did not draw again the cells it had covered: the notice stayed
on the terminal over the results, the buttons and the note until something
else there changed (the compositor's own picture no longer held it). Once a
notice is gone, the screen is drawn again whole, after the toast's removal
has been laid out.
"""

from __future__ import annotations

from typing import TypeVar

from textual.app import App
from textual.notifications import Notification

Returned = TypeVar("Returned")


class RepaintsExpiredNotices(App[Returned]):
    """An App whose screen is drawn again once a notice has gone."""

    def _unnotify(self, notification: Notification, refresh: bool = True) -> None:
        super()._unnotify(notification, refresh)
        # After the refresh that lays out the removal of the toast: drawing before it would
        # still find the toast in place.
        self.call_after_refresh(self._repaint_screen)

    def _repaint_screen(self) -> None:
        if self.screen_stack:
            self.screen.refresh()
