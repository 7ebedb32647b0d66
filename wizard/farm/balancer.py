"""A TCP round-robin balancer standing in for NLB: it keeps the client's source address, as NLB does.

On loopback any 127.x address may be bound, so the balancer opens its
connection to the node from the client's own address: the node sees the real
client, and relay and connection control by address work through the VIP.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
import struct

from wizard.farm.tcp import TcpService


class Balancer:
    """Listens on the VIP and hands each connection to the next node, from the client's own address."""

    def __init__(self, vip: str, port: int, backends: list[tuple[str, int]]) -> None:
        self.vip = vip
        self.port = port
        self.backends = backends
        self.picked: list[str] = []
        """The backend address chosen for each connection, in order."""
        self._next = itertools.cycle(range(len(backends)))
        self._service = TcpService(self._serve)

    @property
    def listening(self) -> bool:
        """Whether the VIP accepts connections now."""
        return self._service.listening

    async def start(self) -> None:
        """Listen on the VIP."""
        await self._service.listen(self.vip, self.port)

    async def stop(self) -> None:
        """Stop listening and drop every open connection."""
        await self._service.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        client_address = writer.get_extra_info("peername")[0]
        address, port = self.backends[next(self._next)]
        self.picked.append(address)
        try:
            # NLB does not translate addresses: the node must see the real client.
            up_reader, up_writer = await asyncio.open_connection(
                address, port, local_addr=(client_address, 0)
            )
        except OSError:
            _reset(writer)
            return
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer), return_exceptions=True)


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST, as a cluster host without a listener on the port would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        sink.close()
