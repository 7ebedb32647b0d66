"""Wall time of a full sweep against loopback farms of 1, 4, 16 and 32 nodes, listening and silent.

Also the case that must cost one timeout: 32 silent nodes and their VIP, with 3 DNS servers and
3 Exchange servers in the plan, against one silent node, measured in the same run.

Run from the repository root: ``python -m benchmarks.sweep [--timeout 2] [--repeat 3]``.
Each farm runs in a thread of its own (see ``wizard/farm``); nothing leaves 127.0.0.0/8.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from wizard.checklist import load_default
from wizard.checks import run_checks
from wizard.farm import Farm
from wizard.farm.dnszone import ZoneServer
from wizard.farm.loop import LoopThread
from wizard.plan import Plan, parse_plan

SIZES = (1, 4, 16, 32)


def measure(nodes: int, state: str, timeout: float, repeat: int) -> tuple[float, int]:
    """Median wall time in seconds of a sweep of every step of the farm's mode, and the result count."""
    with Farm(state, nodes) as farm:  # type: ignore[arg-type]
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


def silent_cluster_ratio(timeout: float, repeat: int) -> tuple[float, float]:
    """Median sweep of 32 silent nodes (3 DNS, 3 Exchange servers) and of 1 silent node, in seconds.

    The two sweeps alternate, so both see the same machine load.
    """
    extra_dns = LoopThread("extra-dns")
    with Farm("silent", 32) as big, Farm("silent", 1) as small:
        assert big.dns is not None
        prefix, port = big.addresses.prefix, big.port
        servers = [ZoneServer(f"{prefix}.{n}", port, "foo.local", big.dns.records) for n in (6, 7)]
        for server in servers:
            extra_dns.call(server.start())
        data = big.plan_data | {
            "dns_servers": [f"{prefix}.{n}:{port}" for n in (5, 6, 7)],
            "exchange_servers": [f"{prefix}.{n}" for n in (20, 21, 22)],
        }
        cluster, single = parse_plan(data), small.plan
        cluster_times, single_times = [], []
        try:
            for _ in range(repeat):
                cluster_times.append(_sweep_seconds(cluster, timeout))
                single_times.append(_sweep_seconds(single, timeout))
        finally:
            for server in servers:
                extra_dns.call(server.stop())
            extra_dns.stop()
    return statistics.median(cluster_times), statistics.median(single_times)


def main() -> None:
    """Print the table, the 16-node / 1-node ratios and the silent-cluster ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=2.0, help="probe timeout in seconds (default 2)")
    parser.add_argument("--repeat", type=int, default=3, help="sweeps per farm; the median is shown")
    args = parser.parse_args()
    rows: dict[tuple[int, str], tuple[float, int]] = {}
    print(f"full sweep, every step of the mode, timeout {args.timeout:g} s, median of {args.repeat}")
    print(f"{'nodes':>5}  {'listening':>12}  {'silent':>12}  {'results':>7}")
    for nodes in SIZES:
        listening = rows[nodes, "complete"] = measure(nodes, "complete", args.timeout, args.repeat)
        silent = rows[nodes, "silent"] = measure(nodes, "silent", args.timeout, 1)
        print(f"{nodes:>5}  {listening[0] * 1000:>9.0f} ms  {silent[0] * 1000:>9.0f} ms  {listening[1]:>7}")
    for state, label in (("complete", "listening"), ("silent", "silent")):
        ratio = rows[16, state][0] / rows[1, state][0]
        print(f"16 nodes / 1 node, {label}: {ratio:.2f}")
    cluster, single = silent_cluster_ratio(args.timeout, args.repeat)
    print(
        f"32 silent nodes + VIP, 3 DNS, 3 Exchange: {cluster * 1000:.0f} ms; 1 silent node: {single * 1000:.0f} ms; "
        f"ratio {cluster / single:.2f} (target <= 1.20)"
    )


if __name__ == "__main__":
    main()
