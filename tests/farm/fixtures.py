"""Pytest fixtures that start practice farms and single misbehaving servers, and always stop them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.farm.dnsserver import DnsFault, start_faulty_dns
from tests.farm.faults import SmtpFaultKind, start_faulty_smtp
from wizard.farm import Farm
from wizard.farm.loop import LoopThread, random_port, random_prefix

FarmFactory = Callable[..., Farm]
LEGACY_STATES = {
    "good": "complete",
    "unconfigured": "fresh",
    "misconfigured-node": "partial",
    "dns-elsewhere": "wrong-dns",
    "connection-control": "conn-control",
}
"""Earlier names of the states, still accepted so older tests read as they were written."""


@pytest.fixture
def farm(tmp_path: Path) -> Iterator[FarmFactory]:
    """A factory: ``farm(state="complete", nodes=2, **options)`` starts a farm, stopped after the test.

    ``farm("single")`` is a complete farm of one node in single mode.
    """
    started: list[Farm] = []

    def start(state: str = "complete", nodes: int = 2, **options: Any) -> Farm:
        if state == "single":
            state, nodes, options["mode"] = "complete", 1, "single"
        state = LEGACY_STATES.get(state, state)
        running = Farm(state, nodes, root=tmp_path / f"farm{len(started)}", **options)
        started.append(running)
        running.start()
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def fault_loop() -> Iterator[LoopThread]:
    """A loop thread for single fault servers."""
    loop = LoopThread("faults")
    yield loop
    loop.stop()


def _start_with_retry(loop: LoopThread, starter: Callable[[str, int], Any]) -> tuple[str, int, Any]:
    for attempt in range(6):
        address, port = f"{random_prefix()}.7", random_port()
        try:
            return address, port, loop.call(starter(address, port))
        except OSError:
            if attempt == 5:
                raise
    raise AssertionError("unreachable")


@pytest.fixture
def fault_smtp(fault_loop: LoopThread) -> Iterator[Callable[[SmtpFaultKind], tuple[str, int]]]:
    """A factory: ``fault_smtp("drip")`` starts an SMTP server with that fault; returns (address, port)."""
    servers: list[asyncio.AbstractServer] = []

    def start(kind: SmtpFaultKind) -> tuple[str, int]:
        address, port, server = _start_with_retry(fault_loop, lambda a, p: start_faulty_smtp(a, p, kind))
        servers.append(server)
        return address, port

    yield start

    async def close() -> None:
        for server in servers:
            server.close()

    fault_loop.call(close())


@pytest.fixture
def fault_dns(fault_loop: LoopThread) -> Iterator[Callable[[DnsFault], tuple[str, int]]]:
    """A factory: ``fault_dns("servfail")`` starts a UDP DNS server with that fault; returns (address, port)."""
    transports: list[asyncio.DatagramTransport] = []

    def start(kind: DnsFault) -> tuple[str, int]:
        address, port, transport = _start_with_retry(fault_loop, lambda a, p: start_faulty_dns(a, p, kind))
        transports.append(transport)
        return address, port

    yield start

    async def close() -> None:
        for transport in transports:
            transport.close()

    fault_loop.call(close())
