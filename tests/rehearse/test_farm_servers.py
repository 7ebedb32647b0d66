"""The practice farm's servers behave like the real ones: DNS against dnsmasq, Drop and Queue, Exchange routing."""

from __future__ import annotations

import asyncio
import smtplib
from collections.abc import Iterator
from pathlib import Path

import dns.message
import dns.query
import dns.rcode
import pytest

from tests.farm.dnsserver import Dnsmasq
from tests.farm.fixtures import FarmFactory
from tests.rehearse.helpers import taken
from wizard.farm.exchange import send
from wizard.farm.farm import EXCHANGE_NAME, MAIL_HOST, Farm
from wizard.farm.loop import random_port

QUESTIONS = [
    (MAIL_HOST, "A"),
    ("wfe1.foo.local", "A"),
    (EXCHANGE_NAME, "A"),
    (MAIL_HOST, "MX"),
    ("nothing-here.foo.local", "A"),
]


@pytest.fixture
def dnsmasq() -> Iterator[list[Dnsmasq]]:
    started: list[Dnsmasq] = []
    yield started
    for server in started:
        server.stop()


def answers(address: str, port: int, *, tcp: bool = False) -> list[tuple[str, list[str]]]:
    """(rcode, sorted A addresses) for each question, as one server gives them."""
    found = []
    for name, kind in QUESTIONS:
        query = dns.message.make_query(name, kind)
        ask = dns.query.tcp if tcp else dns.query.udp
        reply = ask(query, address, port=port, timeout=3)
        addresses = sorted(item.to_text() for rrset in reply.answer for item in rrset)
        found.append((dns.rcode.to_text(reply.rcode()), addresses))
    return found


def test_the_farms_dns_answers_as_dnsmasq_does_over_udp_and_tcp(
    farm: FarmFactory, dnsmasq: list[Dnsmasq]
) -> None:
    running = farm("complete", nodes=2)
    assert running.dns is not None
    records = [(name, address) for name, addresses in running.dns.records.items() for address in addresses]
    for _attempt in range(5):
        server = Dnsmasq(f"{running.addresses.prefix}.6", random_port(), "foo.local", records)
        try:
            server.start()
            break
        except RuntimeError:
            continue
    dnsmasq.append(server)
    ours = answers(running.addresses.dns, running.dns_port)
    assert ours == answers(server.address, server.port)
    assert ours == answers(running.addresses.dns, running.dns_port, tcp=True)
    assert ours[0] == ("NOERROR", [running.addresses.vip])
    assert ours[3] == ("NOERROR", []) and ours[4] == ("NXDOMAIN", [])


def _submit(farm: Farm, node_address: str, recipients: list[str]) -> None:
    with smtplib.SMTP(
        node_address, farm.port, source_address=(farm.addresses.exchange, 0), timeout=5
    ) as client:
        client.sendmail("someone@foo.local", recipients, b"Subject: hello\r\n\r\nbody\r\n.leading dot\r\n")


def test_a_node_files_local_mail_in_drop_and_relayed_mail_in_queue(farm: FarmFactory) -> None:
    running = farm("complete", nodes=2, pickup_delay=None)
    _submit(running, running.addresses.node(0), [f"docs@{MAIL_HOST}", "far@example.com"])
    drop = running.drop_dir(0)
    (dropped,) = list(drop.glob("*.eml"))
    (queued,) = list((drop.parent / "Queue").glob("*.eml"))
    assert dropped.read_bytes().startswith(
        f"x-sender: someone@foo.local\r\nx-receiver: docs@{MAIL_HOST}\r\nSubject: hello".encode()
    )
    assert b"\r\n.leading dot\r\n" in dropped.read_bytes()
    assert queued.read_bytes().startswith(b"x-sender: someone@foo.local\r\nx-receiver: far@example.com\r\n")


def test_this_machine_may_not_relay_but_exchange_may(farm: FarmFactory) -> None:
    running = farm("complete", nodes=2)
    with (
        smtplib.SMTP(running.addresses.node(0), running.port, timeout=5) as client,
        pytest.raises(smtplib.SMTPRecipientsRefused),
    ):
        client.sendmail("someone@foo.local", ["far@example.com"], b"x\r\n")
    _submit(running, running.addresses.node(0), ["far@example.com"])


async def test_exchange_routes_through_dns_to_the_vip_and_the_node_sees_exchange(farm: FarmFactory) -> None:
    running = farm("complete", nodes=2)
    await send(
        running.addresses.exchange,
        running.port,
        "127.0.0.1",
        "probe",
        "a@foo.local",
        [f"docs@{MAIL_HOST}"],
        b"x\r\n",
    )
    assert running.exchange is not None
    assert running.balancer is not None
    relayed = running.exchange.relayed
    for _ in range(500):  # the relay runs after the submission is acknowledged: wait for it
        if relayed:
            break
        await asyncio.sleep(0.01)
    assert relayed == [running.addresses.vip]
    peers = [s.peer for node in running.nodes for s in node.sessions]
    assert peers == [running.addresses.exchange]


def test_stop_frees_every_address_at_once(tmp_path: Path) -> None:
    running = Farm("complete", 2, root=tmp_path).start()
    plan = running.plan
    assert taken(plan)
    running.stop()
    assert taken(plan) == []
