"""A practice farm served by ``rehearse --serve`` in a process of its own, for measurements.

A farm in the measuring process would share its interpreter with whatever that process does
while it measures (reading a wizard's screen, running a wizard under test), and its servers'
replies would wait on that work: the figures would count the measurement, not the product.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

READY = "Ctrl+C stops the farm."
"""The line `rehearse --serve` prints once every server listens."""


@contextlib.contextmanager
def farm_apart(state: str, nodes: int) -> Iterator[Path]:
    """Serve a farm in ``state`` with ``nodes`` nodes from a process of its own; yields its plan file.

    Raises:
        RuntimeError: the farm's process ended before it served (its last output is said).
    """
    with tempfile.TemporaryDirectory(prefix="spmail-farm-apart-") as folder:
        plan_file = Path(folder) / "farm.toml"
        argv = [sys.executable, "-m", "wizard", "rehearse", "--serve", "--state", state]
        argv += ["--nodes", str(nodes), "--plan-out", str(plan_file)]
        # From the folder that holds this package, so `-m wizard` finds this copy of it.
        home = Path(__file__).resolve().parents[2]
        process = subprocess.Popen(
            argv, cwd=home, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert process.stdout is not None
        try:
            said = []
            for line in process.stdout:
                said.append(line)
                if line.startswith(READY):
                    break
            else:
                raise RuntimeError(f"the practice farm ended before serving: {''.join(said)[-300:]}")
            yield plan_file
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
