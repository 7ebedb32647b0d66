"""SharePoint's incoming e-mail timer job, in miniature: it takes each .eml from the Drop folders after a delay."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.farm.sharepoint import SharePoint

SCAN_INTERVAL = 0.05
"""Seconds between looks into the Drop folders."""


class TimerJob:
    """Hands every ``.eml`` file to SharePoint ``delay`` seconds after it first saw it, while running.

    The real job runs every minute or so; a short delay keeps a rehearsal
    brisk while still leaving the file in Drop long enough to be seen there.
    ``folders`` maps each server to the Drop folder its job reads. Without a
    SharePoint every file is simply taken; with one, SharePoint decides, and
    a file it leaves is handed to it again one ``delay`` later, as the next
    run of the real job would.
    """

    def __init__(self, folders: dict[str, Path], delay: float, sharepoint: SharePoint | None = None) -> None:
        self.folders = folders
        self.delay = delay
        self.sharepoint = sharepoint
        self.picked_up: list[Path] = []
        """Every file taken, in order."""
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

    def _take(self, server: str, path: Path) -> bool:
        if self.sharepoint is None:
            path.unlink(missing_ok=True)
            return True
        return self.sharepoint.process(server, path)

    async def _run(self) -> None:
        first_seen: dict[Path, float] = {}
        while True:
            await asyncio.sleep(SCAN_INTERVAL)
            now = time.monotonic()
            for server, folder in self.folders.items():
                if self.sharepoint is not None and not self.sharepoint.instance_running(server):
                    continue  # the job does not run where the service instance is stopped
                for path in folder.glob("*.eml"):
                    seen = first_seen.setdefault(path, now)
                    if now - seen < self.delay:
                        continue
                    if await asyncio.to_thread(self._take, server, path):
                        first_seen.pop(path, None)
                        self.picked_up.append(path)
                    else:
                        first_seen[path] = now  # left in place: looked at again on the next run
