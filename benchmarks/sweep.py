"""Wall time of a full sweep against loopback farms of 1, 4, 16 and 32 nodes, listening and silent.

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


def main() -> None:
    """Print the table and the 16-node / 1-node ratios."""
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


if __name__ == "__main__":
    main()
