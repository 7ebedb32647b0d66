"""A small asyncio SMTP server: the dialogue the practice nodes and the practice Exchange both speak.

It keeps to what a probe, a test message and a relaying Exchange need:
EHLO/HELO, MAIL, RCPT, DATA (with dot-stuffing and a size limit), RSET,
NOOP, VRFY and QUIT, with the reply texts of the IIS SMTP service. Whatever
a server decides (who may connect, which recipients it takes, what happens
to a message) is left to its subclass.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from dataclasses import dataclass, field

from wizard.farm.farmlogs import message_id
from wizard.farm.tcp import TcpService

MAX_LINE = 4096
"""Longest command line read; a longer one ends the session."""
MAX_MESSAGE = 2097152
"""IIS's default message size limit (2 MB)."""
_PATH = re.compile(r"^(?:FROM|TO):\s*<?([^<>\s]*)>?", re.IGNORECASE)


@dataclass
class SessionLog:
    """What one client sent in one session, line by line as received."""

    peer: str
    blocked: bool = False
    lines: list[bytes] = field(default_factory=list)


@dataclass
class Envelope:
    """The transaction in progress."""

    helo: str = ""
    sender: str | None = None
    recipients: list[str] = field(default_factory=list)

    def reset(self) -> None:
        """Forget the transaction, keep the greeting."""
        self.sender = None
        self.recipients = []


class SmtpServer:
    """Listens on one address and port and runs one SMTP dialogue per connection.

    Subclasses say who is turned away (:meth:`refusal`), how the server names
    itself (:meth:`greeting`, :meth:`ehlo`), which recipients it takes
    (:meth:`rcpt`) and what it does with a message (:meth:`deliver`).
    """

    silent = False
    """Accept connections and never greet, like a hung service."""

    def __init__(self) -> None:
        self.sessions: list[SessionLog] = []
        """Every session, in order, with the raw lines received."""
        self._service = TcpService(self._session, limit=MAX_LINE)

    # What a subclass decides ------------------------------------------------------

    @property
    def name(self) -> str:
        """The name the server uses for itself."""
        raise NotImplementedError

    def refusal(self, peer: str) -> str | None:
        """None lets ``peer`` in; ``""`` closes at once; other text is sent, then the connection closes."""
        return None

    def greeting(self, peer: str) -> str:
        """The 220 greeting."""
        return f"220 {self.name} ESMTP ready"

    def ehlo(self, peer: str, helo: str) -> list[str]:
        """The lines of the EHLO reply, codes included."""
        return [f"250 {self.name} Hello [{peer}]"]

    def rcpt(self, peer: str, envelope: Envelope, address: str) -> str:
        """The reply to ``RCPT TO``; a 2xx reply adds the recipient."""
        return f"250 2.1.5 {address}"

    def deliver(self, peer: str, envelope: Envelope, content: bytes) -> str:
        """Take a message; returns the reply to the end of DATA."""
        raise NotImplementedError

    def tls(self) -> ssl.SSLContext | None:
        """The TLS context STARTTLS switches to; None: STARTTLS is not offered."""
        return None

    def record(self, peer: str, verb: str, argument: str, reply: str) -> None:
        """Note one command and its reply, as the server's protocol log would; nothing by default."""

    # Life cycle -------------------------------------------------------------------

    @property
    def listening(self) -> bool:
        """Whether the server accepts connections now."""
        return self._service.listening

    async def listen(self, address: str, port: int) -> None:
        """Start accepting connections on ``address:port``."""
        await self._service.listen(address, port)

    async def close(self) -> None:
        """Stop listening and end every open session, as stopping the service does."""
        await self._service.close()

    # The dialogue -----------------------------------------------------------------

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = str(writer.get_extra_info("peername")[0])
        log = SessionLog(peer)
        self.sessions.append(log)
        if self.silent:
            while await reader.read(4096):
                pass
            return
        turned_away = self.refusal(peer)
        if turned_away is not None:
            log.blocked = True
            if turned_away:
                writer.write(turned_away.encode() + b"\r\n")
                await writer.drain()
            return
        await self._talk(reader, writer, peer, log)

    async def _talk(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: str, log: SessionLog
    ) -> None:
        envelope = Envelope()

        async def say(*lines: str) -> None:
            writer.write("".join(line + "\r\n" for line in lines).encode())
            await writer.drain()

        await say(self.greeting(peer))
        while True:
            try:
                raw = await reader.readuntil(b"\n")
            except asyncio.LimitOverrunError:
                await say("500 5.5.2 Line too long")
                return
            log.lines.append(raw)
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb, _, argument = line.partition(" ")
            verb = verb.upper()
            context = self.tls() if verb == "STARTTLS" else None
            if context is not None:
                await say("220 2.0.0 SMTP server ready")
                await writer.start_tls(context)
                envelope = Envelope()  # a session after STARTTLS starts again from EHLO
                continue
            if verb == "QUIT":
                reply = f"221 2.0.0 {self.name} Service closing transmission channel"
                self.record(peer, verb, "", reply)
                await say(reply)
                return
            if verb == "DATA" and envelope.recipients:
                await say("354 Start mail input; end with <CRLF>.<CRLF>")
                content = await _read_message(reader, log)
                if content is None:
                    reply, logged = "552 5.3.4 Message size exceeds fixed maximum message size", ""
                else:
                    reply, logged = self.deliver(peer, envelope, content), message_id(content)
                self.record(peer, verb, logged, reply)
                await say(reply)
                envelope.reset()
                continue
            replies = self._answer(verb, argument.strip(), envelope, peer)
            self.record(peer, verb, argument.strip(), replies[-1])
            await say(*replies)

    def _answer(self, verb: str, argument: str, envelope: Envelope, peer: str) -> list[str]:
        """The reply to every command but QUIT and an accepted DATA."""
        if verb == "EHLO" or verb == "HELO":
            if not argument:
                return [f"501 5.5.4 Invalid arguments to {verb}"]
            envelope.helo = argument
            envelope.reset()
            return self.ehlo(peer, argument) if verb == "EHLO" else [f"250 {self.name} Hello [{peer}]"]
        if verb == "MAIL":
            if not envelope.helo:
                return ["503 5.5.2 Send hello first"]
            if envelope.sender is not None:
                return ["503 5.5.2 Sender already specified"]
            found = _PATH.match(argument)
            if found is None:
                return ["501 5.5.4 Invalid Address"]
            envelope.sender = found.group(1)
            return [f"250 2.1.0 {envelope.sender}....Sender OK"]
        if verb == "RCPT":
            if envelope.sender is None:
                return ["503 5.5.2 Need mail command"]
            found = _PATH.match(argument)
            if found is None or "@" not in found.group(1):
                return ["501 5.5.4 Invalid Address"]
            reply = self.rcpt(peer, envelope, found.group(1))
            if reply.startswith("2"):
                envelope.recipients.append(found.group(1))
            return [reply]
        if verb == "DATA":
            return ["503 5.5.2 Need Rcpt command."]
        if verb == "RSET":
            envelope.reset()
            return ["250 2.0.0 Resetting"]
        if verb == "NOOP":
            return ["250 2.0.0 OK"]
        if verb == "VRFY":
            return [f"252 2.1.5 Cannot VRFY user, but will take message for {argument}"]
        return ["500 5.3.3 Unrecognized command"]


async def _read_message(reader: asyncio.StreamReader, log: SessionLog) -> bytes | None:
    """The message after DATA, dot-unstuffed; None when it outgrew the size limit."""
    parts: list[bytes] = []
    size = 0
    while True:
        raw = await reader.readuntil(b"\n")
        log.lines.append(raw)
        if raw in (b".\r\n", b".\n"):
            break
        if raw.startswith(b"."):
            raw = raw[1:]
        size += len(raw)
        if size <= MAX_MESSAGE:
            parts.append(raw)
    return b"".join(parts) if size <= MAX_MESSAGE else None
