"""The full-screen wizard's open session: its lock, and saving it as it changes."""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING

from textual.app import App
from textual.timer import Timer

from wizard import PROG
from wizard.errors import StoreError

if TYPE_CHECKING:
    from wizard import store
    from wizard.session import Session

SAVE_DELAY = 0.3
"""Seconds of quiet typing after which a note or answer is saved: a save costs an fsync, too much per key."""


class SessionKeeper:
    """Holds one session open for an App; every change is saved at once, typing once it pauses."""

    def __init__(self, app: App[int]) -> None:
        self.app = app
        self._opened: store.OpenSession | None = None
        self._save_timer: Timer | None = None
        self._saved = asyncio.Event()

    @property
    def session(self) -> Session | None:
        """The session open here, if any."""
        return self._opened.session if self._opened else None

    def need(self) -> Session:
        """The open session.

        Raises:
            RuntimeError: none is open.
        """
        if self._opened is None:
            raise RuntimeError("no session is open")
        return self._opened.session

    def open(self, name: str) -> None:
        """Load and lock a saved session, closing the one open before.

        Raises:
            StoreError: no such session, a refused file, or open in another process.
        """
        from wizard import store

        opened = store.OpenSession(name, getattr(self.app, "home", None))
        opened.__enter__()
        self.close()
        self._opened = opened

    def close(self) -> None:
        """Save and release the session (safe to call twice)."""
        self._cancel_save_timer()
        if self._opened is not None:
            opened, self._opened = self._opened, None
            try:
                opened.save()
            except StoreError as exc:
                print(f"{PROG}: {exc}", file=sys.stderr)
            finally:
                opened.__exit__(None, None, None)

    def _cancel_save_timer(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None

    def save_soon(self) -> None:
        """Save once typing pauses (every change of a step, a result or a status saves at once)."""
        self._cancel_save_timer()
        self._save_timer = self.app.set_timer(SAVE_DELAY, self.save)

    async def until_saved(self) -> None:
        """Return once no typed change waits to be saved."""
        while self._save_timer is not None:
            self._saved.clear()
            await self._saved.wait()

    def save(self, announce: str = "") -> None:
        """Save now; ``announce`` (what changed) is said with "Saved." once it is."""
        self._cancel_save_timer()
        self._saved.set()
        if self._opened is None:
            return
        try:
            self._opened.save()
        except StoreError as exc:
            self.app.notify(str(exc), title="Not saved", severity="error", timeout=10)
            return
        if announce:
            self.app.notify(f"{announce} Saved.", timeout=3)
