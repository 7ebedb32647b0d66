"""Run a farm in the foreground: ``python -m tests.farm --state good --nodes 2 --plan-out plan.toml``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from tests.farm.farm import STATES, Farm
from wizard.checks.dropfolder import UNC_ROOT_VARIABLE


def main(argv: list[str] | None = None) -> int:
    """Start the farm, print what runs, wait for Ctrl+C, stop it."""
    parser = argparse.ArgumentParser(prog="python -m tests.farm", description=__doc__)
    parser.add_argument("--state", choices=STATES, default="good", help="what the farm looks like")
    parser.add_argument("--nodes", type=int, default=2, help="number of SMTP nodes (single state: 1)")
    parser.add_argument("--plan-out", type=Path, metavar="PATH", help="write the farm's plan (TOML) here")
    parser.add_argument("--identical", action="store_true", help="nodes answer exactly alike")
    parser.add_argument(
        "--pickup-delay", type=float, default=5.0, help="seconds before the timer job takes an .eml"
    )
    args = parser.parse_args(argv)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    with Farm(args.state, args.nodes, identical=args.identical, pickup_delay=args.pickup_delay) as farm:
        for line in farm.describe():
            print(line)
        if args.plan_out:
            farm.write_plan(args.plan_out)
            print(f"plan written to {args.plan_out}")
        print(f"export {UNC_ROOT_VARIABLE}={farm.unc_root}")
        print(f"export SPMAIL_WIZARD_EXCHANGE_PORT={farm.exchange_port}")
        print(f"then: spmail-wizard check {args.plan_out or 'PLAN'} --send-test")
        print("Ctrl+C stops the farm.", flush=True)
        try:
            while not stopping.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    print("farm stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
