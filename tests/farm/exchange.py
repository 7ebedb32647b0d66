"""A fake Exchange server: takes a submission and relays it through its Send Connector's smart host."""

from __future__ import annotations

import asyncio
import smtplib

import dns.asyncresolver
from aiosmtpd.smtp import SMTP, Envelope, Session


class FakeExchange:
    """Accepts mail for the connector's address space and relays it, from its own address, to the smart host.

    The smart host is a name resolved through the farm's DNS, as Exchange
    resolves it, and the message is relayed after the submission is
    acknowledged, as Exchange queues it.
    """

    def __init__(
        self, address: str, port: int, *, address_space: str, dns: tuple[str, int], smart_host_port: int
    ) -> None:
        self.address = address
        self.port = port
        self.address_space = address_space
        self.dns = dns
        self.smart_host_port = smart_host_port
        self.relayed: list[str] = []
        """Per message: the address it was relayed to, or why it failed."""
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Listen on the Exchange address."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: SMTP(self, hostname="exch01.foo.local", loop=loop), self.address, self.port
        )

    async def stop(self) -> None:
        """Stop listening and drop queued relays."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.rpartition("@")[2].lower() != self.address_space:
            return f"550 5.7.1 Unable to relay for {address}"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Recipient OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        task = asyncio.create_task(
            self._relay(envelope.mail_from or "", list(envelope.rcpt_tos), envelope.original_content or b"")
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return "250 2.6.0 Queued mail for delivery"

    async def _relay(self, sender: str, recipients: list[str], content: bytes) -> None:
        resolver = dns.asyncresolver.Resolver(configure=False)
        resolver.nameservers = [self.dns[0]]
        resolver.port = self.dns[1]
        try:
            answer = await resolver.resolve(self.address_space, "A", lifetime=3)
            target = str(answer[0])
            await asyncio.to_thread(self._send, target, sender, recipients, content)
        except Exception as exc:  # a relay failure is recorded, as Exchange would queue and retry
            self.relayed.append(f"failed: {exc}")
            return
        self.relayed.append(target)

    def _send(self, target: str, sender: str, recipients: list[str], content: bytes) -> None:
        with smtplib.SMTP(
            target, self.smart_host_port, source_address=(self.address, 0), timeout=5
        ) as client:
            client.sendmail(sender, recipients, content)
