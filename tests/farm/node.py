"""An SMTP node that behaves like IIS 6 SMTP, with each setting of the wizard's steps switchable."""

from __future__ import annotations

import asyncio
import email.utils
import itertools
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from aiosmtpd.smtp import SMTP, Envelope, Session

IIS_VERSION = "6.0.3790.3959"
Behaviour = Literal["normal", "silent", "down"]
BlockStyle = Literal["close", "554"]


@dataclass
class NodeSetup:
    """A node's switchable settings; the running node reads them on every session."""

    name: str
    """The node's own DNS name (its default local domain)."""
    address: str
    """The node's dedicated address."""
    fqdn: str = ""
    """Delivery > Advanced FQDN, shown in greeting and EHLO; empty: the node's own name."""
    version: str = IIS_VERSION
    """The version in the banner."""
    alias_domains: set[str] = field(default_factory=set)
    """Local (Alias) domains."""
    relay_from: set[str] = field(default_factory=set)
    """Addresses allowed to relay (Access > Relay, 'Only the list below')."""
    open_relay: bool = False
    """Relay for everyone (a security failure)."""
    connect_from: set[str] | None = None
    """Connection control: None lets everyone in, else only these addresses."""
    block_style: BlockStyle = "close"
    """How a connection-controlled node turns a client away."""
    drop_dir: Path | None = None
    """Where accepted local mail is written as .eml."""
    pickup_delay: float | None = 0.5
    """Seconds until the simulated SharePoint timer job deletes an .eml; None: never."""
    behaviour: Behaviour = "normal"
    """``silent`` accepts and never greets; ``down`` does not listen."""

    @property
    def greeting_name(self) -> str:
        """The name the node uses for itself."""
        return self.fqdn or self.name

    def is_local(self, domain: str) -> bool:
        """Whether mail for ``domain`` lands in Drop here."""
        return domain.lower() in {self.name.lower(), *(d.lower() for d in self.alias_domains)}


@dataclass
class SessionLog:
    """What one client sent in one session."""

    peer: str
    blocked: bool = False
    lines: list[bytes] = field(default_factory=list)


class _IisSmtp(SMTP):
    """aiosmtpd's server with IIS's connection control and a record of every line received."""

    def __init__(self, node: IisNode, **kwargs: Any) -> None:
        super().__init__(node.handler, **kwargs)
        self._node = node
        self._blocked = False
        self._log: SessionLog | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = str(transport.get_extra_info("peername")[0])
        self._log = SessionLog(peer)
        self._node.sessions.append(self._log)
        setup = self._node.setup
        if setup.connect_from is not None and peer not in setup.connect_from:
            self._blocked = self._log.blocked = True
            if setup.block_style == "554":
                assert isinstance(transport, asyncio.WriteTransport)
                transport.write(b"554 5.7.1 Access denied\r\n")
            transport.close()
            return
        self.hostname = setup.greeting_name
        self.__ident__ = (
            f"Microsoft ESMTP MAIL Service, Version: {setup.version} ready at  "
            f"{email.utils.formatdate(localtime=True)} "
        )
        super().connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self._blocked:
            return
        if self._log is not None:
            self._log.lines.append(data)
        super().data_received(data)

    def eof_received(self) -> bool | None:
        if self._blocked:
            return None
        result: bool | None = super().eof_received()
        return result

    def connection_lost(self, error: Exception | None) -> None:
        if self._blocked:
            return
        super().connection_lost(error)


def _peer(session: Session) -> str:
    """The client's address (aiosmtpd keeps the whole peer tuple)."""
    peer: Any = session.peer
    return str(peer[0]) if isinstance(peer, tuple) else str(peer)


class IisHandler:
    """The replies IIS 6 SMTP gives, worded after its documented dialogue."""

    def __init__(self, node: IisNode) -> None:
        self.node = node
        self._counter = itertools.count(1)

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        name = self.node.setup.greeting_name
        keywords = ["TURN", "SIZE 2097152", "ETRN", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "8bitmime"]
        keywords += ["BINARYMIME", "CHUNKING", "VRFY"]
        return [f"250-{name} Hello [{_peer(session)}]"] + [f"250-{k}" for k in keywords] + ["250 OK"]

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        envelope.mail_from = address
        return f"250 2.1.0 {address}....Sender OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        setup = self.node.setup
        domain = address.rpartition("@")[2]
        peer = _peer(session)
        if setup.is_local(domain) or setup.open_relay or peer in setup.relay_from:
            envelope.rcpt_tos.append(address)
            return f"250 2.1.5 {address}"
        return f"550 5.7.1 Unable to relay for {address}"

    async def handle_RSET(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        return "250 2.0.0 Resetting"

    async def handle_QUIT(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        return f"221 2.0.0 {self.node.setup.greeting_name} Service closing transmission channel"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        setup = self.node.setup
        local = [r for r in envelope.rcpt_tos if setup.is_local(r.rpartition("@")[2])]
        content = envelope.original_content or b""
        if local and setup.drop_dir is not None:
            header = f"x-sender: {envelope.mail_from}\r\n" + "".join(f"x-receiver: {r}\r\n" for r in local)
            name = f"{uuid.uuid4().hex}{next(self._counter):04d}.eml"
            partial = setup.drop_dir / (name + ".tmp")
            partial.write_bytes(header.encode() + content)
            partial.rename(setup.drop_dir / name)
        self.node.delivered.append((envelope.mail_from or "", list(envelope.rcpt_tos), content))
        return f"250 2.6.0 <{uuid.uuid4().hex}@{setup.greeting_name}> Queued mail for delivery"


class IisNode:
    """One node: its settings, its server (when listening), its timer job and what it received."""

    def __init__(self, setup: NodeSetup, port: int) -> None:
        self.setup = setup
        self.port = port
        self.handler = IisHandler(self)
        self.sessions: list[SessionLog] = []
        """Every session, in order, with the raw lines received."""
        self.delivered: list[tuple[str, list[str], bytes]] = []
        """(sender, recipients, content) of every message accepted."""
        self._server: asyncio.AbstractServer | None = None
        self._timer: asyncio.Task[None] | None = None

    def commands(self) -> list[str]:
        """Every command verb received, in order (``EHLO``, ``MAIL``, ...); message text excluded."""
        verbs: list[str] = []
        for session in self.sessions:
            in_data = False
            for line in b"".join(session.lines).split(b"\r\n"):
                if in_data:
                    in_data = line != b"."
                    continue
                verb = line.split(b" ", 1)[0].split(b":", 1)[0].decode("ascii", "replace").upper()
                if verb:
                    verbs.append(verb)
                in_data = verb == "DATA"
        return verbs

    async def start(self) -> None:
        """Listen (unless the node is down) and start its timer job."""
        if self.setup.behaviour == "down":
            return
        loop = asyncio.get_running_loop()
        if self.setup.behaviour == "silent":
            self._server = await loop.create_server(_Silent, self.setup.address, self.port)
        else:
            self._server = await loop.create_server(
                lambda: _IisSmtp(self, data_size_limit=2097152, hostname=self.setup.greeting_name, loop=loop),
                self.setup.address,
                self.port,
            )
        if self.setup.drop_dir is not None:
            self._timer = asyncio.create_task(self._timer_job())

    async def stop(self) -> None:
        """Stop listening and stop the timer job."""
        if self._timer is not None:
            self._timer.cancel()
            await asyncio.gather(self._timer, return_exceptions=True)
            self._timer = None
        if self._server is not None:
            self._server.close()
            self._server = None

    async def _timer_job(self) -> None:
        """The SharePoint incoming e-mail job: takes each .eml some time after it appears."""
        first_seen: dict[Path, float] = {}
        while True:
            await asyncio.sleep(0.05)
            delay = self.setup.pickup_delay
            folder = self.setup.drop_dir
            if folder is None or delay is None or not folder.is_dir():
                continue
            now = time.monotonic()
            for path in folder.glob("*.eml"):
                seen = first_seen.setdefault(path, now)
                if now - seen >= delay:
                    path.unlink(missing_ok=True)
                    first_seen.pop(path, None)


class _Silent(asyncio.Protocol):
    """Accepts the connection and says nothing, like a hung service."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
