"""A small asyncio SMTP client for probes: one deadline per conversation, bounded reply lines."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import time
from dataclasses import dataclass, field
from enum import StrEnum

MAX_LINE = 4096
"""Longest reply line accepted; RFC 5321 allows 512, so anything past 4 KiB is not SMTP."""
TRANSCRIPT_WIDTH = 200
"""Transcript lines are cut here so a hostile server cannot flood a report."""
_REPLY_LINE = re.compile(rb"^(\d{3})([ -])(.*?)\r?\n?$", re.DOTALL)


class Fault(StrEnum):
    """How a conversation broke off."""

    REFUSED = "refused"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    RESET = "reset"
    CLOSED = "closed"
    GARBAGE = "garbage"
    TOO_LONG = "too_long"


class SmtpFault(Exception):
    """A conversation broke off; ``kind`` says how, the message says it for people."""

    def __init__(self, kind: Fault, message: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Reply:
    """One (possibly multi-line) SMTP reply."""

    code: int
    """The three-digit reply code."""
    lines: tuple[str, ...]
    """The text of each line after the code."""

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


class SmtpClient:
    """One SMTP conversation with a fixed deadline for all of it.

    The deadline is absolute (event-loop time), so a server that drips its
    greeting one byte at a time cannot stretch the conversation past it.
    """

    def __init__(self, address: str, port: int, *, deadline: float, local_address: str | None = None):
        self.address = address
        self.port = port
        self.deadline = deadline
        self.local_address = local_address
        self.transcript: list[str] = []
        """The conversation so far, ``S:``/``C:`` prefixed."""
        self.source_address = ""
        """The address this end of the connection got, once connected."""
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def connect(self) -> Reply:
        """Open the connection and read the greeting.

        Raises:
            SmtpFault: the connection or the greeting failed.
        """
        where = f"{self.address}:{self.port}"
        local = (self.local_address, 0) if self.local_address else None
        try:
            async with asyncio.timeout_at(self.deadline):
                self._reader, self._writer = await asyncio.open_connection(
                    self.address, self.port, limit=MAX_LINE, local_addr=local
                )
        except TimeoutError:
            raise SmtpFault(Fault.TIMEOUT, f"no TCP connection to {where} within the timeout") from None
        except ConnectionRefusedError:
            raise SmtpFault(Fault.REFUSED, f"connection to {where} refused: nothing listens there") from None
        except OSError as exc:
            raise SmtpFault(Fault.UNREACHABLE, f"cannot reach {where}: {exc.strerror or exc}") from None
        sockname = self._writer.get_extra_info("sockname")
        self.source_address = str(sockname[0]) if sockname else ""
        self.transcript.append(f"-- connected to {where} from {self.source_address}")
        return await self.read_reply(greeting=True)

    async def read_reply(self, *, greeting: bool = False) -> Reply:
        """Read one reply, all of its lines, before the deadline.

        Raises:
            SmtpFault: the server was silent, closed, reset, or sent something that is not SMTP.
        """
        assert self._reader is not None
        what = "greeting" if greeting else "reply"
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
            lines.append(match.group(3).decode("utf-8", "replace").strip())
            if match.group(2) == b" ":
                return Reply(code, tuple(lines))

    async def command(self, line: str) -> Reply:
        """Send one command line and read its reply.

        Raises:
            SmtpFault: as :meth:`read_reply`, or the connection broke while sending.
        """
        await self._send(line.encode("ascii") + b"\r\n", f"C: {line}")
        return await self.read_reply()

    async def send_data(self, message: bytes) -> Reply:
        """Send a message body after a 354 reply to DATA, dot-stuffed, and read the final reply."""
        lines = message.replace(b"\r\n", b"\n").split(b"\n")
        stuffed = b"\r\n".join(b"." + line if line.startswith(b".") else line for line in lines)
        if not stuffed.endswith(b"\r\n"):
            stuffed += b"\r\n"
        await self._send(stuffed + b".\r\n", f"C: (message of {len(message)} bytes)")
        return await self.read_reply()

    async def _send(self, payload: bytes, shown: str) -> None:
        assert self._writer is not None
        self.transcript.append(shown)
        try:
            self._writer.write(payload)
            async with asyncio.timeout_at(self.deadline):
                await self._writer.drain()
        except TimeoutError:
            raise SmtpFault(Fault.TIMEOUT, "stopped reading before the deadline") from None
        except (ConnectionResetError, BrokenPipeError):
            raise SmtpFault(Fault.RESET, "reset the connection while we were sending") from None

    async def quit(self) -> None:
        """Say QUIT if the connection still stands, then close it; never raises."""
        if self._writer is None:
            return
        if not self._writer.is_closing():
            with contextlib.suppress(SmtpFault, OSError):
                await self.command("QUIT")
        self.abort()

    def abort(self) -> None:
        """Close the connection at once."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None


@dataclass
class Conversation:
    """What one probe conversation found; each stage is None when it was not reached."""

    address: str
    port: int
    greeting: Reply | None = None
    ehlo: Reply | None = None
    mail: Reply | None = None
    rcpts: dict[str, Reply] = field(default_factory=dict)
    data: Reply | None = None
    fault: SmtpFault | None = None
    """Why the conversation broke off, if it did."""
    stage: str = ""
    """Where it broke off: ``connect``, ``greeting``, ``EHLO``, ``MAIL``, ``RCPT``, ``DATA``."""
    source_address: str = ""
    """This machine's address as the server saw it."""
    transcript: list[str] = field(default_factory=list)
    duration_ms: int = 0

    @property
    def greeted(self) -> bool:
        """The server greeted with 220."""
        return self.greeting is not None and self.greeting.code == 220

    def blocked(self) -> str:
        """Why this looks like connection control turning us away, or ``""``.

        The exact behaviour is not documented, so every way of refusing a
        session at its start counts: a refused or reset connection, a close
        before or right after the greeting, or a 4xx/5xx greeting.
        """
        fault = self.fault
        if fault is not None and self.stage in ("connect", "greeting"):
            if fault.kind == Fault.REFUSED:
                return "connection refused"
            if fault.kind == Fault.RESET:
                return "connection reset at once"
            if fault.kind == Fault.CLOSED:
                return "connection closed before any greeting"
        if self.greeting is not None and self.greeting.code >= 400:
            return f"greeting {self.greeting.first}"
        if fault is not None and self.stage == "EHLO" and fault.kind in (Fault.CLOSED, Fault.RESET):
            return "connection closed right after the greeting"
        return ""


async def converse(
    address: str,
    port: int,
    *,
    timeout: float,
    helo: str,
    mail_from: str | None = None,
    recipients: tuple[str, ...] = (),
    message: bytes | None = None,
    local_address: str | None = None,
) -> Conversation:
    """Hold one conversation and record what each stage answered; never raises for network faults.

    The conversation stops after EHLO when there is no sender, after RCPT
    when there is no message, and always ends with RSET (unless a message
    was sent) and QUIT, so a probe never reaches DATA by accident.
    """
    started = time.monotonic()
    deadline = asyncio.get_running_loop().time() + timeout
    client = SmtpClient(address, port, deadline=deadline, local_address=local_address)
    found = Conversation(address, port)
    stage = "connect"
    try:
        found.greeting = await client.connect()
        stage = "greeting"
        found.source_address = client.source_address
        if found.greeting.code != 220:
            return found
        stage = "EHLO"
        found.ehlo = await client.command(f"EHLO {helo}")
        if found.ehlo.code >= 500:
            found.ehlo = await client.command(f"HELO {helo}")
        if mail_from is None or not found.ehlo.ok:
            return found
        stage = "MAIL"
        found.mail = await client.command(f"MAIL FROM:<{mail_from}>")
        if not found.mail.ok:
            return found
        stage = "RCPT"
        for recipient in recipients:
            found.rcpts[recipient] = await client.command(f"RCPT TO:<{recipient}>")
        if message is not None and any(reply.ok for reply in found.rcpts.values()):
            stage = "DATA"
            ready = await client.command("DATA")
            if ready.code != 354:
                found.data = ready
                return found
            found.data = await client.send_data(message)
        else:
            stage = "RSET"
            await client.command("RSET")
    except SmtpFault as fault:
        found.fault = fault
        found.stage = "greeting" if stage == "connect" and client.source_address else stage
    finally:
        if found.fault is None:
            await client.quit()
        else:
            client.abort()
        found.transcript = client.transcript
        found.source_address = found.source_address or client.source_address
        found.duration_ms = int((time.monotonic() - started) * 1000)
    return found
