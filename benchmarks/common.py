"""What every benchmark shares: retrying a run that failed for load, ratios that can hold a target,
and the README's figure tables, each between two markers that only the benchmarks write.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MIN_DENOMINATOR = 0.1
"""Seconds: a ratio is taken only over a figure at least this long. A few milliseconds swing
several times over between rounds on a busy machine, so a ratio over them holds no target."""
ATTEMPTS = 3
"""Runs of one measurement before its failure is reported."""

T = TypeVar("T")


class LoadFailure(Exception):
    """A run that failed because the machine was too busy (a screen not drawn in time, a process
    that did not answer), not because the product is wrong; it is run again."""


def retried(what: str, run: Callable[[], T], attempts: int = ATTEMPTS) -> T:
    """``run()``, again after a run that failed for load (said on stderr), at most ``attempts`` times."""
    for attempt in range(1, attempts + 1):
        try:
            return run()
        except (LoadFailure, TimeoutError) as exc:
            if attempt == attempts:
                raise LoadFailure(
                    f"{what}: failed {attempts} times, each under load; the last: {exc}"
                ) from exc
            print(
                f"{what}: run {attempt} failed under load ({_first_line(exc)}); running it again",
                file=sys.stderr,
            )
    raise AssertionError("unreachable")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, refused when the denominator is under :data:`MIN_DENOMINATOR`."""
    if denominator < MIN_DENOMINATOR:
        raise ValueError(
            f"a ratio over {denominator * 1000:.0f} ms cannot hold a target; repeat the work to at least "
            f"{MIN_DENOMINATOR * 1000:.0f} ms"
        )
    return numerator / denominator


def repeated(work: Callable[[], object], minimum: float = MIN_DENOMINATOR) -> Callable[[], float]:
    """A timer of ``work`` done enough times in a row to last at least ``minimum`` seconds.

    Returns a function that does the batch and returns its seconds; the batch size is found once,
    by doubling, so that every timing of the batch can be the denominator of a ratio. The size is
    found for twice ``minimum``: the first rounds run colder than the later ones, and a batch sized
    to just over it once took 92 ms in the median afterwards, under the 100 ms a ratio needs.
    """
    count = 1
    while True:
        started = time.perf_counter()
        for _ in range(count):
            work()
        if time.perf_counter() - started >= 2 * minimum:
            break
        count *= 2
    size = count

    def batch() -> float:
        started = time.perf_counter()
        for _ in range(size):
            work()
        return time.perf_counter() - started

    batch.size = size  # type: ignore[attr-defined]
    return batch


@dataclass
class Report:
    """What one benchmark found: the lines it prints and the README block it writes."""

    name: str
    """The README block's name (``sweep``): the text between ``<!-- figures:sweep -->`` and
    ``<!-- /figures:sweep -->`` is replaced by :attr:`block`."""
    lines: list[str] = field(default_factory=list)
    block: str = ""
    """Markdown: the table and the sentences that carry figures."""
    incomplete: bool = False
    """Some figure could not be measured (the block says which)."""

    def say(self, line: str) -> None:
        """Print a line now and keep it."""
        print(line, flush=True)
        self.lines.append(line)


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- figures:{name} -->", f"<!-- /figures:{name} -->"


def write_blocks(reports: list[Report], readme: Path = README) -> list[str]:
    """Replace each report's block in the README; returns the names of the blocks written.

    Raises:
        ValueError: a block's markers are missing, so the README would silently keep old figures.
    """
    text = readme.read_text(encoding="utf-8")
    written = []
    for report in reports:
        start, end = _markers(report.name)
        pattern = re.compile(re.escape(start) + r"\n.*?" + re.escape(end), re.S)
        found = pattern.search(text)
        if found is None:
            raise ValueError(f"README.md has no {start} ... {end} block")
        text = text[: found.start()] + f"{start}\n{report.block.strip()}\n{end}" + text[found.end() :]
        written.append(report.name)
    readme.write_text(text, encoding="utf-8")
    return written


def compile_package() -> None:
    """Byte-compile the package, as installing it does, and keep the checklist's parsed copy.

    A source checkout run with PYTHONDONTWRITEBYTECODE would compile every module and parse
    the checklist at each launch, and a process figure would measure the compiler.
    """
    import compileall

    from wizard import tomlcache
    from wizard.checklist.loader import DEFAULT_CHECKLIST, checklist_dir

    compileall.compile_dir(str(ROOT / "wizard"), quiet=1)
    tomlcache.compile_file(checklist_dir() / DEFAULT_CHECKLIST)


def machine() -> str:
    """The machine the figures come from, in a few words: cores and the load average."""
    import os

    cores = os.cpu_count() or 0
    try:
        load = os.getloadavg()[0]
    except OSError:
        return f"{cores}-core machine"
    return f"{cores}-core machine, load average {load:.1f} at the start"
