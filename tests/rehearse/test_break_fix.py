"""Every break and fix action of the practice farm changes the verdict of the next check."""

from __future__ import annotations

import pytest

from tests.checks.helpers import one, steps
from tests.farm.fixtures import FarmFactory
from wizard.checks import run_checks
from wizard.farm import actions
from wizard.farm.farm import MAIL_HOST, Farm
from wizard.results import CheckResult, Status

TIMEOUT = 2.0
GOOD = (Status.PASS,)
NOT_GOOD = (Status.FAIL, Status.WARN)


async def verdict(farm: Farm, step: str, target: str) -> CheckResult:
    send = step in ("library_test", "connector")
    results = await run_checks(
        farm.plan, steps(step, mode=farm.mode), timeout=TIMEOUT, send_test=send, pickup_limit=1.5
    )
    return one(results, step, target)


def action(farm: Farm, key: str) -> actions.Action:
    offered = {a.key: a for a in actions.available(farm)}
    assert key in offered, sorted(offered)
    return offered[key]


# (break key, the key that undoes it, the step and target whose verdict moves)
TOGGLES = [
    ("stop-node:2", "start-node:2", "mode", "wfe2.foo.local"),
    ("remove-alias:2", "restore-alias:2", "alias", "wfe2.foo.local"),
    ("clear-fqdn:2", "set-fqdn:2", "fqdn", "wfe2.foo.local"),
    ("open-relay:2", "close-relay:2", "relay", "wfe2.foo.local"),
    ("open-relay-trick:2", "close-relay-trick:2", "relay", "wfe2.foo.local"),
    ("dns-elsewhere", "dns-back", "dns", "wfe1.foo.local"),
    ("connection-control-on", "connection-control-off", "connection_control", "wfe1.foo.local"),
    ("timer-stop", "timer-start", "library_test", MAIL_HOST),
    ("nlb-stop", "nlb-start", "mode", MAIL_HOST),
    ("connector-remove", "connector-create", "connector", MAIL_HOST),
    ("list-alias-remove", "list-alias-restore", "library_test", MAIL_HOST),
]


@pytest.mark.parametrize(("broken", "undone", "step", "target"), TOGGLES, ids=[t[0] for t in TOGGLES])
async def test_break_then_undo(farm: FarmFactory, broken: str, undone: str, step: str, target: str) -> None:
    running = farm("complete", nodes=2, pickup_delay=0.2)
    if step == "dns":
        target = f"dns:{running.plan.dns_servers[0]}"
    assert (await verdict(running, step, target)).status in GOOD
    said = action(running, broken).apply(running)
    assert said.endswith(".")
    after = await verdict(running, step, target)
    assert after.status in NOT_GOOD, after.headline
    action(running, undone).apply(running)
    assert (await verdict(running, step, target)).status in GOOD


# (step, state to start in, break actions applied first, target whose verdict the fix turns to pass)
FIXES = [
    ("mode", "node-down", [], "wfe2.foo.local"),
    ("restart", "node-down", [], "wfe2.foo.local"),
    ("nlb", "complete", ["nlb-stop"], MAIL_HOST),
    ("dns", "wrong-dns", [], "dns"),
    ("connector", "complete", ["connector-remove"], MAIL_HOST),
    ("relay", "open-relay", [], "wfe2.foo.local"),
    ("connection_control", "conn-control", ["connection-control-off"], "wfe1.foo.local"),
    ("fqdn", "partial", [], "wfe2.foo.local"),
    ("alias", "partial", [], "wfe2.foo.local"),
    ("library_test", "timer-stopped", [], MAIL_HOST),
    ("library_test", "unknown-alias", [], MAIL_HOST),
]


KIT_PROVEN = {"central_admin"}
"""Remedies whose effect only the probe kit's files show (tests/probekit/test_sharepoint_side.py)."""


def test_every_remedy_is_tested() -> None:
    assert {fix[0] for fix in FIXES} | KIT_PROVEN == set(actions.REMEDIES)


@pytest.mark.parametrize(("step", "state", "breaks", "target"), FIXES, ids=[f"{f[0]}-{f[1]}" for f in FIXES])
async def test_fix_applies_the_steps_remedy(
    farm: FarmFactory, step: str, state: str, breaks: list[str], target: str
) -> None:
    running = farm(state, nodes=2, pickup_delay=0.2)
    if target == "dns":
        target = f"dns:{running.plan.dns_servers[0]}"
    for key in breaks:
        action(running, key).apply(running)
    before = await verdict(running, step, target)
    assert before.status in NOT_GOOD, before.headline
    assert actions.fix(running, step)
    after = await verdict(running, step, target)
    if step == "connection_control":
        # Seen from here a refusal is never proof (a stopped service looks the same), so the fix
        # turns "accepts a session from this machine" into "turned this machine away", a warning
        # still; the node's own list and a session from Exchange (the probe kit) prove the step.
        assert "accepts a session from this machine" in before.summary
        assert after.status == Status.WARN and "turned this machine away" in after.summary, after.headline
        return
    assert after.status in GOOD, after.headline


def test_a_fix_names_only_what_it_changed(farm: FarmFactory) -> None:
    running = farm("partial", nodes=3)
    assert actions.fix(running, "alias") == ["wfe3 has the alias domain mossmail.foo.local."]
    assert actions.fix(running, "alias") == []
    for step_id in [*actions.REMEDIES, "outgoing"]:
        if step_id != "fqdn":
            assert actions.fix(running, step_id) == [], step_id


async def test_a_fresh_farm_fixed_step_by_step_passes_every_check(farm: FarmFactory) -> None:
    running = farm("fresh", nodes=2, pickup_delay=0.2)
    results = await run_checks(running.plan, steps(), timeout=TIMEOUT, send_test=True, pickup_limit=1.5)
    assert {r.step for r in results if r.status.failed} >= {"dns", "alias", "nlb", "connector"}
    for step_id in actions.REMEDIES:
        actions.fix(running, step_id)
    results = await run_checks(running.plan, steps(), timeout=TIMEOUT, send_test=True, pickup_limit=1.5)
    assert not [r.headline for r in results if r.status.failed or r.status == Status.WARN]
