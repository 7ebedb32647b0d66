"""SMTP servers that misbehave in one way each, for the fault tests."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from typing import Literal

SmtpFaultKind = Literal["silent", "reset", "garbage", "busy", "drip", "long-line", "close"]
DRIP_INTERVAL = 0.05
"""Seconds between bytes of a dripped greeting."""


async def _serve(kind: SmtpFaultKind, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        if kind == "silent":
            await reader.read()
        elif kind == "reset":
            writer.write(b"220 node.foo.local Microsoft ESM")
            await writer.drain()
            await asyncio.sleep(0.05)
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return
        elif kind == "garbage":
            writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        elif kind == "busy":
            writer.write(b"421 4.3.2 Service not available, closing transmission channel\r\n")
        elif kind == "close":
            pass
        elif kind == "drip":
            for byte in b"220 node.foo.local Microsoft ESMTP MAIL Service ready\r\n":
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(DRIP_INTERVAL)
        elif kind == "long-line":
            writer.write(b"220 " + b"x" * 5000 + b"\r\n")
        await writer.drain()
        if kind in ("garbage", "long-line"):
            await reader.read()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def start_faulty_smtp(address: str, port: int, kind: SmtpFaultKind) -> asyncio.AbstractServer:
    """Listen on ``address:port`` and misbehave as ``kind`` says with every client."""
    return await asyncio.start_server(lambda r, w: _serve(kind, r, w), address, port)
