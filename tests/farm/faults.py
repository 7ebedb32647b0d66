"""SMTP servers that misbehave in one way each, for the fault tests."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from typing import Literal

SmtpFaultKind = Literal[
    "silent",
    "reset",
    "garbage",
    "busy",
    "drip",
    "long-line",
    "close",
    "greet-hang",
    "flood",
    "relay-4xx",
]
DRIP_INTERVAL = 0.05
"""Seconds between bytes of a dripped greeting."""


async def _flood(writer: asyncio.StreamWriter) -> None:
    """Continuation lines of a greeting that never ends, as fast as the client takes them."""
    line = b"220-node.foo.local Microsoft ESMTP MAIL Service, and more to come " + b"x" * 1000 + b"\r\n"
    while True:
        writer.write(line * 64)
        await writer.drain()


async def _relay_4xx(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A sound SMTP dialogue that defers (451) every recipient outside foo.local instead of refusing it."""
    writer.write(b"220 node.foo.local Microsoft ESMTP MAIL Service ready\r\n")
    while line := await reader.readline():
        verb = line.split(b" ", 1)[0].split(b":", 1)[0].strip().upper()
        if verb == b"EHLO":
            writer.write(b"250-node.foo.local Hello\r\n250 OK\r\n")
        elif verb == b"RCPT":
            local = line.rstrip().lower().endswith(b"foo.local>")
            writer.write(
                b"250 2.1.5 OK\r\n" if local else b"451 4.3.0 Temporary failure, try again later\r\n"
            )
        elif verb == b"QUIT":
            writer.write(b"221 2.0.0 Bye\r\n")
            await writer.drain()
            return
        else:
            writer.write(b"250 2.0.0 OK\r\n")
        await writer.drain()


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
        elif kind == "greet-hang":
            writer.write(b"220 node.foo.local Microsoft ESMTP MAIL Service ready\r\n")
        elif kind == "flood":
            await _flood(writer)
        elif kind == "relay-4xx":
            await _relay_4xx(reader, writer)
        await writer.drain()
        if kind in ("garbage", "long-line", "greet-hang"):
            await reader.read()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def start_faulty_smtp(address: str, port: int, kind: SmtpFaultKind) -> asyncio.AbstractServer:
    """Listen on ``address:port`` and misbehave as ``kind`` says with every client."""
    return await asyncio.start_server(lambda r, w: _serve(kind, r, w), address, port)
