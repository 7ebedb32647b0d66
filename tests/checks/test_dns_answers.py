"""DNS answers that look alike but mean different things, served by a real dnsmasq."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from tests.checks.helpers import one, pick, steps
from tests.farm.dnsserver import Dnsmasq
from wizard.checks import dnslookup, run_checks
from wizard.farm.loop import random_port, random_prefix
from wizard.plan.model import Plan, parse_plan
from wizard.results import Status

PREFIX = random_prefix()
VIP = f"{PREFIX}.200"
NODES = [f"{PREFIX}.11", f"{PREFIX}.12"]


@pytest.fixture
def dnsmasq() -> Iterator[list[Dnsmasq]]:
    started: list[Dnsmasq] = []
    yield started
    for server in started:
        server.stop()


def serve(started: list[Dnsmasq], records: Sequence[tuple[str, str]], **extra: object) -> str:
    for attempt in range(5):
        server = Dnsmasq(f"{PREFIX}.{5 + len(started)}", random_port(), "foo.local", records, **extra)  # type: ignore[arg-type]
        try:
            server.start()
        except RuntimeError:
            if attempt == 4:
                raise
            continue
        started.append(server)
        return f"{server.address}:{server.port}"
    raise AssertionError("unreachable")


def nlb_plan(*servers: str, vip: str = VIP) -> Plan:
    return parse_plan(
        {
            "mode": "nlb",
            "mail_host": "mossmail.foo.local",
            "vip": vip,
            "exchange_servers": [f"{PREFIX}.20"],
            "dns_servers": list(servers),
            "sharepoint_version": "2013",
            "exchange_version": "2013",
            "nodes": [
                {"name": "wfe1.foo.local", "address": NODES[0]},
                {"name": "wfe2.foo.local", "address": NODES[1]},
            ],
        }
    )


NODE_RECORDS = [("wfe1.foo.local", NODES[0]), ("wfe2.foo.local", NODES[1])]


async def test_cname_chain_is_a_warning(dnsmasq: list[Dnsmasq]) -> None:
    server = serve(
        dnsmasq, [*NODE_RECORDS, ("vip.foo.local", VIP)], cnames=[("mossmail.foo.local", "vip.foo.local")]
    )
    results = await run_checks(nlb_plan(server), steps("dns"), timeout=1)
    result = one(results, "dns", f"dns:{server}")
    assert result.status == Status.WARN
    assert "alias chain mossmail.foo.local -> vip.foo.local" in result.summary
    assert "A record" in result.hint


async def test_round_robin_instead_of_vip_is_named(dnsmasq: list[Dnsmasq]) -> None:
    server = serve(
        dnsmasq, [*NODE_RECORDS, ("mossmail.foo.local", NODES[0]), ("mossmail.foo.local", NODES[1])]
    )
    results = await run_checks(nlb_plan(server), steps("dns"), timeout=1)
    result = one(results, "dns", f"dns:{server}")
    assert result.status == Status.FAIL
    assert "round-robin DNS instead of the VIP" in result.summary


async def test_mx_elsewhere_is_a_warning(dnsmasq: list[Dnsmasq]) -> None:
    server = serve(
        dnsmasq, [*NODE_RECORDS, ("mossmail.foo.local", VIP)], mx=[("mossmail.foo.local", "mx.other.test")]
    )
    results = await run_checks(nlb_plan(server), steps("dns"), timeout=1)
    result = one(results, "dns", f"dns:{server}")
    assert result.status == Status.WARN
    assert "MX record points at mx.other.test" in result.summary


async def test_no_a_record_but_name_exists(dnsmasq: list[Dnsmasq]) -> None:
    server = serve(dnsmasq, NODE_RECORDS, mx=[("mossmail.foo.local", "mx.other.test")])
    results = await run_checks(nlb_plan(server), steps("dns"), timeout=1)
    result = one(results, "dns", f"dns:{server}")
    assert result.status == Status.FAIL
    assert "has no A record" in result.summary


async def test_servers_that_disagree_and_node_names_that_do_not_resolve(dnsmasq: list[Dnsmasq]) -> None:
    good = serve(dnsmasq, [("wfe1.foo.local", NODES[0]), ("mossmail.foo.local", VIP)])
    stale = serve(dnsmasq, [("wfe1.foo.local", NODES[0])])
    results = await run_checks(nlb_plan(good, stale), steps("dns"), timeout=1)
    assert [r.target for r in results] == [
        f"dns:{good}",
        f"dns:{stale}",
        "wfe1.foo.local",
        "wfe2.foo.local",
        "mossmail.foo.local",
    ]
    assert one(results, "dns", f"dns:{good}").status == Status.PASS
    assert one(results, "dns", f"dns:{stale}").status == Status.FAIL
    agreement = one(results, "dns", "mossmail.foo.local")
    assert agreement.status == Status.FAIL and "disagree" in agreement.summary
    assert one(results, "dns", "wfe1.foo.local").status == Status.PASS
    node = one(results, "dns", "wfe2.foo.local")
    assert node.status == Status.WARN and "does not resolve to its planned address" in node.summary


async def test_empty_dns_servers_use_the_system_resolver(
    dnsmasq: list[Dnsmasq], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = serve(dnsmasq, [*NODE_RECORDS, ("mossmail.foo.local", VIP)])
    address, port = server.rsplit(":", 1)
    # Stand in for /etc/resolv.conf, so that the test asks nothing outside loopback.
    monkeypatch.setattr(dnslookup, "system_servers", lambda: [dnslookup.DnsServer(address, int(port))])
    monkeypatch.setattr("wizard.checks.dnscheck.system_servers", dnslookup.system_servers)
    results = await run_checks(nlb_plan(), steps("dns"), timeout=1)
    result = pick(results, "dns")[0]
    assert result.target == "dns:system"
    assert result.status == Status.PASS
    assert f"the system resolver ({server})" in result.summary


async def test_an_ipv6_vip_is_asked_as_aaaa(dnsmasq: list[Dnsmasq]) -> None:
    vip6 = "2001:db8::50"
    server = serve(dnsmasq, [*NODE_RECORDS, ("mossmail.foo.local", vip6)])
    # The plan writes the address long-hand; the server answers it compressed: one address.
    plan = nlb_plan(server, vip="2001:0db8:0:0::0050")
    results = await run_checks(plan, steps("dns"), timeout=1)
    result = one(results, "dns", f"dns:{server}")
    assert result.status == Status.PASS, result.headline
    assert f"with {vip6} (the VIP)" in result.summary
    assert any("AAAA" in line for line in result.transcript)


async def test_an_ipv6_vip_without_its_aaaa_record_names_the_record(dnsmasq: list[Dnsmasq]) -> None:
    server = serve(dnsmasq, [*NODE_RECORDS, ("mossmail.foo.local", VIP)])
    plan = nlb_plan(server, vip="2001:db8::50")
    result = one(await run_checks(plan, steps("dns"), timeout=1), "dns", f"dns:{server}")
    assert result.status == Status.FAIL, result.headline
    assert "has no AAAA record" in result.summary and "Host (AAAA) record" in result.hint
