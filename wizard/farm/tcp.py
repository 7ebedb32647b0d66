"""A listening TCP socket and its open connections, for every server of the farm."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
QUIET_ENDS = (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.CancelledError)
"""How a connection may end without being an error of the farm: the client left, sent
a line past any sane length, or the server stopped (a cancelled connection task that
ended with CancelledError would make asyncio log a traceback)."""


class TcpService:
    """Runs ``handler`` for each connection; :meth:`close` stops listening and ends every open one."""

    def __init__(self, handler: Handler, *, limit: int = 65536) -> None:
        self._handler = handler
        self._limit = limit
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def listening(self) -> bool:
        """Whether connections are accepted now."""
        return self._server is not None

    async def listen(self, address: str, port: int) -> None:
        """Start accepting connections on ``address:port`` (no-op when already listening)."""
        if self._server is None:
            self._server = await asyncio.start_server(self._accept, address, port, limit=self._limit)

    async def close(self) -> None:
        """Stop listening and end every open connection, as stopping a service does."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._handler(reader, writer)
        except QUIET_ENDS:
            pass
        finally:
            self._tasks.discard(task)
            with contextlib.suppress(Exception):
                writer.close()
