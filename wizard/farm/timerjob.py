"""SharePoint's incoming e-mail timer job, in miniature: it takes each .eml from the Drop folders after a delay."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

SCAN_INTERVAL = 0.05
"""Seconds between looks into the Drop folders."""


class TimerJob:
    """Deletes every ``.eml`` file ``delay`` seconds after it first saw it, while running.

    The real job runs every minute or so; a short delay keeps a rehearsal
    brisk while still leaving the file in Drop long enough to be seen there.
    """

    def __init__(self, folders: list[Path], delay: float) -> None:
        self.folders = folders
        self.delay = delay
        self.picked_up: list[Path] = []
        """Every file taken, in order."""
        self.on_pickup: Callable[[Path], None] | None = None
        """Called with each file just before it is taken (the farm writes its unified log lines there)."""
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """Whether the job is scheduled."""
        return self._task is not None

    def start(self) -> None:
        """Start the job (on the running loop)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop the job; files in Drop stay there."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        first_seen: dict[Path, float] = {}
        while True:
            await asyncio.sleep(SCAN_INTERVAL)
            now = time.monotonic()
            for folder in self.folders:
                for path in folder.glob("*.eml"):
                    seen = first_seen.setdefault(path, now)
                    if now - seen >= self.delay:
                        if self.on_pickup is not None:
                            self.on_pickup(path)
                        path.unlink(missing_ok=True)
                        first_seen.pop(path, None)
                        self.picked_up.append(path)
