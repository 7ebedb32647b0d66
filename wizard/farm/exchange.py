"""A practice Exchange server: takes a submission and relays it through its Send Connector's smart host."""

from __future__ import annotations

import asyncio
import email.utils
import uuid
from pathlib import Path

import dns.asyncresolver
import dns.exception

from wizard.farm.farmlogs import TrackingLog, message_id
from wizard.farm.smtpserver import Envelope, SmtpServer

RELAY_TIMEOUT = 5.0
"""Seconds for one relay attempt, DNS and SMTP together."""


class RelayError(Exception):
    """The smart host did not take the message."""


class PracticeExchange(SmtpServer):
    """Accepts mail for the connector's address space and relays it, from its own address, to the smart host.

    The smart host is the mail host, resolved through the farm's DNS as
    Exchange resolves it, and the message is relayed after the submission is
    acknowledged, as Exchange queues it. Without a Send Connector
    (:attr:`connector` false) mail for the mail host is refused, as Exchange
    refuses a domain it has no route for.
    """

    def __init__(
        self,
        address: str,
        port: int,
        *,
        name: str,
        address_space: str,
        dns_server: tuple[str, int],
        smart_host_port: int,
        log_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.address = address
        self.port = port
        self._name = name
        self.address_space = address_space
        self.dns_server = dns_server
        self.smart_host_port = smart_host_port
        self.connector = True
        """Whether the Send Connector for the address space exists."""
        self.relayed: list[str] = []
        """Per message: the address it was relayed to, or why it failed."""
        self.relay_timeout = RELAY_TIMEOUT
        """Seconds for one relay attempt."""
        self.tracking = TrackingLog(log_dir, name, address) if log_dir is not None else None
        """The message tracking log, when the farm keeps one."""
        self._relays: set[asyncio.Task[None]] = set()

    @property
    def name(self) -> str:
        return self._name

    def greeting(self, peer: str) -> str:
        return f"220 {self.name} Microsoft ESMTP MAIL Service ready"

    def rcpt(self, peer: str, envelope: Envelope, address: str) -> str:
        if not self.connector or address.rpartition("@")[2].lower() != self.address_space:
            reply = f"550 5.7.1 Unable to relay for {address}"
            self._track("FAIL", [address], reply, "", envelope.sender or "", client_ip=peer)
            return reply
        return "250 2.1.5 Recipient OK"

    async def relay(self, sender: str, recipients: list[str], content: bytes) -> None:
        """Relay one message as a user's mail goes through Exchange, and wait until it is handed on (or failed)."""
        identifier = message_id(content)
        self._track("RECEIVE", recipients, "", identifier, sender, client_ip=self.address)
        stamp = (
            f"Received: from {self.name} ([{self.address}]) by {self.name} ([{self.address}]) with ESMTP; "
            f"{email.utils.formatdate(localtime=True)}\r\n"
        )
        await self._relay(sender, recipients, stamp.encode() + content, identifier)

    def deliver(self, peer: str, envelope: Envelope, content: bytes) -> str:
        identifier = message_id(content)
        if not identifier:
            # Exchange gives a message without one a Message-ID of its own.
            identifier = f"<{uuid.uuid4().hex}@{self.name}>"
            content = f"Message-ID: {identifier}\r\n".encode() + content
        recipients = list(envelope.recipients)
        self._track("RECEIVE", recipients, "", identifier, envelope.sender or "", client_ip=peer)
        stamp = (
            f"Received: from {envelope.helo} ([{peer}]) by {self.name} ([{self.address}]) with ESMTP; "
            f"{email.utils.formatdate(localtime=True)}\r\n"
        )
        task = asyncio.get_running_loop().create_task(
            self._relay(envelope.sender or "", recipients, stamp.encode() + content, identifier)
        )
        self._relays.add(task)
        task.add_done_callback(self._relays.discard)
        return "250 2.6.0 Queued mail for delivery"

    async def start(self) -> None:
        """Listen on the Exchange address."""
        await self.listen(self.address, self.port)

    async def stop(self) -> None:
        """Stop listening and drop queued relays."""
        await self.close()
        for task in list(self._relays):
            task.cancel()
        await asyncio.gather(*self._relays, return_exceptions=True)

    def _track(
        self, event: str, recipients: list[str], status: str, identifier: str, sender: str, **more: str
    ) -> None:
        if self.tracking is not None:
            self.tracking.write(
                event, recipients=recipients, status=status, message=identifier, sender=sender, **more
            )

    async def _relay(self, sender: str, recipients: list[str], content: bytes, identifier: str = "") -> None:
        resolver = dns.asyncresolver.Resolver(configure=False)
        resolver.nameservers = [self.dns_server[0]]
        resolver.port = self.dns_server[1]
        target = ""
        connector = f"Send connector to {self.address_space}"
        try:
            async with asyncio.timeout(self.relay_timeout):
                answer = await resolver.resolve(self.address_space, "A", lifetime=self.relay_timeout)
                target = str(answer[0])
                await send(target, self.smart_host_port, self.address, self.name, sender, recipients, content)
        except (OSError, TimeoutError, RelayError, dns.exception.DNSException) as exc:
            # Exchange would keep it queued and retry; the practice farm records why.
            self.relayed.append(f"failed: {exc or type(exc).__name__}")
            status = _failure_status(exc, target)
            self._track("FAIL", recipients, status, identifier, sender, server_ip=target, connector=connector)
            return
        self._track(
            "SEND",
            recipients,
            "250 2.6.0 Queued mail for delivery",
            identifier,
            sender,
            server_ip=target,
            connector=connector,
        )
        self.relayed.append(target)


def _failure_status(exc: BaseException, target: str) -> str:
    """What Exchange records for a failed hand-over, with the Winsock code of a socket failure."""
    if isinstance(exc, dns.exception.DNSException):
        return "451 4.4.0 DNS query failed"
    if isinstance(exc, ConnectionRefusedError):
        code = 10061
    elif isinstance(exc, TimeoutError):
        code = 10060
    elif isinstance(exc, ConnectionError) or "closed the connection" in str(exc):
        code = 10054
    elif isinstance(exc, RelayError):
        return str(exc).split(" answered ", 1)[-1]
    else:
        code = 10060
    return (
        f"451 4.4.0 Error encountered while communicating with primary target IP address {target}: "
        f"Failed to connect. Winsock error code: {code}"
    )


async def send(
    address: str,
    port: int,
    source: str,
    helo: str,
    sender: str,
    recipients: list[str],
    content: bytes,
) -> None:
    """Hand one message to ``address:port`` from ``source``; raises :class:`RelayError` if refused."""
    reader, writer = await asyncio.open_connection(address, port, local_addr=(source, 0))

    async def expect(command: bytes | None, code: str) -> None:
        if command is not None:
            writer.write(command + b"\r\n")
            await writer.drain()
        while True:
            line = (await reader.readline()).decode("utf-8", "replace")
            if not line:
                raise RelayError(f"{address} closed the connection")
            if line[3:4] != "-":
                break
        if not line.startswith(code):
            raise RelayError(f"{address} answered {line.strip()}")

    try:
        await expect(None, "220")
        await expect(f"EHLO {helo}".encode(), "250")
        await expect(f"MAIL FROM:<{sender}>".encode(), "250")
        for recipient in recipients:
            await expect(f"RCPT TO:<{recipient}>".encode(), "250")
        await expect(b"DATA", "354")
        lines = content.replace(b"\r\n", b"\n").split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        body = b"".join((b"." + line if line.startswith(b".") else line) + b"\r\n" for line in lines)
        await expect(body + b".", "250")
        await expect(b"QUIT", "221")
    finally:
        writer.close()
