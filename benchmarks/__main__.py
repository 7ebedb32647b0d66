"""Every benchmark in one run: ``python -m benchmarks [--readme] [--quick] [--skip NAME] [--only NAME]``.

With ``--readme`` the README's figure tables (each between ``<!-- figures:NAME -->`` and
``<!-- /figures:NAME -->``) are rewritten from this run's own output, so no table can
be older than the code it describes. ``--quick`` takes fewer rounds, for a try. The diagnose
score takes about ten minutes: ``--skip diagnose`` leaves it (and its table) out.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable

from benchmarks import diagnose, export, probes, startup, sweep, tui
from benchmarks.common import LoadFailure, Report, write_blocks

BLOCKS = {
    "sweep": ("sweep",),
    "export": ("export",),
    "startup": ("startup",),
    "tui": ("tui",),
    "probes": ("relay-forms", "starttls"),
    "diagnose": ("diagnose",),
}
"""Each benchmark, in the order they run, and the README blocks its run writes."""
BENCHMARKS = tuple(BLOCKS)


def main() -> None:
    """Run the benchmarks in turn; with --readme, write their tables into the README."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--readme", action="store_true", help="rewrite the README's figure tables")
    parser.add_argument("--quick", action="store_true", help="fewer rounds of each (a try, not figures)")
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        choices=BENCHMARKS,
        help=f"only this benchmark ({', '.join(BENCHMARKS)}); repeatable",
    )
    parser.add_argument(
        "--skip",
        action="append",
        metavar="NAME",
        choices=BENCHMARKS,
        help="leave this benchmark out (diagnose takes about ten minutes); repeatable",
    )
    args = parser.parse_args()
    rounds = 1 if args.quick else 3
    runs: dict[str, Callable[[], Report | list[Report]]] = {
        "sweep": lambda: sweep.run(2.0, rounds),
        "export": lambda: export.run(3 if args.quick else 15),
        "startup": lambda: startup.run(3 if args.quick else 15),
        "tui": lambda: tui.run(3 if args.quick else 9),
        "probes": lambda: probes.run(2 if args.quick else 5),
        "diagnose": lambda: diagnose.run(19, 24 if args.quick else 240),
    }
    reports: list[Report] = []
    failed: list[str] = []
    for name, run in runs.items():
        if (args.only and name not in args.only) or name in (args.skip or ()):
            continue
        print(f"\n== {name}", flush=True)
        try:
            done = run()
            for report in done if isinstance(done, list) else [done]:
                reports.append(report)
                if report.incomplete:
                    failed.append(f"part of {name}")
        except LoadFailure as exc:
            print(f"benchmarks: {name}: {exc}; its README table is left as it was", file=sys.stderr)
            failed.append(name)
        except Exception:  # one benchmark's defect must not cost the others' figures
            traceback.print_exc()
            print(f"benchmarks: {name} stopped (above); its README table is left as it was", file=sys.stderr)
            failed.append(name)
    if args.readme and reports:
        written = write_blocks(reports)
        print(f"\nREADME.md: rewrote the figures of {', '.join(written)}")
    if failed:
        sys.exit(f"benchmarks: not measured (see above for why): {', '.join(failed)}")


if __name__ == "__main__":
    main()
