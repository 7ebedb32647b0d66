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
    "reset-at-once",
    "garbage",
    "busy",
    "drip",
    "long-line",
    "close",
    "greet-hang",
    "flood",
    "relay-4xx",
    "extra-250",
    "double-greeting",
    "one-behind",
    "greet-999",
    "greet-250",
    "bare-250",
    "rset-5xx",
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


GREETING = b"220 node.foo.local Microsoft ESMTP MAIL Service ready\r\n"


def _in_turn_reply(line: bytes, kind: SmtpFaultKind) -> bytes:
    """What a server that refuses every recipient (no alias, no relay) answers to ``line``."""
    verb = line.split(b" ", 1)[0].split(b":", 1)[0].strip().upper()
    if verb == b"EHLO":
        if kind == "bare-250":
            return b"250-node.foo.local\r\n250\r\n"
        return b"250-node.foo.local Hello\r\n250-ENHANCEDSTATUSCODES\r\n250 OK\r\n"
    if verb == b"MAIL":
        return b"250\r\n" if kind == "bare-250" else b"250 2.1.0 probe@foo.local....Sender OK\r\n"
    if verb == b"RCPT":
        if kind == "bare-250":
            return b"250\r\n" if line.rstrip().lower().endswith(b"foo.local>") else b"550\r\n"
        return b"550 5.7.1 Unable to relay\r\n"
    if verb == b"RSET":
        return b"501 5.5.4 Not now\r\n" if kind == "rset-5xx" else b"250 2.0.0 Resetting\r\n"
    if verb == b"QUIT":
        return b"221 2.0.0 Bye\r\n"
    return b"500 5.3.3 Unrecognized command\r\n"


async def _out_of_turn(
    kind: SmtpFaultKind, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """A dialogue that refuses every recipient, with one reply too many somewhere (or none, for the
    in-turn kinds), so a client that reads replies blindly in order takes a refusal for an acceptance.

    ``extra-250`` sends an unasked 250 with the EHLO reply; ``double-greeting`` greets twice;
    ``one-behind`` answers each command with the reply to the one before (a bare 250 to the first).
    """
    writer.write(GREETING * 2 if kind == "double-greeting" else GREETING)
    await writer.drain()
    lagging = b"250 OK\r\n"
    while line := await reader.readline():
        reply = _in_turn_reply(line, kind)
        if kind == "one-behind":
            reply, lagging = lagging, reply
        elif kind == "extra-250" and line.upper().startswith(b"EHLO"):
            reply += b"250 OK\r\n"
        writer.write(reply)
        await writer.drain()
        if line.upper().startswith(b"QUIT"):
            return


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
        elif kind == "reset-at-once":
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
        elif kind == "greet-999":
            writer.write(b"999 node.foo.local is not what you think\r\n")
        elif kind == "greet-250":
            writer.write(b"250 node.foo.local ready\r\n")
        elif kind in ("extra-250", "double-greeting", "one-behind", "bare-250", "rset-5xx"):
            await _out_of_turn(kind, reader, writer)
        await writer.drain()
        if kind in ("garbage", "long-line", "greet-hang", "greet-999", "greet-250"):
            await reader.read()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def start_faulty_smtp(address: str, port: int, kind: SmtpFaultKind) -> asyncio.AbstractServer:
    """Listen on ``address:port`` and misbehave as ``kind`` says with every client."""
    return await asyncio.start_server(lambda r, w: _serve(kind, r, w), address, port)
