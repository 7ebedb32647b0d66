"""A practice SMTP node that behaves like the IIS 6 SMTP service, each setting of the wizard's steps switchable."""

from __future__ import annotations

import email.utils
import itertools
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from wizard.farm import badmail
from wizard.farm.farmlogs import W3cLog
from wizard.farm.smtpserver import Envelope, SmtpServer

IIS_VERSION = "6.0.3790.3959"
HOP_LIMIT = 15
"""IIS SMTP's maximum hop count as installed."""
Behaviour = Literal["normal", "silent", "down"]
BlockStyle = Literal["close", "554"]
EHLO_KEYWORDS = (
    "TURN",
    "SIZE 2097152",
    "ETRN",
    "PIPELINING",
    "DSN",
    "ENHANCEDSTATUSCODES",
    "8bitmime",
    "VRFY",
)
"""What IIS advertises, less BDAT (CHUNKING, BINARYMIME), which this server does not speak."""


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
    starttls: bool = False
    """Whether the node offers STARTTLS; the farm makes its certificate (:attr:`tls`) when it starts."""
    tls: ssl.SSLContext | None = None
    """The certificate STARTTLS offers; None: STARTTLS is not offered."""
    relay_trick: str = ""
    """A relay form (:data:`RELAY_TRICKS`) the node relays for although plain relaying is refused; empty: none."""
    connect_from: set[str] | None = None
    """Connection control: None lets everyone in, else only these addresses."""
    block_style: BlockStyle = "close"
    """How a connection-controlled node turns a client away."""
    drop_dir: Path | None = None
    """Where accepted local mail is written as .eml."""
    queue_dir: Path | None = None
    """Where mail relayed on to another domain waits (this farm never sends it further)."""
    behaviour: Behaviour = "normal"
    """``silent`` accepts and never greets; ``down`` does not listen."""
    hop_limit: int = HOP_LIMIT
    """Maximum hop count: a message with more ``Received:`` lines goes to Badmail after its 250."""
    log_dir: Path | None = None
    """Where the node writes its W3C protocol log (``LogFiles/SMTPSVC1``); None: no log."""

    @property
    def greeting_name(self) -> str:
        """The name the node uses for itself."""
        return self.fqdn or self.name

    def is_local(self, domain: str) -> bool:
        """Whether mail for ``domain`` lands in Drop here."""
        return domain.lower() in {self.name.lower(), *(d.lower() for d in self.alias_domains)}


def _domain(address: str) -> str:
    return address.rpartition("@")[2]


def _sender_domain(envelope: Envelope) -> str:
    return _domain(envelope.sender or "").lower()


RELAY_TRICKS: dict[str, Callable[[NodeSetup, Envelope, str], bool]] = {
    "percent": lambda setup, envelope, address: "%" in address.rpartition("@")[0],
    "bang": lambda setup, envelope, address: "!" in address.rpartition("@")[0],
    "source-route": lambda setup, envelope, address: address.startswith("@") and ":" in address,
    "quoted": lambda setup, envelope, address: address.startswith('"'),
    "own-name": lambda setup, envelope, address: _sender_domain(envelope) == setup.name.lower(),
    "address-literal": lambda setup, envelope, address: _sender_domain(envelope) == f"[{setup.address}]",
}
"""Loopholes a node can have, by relay form name: how it recognises a recipient it then relays for.
The shapes are told apart as a careless relay rule would (a '%' in the local part, a sender claiming
the node's own name), not by the probe's exact addresses."""


class IisNode(SmtpServer):
    """One node: its settings, its service (when listening) and what it received."""

    def __init__(self, setup: NodeSetup, port: int) -> None:
        super().__init__()
        self.setup = setup
        self.port = port
        self.delivered: list[tuple[str, list[str], bytes]] = []
        """(sender, recipients, content) of every message accepted."""
        self._counter = itertools.count(1)

    @property
    def silent(self) -> bool:  # type: ignore[override]
        return self.setup.behaviour == "silent"

    @property
    def name(self) -> str:
        return self.setup.greeting_name

    def refusal(self, peer: str) -> str | None:
        allowed = self.setup.connect_from
        if allowed is None or peer in allowed:
            return None
        return "554 5.7.1 Access denied" if self.setup.block_style == "554" else ""

    def greeting(self, peer: str) -> str:
        return (
            f"220 {self.name} Microsoft ESMTP MAIL Service, Version: {self.setup.version} ready at  "
            f"{email.utils.formatdate(localtime=True)} "
        )

    def ehlo(self, peer: str, helo: str) -> list[str]:
        tls = ["250-STARTTLS"] if self.setup.tls is not None else []
        return [f"250-{self.name} Hello [{peer}]", *(f"250-{k}" for k in EHLO_KEYWORDS), *tls, "250 OK"]

    def tls(self) -> ssl.SSLContext | None:
        return self.setup.tls

    def rcpt(self, peer: str, envelope: Envelope, address: str) -> str:
        setup = self.setup
        if setup.is_local(_domain(address)) or setup.open_relay or peer in setup.relay_from:
            return f"250 2.1.5 {address}"
        trick = RELAY_TRICKS.get(setup.relay_trick)
        if trick is not None and trick(setup, envelope, address):
            return f"250 2.1.5 {address}"
        return f"550 5.7.1 Unable to relay for {address}"

    def record(self, peer: str, verb: str, argument: str, reply: str) -> None:
        if self.setup.log_dir is not None:
            W3cLog(self.setup.log_dir, self.setup.name, self.setup.address).write(peer, verb, argument, reply)

    def deliver(self, peer: str, envelope: Envelope, content: bytes) -> str:
        """Local recipients go to Drop, the others to Queue, each file headed as IIS heads it.

        Like IIS, the node says 250 first and only then counts the hops: a
        message over the limit goes to Badmail with a ``.bdr`` saying why.
        """
        setup = self.setup
        sender = envelope.sender or ""
        local = [r for r in envelope.recipients if setup.is_local(_domain(r))]
        remote = [r for r in envelope.recipients if r not in local]
        if badmail.hops(content) > setup.hop_limit and setup.drop_dir is not None:
            badmail.write(setup.drop_dir.parent / "Badmail", sender, list(envelope.recipients), content)
            local, remote = [], []
        for folder, recipients in ((setup.drop_dir, local), (setup.queue_dir, remote)):
            if folder is not None and recipients:
                self._file(folder, sender, recipients, content)
        self.delivered.append((sender, list(envelope.recipients), content))
        return f"250 2.6.0 <{uuid.uuid4().hex}@{self.name}> Queued mail for delivery"

    def _file(self, folder: Path, sender: str, recipients: list[str], content: bytes) -> None:
        # SharePoint reads the envelope from these lines at the head of each .eml.
        header = f"x-sender: {sender}\r\n" + "".join(f"x-receiver: {r}\r\n" for r in recipients)
        name = f"{uuid.uuid4().hex}{next(self._counter):04d}.eml"
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / (name + ".tmp")
        partial.write_bytes(header.encode() + content)
        partial.rename(folder / name)  # whole files only: the timer job never sees half a message

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
        """Listen, unless the node is down."""
        if self.setup.behaviour != "down" and not self.listening:
            await self.listen(self.setup.address, self.port)

    async def stop(self) -> None:
        """Stop the SMTP service."""
        await self.close()
