"""run_checks as the front ends use it: order, callbacks, isolation of a broken check."""

from __future__ import annotations

import dataclasses

import pytest

from tests.checks.helpers import steps
from tests.farm.fixtures import FarmFactory
from wizard import checks
from wizard.checks.base import Finding, Sweep, Target
from wizard.farm import MAIL_HOST
from wizard.results import CheckResult, Status


async def test_results_come_in_step_check_target_order_and_callbacks_see_each(farm: FarmFactory) -> None:
    running = farm("good", nodes=2)
    begun: list[tuple[str, str, str]] = []
    ended: list[CheckResult] = []
    chosen = steps("alias", "mode", "fqdn")
    results = await checks.run_checks(
        running.plan, chosen, timeout=2, on_start=lambda *key: begun.append(key), on_result=ended.append
    )
    keys = [(r.step, r.check, r.target) for r in results]
    assert keys == [
        ("mode", "smtp-greeting", "wfe1.foo.local"),
        ("mode", "smtp-greeting", "wfe2.foo.local"),
        ("mode", "smtp-greeting", MAIL_HOST),
        ("mode", "smtp-starttls", "wfe1.foo.local"),
        ("mode", "smtp-starttls", "wfe2.foo.local"),
        ("mode", "smtp-starttls", MAIL_HOST),
        ("fqdn", "fqdn-greeting", "wfe1.foo.local"),
        ("fqdn", "fqdn-greeting", "wfe2.foo.local"),
        ("alias", "alias-accepted", "wfe1.foo.local"),
        ("alias", "alias-accepted", "wfe2.foo.local"),
        ("alias", "alias-accepted", MAIL_HOST),
    ]
    assert begun == keys
    assert sorted((r.step, r.check, r.target) for r in ended) == sorted(keys)
    # One conversation per address serves every check of the sweep.
    assert sum(len(node.sessions) for node in running.nodes) == 3  # two direct, one through the VIP


async def test_a_broken_check_is_an_error_result_and_the_rest_still_run(
    farm: FarmFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = farm("good", nodes=2)

    async def broken(sweep: Sweep, target: Target) -> Finding:
        raise RuntimeError("boom")

    original = checks.CHECKS["fqdn-greeting"]
    monkeypatch.setitem(
        checks.CHECKS, "fqdn-greeting", checks.CheckType(original.name, original.targets, broken)
    )
    results = await checks.run_checks(running.plan, steps("fqdn", "alias"), timeout=2)
    fqdn = [r for r in results if r.step == "fqdn"]
    assert {r.status for r in fqdn} == {Status.ERROR}
    assert "RuntimeError: boom" in fqdn[0].summary
    assert {r.status for r in results if r.step == "alias"} == {Status.PASS}


async def test_manual_steps_are_version_aware_skips(farm: FarmFactory) -> None:
    running = farm("single")
    plan_2007 = dataclasses.replace(running.plan, sharepoint_version="2007")
    old = await checks.run_checks(plan_2007, steps("central_admin", "outgoing", mode="single"))
    new = await checks.run_checks(running.plan, steps("central_admin", "outgoing", mode="single"))
    assert {r.status for r in old + new} == {Status.SKIP}
    assert "Operations > Topology and Services > Incoming e-mail settings" in old[0].summary
    assert "System Settings > E-Mail and Text Messages (SMS)" in new[0].summary
    assert "ServerDisplayAddress" in new[0].hint
    assert "Outgoing e-mail settings" in old[1].summary


async def test_outgoing_server_is_probed_by_name_through_the_plan_dns(farm: FarmFactory) -> None:
    running = farm("good", nodes=2)
    plan = dataclasses.replace(running.plan, outgoing_smtp_server="exch01.foo.local")
    results = await checks.run_checks(plan, steps("outgoing"), timeout=2, outgoing_port=running.exchange_port)
    assert len(results) == 1
    assert results[0].target == "exch01.foo.local"
    assert results[0].status == Status.PASS, results[0].headline
    assert "greets with 220" in results[0].summary


async def test_connector_without_send_test_gives_the_command(farm: FarmFactory) -> None:
    running = farm("good", nodes=2)
    results = await checks.run_checks(running.plan, steps("connector", "library_test"))
    assert {r.status for r in results} == {Status.SKIP}
    assert (
        "Get-SendConnector | Format-List Name,AddressSpaces,SmartHosts,DNSRoutingEnabled" in results[0].hint
    )
    assert "--send-test" in results[1].hint
    assert all("DATA" not in node.commands() for node in running.nodes)
