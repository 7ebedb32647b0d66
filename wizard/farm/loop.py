"""An event loop in a thread of its own, so the farm serves whichever loop (or none) its user runs."""

from __future__ import annotations

import asyncio
import random
import signal
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class LoopThread:
    """Runs an asyncio loop in a daemon thread; :meth:`call` runs a coroutine there and waits."""

    def __init__(self, name: str = "farm") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        # Ctrl+C and SIGTERM belong to the main thread: Python runs signal handlers
        # only there, and a signal the kernel hands to this thread instead would not
        # wake a main thread that waits for it.
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        self.loop.run_forever()

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 10.0) -> T:
        """Run ``coro`` on the loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        """Cancel what still runs, stop the loop and close it."""
        if self.loop.is_closed():
            return

        async def cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        try:
            self.call(cancel_all(), timeout=5)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(5)
            self.loop.close()


def random_prefix() -> str:
    """A random ``127.a.b`` prefix, so that farms running side by side do not meet."""
    return f"127.{random.randint(16, 250)}.{random.randint(1, 250)}"


def random_port() -> int:
    """A random unprivileged port (bind failures are retried by the caller)."""
    return random.randint(20000, 60000)
