"""The registry of check types and :func:`run_checks`, which runs a sweep of them at once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator, MutableMapping, Sequence
from importlib import import_module

from wizard.checklist.model import Step
from wizard.checks.base import DEADLINE_MARGIN, Finding, Progress, Sweep, Target, run_guarded, vip_target
from wizard.checks.later import waiting_hint
from wizard.checks.registry import REGISTRY, CheckEntry
from wizard.plan.model import Plan
from wizard.record import record
from wizard.results import CheckResult, Status

__all__ = ["CHECKS", "CheckType", "run_checks"]


@record
class CheckType:
    """How one check type picks its targets, judges each, and whether it may outlive the sweep's deadline."""

    name: str
    targets: Callable[[Plan], list[Target]]
    run: Callable[[Sweep, Target], Awaitable[Finding]]
    follows_pickup: bool = False
    """Whether the check may also wait for the pickup limit."""


def _load(name: str, entry: CheckEntry) -> CheckType:
    module = import_module(f"wizard.checks.{entry.module}")
    return CheckType(name, getattr(module, entry.targets), getattr(module, entry.run), entry.follows_pickup)


class _Loaded(MutableMapping[str, CheckType]):
    """The registry's check types, each module imported when its check is first asked for.

    A sweep of the SMTP steps then never loads the DNS library, and a headless
    `check` starts in the time its own steps need.
    """

    def __init__(self) -> None:
        self._types: dict[str, CheckType] = {}

    def __getitem__(self, name: str) -> CheckType:
        found = self._types.get(name)
        if found is None:
            found = self._types[name] = _load(name, REGISTRY[name])
        return found

    def __setitem__(self, name: str, check: CheckType) -> None:
        self._types[name] = check

    def __delitem__(self, name: str) -> None:
        del self._types[name]

    def __iter__(self) -> Iterator[str]:
        return iter(REGISTRY)

    def __len__(self) -> int:
        return len(REGISTRY)


CHECKS: MutableMapping[str, CheckType] = _Loaded()
"""The check types of :data:`wizard.checks.registry.REGISTRY`, loaded on first use."""


async def _unknown(name: str) -> Finding:
    return Finding(
        Status.ERROR,
        f"unknown check type {name!r}",
        "The checklist names a check this version does not have.",
    )


async def run_checks(
    plan: Plan,
    steps: Sequence[Step],
    *,
    timeout: float = 5.0,
    send_test: bool = False,
    exchange_port: int = 25,
    outgoing_port: int = 25,
    pickup_limit: float = 120.0,
    on_start: Callable[[str, str, str], None] | None = None,
    on_result: Callable[[CheckResult], None] | None = None,
    on_progress: Progress | None = None,
) -> list[CheckResult]:
    """Run every check of the given steps at once and return the results in a stable order.

    Order: step order, then check order within the step, then target order
    (nodes as in the plan, then the mail host). Each target gets one SMTP
    conversation (see :mod:`wizard.checks.dialogue`) that every check of it
    reads; every probe of the sweep ends by one shared deadline, ``timeout``
    from the start, whatever the servers do. Network faults become results;
    an unexpected exception inside a check becomes an ``error`` result for
    that check alone.

    Args:
        plan: the farm.
        steps: the steps to check (any of the plan's mode).
        timeout: seconds the whole sweep's probes may take (every target at once).
        send_test: allow real test messages (library_test, connector).
        exchange_port: SMTP port of the Exchange server for the connector test.
        outgoing_port: SMTP port of the outgoing server named in the plan.
        pickup_limit: how long a test message is followed through the Drop folder.
        on_start: called with (step id, check, target) as each check begins.
        on_result: called with each result as soon as it is known.
        on_progress: called with each phase of a test message (submitting, waiting for the
            Drop folder, waiting for pickup) as it begins, and the seconds that phase may take.
    """
    sweep = Sweep(
        plan,
        timeout=timeout,
        send_test=send_test,
        exchange_port=exchange_port,
        outgoing_port=outgoing_port,
        pickup_limit=pickup_limit,
        on_progress=on_progress,
    )
    for step in steps:
        if step.pages:
            # Only the manual checks name console pages; the templates load for them alone.
            from wizard.render import render_pages

            sweep.pages.update(render_pages(step, plan))
    jobs: list[tuple[Step, str, Target, CheckType | None]] = []
    for step in steps:
        for name in step.checks:
            check = CHECKS.get(name)
            found = check.targets(plan) if check else [vip_target(plan)]
            jobs.extend((step, name, target, check) for target in found)

    async def one(step: Step, name: str, target: Target, check: CheckType | None) -> CheckResult:
        if on_start is not None:
            on_start(step.id, name, target.label)
        body: Awaitable[Finding]
        if check is None:
            body, budget = _unknown(name), timeout
        else:
            # Every probe ends by the sweep's deadline; the margin only catches a check that hangs
            # off the network (a defect), so one stuck check cannot hold the sweep.
            budget = sweep.remaining() + DEADLINE_MARGIN + (pickup_limit if check.follows_pickup else 0)
            body = check.run(sweep, target)
        result = waiting_hint(step, await run_guarded(step.id, name, target, body, budget), plan)
        if on_result is not None:
            on_result(result)
        return result

    try:
        return list(await asyncio.gather(*(one(*job) for job in jobs)))
    finally:
        await sweep.close()
