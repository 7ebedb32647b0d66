"""What the relay forms and STARTTLS look like against the practice farm, and what asking them costs.

For each relay form, the last node of a ``relay-trick`` farm is given a loophole for that form alone;
the table says how the relay check reads the first node (which refuses every form) and the last.
Then a ``starttls`` farm's mode step shows what each node offers. Times are medians of whole steps
(every node, one conversation each); the mode step is timed against a ``complete`` farm, which
offers no STARTTLS, for comparison.

Run from the repository root: ``python -m benchmarks.probes [--repeat 5]``. Prints Markdown: the
README's ``relay-forms`` and ``starttls`` blocks. A run in which a probe ran out of time (a busy
machine, not the farm's answer) is run again, and said so. Nothing leaves 127.0.0.0/8.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import statistics
import time

from benchmarks.common import LoadFailure, Report, machine, retried
from wizard.checklist.loader import load_default
from wizard.checklist.model import Step
from wizard.checks import run_checks
from wizard.checks.relayforms import RELAY_FORMS
from wizard.farm import Farm
from wizard.farm.node import RELAY_TRICKS
from wizard.results import CheckResult, Status

TIMEOUT = 3.0


def _steps(step_id: str) -> list[Step]:
    return [step for step in load_default().for_mode("nlb") if step.id == step_id]


def _run(farm: Farm, step_id: str) -> tuple[list[CheckResult], float]:
    started = time.perf_counter()
    results = asyncio.run(run_checks(farm.plan, _steps(step_id), timeout=TIMEOUT))
    elapsed = time.perf_counter() - started
    # The farm answers every probe of these states at once: an error is a probe that ran out of
    # time on a busy machine, and a table of it would show the machine, not the check.
    errors = [result for result in results if result.status == Status.ERROR]
    if errors:
        raise LoadFailure(f"{errors[0].check} on {errors[0].target}: {errors[0].summary}")
    return results, elapsed


def _read(result: CheckResult, label: str) -> str:
    """How the relay check read one form on one node, from its result."""
    if result.status == Status.FAIL and f"the {label} <" in result.summary:
        return "**fail**: accepted for example.com"
    if f"the {label} was accepted as mail for" in result.summary:
        return "accepted: local delivery (Alias domain)"
    return "refused" if result.status == Status.PASS else result.status.value


def _generic(text: str, farm: Farm) -> str:
    return text.replace(farm.addresses.prefix, "127.a.b")


def relay_table(repeat: int) -> list[str]:
    lines = [
        "| form | address asked (on wfe2) | wfe1: refuses every form | wfe2: loophole for this form |",
        "|---|---|---|---|",
    ]
    with Farm("relay-trick", 2) as farm:
        for form in RELAY_FORMS:
            trick = form.name if form.name in RELAY_TRICKS else ""

            async def set_trick(name: str = trick) -> None:
                farm.nodes[1].setup.relay_trick = name

            farm.run(set_trick)
            results, _ = _run(farm, "relay")
            first, last = (next(r for r in results if r.target == f"wfe{i}.foo.local") for i in (1, 2))
            values = {"sender": "spmail-wizard-probe@foo.local", "node_name": "wfe2.foo.local"}
            values |= {"node_literal": f"[{farm.addresses.node(1)}]", "alias_domain": "mossmail.foo.local"}
            asked = form.recipient.format_map(values)
            if form.sender != "{sender}":
                asked = f"MAIL FROM {form.sender.format_map(values)}, RCPT {asked}"
            lines.append(
                f"| {form.label} | `{_generic(asked, farm)}` | {_read(first, form.label)} | "
                f"{_read(last, form.label) if trick else 'no loophole: ' + _read(last, form.label)} |"
            )

        async def no_trick() -> None:
            farm.nodes[1].setup.relay_trick = ""

        farm.run(no_trick)
        forms = statistics.median(_run(farm, "relay")[1] for _ in range(repeat))
    lines.append("")
    lines.append(
        f"relay step, 2 nodes, the plain address and {len(RELAY_FORMS)} forms in one conversation each: "
        f"{forms * 1000:.0f} ms (median of {repeat})"
    )
    return lines


def starttls_table(repeat: int) -> list[str]:
    lines = ["| target | smtp-starttls |", "|---|---|"]
    with Farm("starttls", 2) as farm:
        results, _ = _run(farm, "mode")
        for result in results:
            if result.check == "smtp-starttls" and result.target != "mossmail.foo.local":
                lines.append(
                    f"| {result.target} | {result.status.value.upper()} {_generic(result.summary, farm)} |"
                )
        tls = statistics.median(_run(farm, "mode")[1] for _ in range(repeat))
    with Farm("complete", 2) as plain:
        results, _ = _run(plain, "mode")
        first = next(r for r in results if r.check == "smtp-starttls" and r.target == "wfe1.foo.local")
        lines.append(
            f"| wfe1.foo.local (complete state) | {first.status.value.upper()} {_generic(first.summary, plain)} |"
        )
        base = statistics.median(_run(plain, "mode")[1] for _ in range(repeat))
    lines.append("")
    lines.append(
        f"mode step, 2 nodes and the VIP, with the TLS handshakes: {tls * 1000:.0f} ms; "
        f"without STARTTLS on offer: {base * 1000:.0f} ms (medians of {repeat})"
    )
    return lines


def run(repeat: int) -> list[Report]:
    """Both tables, each a README block of its own (prose about them stands between the two)."""
    reports = []
    for name, table in (("relay-forms", relay_table), ("starttls", starttls_table)):
        report = Report(name)
        started_on = machine()
        lines = retried(f"{name} table", functools.partial(table, repeat))
        for line in lines:
            report.say(line)
        report.block = "\n".join([*lines[:-1], f"{lines[-1]}; {started_on}"])
        reports.append(report)
    return reports


def main() -> None:
    """Print both tables."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds per timed figure (median)")
    args = parser.parse_args()
    run(args.repeat)


if __name__ == "__main__":
    main()
