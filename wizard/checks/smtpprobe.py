"""A small asyncio SMTP client for probes: one deadline per conversation, bounded replies, driven by the dialogue."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from wizard.checks.dialogue import CLOSE, Move, Rule, reply_class

MAX_LINE = 4096
"""Longest reply line accepted; RFC 5321 allows 512, so anything past 4 KiB is not SMTP."""
MAX_REPLY_LINES = 100
"""Most lines one reply may have; an EHLO reply has about a dozen, so an endless ``220-`` stream is cut here."""
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
    NOT_STARTED = "not_started"


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
        started = time.monotonic()
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
        return await self.read_reply(greeting=True, since=started)

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
            lines.append(match.group(3).decode("utf-8", "replace").strip())
            if match.group(2) == b" ":
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
                await self.command(CLOSE.command)
        self.abort()

    def abort(self) -> None:
        """Close the connection at once."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None


@dataclass
class Conversation:
    """What one probe conversation found: the reply to each move reached, and why it ended."""

    address: str
    port: int
    replies: dict[str, Reply] = field(default_factory=dict)
    """The reply to each move of the dialogue that was reached, by move name (``rcpt-alias``)."""
    stopped_at: str = ""
    """The move whose reply stopped the dialogue early, if one did."""
    fault: SmtpFault | None = None
    """Why the conversation broke off, if it did."""
    stage: str = ""
    """Where it broke off: ``connect``, ``greeting``, ``EHLO``, ``MAIL``, ``RCPT``, ``RSET``, ``DATA``."""
    source_address: str = ""
    """This machine's address as the server saw it."""
    transcript: list[str] = field(default_factory=list)
    duration_ms: int = 0

    @property
    def greeting(self) -> Reply | None:
        """The greeting, if one came."""
        return self.replies.get("greeting")

    @property
    def ehlo(self) -> Reply | None:
        """The reply to EHLO (or to HELO, when EHLO was refused)."""
        return self.replies.get("ehlo")

    @property
    def mail(self) -> Reply | None:
        """The reply to the first MAIL FROM."""
        return self.replies.get("mail")

    @property
    def data(self) -> Reply | None:
        """The final reply of the send test: to the message, or to DATA when that was refused."""
        return self.replies.get("message") or self.replies.get("data")

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


def not_started(address: str, port: int, why: str) -> Conversation:
    """A conversation that never began, because the sweep's deadline passed while it waited its turn."""
    return Conversation(
        address, port, fault=SmtpFault(Fault.NOT_STARTED, why), stage="connect", transcript=[f"-- {why}"]
    )


async def _step(
    client: SmtpClient, move: Move, values: Mapping[str, str], message: bytes | None
) -> tuple[Reply, Rule]:
    """Hold one move: send its command (or read the greeting, or send the message), read and judge the reply."""
    if move.name == "greeting":
        reply = await client.connect()
    elif not move.command:
        if message is None:
            raise ValueError(f"the move {move.name!r} sends a message, and there is none")
        reply = await client.send_data(message)
    else:
        if move.command == "DATA" and message is None:
            raise ValueError("DATA is sent only with a message to send")
        reply = await client.command(move.render(values))
    rule = move.rule(reply_class(reply.code))
    if rule.then == "fallback":
        reply = await client.command(move.render(values, fallback=True))
        kind = reply_class(reply.code)
        rule = (
            move.rule(kind) if kind == "2xx" else Rule(kind, "the fallback was refused too", "stop", "fail")
        )
    return reply, rule


async def converse(
    address: str,
    port: int,
    *,
    deadline: float,
    moves: tuple[Move, ...],
    values: Mapping[str, str],
    message: bytes | None = None,
    local_address: str | None = None,
) -> Conversation:
    """Hold one conversation along ``moves`` and record each reply; never raises for network faults.

    The moves come from :mod:`wizard.checks.dialogue`, whose rules say where
    the conversation stops. Whatever happens, it ends with QUIT while the
    connection stands, and by ``deadline`` (event-loop time) at the latest.
    DATA is sent only when the moves include it and a ``message`` is given.
    """
    started = time.monotonic()
    client = SmtpClient(address, port, deadline=deadline, local_address=local_address)
    found = Conversation(address, port)
    stage = "connect"
    try:
        for move in moves:
            stage = move.stage if client.source_address or move.name != "greeting" else "connect"
            reply, rule = await _step(client, move, values, message)
            found.replies[move.name] = reply
            if move.name == "greeting":
                found.source_address = client.source_address
            if rule.then == "stop":
                found.stopped_at = move.name
                break
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
