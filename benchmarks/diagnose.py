"""Honest scoring of ``diagnose``: inject faults at random into a practice farm, send a message, score the trace.

For each trial the injector picks one fault or a pair (with a seed) from
``benchmarks/faults.py``, breaks a running farm that way, sends one message
through Exchange, waits for the farm to finish with it, and runs
``spmail-wizard diagnose PLAN --evidence FARM --json`` in a separate process,
told nothing but the plan and the farm's folder. The hop is right when the
trace's ``broken_hop`` is the injected fault's hop (the earlier one of a
pair; none when the fault does not stop mail), the cause right when it holds
the fault's words. One farm of each mode serves every trial: between trials
it is put back to complete and its logs are emptied.

Run from the repository root: ``python -m benchmarks.diagnose [--seed 19] [--trials 240]``.
Nothing leaves 127.0.0.0/8.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import random
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import Report, machine
from benchmarks.faults import FAULTS, Fault, earliest
from wizard.farm import Farm
from wizard.farm.exchange import RelayError, send
from wizard.farm.farm import MAIL_HOST, TEST_RECIPIENT
from wizard.farm.sharepoint import SharePointSetup

RELAY_TIMEOUT = 1.0
"""Seconds Exchange gives a node that never greets: short, so a silent farm costs one second a trial."""
SETTLE = 10.0
"""A safety net on each wait; every wait ends on the farm's own record first."""
LOG_SUFFIXES = (".log", ".eml", ".bad", ".bdr", ".bdp")


@dataclass(frozen=True, slots=True)
class Outcome:
    """One trial: what was injected and what the trace said."""

    mode: str
    faults: tuple[str, ...]
    expected_hop: str | None
    broken_hop: str | None
    cause: str | None
    hop_right: bool
    cause_right: bool


PRISTINE: dict[int, SharePointSetup] = {}
"""Each farm's SharePoint settings as it started complete, to put back between trials."""


def reset(farm: Farm) -> None:
    """Put a farm back to complete and empty its logs, Drop, Queue and Badmail."""

    async def change() -> None:
        assert farm.sharepoint is not None
        pristine = PRISTINE.setdefault(id(farm), copy.deepcopy(farm.sharepoint.setup))
        farm.sharepoint.setup = copy.deepcopy(pristine)
        assert farm.exchange is not None and farm.dns is not None and farm.timer is not None
        for node in farm.nodes:
            setup = node.setup
            setup.fqdn, setup.alias_domains = MAIL_HOST, {MAIL_HOST}
            setup.relay_from, setup.open_relay, setup.relay_trick = {farm.addresses.exchange}, False, ""
            setup.connect_from, setup.behaviour, setup.hop_limit = None, "normal", 15
            setup.starttls = False
            if not node.listening:
                await node.start()
        farm.dns.set_address(MAIL_HOST, [farm.mail_host_target])
        farm.exchange.connector = True
        farm.exchange.relay_timeout = RELAY_TIMEOUT
        if farm.balancer is not None and not farm.balancer.listening:
            await farm.balancer.start()
        farm.timer.start()

    farm.run(change)
    for path in farm.root.rglob("*"):
        if path.is_file() and path.suffix.lower() in LOG_SUFFIXES:
            path.unlink()


def next_node(farm: Farm) -> int:
    """The node the balancer hands the next connection to (the single node in single mode)."""
    if farm.balancer is None:
        return 0
    return len(farm.balancer.picked) % len(farm.nodes)


def waiting_in_drop(farm: Farm) -> bool:
    return any(any(farm.drop_dir(index).glob("*.eml")) for index in range(farm.count))


def deliver(farm: Farm) -> None:
    """Submit one message to Exchange and wait until the farm is done with it."""
    assert farm.exchange is not None and farm.timer is not None
    relayed = len(farm.exchange.relayed)

    async def submit() -> bool:
        try:
            await send(
                farm.addresses.exchange,
                farm.port,
                "127.0.0.1",
                "client.foo.local",
                "user@foo.local",
                [TEST_RECIPIENT],
                # Mail from a partner: it has made one hop before Exchange, as mail from outside has.
                b"Received: from mail.contoso.example ([192.0.2.25]) by mail.contoso.example; "
                b"Thu, 3 Dec 2026 10:00:00 +0000\r\nSubject: benchmark\r\n\r\nhello\r\n",
            )
        except (RelayError, OSError):
            return False  # refused at Exchange: nothing further will happen
        return True

    if not asyncio.run(submit()):
        return
    deadline = time.monotonic() + SETTLE
    while len(farm.exchange.relayed) == relayed and time.monotonic() < deadline:
        time.sleep(0.01)
    while farm.timer.running and waiting_in_drop(farm) and time.monotonic() < deadline:
        time.sleep(0.01)


def diagnose(plan: Path, root: Path) -> dict[str, Any]:
    """Run the command as an operator would, in its own process; its JSON output."""
    done = subprocess.run(
        [sys.executable, "-m", "wizard", "diagnose", str(plan), "--evidence", str(root), "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if done.returncode not in (0, 1) or not done.stdout.strip():
        raise RuntimeError(f"diagnose exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def trial(farm: Farm, plan: Path, faults: tuple[Fault, ...]) -> Outcome:
    reset(farm)
    target = next_node(farm)
    for fault in faults:
        fault.apply(farm, target)
    deliver(farm)
    trace = diagnose(plan, farm.root)
    expected = earliest(faults)
    expected_hop = expected[0].hop if expected else None
    cause = trace.get("cause")
    hop_right = trace.get("broken_hop") == expected_hop
    if not expected:
        cause_right = cause is None
    else:
        cause_right = cause is not None and any(all(w in cause.lower() for w in f.words) for f in expected)
    return Outcome(
        farm.mode,
        tuple(f.name for f in faults),
        expected_hop,
        trace.get("broken_hop"),
        cause,
        hop_right,
        cause_right,
    )


def pick(rng: random.Random, mode: str, pairs: bool) -> tuple[Fault, ...]:
    usable = [fault for fault in FAULTS if mode in fault.modes]
    if not pairs:
        return (rng.choice(usable),)
    first = rng.choice(usable)
    second = rng.choice([f for f in usable if f.part != first.part])
    return (first, second)


def plan_trials(rng: random.Random, trials: int) -> list[tuple[str, tuple[Fault, ...]]]:
    """Every fault alone at least once per mode, then random singles and pairs, in a seeded order."""
    chosen: list[tuple[str, tuple[Fault, ...]]] = []
    for mode in ("nlb", "single"):
        chosen += [(mode, (fault,)) for fault in FAULTS if mode in fault.modes]
    while len(chosen) < trials:
        mode = rng.choice(("nlb", "nlb", "single"))
        chosen.append((mode, pick(rng, mode, pairs=rng.random() < 0.5)))
    rng.shuffle(chosen)
    return chosen


def report_lines(outcomes: list[Outcome], seed: int, seconds: float) -> list[str]:
    singles = [o for o in outcomes if len(o.faults) == 1]
    pairs = [o for o in outcomes if len(o.faults) == 2]

    def share(group: list[Outcome], attribute: str) -> str:
        right = sum(1 for o in group if getattr(o, attribute))
        return f"{right}/{len(group)} ({100 * right / len(group):.1f}%)" if group else "-"

    lines = [
        f"diagnose benchmark: seed {seed}, {len(outcomes)} trials ({len(singles)} single faults, "
        f"{len(pairs)} pairs), {seconds:.0f} s",
        f"  hop right:   all {share(outcomes, 'hop_right')}, singles {share(singles, 'hop_right')}, "
        f"pairs {share(pairs, 'hop_right')}",
        f"  cause right: all {share(outcomes, 'cause_right')}, singles {share(singles, 'cause_right')}, "
        f"pairs {share(pairs, 'cause_right')}",
    ]
    by_fault: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    for outcome in singles:
        by_fault[outcome.faults[0]] += 1
        if not (outcome.hop_right and outcome.cause_right):
            wrong[outcome.faults[0]] += 1
    lines.append(
        "  single faults (trials, wrong): "
        + ", ".join(f"{n} {by_fault[n]}/{wrong[n]}" for n in sorted(by_fault))
    )
    for outcome in outcomes:
        if not (outcome.hop_right and outcome.cause_right):
            lines.append(
                f"  MISS {outcome.mode} {'+'.join(outcome.faults)}: expected {outcome.expected_hop}, "
                f"got {outcome.broken_hop}: {outcome.cause}"
            )
    return lines


def trials_run(seed: int, trials: int) -> tuple[list[Outcome], float]:
    """Every trial of the seed on one farm per mode; the outcomes and the seconds they took."""
    chosen = plan_trials(random.Random(seed), trials)
    started = time.monotonic()
    outcomes: list[Outcome] = []
    farms = {"nlb": Farm("complete", 2, pickup_delay=0.05), "single": Farm("complete", 1, pickup_delay=0.05)}
    try:
        for farm in farms.values():
            farm.start()
        plans = {mode: farm.write_plan(farm.root / "plan.toml") for mode, farm in farms.items()}
        for mode, faults in chosen:
            outcomes.append(trial(farms[mode], plans[mode], faults))
    finally:
        for farm in farms.values():
            farm.stop()
    return outcomes, time.monotonic() - started


def table(outcomes: list[Outcome]) -> list[str]:
    """The README's table: singles, pairs and all, hop and cause right."""
    singles = [o for o in outcomes if len(o.faults) == 1]
    pairs = [o for o in outcomes if len(o.faults) == 2]

    def cell(group: list[Outcome], attribute: str, bold: bool = False) -> str:
        right = sum(1 for o in group if getattr(o, attribute))
        text = f"{right} ({100 * right / len(group):.0f}%)" if group else "-"
        return f"**{text}**" if bold else text

    kinds = len({o.faults[0] for o in singles})
    return [
        "| trials | hop right | cause right |",
        "|---|---:|---:|",
        f"| {len(singles)} single faults ({kinds} states and actions) | {cell(singles, 'hop_right')} | "
        f"{cell(singles, 'cause_right')} |",
        f"| {len(pairs)} pairs | {cell(pairs, 'hop_right')} | {cell(pairs, 'cause_right')} |",
        f"| **all {len(outcomes)}** | {cell(outcomes, 'hop_right', True)} | {cell(outcomes, 'cause_right', True)} |",
    ]


def run(seed: int, trials: int) -> Report:
    """Score ``diagnose``; the README block is the table, with the run's length and every miss."""
    report = Report("diagnose")
    started_on = machine()
    outcomes, seconds = trials_run(seed, trials)
    for line in report_lines(outcomes, seed, seconds):
        report.say(line)
    misses = [o for o in outcomes if not (o.hop_right and o.cause_right)]
    report.block = "\n".join(
        [
            f"Measured with `python -m benchmarks.diagnose --seed {seed} --trials {len(outcomes)}` ({started_on}):",
            "",
            *table(outcomes),
            "",
            f"The run took {seconds:.0f} s. "
            + (
                "Misses: "
                + "; ".join(
                    f"{o.mode} {' + '.join(o.faults)} (expected {o.expected_hop}, got {o.broken_hop})"
                    for o in misses
                )
                + "."
                if misses
                else "No trial missed."
            ),
        ]
    )
    return report


def main() -> None:
    """Run the trials and print the score."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--trials", type=int, default=240)
    args = parser.parse_args()
    run(args.seed, args.trials)


if __name__ == "__main__":
    main()
