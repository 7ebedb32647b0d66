"""Size and time of the runbook export for a 2-node and a 32-node farm, and their ratios, in one run.

Run from the repository root: ``python -m benchmarks.export [--repeat 15]``.
Each timing is of a batch of exports lasting at least 100 ms (the same count for both sizes),
so that the ratio's denominator is not a few milliseconds that swing between rounds.
Each farm comes with a session holding a passing result for every node and
step, as after a full sweep, so the evidence tables are as large as they get.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.common import Report, machine, ratio, repeated
from wizard.checklist.loader import load_default
from wizard.checklist.model import Checklist, Host
from wizard.plan.model import Plan, parse_plan
from wizard.results import CheckResult, Status
from wizard.runbook.filters import forget_values
from wizard.runbook.writer import write_export
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


def measure(fmt: str, repeat: int, folder: Path) -> dict[int, tuple[float, float, int]]:
    """Per farm size: the median seconds of a batch of exports to a file, of one export, and the file's size.

    The batch is as many exports as the 2-node farm needs to last 100 ms, the same for both
    sizes; the sizes take turns in every round, so that a busy moment of the machine weighs on
    both alike; escaped values are forgotten before each export, as in a fresh process.
    """
    checklist = load_default()
    cases = {}
    for nodes in SIZES:
        plan = farm_plan(nodes)
        session, target = swept_session(plan, checklist), folder / f"{nodes}.{fmt}"
        write_export(fmt, plan, checklist, session, target)  # templates compiled

        def export(plan: Plan = plan, session: Session = session, target: Path = target) -> None:
            forget_values()
            write_export(fmt, plan, checklist, session, target)

        cases[nodes] = (export, target)
    small = repeated(cases[SIZES[0]][0])
    size: int = small.size  # type: ignore[attr-defined]
    batches = {nodes: _batch(export, size) for nodes, (export, _target) in cases.items()}
    times: dict[int, list[float]] = {nodes: [] for nodes in SIZES}
    for _ in range(repeat):
        for nodes, batch in batches.items():
            times[nodes].append(batch())
    return {
        nodes: (
            statistics.median(times[nodes]),
            statistics.median(times[nodes]) / size,
            target.stat().st_size,
        )
        for nodes, (_export, target) in cases.items()
    }


def _batch(work: Callable[[], None], size: int) -> Callable[[], float]:
    def batch() -> float:
        started = time.perf_counter()
        for _ in range(size):
            work()
        return time.perf_counter() - started

    return batch


def run(repeat: int) -> Report:
    """Measure both formats; the README block is the table and its ratios."""
    report = Report("export")
    started_on = machine()
    rows: dict[tuple[int, str], tuple[float, float, int]] = {}
    report.say(f"runbook export with a full sweep's evidence, median of {repeat}, {started_on}")
    report.say(f"{'nodes':>5}  {'format':>6}  {'size':>10}  {'time':>9}")
    with tempfile.TemporaryDirectory() as folder:
        for fmt in FORMATS:
            for nodes, figures in measure(fmt, repeat, Path(folder)).items():
                rows[nodes, fmt] = figures
                report.say(f"{nodes:>5}  {fmt:>6}  {figures[2]:>8} B  {figures[1] * 1000:>6.1f} ms")
    ratios = {}
    for fmt in FORMATS:
        small, large = rows[SIZES[0], fmt], rows[SIZES[-1], fmt]
        ratios[fmt] = (large[2] / small[2], ratio(large[0], small[0]))
        report.say(
            f"{fmt}: 32 nodes / 2 nodes: size {ratios[fmt][0]:.2f} (target <= 3), "
            f"time {ratios[fmt][1]:.2f} (target <= 1.5)"
        )
    lines = [
        f"Measured with `python -m benchmarks.export` (NLB plan, a session holding a result for every "
        f"node and step as after a full sweep, export to a file, median of {repeat} batches of at least "
        f"100 ms, the two sizes taking turns, {started_on}):",
        "",
        "| nodes | Markdown | time | HTML | time |",
        "|---:|---:|---:|---:|---:|",
    ]
    for nodes in SIZES:
        md, html = rows[nodes, "md"], rows[nodes, "html"]
        lines.append(
            f"| {nodes} | {md[2]:,} B | {md[1] * 1000:.0f} ms | {html[2]:,} B | {html[1] * 1000:.0f} ms |"
        )
    lines.append(
        f"| **32 / 2** | **{ratios['md'][0]:.2f}** | **{ratios['md'][1]:.2f}** | "
        f"**{ratios['html'][0]:.2f}** | **{ratios['html'][1]:.2f}** |"
    )
    lines += ["", "Targets: size at most 3x, time at most 1.5x."]
    report.block = "\n".join(lines)
    return report


def main() -> None:
    """Print the table and the 32-node / 2-node ratios of size and time."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="batches per case; the median is shown")
    args = parser.parse_args()
    run(args.repeat)


if __name__ == "__main__":
    main()
