"""A small asyncio SMTP client: one deadline per conversation, bounded replies, replies read in turn."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import dataclasses
import ipaddress
import re
import socket
import ssl
import time
from enum import StrEnum
from typing import Any

from wizard.bounds import REPLY_LINE_CHARS
from wizard.checks import arrival
from wizard.record import record

MAX_LINE = 4096
"""Longest reply line accepted; RFC 5321 allows 512, so anything past 4 KiB is not SMTP."""
MAX_REPLY_LINES = 100
"""Most lines one reply may have; an EHLO reply has about a dozen, so an endless ``220-`` stream is cut here."""
TRANSCRIPT_WIDTH = REPLY_LINE_CHARS
"""Transcript lines are cut here so a hostile server cannot flood a report."""
_REPLY_LINE = re.compile(rb"^([2-5][0-5]\d)(?:([ -])(.*?))?\r?\n?$", re.DOTALL)
"""One reply line (RFC 5321, 4.2): a code whose first digit is 2 to 5 and second 0 to 5, then ``-`` (more
lines follow) or a space and text, or nothing at all: a bare ``250`` is a valid last line."""


class Fault(StrEnum):
    """How a conversation broke off."""

    REFUSED = "refused"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    RESET = "reset"
    CLOSED = "closed"
    GARBAGE = "garbage"
    TOO_LONG = "too_long"
    NOT_STARTED = "not_started"
    OUT_OF_TURN = "out_of_turn"


class SmtpFault(Exception):
    """A conversation broke off; ``kind`` says how, the message says it for people."""

    def __init__(self, kind: Fault, message: str):
        super().__init__(message)
        self.kind = kind


@record
class Reply:
    """One (possibly multi-line) SMTP reply."""

    code: int
    """The three-digit reply code."""
    lines: tuple[str, ...]
    """The text of each line after the code."""
    elapsed_ms: int = 0
    """Time from sending the command (for the greeting: from connecting) to the reply's last line."""

    @property
    def text(self) -> str:
        """The first line's text."""
        return self.lines[0] if self.lines else ""

    @property
    def first(self) -> str:
        """The first line as the server sent it (``550 5.7.1 Unable to relay``)."""
        return f"{self.code} {self.text}".rstrip()

    @property
    def ok(self) -> bool:
        """A 2xx reply."""
        return 200 <= self.code < 300


def _shown(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").rstrip("\r\n")
    return text if len(text) <= TRANSCRIPT_WIDTH else text[:TRANSCRIPT_WIDTH] + f"... ({len(text)} chars)"


def probe_name() -> str:
    """The name this machine gives in EHLO: its host name when that is a usable one."""
    name = socket.gethostname().strip().lower()
    if name and re.fullmatch(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?", name):
        return name
    return "spmail-wizard-probe"


SOURCE_ADDRESS: contextvars.ContextVar[str | None] = contextvars.ContextVar("SOURCE_ADDRESS", default=None)
"""The address conversations start from when none is given: the practice farm's kit files run the
checks as an Exchange server or a node would, from that host's own address."""


class SmtpClient:
    """One SMTP conversation with a fixed deadline for all of it.

    The deadline is absolute (event-loop time), so a server that drips its
    greeting one byte at a time cannot stretch the conversation past it.
    """

    def __init__(self, address: str, port: int, *, deadline: float, local_address: str | None = None):
        self.address = address
        self.port = port
        self.deadline = deadline
        self.local_address = local_address or SOURCE_ADDRESS.get()
        self.transcript: list[str] = []
        """The conversation so far, ``S:``/``C:`` prefixed."""
        self.source_address = ""
        """The address this end of the connection got, once connected."""
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def connect(self) -> Reply:
        """Open the connection and read the greeting.

        The greeting's time runs from the connect call to the reply's arrival: the kernel's
        stamp of it where there is one (:mod:`wizard.checks.arrival`), so a busy machine does
        not add its own delay to the server's figure.

        Raises:
            SmtpFault: the connection or the greeting failed.
        """
        where = f"{self.address}:{self.port}"
        try:
            async with asyncio.timeout_at(self.deadline):
                sock, stamped, started_ns, started = await self._open_socket()
        except TimeoutError:
            raise SmtpFault(Fault.TIMEOUT, f"no TCP connection to {where} within the timeout") from None
        except ConnectionRefusedError:
            raise SmtpFault(Fault.REFUSED, f"connection to {where} refused: nothing listens there") from None
        except ConnectionResetError:
            # The handshake was answered, then reset: a server that cuts the connection at once
            # (whether the connect call or the first read notices depends on timing).
            raise SmtpFault(Fault.RESET, "reset the connection instead of sending a greeting") from None
        except OSError as exc:
            raise SmtpFault(Fault.UNREACHABLE, f"cannot reach {where}: {exc.strerror or exc}") from None
        try:
            sockname = sock.getsockname()
        except OSError:
            sockname = None
        self.source_address = str(sockname[0]) if sockname else ""
        self.transcript.append(f"-- connected to {where} from {self.source_address}")
        arrived_ns = None
        try:
            if stamped:
                # Before the stream takes the socket: it would take its reads too.
                with contextlib.suppress(TimeoutError):  # the read below says what did not come
                    async with asyncio.timeout_at(self.deadline):
                        arrived_ns = await arrival.reply_arrived_ns(sock)
            self._reader, self._writer = await asyncio.open_connection(sock=sock, limit=MAX_LINE)
        except ConnectionResetError:
            sock.close()
            raise SmtpFault(Fault.RESET, "reset the connection instead of sending a greeting") from None
        except OSError as exc:
            sock.close()
            raise SmtpFault(
                Fault.RESET, f"broke the connection before its greeting: {exc.strerror or exc}"
            ) from None
        except BaseException:
            sock.close()
            raise
        reply = await self.read_reply(greeting=True, since=started)
        if arrived_ns is not None and arrived_ns >= started_ns:
            # The stamp is the wall clock's; a clock stepped back during the wait leaves the read's time.
            reply = dataclasses.replace(reply, elapsed_ms=(arrived_ns - started_ns) // 1_000_000)
        return reply

    async def _open_socket(self) -> tuple[socket.socket, bool, int, float]:
        """A connected socket, whether its arrivals are stamped, and when the connect began.

        The moment is taken on both clocks (the wall clock's for the kernel's stamps) just
        before the connect call, after any name lookup.
        """
        loop = asyncio.get_running_loop()
        # An address needs no lookup: the loop's getaddrinfo would still take a trip through a thread.
        try:
            version = ipaddress.ip_address(self.address).version
            addresses: list[tuple[int, Any]] = [
                (socket.AF_INET6 if version == 6 else socket.AF_INET, (self.address, self.port))
            ]
        except ValueError:
            found = await loop.getaddrinfo(self.address, self.port, type=socket.SOCK_STREAM)
            addresses = [(info[0], info[4]) for info in found]
        failure: OSError = OSError(f"no address for {self.address}")
        for family, address in addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.setblocking(False)
                if self.local_address:
                    sock.bind((self.local_address, 0))
                stamped = arrival.stamp_arrivals(sock)
                started_ns, started = arrival.wall_ns(), time.monotonic()
                await loop.sock_connect(sock, address)
            except OSError as exc:  # the next address may answer (a name with IPv6 and IPv4 ones)
                sock.close()
                failure = exc
                continue
            except BaseException:
                sock.close()
                raise
            return sock, stamped, started_ns, started
        raise failure

    async def read_reply(self, *, greeting: bool = False, since: float | None = None) -> Reply:
        """Read one reply, all of its lines (at most :data:`MAX_REPLY_LINES`), before the deadline.

        Args:
            greeting: whether this is the greeting (for the wording of faults).
            since: when the wait for this reply began (``time.monotonic()``); default now.

        Raises:
            SmtpFault: the server was silent, closed, reset, or sent something that is not SMTP.
        """
        assert self._reader is not None
        what = "greeting" if greeting else "reply"
        started = time.monotonic() if since is None else since
        code: int | None = None
        lines: list[str] = []
        while True:
            try:
                async with asyncio.timeout_at(self.deadline):
                    raw = await self._reader.readuntil(b"\n")
            except TimeoutError:
                partial = bytes(getattr(self._reader, "_buffer", b""))
                if partial:
                    self.transcript.append(f"S: {_shown(partial)} (incomplete)")
                if greeting and not lines:
                    raise SmtpFault(
                        Fault.TIMEOUT,
                        "accepted the connection but sent no complete greeting within the timeout",
                    ) from None
                raise SmtpFault(Fault.TIMEOUT, f"sent no complete {what} within the timeout") from None
            except asyncio.LimitOverrunError:
                self.transcript.append(f"S: (a line longer than {MAX_LINE} bytes)")
                raise SmtpFault(
                    Fault.TOO_LONG, f"sent a {what} line longer than {MAX_LINE // 1024} KiB"
                ) from None
            except asyncio.IncompleteReadError as exc:
                if exc.partial:
                    self.transcript.append(f"S: {_shown(exc.partial)} (cut off)")
                    raise SmtpFault(
                        Fault.CLOSED, f"closed the connection in the middle of its {what}"
                    ) from None
                raise SmtpFault(Fault.CLOSED, f"closed the connection without a {what}") from None
            except (ConnectionResetError, BrokenPipeError):
                partial = bytes(getattr(self._reader, "_buffer", b""))
                if partial or lines:
                    if partial:
                        self.transcript.append(f"S: {_shown(partial)} (cut off)")
                    raise SmtpFault(
                        Fault.RESET, f"reset the connection in the middle of its {what}"
                    ) from None
                raise SmtpFault(Fault.RESET, f"reset the connection instead of sending a {what}") from None
            except ValueError:
                # StreamReader raises ValueError when a separator lies beyond the limit.
                raise SmtpFault(
                    Fault.TOO_LONG, f"sent a {what} line longer than {MAX_LINE // 1024} KiB"
                ) from None
            self.transcript.append(f"S: {_shown(raw)}")
            match = _REPLY_LINE.match(raw)
            if not match or (code is not None and int(match.group(1)) != code):
                raise SmtpFault(
                    Fault.GARBAGE, f"answered with something that is not SMTP: {_shown(raw)[:80]!r}"
                )
            code = int(match.group(1))
            lines.append((match.group(3) or b"").decode("utf-8", "replace").strip())
            if match.group(2) != b"-":
                return Reply(code, tuple(lines), int((time.monotonic() - started) * 1000))
            if len(lines) >= MAX_REPLY_LINES:
                raise SmtpFault(
                    Fault.TOO_LONG,
                    f"sent a {what} of more than {MAX_REPLY_LINES} lines without ending it, which no working SMTP server does",
                )

    async def command(self, line: str) -> Reply:
        """Send one command line and read its reply.

        Raises:
            SmtpFault: as :meth:`read_reply`, or the connection broke while sending.
        """
        started = time.monotonic()
        await self._send(line.encode("ascii") + b"\r\n", f"C: {line}")
        return await self.read_reply(since=started)

    async def send_data(self, message: bytes) -> Reply:
        """Send a message body after a 354 reply to DATA, dot-stuffed, and read the final reply."""
        lines = message.replace(b"\r\n", b"\n").split(b"\n")
        stuffed = b"\r\n".join(b"." + line if line.startswith(b".") else line for line in lines)
        if not stuffed.endswith(b"\r\n"):
            stuffed += b"\r\n"
        started = time.monotonic()
        await self._send(stuffed + b".\r\n", f"C: (message of {len(message)} bytes)")
        return await self.read_reply(since=started)

    async def _send(self, payload: bytes, shown: str) -> None:
        assert self._writer is not None
        await self._nothing_unasked(shown)
        self.transcript.append(shown)
        try:
            self._writer.write(payload)
            async with asyncio.timeout_at(self.deadline):
                await self._writer.drain()
        except TimeoutError:
            raise SmtpFault(Fault.TIMEOUT, "stopped reading before the deadline") from None
        except (ConnectionResetError, BrokenPipeError):
            raise SmtpFault(Fault.RESET, "reset the connection while we were sending") from None

    async def _nothing_unasked(self, shown: str) -> None:
        """Raise when the server has said something since its last reply, before ``shown`` was sent.

        A reply that comes before its command is the answer to something else: an extra line after
        EHLO, a second greeting. Read as the next command's reply, it would shift every later reply
        by one, so the conversation ends here instead.

        Raises:
            SmtpFault: ``out_of_turn``, with what came unasked.
        """
        # Two turns of the loop: the first polls the socket and queues its read, the second feeds
        # the reader, so bytes already received are in its buffer when it is looked at.
        for _ in range(2):
            await asyncio.sleep(0)
        early = bytes(getattr(self._reader, "_buffer", b""))
        if not early:
            return
        first = _shown(early.split(b"\n", 1)[0])
        line = shown.removeprefix("C: ")
        sent = "the message" if line.startswith("(") else line.split(" ", 1)[0]
        self.transcript.append(f"S: {first} (before {sent} was sent)")
        raise SmtpFault(
            Fault.OUT_OF_TURN, f"answered out of turn: {first[:80]!r} came before {sent} was sent"
        )

    async def start_tls(self, context: ssl.SSLContext, server_name: str) -> bytes:
        """Upgrade the connection after a 220 to STARTTLS and return the server's certificate (DER).

        Only the handshake: the caller reads the certificate and says QUIT.

        Raises:
            SmtpFault: the handshake failed or did not end by the deadline.
        """
        assert self._writer is not None
        if getattr(self._reader, "_buffer", b""):
            # Plain text sent after the 220 would be read as if it came through TLS.
            raise SmtpFault(Fault.OUT_OF_TURN, "answered out of turn: sent more after 220 to STARTTLS")
        try:
            async with asyncio.timeout_at(self.deadline):
                await self._writer.start_tls(context, server_hostname=server_name or None)
        except TimeoutError:
            raise SmtpFault(Fault.TIMEOUT, "did not finish the TLS handshake within the timeout") from None
        except (ssl.SSLError, OSError) as exc:
            raise SmtpFault(Fault.RESET, f"broke off the TLS handshake: {exc}") from None
        tls = self._writer.get_extra_info("ssl_object")
        der = tls.getpeercert(binary_form=True) if tls is not None else None
        self.transcript.append(f"-- TLS {tls.version() if tls else '?'} handshake done")
        return der or b""

    def abort(self) -> None:
        """Close the connection at once."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
