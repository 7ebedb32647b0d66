"""An authoritative DNS server for the practice zone, over UDP and TCP, built on dnspython.

Names inside the zone get their A records, NOERROR without data for other
types, or NXDOMAIN, each with the zone's SOA as a real server sends it;
names outside the zone are REFUSED (it is no resolver). Records may change
while it runs, so a rehearsal can point the mail host elsewhere and back.
"""

from __future__ import annotations

import asyncio
import struct
from typing import cast

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from wizard.farm.tcp import TcpService

TTL = 60


class ZoneServer:
    """Answers for one zone on one address and port, over UDP and TCP."""

    def __init__(self, address: str, port: int, zone: str, records: dict[str, list[str]]) -> None:
        self.address = address
        self.port = port
        self.zone = dns.name.from_text(zone)
        self.records: dict[str, list[str]] = {
            name.lower().rstrip("."): list(a) for name, a in records.items()
        }
        """A records by name; change them at will (on the server's loop)."""
        self.queries = 0
        self._udp: asyncio.DatagramTransport | None = None
        self._tcp = TcpService(self._tcp_client)

    def set_address(self, name: str, addresses: list[str] | None) -> None:
        """Give ``name`` these A records; None removes the name."""
        key = name.lower().rstrip(".")
        if addresses is None:
            self.records.pop(key, None)
        else:
            self.records[key] = list(addresses)

    def answer(self, wire: bytes) -> bytes | None:
        """The response to one query in wire form; None for a packet that is no query."""
        try:
            query = dns.message.from_wire(wire)
        except dns.exception.DNSException:
            return None
        self.queries += 1
        response = dns.message.make_response(query)
        if len(query.question) != 1:
            response.set_rcode(dns.rcode.FORMERR)
            return response.to_wire()
        question = query.question[0]
        if not question.name.is_subdomain(self.zone):
            response.set_rcode(dns.rcode.REFUSED)
            return response.to_wire()
        response.flags |= dns.flags.AA
        name = question.name.to_text(omit_final_dot=True).lower()
        addresses = self.records.get(name)
        if addresses and question.rdtype in (dns.rdatatype.A, dns.rdatatype.ANY):
            response.answer.append(
                dns.rrset.from_text_list(question.name, TTL, dns.rdataclass.IN, dns.rdatatype.A, addresses)
            )
        elif name == self.zone.to_text(omit_final_dot=True).lower() and question.rdtype == dns.rdatatype.SOA:
            response.answer.append(self._soa())
        else:
            if addresses is None and question.name != self.zone:
                response.set_rcode(dns.rcode.NXDOMAIN)
            response.authority.append(self._soa())
        return response.to_wire()

    def _soa(self) -> dns.rrset.RRset:
        zone = self.zone.to_text()
        return dns.rrset.from_text(
            self.zone,
            TTL,
            dns.rdataclass.IN,
            dns.rdatatype.SOA,
            f"ns.{zone} hostmaster.{zone} 1 900 300 86400 60",
        )

    async def start(self) -> None:
        """Listen on UDP and TCP."""
        loop = asyncio.get_running_loop()
        self._udp, _ = await loop.create_datagram_endpoint(
            lambda: _Udp(self), local_addr=(self.address, self.port)
        )
        try:
            await self._tcp.listen(self.address, self.port)
        except OSError:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Stop listening on both."""
        if self._udp is not None:
            self._udp.close()
            self._udp = None
        await self._tcp.close()

    async def _tcp_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            (length,) = struct.unpack("!H", await reader.readexactly(2))
            reply = self.answer(await reader.readexactly(length))
            if reply is None:
                return
            writer.write(struct.pack("!H", len(reply)) + reply)
            await writer.drain()


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, server: ZoneServer) -> None:
        self.server = server
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        reply = self.server.answer(data)
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)
