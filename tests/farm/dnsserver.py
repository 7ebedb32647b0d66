"""A real dnsmasq serving a test zone (a second DNS server beside the farm's own), and a misbehaving one for faults."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import shutil
import signal
import subprocess
import time
from collections.abc import Sequence
from typing import Literal, cast

import dns.flags
import dns.message
import dns.query
import dns.rcode

DNSMASQ_CANDIDATES = ("dnsmasq", "/usr/sbin/dnsmasq", "/sbin/dnsmasq")


def dnsmasq_path() -> str:
    """Where dnsmasq is; a missing dnsmasq is an error, never a reason to skip."""
    for candidate in DNSMASQ_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    raise RuntimeError("dnsmasq is not installed; the farm needs it (apt-get install dnsmasq-base)")


def _die_with_parent() -> None:
    """Ask the kernel to stop dnsmasq when the process that started it dies, even by SIGKILL."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


class Dnsmasq:
    """One dnsmasq process serving a zone on a loopback address and port, and nothing else."""

    def __init__(
        self,
        address: str,
        port: int,
        zone: str,
        records: Sequence[tuple[str, str]] = (),
        cnames: Sequence[tuple[str, str]] = (),
        mx: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.address = address
        self.port = port
        self.zone = zone
        self.records = list(records)
        """(name, address) A records; a name listed twice gets both addresses."""
        self.cnames = list(cnames)
        """(alias, target) CNAME records; the target must be one of the records."""
        self.mx = list(mx)
        """(name, exchanger) MX records, preference 10."""
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        """The dnsmasq command line."""
        grouped: dict[str, list[str]] = {}
        for name, address in self.records:
            grouped.setdefault(name, []).append(address)
        args = [
            dnsmasq_path(),
            "--keep-in-foreground",
            "--no-resolv",
            "--no-hosts",
            "--no-poll",
            "--conf-file=/dev/null",
            "--pid-file=",
            "--user=root",
            "--bind-interfaces",
            f"--listen-address={self.address}",
            f"--port={self.port}",
            f"--local=/{self.zone}/",
            "--cache-size=0",
            "--log-facility=-",
        ]
        # dnsmasq keeps one address per --host-record name; repeat --address for round-robin sets.
        for name, addresses in grouped.items():
            if len(addresses) == 1:
                args.append(f"--host-record={name},{addresses[0]}")
            else:
                args += [f"--address=/{name}/{address}" for address in addresses]
        args += [f"--cname={alias},{target}" for alias, target in self.cnames]
        args += [f"--mx-host={name},{exchanger},10" for name, exchanger in self.mx]
        return args

    def start(self, wait: float = 5.0) -> None:
        """Start dnsmasq and wait until it answers."""
        self.process = subprocess.Popen(
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - only sets the death signal
        )
        deadline = time.monotonic() + wait
        query = dns.message.make_query(f"ready-probe.{self.zone}", "A")
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                raise RuntimeError(f"dnsmasq exited at once: {error.strip()}")
            try:
                dns.query.udp(query, self.address, port=self.port, timeout=0.1)
                return
            except (dns.exception.Timeout, OSError):
                continue
        self.stop()
        raise RuntimeError(f"dnsmasq did not answer on {self.address}:{self.port}")

    def stop(self) -> None:
        """Stop dnsmasq and reap it."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(3)
        if self.process.stderr:
            self.process.stderr.close()
        self.process = None


DnsFault = Literal["silent", "servfail", "refused", "nxdomain", "truncated", "garbage"]


class _FaultyDns(asyncio.DatagramProtocol):
    def __init__(self, fault: DnsFault) -> None:
        self.fault = fault
        self.queries = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.queries += 1
        if self.fault == "silent":
            return
        if self.fault == "garbage":
            self.transport.sendto(b"\x00\x01not dns", addr)
            return
        query = dns.message.from_wire(data)
        response = dns.message.make_response(query)
        codes = {"servfail": dns.rcode.SERVFAIL, "refused": dns.rcode.REFUSED, "nxdomain": dns.rcode.NXDOMAIN}
        if self.fault in codes:
            response.set_rcode(codes[self.fault])
        else:
            response.flags |= dns.flags.TC
        self.transport.sendto(response.to_wire(), addr)


async def start_faulty_dns(address: str, port: int, fault: DnsFault) -> asyncio.DatagramTransport:
    """A UDP DNS server that answers every question with the given fault; nothing listens on TCP."""
    loop = asyncio.get_running_loop()
    transport, _protocol = await loop.create_datagram_endpoint(
        lambda: _FaultyDns(fault), local_addr=(address, port)
    )
    return transport
