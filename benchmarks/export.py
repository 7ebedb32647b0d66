"""Size and time of the runbook export for a 2-node and a 32-node farm, and their ratios, in one run.

Run from the repository root: ``python -m benchmarks.export [--repeat 7]``.
Each farm comes with a session holding a passing result for every node and
step, as after a full sweep, so the evidence tables are as large as they get.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from wizard.checklist import load_default
from wizard.model import Checklist, Host
from wizard.plan import Plan, parse_plan
from wizard.results import CheckResult, Status
from wizard.runbook import write_export
from wizard.runbook.filters import forget_values
from wizard.session import Session, StepProgress, StepStatus

SIZES = (2, 32)
FORMATS = ("md", "html")


def farm_plan(nodes: int) -> Plan:
    """An NLB plan with that many nodes."""
    data: dict[str, Any] = {
        "schema": 1,
        "mode": "nlb",
        "mail_host": "mossmail.foo.local",
        "vip": "10.0.0.250",
        "exchange_servers": ["10.0.0.20"],
        "dns_servers": ["10.0.0.5"],
        "sharepoint_version": "2016",
        "exchange_version": "2016",
        "windows_version": "2016",
        "test_recipient": "docs@mossmail.foo.local",
        "nodes": [
            {
                "name": f"wfe{i + 1}.foo.local",
                "address": f"10.0.1.{i + 1}",
                "drop_folder": f"\\\\wfe{i + 1}\\c$\\Inetpub\\mailroot\\Drop",
            }
            for i in range(nodes)
        ],
    }
    return parse_plan(data)


def swept_session(plan: Plan, checklist: Checklist) -> Session:
    """A session where every step passed on every node (node steps) or once (the others)."""
    progress = {}
    moment = datetime(2026, 12, 5, 22, 0, tzinfo=UTC)
    for number, step in enumerate(checklist.for_mode(plan.mode)):
        if step.host in (Host.NODE, Host.WORKSTATION):
            targets = [node.name for node in plan.nodes] + [plan.mail_host]
        else:
            targets = [plan.mail_host]
        results = [
            CheckResult(
                step.id,
                step.checks[0] if step.checks else "manual",
                target,
                Status.PASS,
                f"{target} answered as expected: 250 2.1.5 probe@mossmail.foo.local",
                observed_at=moment + timedelta(seconds=number),
            )
            for target in targets
        ]
        progress[step.id] = StepProgress(status=StepStatus.DONE, results=results)
    data = {key: value for key, value in plan.to_data().items() if key != "schema"}
    return Session(name=f"bench-{len(plan.nodes)}", plan_data=data, progress=progress)


def measure(fmt: str, repeat: int, folder: Path) -> dict[int, tuple[float, int]]:
    """Per farm size: the median seconds of one export to a file, and the file's size in bytes.

    The sizes take turns in every round, so that a busy moment of the machine
    weighs on both alike; escaped values are forgotten before each export, as
    in a fresh process.
    """
    checklist = load_default()
    cases = {}
    for nodes in SIZES:
        plan = farm_plan(nodes)
        cases[nodes] = (plan, swept_session(plan, checklist), folder / f"{nodes}.{fmt}")
        write_export(fmt, plan, checklist, cases[nodes][1], cases[nodes][2])  # templates compiled
    times: dict[int, list[float]] = {nodes: [] for nodes in SIZES}
    for _ in range(repeat):
        for nodes, (plan, session, target) in cases.items():
            forget_values()
            started = time.perf_counter()
            write_export(fmt, plan, checklist, session, target)
            times[nodes].append(time.perf_counter() - started)
    return {nodes: (statistics.median(times[nodes]), cases[nodes][2].stat().st_size) for nodes in SIZES}


def main() -> None:
    """Print the table and the 32-node / 2-node ratios of size and time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="exports per case; the median is shown")
    args = parser.parse_args()
    rows: dict[tuple[int, str], tuple[float, int]] = {}
    print(f"runbook export with a full sweep's evidence, median of {args.repeat}")
    print(f"{'nodes':>5}  {'format':>6}  {'size':>10}  {'time':>9}")
    with tempfile.TemporaryDirectory() as folder:
        for fmt in FORMATS:
            for nodes, (seconds, size) in measure(fmt, args.repeat, Path(folder)).items():
                rows[nodes, fmt] = seconds, size
                print(f"{nodes:>5}  {fmt:>6}  {size:>8} B  {seconds * 1000:>6.1f} ms")
    for fmt in FORMATS:
        small, large = rows[SIZES[0], fmt], rows[SIZES[-1], fmt]
        print(
            f"{fmt}: 32 nodes / 2 nodes: size {large[1] / small[1]:.2f} (target <= 3), "
            f"time {large[0] / small[0]:.2f} (target <= 1.5)"
        )


if __name__ == "__main__":
    main()
