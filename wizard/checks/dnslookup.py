"""DNS questions asked of one named server with dnspython, each outcome told apart."""

from __future__ import annotations

import asyncio
import logging
from typing import Literal

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.resolver

from wizard.plan.validate import parse_dns_server
from wizard.record import record

log = logging.getLogger(__name__)

LookupOutcome = Literal["ok", "nxdomain", "nodata", "servfail", "refused", "timeout", "truncated", "error"]


@record
class DnsServer:
    """A DNS server to ask."""

    address: str
    port: int = 53

    @property
    def label(self) -> str:
        """The server as the plan writes it."""
        if self.port == 53:
            return self.address
        return f"[{self.address}]:{self.port}" if ":" in self.address else f"{self.address}:{self.port}"

    @classmethod
    def parse(cls, text: str) -> DnsServer:
        """A server from the plan's ``addr`` or ``addr:port``."""
        address, port = parse_dns_server(text)
        return cls(address, port)


@record
class Answer:
    """What one server said about one name and type."""

    server: DnsServer
    name: str
    rdtype: str
    outcome: LookupOutcome
    """How the question ended."""
    values: tuple[str, ...] = ()
    """The records of the asked type at the end of any CNAME chain (addresses, MX targets)."""
    chain: tuple[str, ...] = ()
    """Names the CNAME chain passed through, first the alias asked about."""
    detail: str = ""
    """More about an ``error`` or ``truncated`` outcome."""
    lines: tuple[str, ...] = ()
    """The answer section as text, or what happened instead."""

    def describe(self) -> str:
        """The answer in a few words (``10.0.0.50``, ``NXDOMAIN``, ``no answer in 5 s``)."""
        if self.outcome == "ok":
            return ", ".join(self.values)
        return {
            "nxdomain": "NXDOMAIN (no such name)",
            "nodata": f"no {self.rdtype} record",
            "servfail": "SERVFAIL",
            "refused": "REFUSED",
            "timeout": "no answer",
            "truncated": "a truncated answer",
            "error": self.detail or "an unreadable answer",
        }[self.outcome]


def system_servers() -> list[DnsServer]:
    """The servers this machine's resolver configuration names."""
    try:
        resolver = dns.resolver.Resolver()
    except (dns.resolver.NoResolverConfiguration, OSError):
        return []
    return [DnsServer(str(address), int(resolver.port)) for address in resolver.nameservers]


def _follow(
    response: dns.message.Message, qname: dns.name.Name, rdtype: dns.rdatatype.RdataType
) -> tuple[list[str], list[str]]:
    """Values of ``rdtype`` for ``qname`` after following CNAMEs in the answer section."""
    chain: list[str] = []
    current = qname
    for _ in range(16):
        rrset = response.get_rrset(response.answer, current, dns.rdataclass.IN, rdtype)
        if rrset is not None:
            if chain:
                chain.append(current.to_text(omit_final_dot=True))
            return chain, sorted(rdata.to_text() for rdata in rrset)
        alias = response.get_rrset(response.answer, current, dns.rdataclass.IN, dns.rdatatype.CNAME)
        if alias is None:
            break
        chain.append(current.to_text(omit_final_dot=True))
        current = alias[0].target
    if chain:
        chain.append(current.to_text(omit_final_dot=True))
    return chain, []


async def ask(server: DnsServer, name: str, rdtype: str, *, timeout: float) -> Answer:
    """Ask one server one question; never raises for what a server does.

    A truncated UDP answer is retried over TCP, as resolvers do; if TCP fails
    too, the outcome is ``truncated``.
    """
    qname = dns.name.from_text(name)
    kind = dns.rdatatype.from_text(rdtype)
    query = dns.message.make_query(qname, kind)
    where = f"{server.label}"
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    lines: list[str] = []
    try:
        response = await dns.asyncquery.udp(query, server.address, timeout=timeout, port=server.port)
        if response.flags & dns.flags.TC:
            lines.append(f"{where}: truncated answer over UDP; asking again over TCP")
            try:
                response = await dns.asyncquery.tcp(
                    query, server.address, timeout=max(0.1, deadline - loop.time()), port=server.port
                )
            except (dns.exception.DNSException, OSError, EOFError) as exc:
                reason = (
                    "no answer in time"
                    if isinstance(exc, dns.exception.Timeout)
                    else str(exc) or type(exc).__name__
                )
                lines.append(f"{where}: TCP retry failed: {reason}")
                return Answer(server, name, rdtype, "truncated", detail=reason, lines=tuple(lines))
    except dns.exception.Timeout:
        lines.append(f"{where}: no answer within {timeout:g} s")
        return Answer(server, name, rdtype, "timeout", lines=tuple(lines))
    except (dns.exception.DNSException, OSError, EOFError, ValueError) as exc:
        detail = str(exc) or type(exc).__name__
        lines.append(f"{where}: {detail}")
        return Answer(server, name, rdtype, "error", detail=detail, lines=tuple(lines))
    rcode = response.rcode()
    lines.append(f"{where}: {name} {rdtype} -> {dns.rcode.to_text(rcode)}")
    lines.extend(f"  {rrset.to_text()}" for rrset in response.answer)
    shown = tuple(lines)
    if rcode == dns.rcode.NXDOMAIN:
        return Answer(server, name, rdtype, "nxdomain", lines=shown)
    if rcode == dns.rcode.SERVFAIL:
        return Answer(server, name, rdtype, "servfail", lines=shown)
    if rcode == dns.rcode.REFUSED:
        return Answer(server, name, rdtype, "refused", lines=shown)
    if rcode != dns.rcode.NOERROR:
        text = dns.rcode.to_text(rcode)
        return Answer(server, name, rdtype, "error", detail=f"answer code {text}", lines=shown)
    chain, values = _follow(response, qname, kind)
    if not values:
        return Answer(server, name, rdtype, "nodata", chain=tuple(chain), lines=shown)
    return Answer(server, name, rdtype, "ok", values=tuple(values), chain=tuple(chain), lines=shown)


async def ask_first(servers: list[DnsServer], name: str, rdtype: str, *, deadline: float) -> Answer | None:
    """Ask the servers in turn until one answers (not a timeout), all by ``deadline`` (event-loop time).

    Each server gets an equal share of the time left, as a resolver with a
    total lifetime would give it; None when there are no servers.
    """
    loop = asyncio.get_running_loop()
    last: Answer | None = None
    for index, server in enumerate(servers):
        share = (deadline - loop.time()) / (len(servers) - index)
        last = await ask(server, name, rdtype, timeout=max(0.01, share))
        if last.outcome != "timeout":
            return last
    return last
