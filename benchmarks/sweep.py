"""Wall time of a full sweep against loopback farms of 1, 4, 16 and 32 nodes, listening and silent.

Also the case that must cost one timeout: 32 silent nodes and their VIP, with 3 DNS servers and
3 Exchange servers in the plan, against one silent node, measured in the same run.

Run from the repository root: ``python -m benchmarks.sweep [--timeout 2] [--repeat 3]``.
Each farm runs in a thread of its own (see ``wizard/farm``); nothing leaves 127.0.0.0/8.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import statistics
import time

from benchmarks.common import Report, machine, ratio, retried
from wizard.checklist.loader import load_default
from wizard.checks import run_checks
from wizard.farm import Farm
from wizard.farm.dnszone import ZoneServer
from wizard.farm.loop import LoopThread
from wizard.plan.model import Plan, parse_plan

SIZES = (1, 4, 16, 32)


def measure(nodes: int, state: str, timeout: float, repeat: int) -> tuple[float, int]:
    """Median wall time in seconds of a sweep of every step of the farm's mode, and the result count."""
    with Farm(state, nodes) as farm:
        plan = farm.plan
        steps = load_default().for_mode(plan.mode)
        times = []
        count = 0
        for _ in range(repeat):
            started = time.perf_counter()
            results = asyncio.run(run_checks(plan, steps, timeout=timeout))
            times.append(time.perf_counter() - started)
            count = len(results)
    return statistics.median(times), count


def _sweep_seconds(plan: Plan, timeout: float) -> float:
    steps = load_default().for_mode(plan.mode)
    started = time.perf_counter()
    asyncio.run(run_checks(plan, steps, timeout=timeout))
    return time.perf_counter() - started


class _Unanswered(asyncio.DatagramProtocol):
    """A DNS server that takes every question and answers none, like one behind a dropping firewall."""


def silent_cluster(timeout: float, repeat: int) -> tuple[float, float, float]:
    """Median sweeps of 32 silent nodes with 3 DNS and 3 Exchange servers, and of 1 silent node, in seconds.

    Returns (cluster whose DNS servers answer, cluster whose DNS servers are silent too, one node).
    The sweeps alternate, so all see the same machine load.
    """
    extra = LoopThread("extra-dns")
    with Farm("silent", 32) as big, Farm("silent", 1) as small:
        assert big.dns is not None
        prefix, port = big.addresses.prefix, big.port
        zones = [ZoneServer(f"{prefix}.{n}", port, "foo.local", big.dns.records) for n in (6, 7)]
        for zone in zones:
            extra.call(zone.start())
        silent = [
            extra.call(extra.loop.create_datagram_endpoint(_Unanswered, local_addr=(f"{prefix}.{n}", port)))[
                0
            ]
            for n in (8, 9, 10)
        ]
        exchange = [f"{prefix}.{n}" for n in (20, 21, 22)]
        answering = parse_plan(
            big.plan_data
            | {"dns_servers": [f"{prefix}.{n}:{port}" for n in (5, 6, 7)], "exchange_servers": exchange}
        )
        unanswered = parse_plan(
            big.plan_data
            | {"dns_servers": [f"{prefix}.{n}:{port}" for n in (8, 9, 10)], "exchange_servers": exchange}
        )
        times: tuple[list[float], list[float], list[float]] = ([], [], [])
        try:
            for _ in range(repeat):
                for plan, seen in zip((answering, unanswered, small.plan), times, strict=True):
                    seen.append(_sweep_seconds(plan, timeout))
        finally:
            for zone in zones:
                extra.call(zone.stop())
            for transport in silent:
                extra.loop.call_soon_threadsafe(transport.close)
            extra.stop()
    return statistics.median(times[0]), statistics.median(times[1]), statistics.median(times[2])


def run(timeout: float, repeat: int) -> Report:
    """Measure every size and the silent cluster; the README block is the table and the ratios."""
    report = Report("sweep")
    started_on = machine()
    rows: dict[tuple[int, str], tuple[float, int]] = {}
    report.say(f"full sweep, every step of the mode, timeout {timeout:g} s, median of {repeat}, {started_on}")
    report.say(f"{'nodes':>5}  {'listening':>12}  {'silent':>12}  {'results':>7}")
    table = ["| nodes | all listening | all silent | results |", "|---:|---:|---:|---:|"]
    for nodes in SIZES:
        listening = rows[nodes, "complete"] = retried(
            f"sweep of {nodes} listening", functools.partial(measure, nodes, "complete", timeout, repeat)
        )
        silent = rows[nodes, "silent"] = retried(
            f"sweep of {nodes} silent", functools.partial(measure, nodes, "silent", timeout, 1)
        )
        report.say(
            f"{nodes:>5}  {listening[0] * 1000:>9.0f} ms  {silent[0] * 1000:>9.0f} ms  {listening[1]:>7}"
        )
        table.append(
            f"| {nodes} | {listening[0] * 1000:.0f} ms | {silent[0] * 1000:.0f} ms | {listening[1]} |"
        )
    # Only the silent sweeps last long enough (a timeout) to be the denominator of a ratio.
    spread = ratio(rows[16, "silent"][0], rows[1, "silent"][0])
    report.say(f"16 nodes / 1 node, silent: {spread:.2f}")
    answering, unanswered, single = retried("silent cluster", lambda: silent_cluster(timeout, repeat))
    report.say(f"1 silent node: {single * 1000:.0f} ms")
    cluster = {}
    for label, seconds in (("answering", answering), ("silent", unanswered)):
        cluster[label] = ratio(seconds, single)
        report.say(
            f"32 silent nodes + VIP, 3 Exchange, 3 {label} DNS servers: {seconds * 1000:.0f} ms; "
            f"ratio to 1 silent node {cluster[label]:.2f} (target <= 1.20)"
        )
    report.block = "\n".join(
        [
            f"Measured with `python -m benchmarks.sweep` (every step of the mode, {timeout:g} s timeout, "
            f"loopback farm, median of {repeat}, {started_on}):",
            "",
            *table,
            "",
            f"16 nodes / 1 node: **{spread:.2f}** when silent (timeouts do not add up). 32 silent nodes and "
            f"their VIP with 3 Exchange servers in the plan, against one silent node ({single * 1000:.0f} ms) "
            f"in the same run: **{cluster['answering']:.2f}** with 3 answering DNS servers "
            f"({answering * 1000:.0f} ms) and **{cluster['silent']:.2f}** with 3 DNS servers that never "
            f"answer either ({unanswered * 1000:.0f} ms); the target is 1.2 at most.",
        ]
    )
    return report


def main() -> None:
    """Print the table, the 16-node / 1-node ratio and the silent-cluster ratios."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--timeout", type=float, default=2.0, help="probe timeout in seconds (default 2)")
    parser.add_argument("--repeat", type=int, default=3, help="sweeps per farm; the median is shown")
    args = parser.parse_args()
    run(args.timeout, args.repeat)


if __name__ == "__main__":
    main()
