"""A greeting is timed when it reached this machine, not when a busy event loop got to it."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import socket
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from wizard.checks import arrival
from wizard.checks.smtpclient import SmtpClient

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the kernel's stamps are Linux's"
)


class Greeter:
    """A server on 127.0.0.1 that sends ``greeting`` at once to each connection and says so."""

    def __init__(self, greeting: bytes) -> None:
        self.greeting = greeting
        self.sent = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        with contextlib.suppress(OSError):  # closed by the test before a connection came
            connection, _ = self.listener.accept()
            with connection:
                connection.sendall(self.greeting)
                self.sent.set()
                connection.recv(1024)  # until the client closes

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def greeter() -> Iterator[Greeter]:
    server = Greeter(b"220 wfe1.foo.local Microsoft ESMTP MAIL Service ready\r\n")
    yield server
    server.close()


def busy_screen(sent: threading.Event) -> float:
    """Hold the event loop as a screen drawing rows does, once the greeting is on its way; its length in ms.

    The hold is work, not a sleep: a fixed amount of hashing, timed as it runs.
    """
    sent.wait(10)
    began = time.monotonic()
    hashlib.pbkdf2_hmac("sha256", b"rows", b"layout", 300_000)
    return (time.monotonic() - began) * 1000


async def greeting_while_busy(port: int, sent: threading.Event) -> tuple[int, float]:
    """Connect, and hold the loop before the greeting is read: (the greeting's recorded ms, the hold's ms)."""
    loop = asyncio.get_running_loop()
    client = SmtpClient("127.0.0.1", port, deadline=loop.time() + 10)
    greeting = asyncio.create_task(client.connect())
    await asyncio.sleep(0)  # the connect call is made; the greeting is read on a later turn
    held_ms = busy_screen(sent)
    reply = await greeting
    client.abort()
    assert reply.code == 220
    return reply.elapsed_ms, held_ms


@linux_only
async def test_a_greeting_read_late_is_recorded_at_its_arrival(greeter: Greeter) -> None:
    elapsed_ms, held_ms = await greeting_while_busy(greeter.port, greeter.sent)
    assert held_ms > 20, "the hold was too short to tell the two times apart"
    assert elapsed_ms < held_ms / 2, (elapsed_ms, held_ms)


async def test_without_the_kernels_stamps_the_greeting_is_timed_at_its_read(
    greeter: Greeter, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Windows and macOS: the read's time, which counts the hold (the reason the stamps are used).
    monkeypatch.setattr(arrival, "stamp_arrivals", lambda sock: False)
    elapsed_ms, held_ms = await greeting_while_busy(greeter.port, greeter.sent)
    assert elapsed_ms >= held_ms - 1, (elapsed_ms, held_ms)


@linux_only
@pytest.mark.parametrize(
    ("sent", "complete"),
    [
        (b"220 ready\r\n", True),
        (b"220-first\r\n220 last\r\n", True),
        (b"220\r\n", True),
        (b"220-first\r\n", False),
        (b"22", False),
        (b"garbage\r\n", False),
    ],
)
async def test_only_a_complete_reply_is_stamped_and_its_bytes_stay_for_the_stream(
    sent: bytes, complete: bool
) -> None:
    server = Greeter(sent)
    try:
        with socket.socket() as sock:
            # Asked before the connection, as the client does: a segment that came first has no stamp.
            assert arrival.stamp_arrivals(sock)
            sock.connect(("127.0.0.1", server.port))
            sock.setblocking(False)
            server.sent.wait(10)
            before = arrival.wall_ns()
            stamp = await arrival.reply_arrived_ns(sock)
            if complete:
                assert stamp is not None and stamp <= before
            else:
                assert stamp is None
            sock.setblocking(True)
            assert sock.recv(4096) == sent
    finally:
        server.close()
