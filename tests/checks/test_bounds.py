"""Whatever a server does, a target's probes end by the sweep's deadline and its evidence stays small."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Iterator

import pytest

from tests.checks.helpers import one, single_plan, steps
from tests.farm.dnsserver import DnsFault
from tests.farm.faults import SmtpFaultKind, start_faulty_smtp
from tests.farm.fixtures import FarmFactory
from wizard import store
from wizard.checks import run_checks
from wizard.checks.base import TRANSCRIPT_BYTES, TRANSCRIPT_LINES, cut_transcript
from wizard.cli import run
from wizard.errors import PlanError
from wizard.farm.loop import LoopThread, random_port, random_prefix
from wizard.plan.model import parse_plan
from wizard.results import CheckResult, Status
from wizard.session import Session

TIMEOUT = 1.0
SMTP_STEPS = ("mode", "relay", "connection_control", "fqdn", "alias", "restart")
CUT_OFF_MS = (TIMEOUT + 1.0) * 1000
"""A generous bound: a check that held on per command, not per target, took several timeouts."""
OWN_DEADLINE = TIMEOUT + 14.0
"""How long a sweep may take here before this test, not the runner's 120 s, calls it stuck."""


async def ended_by_its_deadline(sweep: Awaitable[list[CheckResult]]) -> list[CheckResult]:
    """The sweep's results; a sweep still waiting long after its deadline (a read with none) fails the test."""
    try:
        return await asyncio.wait_for(sweep, OWN_DEADLINE)
    except TimeoutError:
        pytest.fail(
            f"the probes were still waiting {OWN_DEADLINE:g} s into a {TIMEOUT:g} s sweep: a read has no deadline"
        )


def transcript_bytes(result: CheckResult) -> int:
    return sum(len(line.encode()) + 1 for line in result.transcript)


def test_a_transcript_is_cut_to_its_limits_and_says_how_much_was_cut() -> None:
    lines = [f"S: 220-node.foo.local line {n}" for n in range(10_000)] + ["S: " + "x" * 5000]
    kept = cut_transcript(lines)
    assert len(kept) <= TRANSCRIPT_LINES
    assert sum(len(line.encode()) + 1 for line in kept) <= TRANSCRIPT_BYTES
    assert re.fullmatch(r"-- [\d,]+ more lines \([\d,]+ bytes\) cut", kept[-1])
    cut = int(kept[-1].split()[1].replace(",", ""))
    assert cut + len(kept) - 1 == len(lines)
    assert cut_transcript(["S: 220 ok"]) == ("S: 220 ok",)


async def test_an_endless_continuation_greeting_is_cut_short_and_stored_small(
    fault_smtp: Callable[[SmtpFaultKind], tuple[str, int]],
) -> None:
    address, port = fault_smtp("flood")
    results = await ended_by_its_deadline(
        run_checks(single_plan(address, port), steps(*SMTP_STEPS, mode="single"), timeout=TIMEOUT)
    )
    mode = one(results, "mode", "wfe1.foo.local")
    assert mode.status == Status.FAIL
    assert "more than 100 lines" in mode.summary
    assert re.fullmatch(r"-- [\d,]+ more lines \([\d,]+ bytes\) cut", mode.transcript[-1])
    for result in results:
        assert len(result.transcript) <= TRANSCRIPT_LINES
        assert transcript_bytes(result) <= TRANSCRIPT_BYTES


async def test_a_server_that_greets_then_hangs_costs_one_timeout_and_its_greeting_is_timed_alone(
    fault_smtp: Callable[[SmtpFaultKind], tuple[str, int]],
) -> None:
    address, port = fault_smtp("greet-hang")
    results = await ended_by_its_deadline(
        run_checks(single_plan(address, port), steps(*SMTP_STEPS, mode="single"), timeout=TIMEOUT)
    )
    mode = one(results, "mode", "wfe1.foo.local")
    assert mode.status == Status.PASS
    # The greeting came at once; the EHLO that hung afterwards is not its time.
    greeted_in = int(re.search(r"greets with 220 in (\d+) ms", mode.summary).group(1))  # type: ignore[union-attr]
    assert greeted_in < TIMEOUT * 1000 / 2
    alias = one(results, "alias", "wfe1.foo.local")
    assert alias.status == Status.FAIL
    assert "broke off at EHLO: sent no complete reply within the timeout" in alias.summary
    assert all(result.duration_ms < CUT_OFF_MS for result in results), [
        (r.check, r.duration_ms) for r in results
    ]


@pytest.fixture
def hanging_cluster() -> Iterator[tuple[str, str, list[str], int]]:
    """Two nodes and a VIP on one port, each greeting and then hanging: (prefix, vip, nodes, port)."""
    loop = LoopThread("hanging-cluster")
    prefix, port = random_prefix(), random_port()
    vip, nodes = f"{prefix}.200", [f"{prefix}.11", f"{prefix}.12"]
    servers = [loop.call(start_faulty_smtp(address, port, "greet-hang")) for address in (*nodes, vip)]
    yield prefix, vip, nodes, port

    async def close() -> None:
        for server in servers:
            server.close()

    loop.call(close())
    loop.stop()


async def test_nlb_probes_through_a_vip_that_greets_then_hangs_end_with_the_sweep(
    hanging_cluster: tuple[str, str, list[str], int],
) -> None:
    prefix, vip, nodes, port = hanging_cluster
    plan = parse_plan(
        {
            "schema": 1,
            "mode": "nlb",
            "mail_host": "mossmail.foo.local",
            "vip": vip,
            "exchange_servers": [f"{prefix}.20"],
            "smtp_port": port,
            "sharepoint_version": "2010",
            "exchange_version": "2010",
            "nodes": [{"name": f"wfe{i + 1}.foo.local", "address": a} for i, a in enumerate(nodes)],
        }
    )
    results = await ended_by_its_deadline(run_checks(plan, steps("nlb", "mode"), timeout=TIMEOUT))
    nlb = one(results, "nlb", "mossmail.foo.local")
    assert nlb.status == Status.FAIL
    assert "greeted, then sent no complete reply within the timeout (at EHLO)" in nlb.summary
    assert all(result.duration_ms < CUT_OFF_MS for result in results), [
        (r.check, r.duration_ms) for r in results
    ]


async def test_a_temporary_reply_to_the_relay_rcpt_is_not_relay_refused(
    fault_smtp: Callable[[SmtpFaultKind], tuple[str, int]],
) -> None:
    address, port = fault_smtp("relay-4xx")
    results = await run_checks(
        single_plan(address, port), steps("relay", "alias", mode="single"), timeout=TIMEOUT
    )
    relay = one(results, "relay", "wfe1.foo.local")
    assert relay.status == Status.WARN, relay.headline
    assert "451 4.3.0" in relay.summary and "relay restriction is not proven" in relay.summary
    assert one(results, "alias", "wfe1.foo.local").status == Status.PASS


def test_a_plan_with_a_thousand_dns_servers_is_refused_with_the_reason() -> None:
    servers = [f"10.{n // 250}.{n % 250}.1" for n in range(1000)]
    with pytest.raises(PlanError) as refused:
        single_plan("127.0.0.9", 2525, dns_servers=servers)
    assert "dns_servers: lists 1000 servers; list at most 16" in str(refused.value)


def test_a_flooding_node_leaves_a_small_session(
    fault_smtp: Callable[[SmtpFaultKind], tuple[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    address, port = fault_smtp("flood")
    data = single_plan(address, port).to_data()
    data.pop("schema")
    store.save(Session(name="flooded", plan_data=data))
    steps_asked = [arg for step in SMTP_STEPS for arg in ("--step", step)]
    assert run(["check", "--session", "flooded", *steps_asked, "--timeout", str(TIMEOUT)]) == 1
    capsys.readouterr()
    # Seven checks read the flooded conversation (the mode step's two); each keeps only its bounded transcript.
    saved = store.load("flooded")
    results = [result for step in SMTP_STEPS for result in saved.progress_for(step).results]
    assert len(results) == len(SMTP_STEPS) + 1
    for result in results:
        assert len(result.transcript) <= TRANSCRIPT_LINES
        assert transcript_bytes(result) <= TRANSCRIPT_BYTES
    assert store.session_path("flooded").stat().st_size < 256 * 1024
    assert saved.progress_for("mode").worst == Status.FAIL


async def test_a_silent_full_cluster_with_silent_dns_servers_costs_one_timeout(
    farm: FarmFactory, fault_dns: Callable[[DnsFault], tuple[str, int]]
) -> None:
    running = farm("silent", nodes=32)
    # Unreachable DNS servers hold their slots as long as silent nodes do: 3 x (A, MX) and 32 node names.
    quiet = [fault_dns("silent") for _ in range(3)]
    data = running.plan_data | {
        "dns_servers": [f"{a}:{p}" for a, p in quiet],
        "exchange_servers": [f"{running.addresses.prefix}.{n}" for n in (20, 21, 22)],
    }
    timeout = 2.0
    results = await run_checks(parse_plan(data), steps(), timeout=timeout)
    assert len({r.target for r in results if r.step == "mode"}) == 33
    # 33 conversations and 38 DNS questions share one round and one deadline.
    assert not [r.headline for r in results if "not probed" in r.summary]
    assert max(r.duration_ms for r in results) < (timeout + 1.0) * 1000, [
        (r.check, r.target, r.duration_ms) for r in results if r.duration_ms >= timeout * 1000
    ]
