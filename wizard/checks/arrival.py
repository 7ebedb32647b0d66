"""When a reply reached this machine, as the kernel saw it, not when the checks got round to it.

A sweep opens a hundred conversations at once, and its event loop reads each reply only when it
comes back to that socket. On a busy machine (a full-screen front end drawing, a loaded
workstation) that can be tens of milliseconds after the bytes arrived, and a greeting time
measured at the read would count the wait. Linux stamps each received segment
(``SO_TIMESTAMPNS``); the greeting's time is taken from that stamp where there is one, and from
the read elsewhere.

The stamp is read with ``MSG_PEEK``, so the bytes stay in the socket for the stream that reads
them; only a greeting complete in what was peeked is timed by its stamp (a server that drips its
greeting is timed at the read, which it earns).
"""

from __future__ import annotations

import asyncio
import re
import socket
import struct
import sys
import time

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
"""Linux's option number (``socket`` names it only on some builds)."""
_STAMP = struct.Struct("@qq")
"""A ``struct timespec``: seconds and nanoseconds since the epoch."""
_PEEK_BYTES = 4096
_COMPLETE = re.compile(rb"(?:^|\n)[2-5]\d\d(?: [^\n]*)?\r?\n\Z")
"""The peeked bytes end with a reply's last line (a code and a space, or a bare code)."""


def stamp_arrivals(sock: socket.socket) -> bool:
    """Ask the kernel to stamp what arrives on ``sock``; False where it cannot (then nothing is peeked)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    except OSError:
        return False
    return True


def wall_ns() -> int:
    """Now on the clock the kernel stamps with (the wall clock), in nanoseconds."""
    return time.time_ns()


async def reply_arrived_ns(sock: socket.socket) -> int | None:
    """The kernel's stamp of a complete reply waiting in ``sock``, once bytes are there; else None.

    None when the first bytes do not hold a complete reply, carry no stamp, or the connection
    was closed: the stream's read then says what happened and is timed as before. The caller
    bounds the wait (the conversation's deadline).

    Raises:
        OSError: the connection broke (``ConnectionResetError`` for a reset).
    """
    loop = asyncio.get_running_loop()
    readable: asyncio.Future[None] = loop.create_future()
    fd = sock.fileno()

    def ready() -> None:
        if not readable.done():
            readable.set_result(None)

    loop.add_reader(fd, ready)
    try:
        await readable
    finally:
        loop.remove_reader(fd)
    # A reset comes out of this peek, not the stream's read: the kernel reports it once, and the
    # stream would then find a plain end of file and say the server closed the connection.
    data, ancillary, _flags, _address = sock.recvmsg(
        _PEEK_BYTES, socket.CMSG_SPACE(_STAMP.size), socket.MSG_PEEK
    )
    if not _COMPLETE.search(data):
        return None
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(payload) >= _STAMP.size:
            seconds, nanoseconds = _STAMP.unpack_from(payload)
            return int(seconds) * 1_000_000_000 + int(nanoseconds)
    return None
