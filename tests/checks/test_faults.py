"""Every fault a server can commit ends as a fail or error with a plain sentence, within the timeout."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.checks.helpers import one, single_plan, steps
from wizard.checks import run_checks
from wizard.farm.loop import random_port, random_prefix
from wizard.results import Status

TIMEOUT = 1.0
SLACK = 0.8
"""Seconds a check may take beyond its timeout (scheduling on a busy machine)."""


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("silent", "sent no complete greeting within the timeout"),
        ("reset", "reset the connection in the middle of its greeting"),
        ("reset-at-once", "reset the connection instead of sending a greeting"),
        ("garbage", "not SMTP"),
        ("busy", "busy"),
        ("drip", "sent no complete greeting within the timeout"),
        ("long-line", "longer than 4 KiB"),
        ("close", "closed the connection without a greeting"),
    ],
)
async def test_smtp_fault_is_a_failure_with_a_sentence(
    fault_smtp: Callable[[str], tuple[str, int]], kind: str, words: str
) -> None:
    address, port = fault_smtp(kind)
    plan = single_plan(address, port)
    started = time.monotonic()
    results = await run_checks(plan, steps("mode", mode="single"), timeout=TIMEOUT)
    elapsed = time.monotonic() - started
    result = one(results, "mode", "wfe1.foo.local")
    assert result.status == Status.FAIL, result.headline
    assert words in result.summary
    assert result.hint
    assert elapsed < TIMEOUT + SLACK


async def test_drip_is_bounded_by_a_total_deadline_not_per_byte(
    fault_smtp: Callable[[str], tuple[str, int]],
) -> None:
    # Each byte arrives well within the timeout; only a total deadline stops this.
    address, port = fault_smtp("drip")
    started = time.monotonic()
    results = await run_checks(single_plan(address, port), steps("mode", mode="single"), timeout=0.5)
    assert time.monotonic() - started < 0.5 + SLACK
    result = one(results, "mode", "wfe1.foo.local")
    assert result.status == Status.FAIL
    assert any("(incomplete)" in line for line in result.transcript)


async def test_refused_connection_names_the_address() -> None:
    address, port = f"{random_prefix()}.9", random_port()
    results = await run_checks(single_plan(address, port), steps("mode", mode="single"), timeout=TIMEOUT)
    result = one(results, "mode", "wfe1.foo.local")
    assert result.status == Status.FAIL
    assert f"connection to {address}:{port} refused" in result.summary
    assert "net start smtpsvc" in result.hint


@pytest.mark.parametrize(
    ("kind", "status", "words"),
    [
        ("silent", Status.FAIL, "did not answer within 1 s"),
        ("servfail", Status.FAIL, "(SERVFAIL)"),
        ("refused", Status.FAIL, "(REFUSED)"),
        ("nxdomain", Status.FAIL, "does not exist (NXDOMAIN)"),
        ("truncated", Status.FAIL, "truncated answer"),
        ("garbage", Status.ERROR, "unusable answer"),
    ],
)
async def test_dns_fault_is_told_apart(
    fault_dns: Callable[[str], tuple[str, int]], kind: str, status: Status, words: str
) -> None:
    address, port = fault_dns(kind)
    plan = single_plan("127.0.0.9", 2525, dns_servers=[f"{address}:{port}"])
    started = time.monotonic()
    results = await run_checks(plan, steps("dns", mode="single"), timeout=TIMEOUT)
    assert time.monotonic() - started < 2 * TIMEOUT + SLACK
    result = one(results, "dns", f"dns:{address}:{port}")
    assert result.status == status, result.headline
    assert words in result.summary
    assert result.hint


async def test_dns_servers_that_all_time_out_do_not_agree(
    fault_dns: Callable[[str], tuple[str, int]],
) -> None:
    servers = [":".join(map(str, fault_dns("silent"))) for _ in range(3)]
    plan = single_plan("127.0.0.9", 2525, dns_servers=servers)
    results = await run_checks(plan, steps("dns", mode="single"), timeout=TIMEOUT)
    agreement = one(results, "dns", "mossmail.foo.local")
    assert agreement.status == Status.WARN, agreement.headline
    assert "none of the 3 DNS servers gave an answer" in agreement.summary
    assert "same answer" not in agreement.summary
