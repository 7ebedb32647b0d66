"""A full sweep against each state a farm can be in, on loopback, with real servers."""

from __future__ import annotations

import time

from tests.checks.helpers import one, pick, statuses, steps
from tests.farm.fixtures import FarmFactory
from wizard.checks import run_checks
from wizard.farm import MAIL_HOST
from wizard.plan.model import parse_plan
from wizard.results import CheckResult, Status

TIMEOUT = 2.0


async def sweep(farm_: object, *, mode: str = "nlb", **options: object) -> list[CheckResult]:
    plan = parse_plan(farm_.plan_data)  # type: ignore[attr-defined]
    return await run_checks(plan, steps(mode=mode), timeout=TIMEOUT, **options)  # type: ignore[arg-type]


async def test_good_farm_fails_nothing_and_the_vip_reaches_every_node(farm: FarmFactory) -> None:
    running = farm("good", nodes=3)
    results = await sweep(running)
    assert not [r.headline for r in results if r.status.failed or r.status == Status.WARN]
    nlb = one(results, "nlb", MAIL_HOST)
    assert nlb.status == Status.PASS
    assert all(f"wfe{i}.foo.local x3" in nlb.summary for i in (1, 2, 3))
    assert one(results, "dns", f"dns:{running.plan_data['dns_servers'][0]}").summary.count("(the VIP)") == 1
    assert "no MX record, which is fine" in pick(results, "dns")[0].summary


async def test_no_probe_sends_data_without_send_test(farm: FarmFactory) -> None:
    running = farm("good", nodes=2)
    await sweep(running)
    commands = [verb for node in running.nodes for verb in node.commands()]
    assert {"EHLO", "MAIL", "RCPT", "RSET", "QUIT"} <= set(commands)
    assert "DATA" not in commands
    assert all(not node.delivered for node in running.nodes)


async def test_send_test_delivers_and_times_pickup(farm: FarmFactory) -> None:
    running = farm("good", nodes=2, pickup_delay=0.3)
    results = await sweep(running, send_test=True, pickup_limit=10)  # the plan names the Exchange port
    library = one(results, "library_test", MAIL_HOST)
    connector = one(results, "connector", MAIL_HOST)
    for result in (library, connector):
        assert result.status == Status.PASS, result.headline
        assert "arrived on wfe" in result.summary and "picked up" in result.summary
    assert "through Exchange" in connector.summary
    commands = [verb for node in running.nodes for verb in node.commands()]
    assert commands.count("DATA") == 2  # one from the library test, one relayed by Exchange
    assert running.exchange is not None and running.exchange.relayed


async def test_message_left_in_drop_is_a_failure(farm: FarmFactory) -> None:
    running = farm("single", pickup_delay=None)
    results = await sweep(running, mode="single", send_test=True, pickup_limit=1.0)
    library = one(results, "library_test", MAIL_HOST)
    assert library.status == Status.FAIL
    assert "still in the Drop folder" in library.summary
    assert "timer job" in library.hint


async def test_nothing_configured(farm: FarmFactory) -> None:
    running = farm("unconfigured", nodes=2)
    results = await sweep(running)
    dns = pick(results, "dns")[0]
    assert dns.status == Status.FAIL and "NXDOMAIN" in dns.summary
    assert statuses(results, "fqdn") == {"wfe1.foo.local": Status.WARN, "wfe2.foo.local": Status.WARN}
    assert (
        "greets as wfe1.foo.local, not mossmail.foo.local" in one(results, "fqdn", "wfe1.foo.local").summary
    )
    alias = one(results, "alias", "wfe2.foo.local")
    assert alias.status == Status.FAIL
    assert "alias domain missing, or the service was not restarted" in alias.summary
    vip = one(results, "mode", MAIL_HOST)
    assert vip.status == Status.FAIL and "refused" in vip.summary
    assert one(results, "nlb", MAIL_HOST).status == Status.FAIL


async def test_one_node_missing_alias_and_fqdn_is_named(farm: FarmFactory) -> None:
    running = farm("misconfigured-node", nodes=3)
    results = await sweep(running)
    assert statuses(results, "fqdn") == {
        "wfe1.foo.local": Status.PASS,
        "wfe2.foo.local": Status.PASS,
        "wfe3.foo.local": Status.WARN,
    }
    assert "the FQDN is recommended, not required" in one(results, "fqdn", "wfe3.foo.local").summary
    alias = one(results, "alias", "wfe3.foo.local")
    assert alias.status == Status.FAIL and "550 5.7.1" in alias.summary
    assert "on wfe3" in alias.hint
    assert "wfe3.foo.local greets as wfe3.foo.local" in one(results, "nlb", MAIL_HOST).summary


async def test_open_relay_is_a_security_failure(farm: FarmFactory) -> None:
    running = farm("open-relay", nodes=2)
    results = await sweep(running)
    assert statuses(results, "relay") == {"wfe1.foo.local": Status.PASS, "wfe2.foo.local": Status.FAIL}
    relay = one(results, "relay", "wfe2.foo.local")
    assert "open relay" in relay.summary and "Only the list below" in relay.hint
    # The alias is accepted there, but an open relay accepts anything: not proof.
    assert one(results, "alias", "wfe2.foo.local").status == Status.WARN


async def test_node_down_is_named_directly_and_through_the_vip(farm: FarmFactory) -> None:
    running = farm("node-down", nodes=2)
    results = await sweep(running)
    down = one(results, "mode", "wfe2.foo.local")
    assert down.status == Status.FAIL and "is down: connection to" in down.summary
    assert one(results, "restart", "wfe2.foo.local").status == Status.FAIL
    # Connection control is off in the plan, so a refused connection is a node down, not a policy.
    control = one(results, "connection_control", "wfe2.foo.local")
    assert control.status == Status.FAIL
    assert "is down" in control.summary and "connection control" not in control.summary
    nlb = one(results, "nlb", MAIL_HOST)
    assert nlb.status == Status.FAIL
    assert "not answering directly: wfe2.foo.local" in nlb.summary


async def test_node_back_after_restart(farm: FarmFactory) -> None:
    running = farm("good", nodes=2)
    running.stop_node(1)
    before = await run_checks(running.plan, steps("restart"), timeout=TIMEOUT)
    assert one(before, "restart", "wfe2.foo.local").status == Status.FAIL
    running.start_node(1)
    after = await run_checks(running.plan, steps("restart"), timeout=TIMEOUT)
    assert one(after, "restart", "wfe2.foo.local").status == Status.PASS


async def test_dns_pointing_elsewhere(farm: FarmFactory) -> None:
    running = farm("dns-elsewhere", nodes=2)
    results = await sweep(running)
    dns = pick(results, "dns")[0]
    assert dns.status == Status.FAIL
    assert f"with {running.addresses.elsewhere}" in dns.summary and "not the VIP" in dns.summary
    assert f"to {running.addresses.vip}" in dns.hint


async def test_connection_control_on_turns_this_machine_away(farm: FarmFactory) -> None:
    running = farm("connection-control", nodes=2)
    results = await sweep(running)
    for node in ("wfe1.foo.local", "wfe2.foo.local"):
        control = one(results, "connection_control", node)
        # Being turned away is what connection control does, and what a stopped service does too.
        assert control.status == Status.WARN, control.headline
        assert "a stopped service or a wrong address" in control.summary
        assert "proves nothing" in control.summary
        assert "connection-list" in control.hint and "connection-control" in control.hint
        for step in ("fqdn", "alias", "relay", "mode"):
            skipped = one(results, step, node)
            assert skipped.status == Status.SKIP, skipped.headline
            # What proves the step instead: the probe kit, run where connections are allowed.
            assert (
                f"Run the probe kit on {running.addresses.exchange} and on each node, and import its results"
                in skipped.hint
            )
            assert "--format probe" in skipped.hint and "spmail-wizard import" in skipped.hint
    assert not [r.headline for r in results if r.status.failed]


async def test_connection_control_with_a_5xx_greeting_is_no_proof_either(farm: FarmFactory) -> None:
    running = farm("connection-control", nodes=2, block_style="554")
    results = await run_checks(running.plan, steps("connection_control"), timeout=TIMEOUT)
    assert {r.status for r in results} == {Status.WARN}
    assert "554" in results[0].summary


async def test_a_dead_address_with_connection_control_on_is_a_warning_not_proof(farm: FarmFactory) -> None:
    running = farm("connection-control", nodes=2)
    # A typo in the plan: the second node's address is one where nothing listens.
    data = running.plan_data | {
        "nodes": [
            running.plan_data["nodes"][0],
            {"name": "wfe2.foo.local", "address": running.addresses.elsewhere},
        ]
    }
    results = await run_checks(parse_plan(data), steps("connection_control"), timeout=TIMEOUT)
    control = one(results, "connection_control", "wfe2.foo.local")
    assert control.status == Status.WARN, control.headline
    assert "connection refused" in control.summary and "a wrong address" in control.summary
    assert "connection control should" not in control.summary


async def test_refusal_with_connection_control_off_is_a_failure(farm: FarmFactory) -> None:
    running = farm("connection-control", nodes=2)
    data = running.plan_data | {"connection_control": False}
    results = await run_checks(parse_plan(data), steps("connection_control"), timeout=TIMEOUT)
    assert {r.status for r in results} == {Status.FAIL}
    assert "although connection control is off" in results[0].summary


async def test_single_mode(farm: FarmFactory) -> None:
    running = farm("single")
    results = await sweep(running, mode="single")
    assert not [r.headline for r in results if r.status.failed]
    assert not pick(results, "nlb")
    assert {r.target for r in pick(results, "mode")} == {"wfe1.foo.local"}
    dns = pick(results, "dns")[0]
    assert "(the node wfe1.foo.local)" in dns.summary


async def test_identical_nodes_are_a_warning_not_a_pass(farm: FarmFactory) -> None:
    running = farm("good", nodes=2, identical=True)
    results = await run_checks(running.plan, steps("nlb"), timeout=TIMEOUT)
    nlb = one(results, "nlb", MAIL_HOST)
    assert nlb.status == Status.WARN
    assert "could not be told" in nlb.summary


async def test_sixteen_silent_nodes_take_one_timeout_not_sixteen(farm: FarmFactory) -> None:
    running = farm("silent", nodes=16)
    started = time.monotonic()
    results = await sweep(running)
    elapsed = time.monotonic() - started
    assert elapsed < TIMEOUT * 1.75, elapsed
    assert {r.status for r in pick(results, "mode")} == {Status.FAIL}
    assert "no complete greeting" in one(results, "mode", "wfe7.foo.local").summary
