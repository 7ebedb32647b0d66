"""How fast `check` starts: the whole process at 1 node against the two swaks runs that hold the
same SMTP conversations, measured in one run against the practice farm.

Run from the repository root: ``python -m benchmarks.startup [--repeat 15]``.

swaks (the Debian package ``swaks``) asks the node twice, as an operator would by hand: once
for the mail host (alias) and once for ``example.com`` (relay), each ending after RCPT TO, never
sending mail. `check` runs the steps those two conversations prove (greeting, FQDN, alias,
relay, connection control, restart) as a process of its own. The two sides take turns, so a busy
moment weighs on both; nothing leaves 127.0.0.0/8. The full `check` (DNS, Drop folder, manual
steps) is shown beside it, without a target.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import MIN_DENOMINATOR, ROOT, Report, compile_package, machine, ratio

TARGET = 1.5
SMTP_CHECKS = frozenset(
    {"smtp-greeting", "relay-refused", "connection-control", "fqdn-greeting", "alias-accepted"}
)
"""The check types whose verdicts read only the conversation swaks holds too."""


SWAKS_REFUSED_RCPT = 24
"""swaks' exit status when the server refused RCPT TO: the relay ask's expected answer."""


def _seconds(argv: list[str], env: dict[str, str] | None = None, ok: tuple[int, ...] = (0, 1)) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in ok:
        raise RuntimeError(f"{' '.join(argv[:4])} ... exited {done.returncode}: {done.stderr.strip()[-300:]}")
    return elapsed


def run(repeat: int) -> Report:
    """Measure and report; the README block is the table."""
    from wizard.checklist.loader import load_default
    from wizard.farm import Farm

    report = Report("startup")
    started_on = machine()
    swaks = shutil.which("swaks")
    if swaks is None:
        report.say(
            "swaks is not installed (Debian: apt-get install swaks): the start-up comparison is skipped"
        )
        report.block = "*Not measured: swaks was not installed where the benchmarks ran.*"
        return report
    with tempfile.TemporaryDirectory(prefix="spmail-bench-") as home, Farm("complete", 1) as farm:
        plan_path = farm.write_plan(Path(home) / "farm.toml")
        plan = farm.plan
        steps = [
            step.id
            for step in load_default().for_mode(plan.mode)
            if step.checks and set(step.checks) <= SMTP_CHECKS
        ]
        env = dict(os.environ) | {
            "SPMAIL_WIZARD_HOME": home,
            "PYTHONPATH": str(ROOT),
            "SPMAIL_WIZARD_EXCHANGE_PORT": str(farm.exchange_port),
        }
        node = plan.nodes[0]
        asks = [
            [swaks, "--server", node.address, "--port", str(plan.smtp_port), "--helo", "bench.foo.local"]
            + ["--from", "probe@foo.local", "--to", recipient, "--quit-after", "RCPT"]
            for recipient in (f"probe@{plan.mail_host}", "probe@example.com")
        ]
        check = [sys.executable, "-m", "wizard", "check", str(plan_path), "--json"]
        smtp_check = check + [arg for step in steps for arg in ("--step", step)]
        swaks_times, check_times, full_times, python_times = [], [], [], []
        compile_package()

        def swaks_pair() -> float:
            return sum(_seconds(ask, ok=(0, SWAKS_REFUSED_RCPT)) for ask in asks)

        # On a quiet, fast machine the two swaks runs can take under 100 ms, too little to hold a
        # ratio: each sample is then several pairs and as many `check` runs, taking turns.
        batch = max(1, math.ceil(MIN_DENOMINATOR / swaks_pair()))
        for _ in range(repeat):
            swaks_times.append(sum(swaks_pair() for _ in range(batch)))
            check_times.append(sum(_seconds(smtp_check, env) for _ in range(batch)))
            full_times.append(_seconds(check, env))
            python_times.append(_seconds([sys.executable, "-c", "pass"], env))
    swaks_batch, check_batch = statistics.median(swaks_times), statistics.median(check_times)
    figure = ratio(check_batch, swaks_batch)
    swaks_s, check_s = swaks_batch / batch, check_batch / batch
    full_s, python_s = statistics.median(full_times), statistics.median(python_times)
    verdict = "ok" if figure <= TARGET else "MISSED"
    each = f", each sample {batch} runs of each side" if batch > 1 else ""
    report.say(f"check start-up at 1 node, median of {repeat}{each}, {started_on}")
    report.say(f"steps: {', '.join(steps)}")
    report.say(f"swaks, two runs (alias, relay)      {swaks_s * 1000:7.0f} ms")
    report.say(f"check --step ... as a process        {check_s * 1000:7.0f} ms")
    report.say(f"check, every step, as a process      {full_s * 1000:7.0f} ms")
    report.say(f"python -c pass (the interpreter)     {python_s * 1000:7.0f} ms")
    report.say(f"check / swaks: {figure:.2f} (target <= {TARGET:g}) {verdict}")
    report.block = "\n".join(
        [
            f"Measured with `python -m benchmarks.startup` (median of {repeat}{each}, {started_on}):",
            "",
            "| measure | time | ratio | target |",
            "|---|---:|---:|---:|",
            f"| swaks, two runs (alias, relay), after RCPT TO | {swaks_s * 1000:.0f} ms | | |",
            f"| `check --step` of the same steps, as a process | {check_s * 1000:.0f} ms | **{figure:.2f}** | <= {TARGET:g} |",
            f"| `check`, every step, as a process | {full_s * 1000:.0f} ms | | |",
            f"| `python -c pass`: the interpreter starting, in each `check` above | {python_s * 1000:.0f} ms | | |",
            "",
            f"The steps: {', '.join(f'`{step}`' for step in steps)}.",
        ]
    )
    return report


def main() -> None:
    """Print the comparison."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs of each side; the median is shown")
    args = parser.parse_args()
    run(args.repeat)


if __name__ == "__main__":
    main()
