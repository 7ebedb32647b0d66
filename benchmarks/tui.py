"""How fast the real wizard answers an operator, measured in a pseudo-terminal, as ratios of one run.

Run from the repository root: ``python -m benchmarks.tui [--repeat 9]``.

Every figure starts a real process in a 120x40 pseudo-terminal and reads what
it draws through a terminal emulator (pyte) until a known text is on the
screen; nothing is read from inside the process. A figure ends when the output
that completed the screen arrived at the terminal (stamped by a reader thread),
not when pyte has finished emulating it. Sessions live in a temporary folder;
the checks talk only to servers this script starts on 127.0.0.0/8. The package
is byte-compiled first, as an install is.

- first screen: launch to the start screen, against a minimal Textual app
  (header, one line, footer) started the same way;
- step change: a key press to the next (or previous) step's title on screen,
  pressed as soon as the step before it is on screen. The wizard marks a step
  shown in the same call that draws it, so a key sent once its frame is read
  here comes after that mark and is never dropped as typed ahead (no reading
  time either: the steps the wizard builds while the operator reads get no
  head start here);
- echo: a key typed in the export dialog's path field to the character on
  screen, while Check all runs more than 64 checks against a farm whose nodes
  never answer;
- greeting times: the median greeting time the wizard records for a farm of
  32 nodes with Check all, against the same sweep run headless by
  ``check --json`` just before and just after, on the same farm. The farm is
  served by ``rehearse --serve`` in a process of its own;
- ``--version``: launch to exit.

`check` as a process is compared with swaks by ``python -m benchmarks.startup``.
A run that fails because the machine is too busy (a screen not drawn within
30 s) is run again, and said so; after three such failures the script ends
with one line saying which figure could not be measured. A run the wizard
itself spoils (a key sent after its step was drawn, dropped as typed ahead; a
process that ends) is not run again: its figure is a row saying why.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pexpect
import pyte

from benchmarks.common import LoadFailure, Report, compile_package, machine, ratio, retried
from wizard.farm.apart import farm_apart

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
COLUMNS, LINES = 120, 40
MINIMAL_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static


class Minimal(App[None]):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def compose(self):
        yield Header()
        yield Static("minimal app ready")
        yield Footer()


Minimal().run()
"""
ECHO_NODES = 8
"""Nodes of the silent farm: Check all then runs more than 64 checks at once."""
ECHO_TEXT = "CHG4711-night.md"
CHECK_TIMEOUT = 60.0
"""The wizard's probe timeout for the echo figure: the silent farm's checks stay under way this
long. At the wizard's default (5 s) a busy machine took longer than that to open the export
dialog, and no key was typed while the checks still ran."""
MIN_ECHOES = 4
"""Fewest keys echoed while the checks run for the figure to mean anything."""
WIZARD_WITH_TIMEOUT = """
import sys

from wizard.tui.app import WizardApp
from wizard.tui.options import CheckOptions
from wizard.tui.running import run_app

sys.exit(run_app(WizardApp(options=CheckOptions(timeout=float(sys.argv[1]))), sys.argv[2]))
"""
"""The wizard as `resume` opens it, with a probe timeout of its own (the command line has none)."""
CTRL = {"n": "\x0e", "g": "\x07", "r": "\x12", "q": "\x11"}
GREETING_NODES = 32
GREETING = re.compile(r"greets with 220 in (\d+) ms")
GREETING_FLOOR_MS = 5
"""Below this a greeting time is a few scheduler ticks: twice that is the least a target can be."""
TARGETS = {
    "first screen ratio": 1.3,
    "step change ms": 100.0,
    "echo ms": 50.0,
    "--version s": 0.15,
}


class Terminal:
    """A process in a pseudo-terminal, and the screen it has drawn so far.

    A thread reads the terminal and stamps each chunk of output with the moment it
    arrived; a figure ends when the chunk that completes the wanted screen arrived,
    not when this script has finished emulating it (pyte takes about 25 ms for a
    full 120x40 frame, which a real terminal draws in well under one).
    """

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)
        self.started = time.perf_counter()
        self.child = pexpect.spawn(
            argv[0], argv[1:], env=env, cwd=str(ROOT), dimensions=(LINES, COLUMNS), timeout=None
        )
        self._chunks: queue.Queue[tuple[float, bytes]] = queue.Queue()
        self._ended = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.child.child_fd, 65536)
            except OSError:
                chunk = b""
            self._chunks.put((time.perf_counter(), chunk))
            if not chunk:
                return

    def text(self) -> str:
        """The screen as lines of text."""
        return "\n".join(self.screen.display)

    def _take(self, timeout: float) -> float | None:
        """Feed one chunk to the screen; returns when it arrived (None: nothing came within ``timeout``)."""
        try:
            arrived, chunk = self._chunks.get(timeout=timeout)
        except queue.Empty:
            return None
        if not chunk:
            self._ended = True
            raise RuntimeError(
                f"the wizard's process ended before the screen wanted; its last screen:\n{self.text()}"
            )
        self.stream.feed(chunk)
        return arrived

    def wait_for(self, wanted: Callable[[str], bool], limit: float = 30.0) -> float:
        """Read output until ``wanted(screen text)`` holds; returns when the output that made it hold arrived."""
        deadline = time.perf_counter() + limit
        arrived = time.perf_counter()
        while not wanted(self.text()):
            if time.perf_counter() > deadline:
                raise TimeoutError(f"not on screen within {limit} s:\n{self.text()}")
            arrived = self._take(0.05) or arrived
        return arrived

    def drain(self) -> None:
        """Take in whatever output is waiting, without blocking."""
        while self._take(0.01) is not None:
            pass

    def send(self, keys: str) -> float:
        """Type keys; returns the moment they were written."""
        self.drain()
        moment = time.perf_counter()
        os.write(self.child.child_fd, keys.encode())
        return moment

    def close(self) -> None:
        """Quit the app and make sure the process is gone."""
        if self.child.isalive() and not self._ended:
            os.write(self.child.child_fd, CTRL["q"].encode())
            deadline = time.perf_counter() + 10
            try:
                while time.perf_counter() < deadline:
                    self._take(0.1)
            except RuntimeError:
                pass
        self.child.close(force=True)


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "SPMAIL_WIZARD_HOME": str(home),
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "PYTHONPATH": str(ROOT),
            "TEXTUAL_ANIMATIONS": "none",
        }
    )
    return env


def _wizard(*args: str) -> list[str]:
    return [sys.executable, "-m", "wizard", *args]


def first_screen(home: Path, repeat: int) -> tuple[float, float]:
    """Median seconds from launch to the minimal app's screen, and to the wizard's start screen."""
    minimal, wizard = [], []
    for _ in range(repeat):
        term = Terminal([sys.executable, "-c", MINIMAL_APP], _env(home))
        minimal.append(term.wait_for(lambda text: "minimal app ready" in text) - term.started)
        term.close()
        term = Terminal(_wizard(), _env(home))
        # The whole start screen: its intro, the first tab's fields and the key line.
        wizard.append(
            term.wait_for(
                lambda text: "prove each step live" in text and "Plan file" in text and "palette" in text
            )
            - term.started
        )
        term.close()
    return statistics.median(minimal), statistics.median(wizard)


DROPPED = "not applied:"
"""The start of the wizard's notice for a key it took as typed ahead and did not apply."""


class KeyDropped(RuntimeError):
    """The wizard dropped a key sent after its step was on screen: a defect, not load, so not retried."""


def _title(number: int, total: int) -> Callable[[str], bool]:
    def shown(text: str) -> bool:
        # The title is drawn in the same call that marks the step shown, so a key sent once it
        # is read must apply; a notice that it did not is the wizard's fault, said at once
        # rather than after a 30-second wait for a step that will not come.
        if DROPPED in text:
            raise KeyDropped(
                f"the wizard dropped a key sent after its step was on screen, as typed ahead:\n{text}"
            )
        return f"Step {number} of {total} ·" in text

    return shown


def step_changes(home: Path, session: str) -> tuple[list[float], list[float]]:
    """Seconds per step change: first visits (forward through every step), then visits again."""
    term = Terminal(_wizard("resume", session), _env(home))
    first: list[float] = []
    again: list[float] = []
    try:
        term.wait_for(lambda text: "Step 1 of " in text)
        total = int(term.text().split("Step 1 of ", 1)[1].split()[0])
        moves = [(CTRL["n"], number, first) for number in range(2, total + 1)]
        moves += [(CTRL["g"], number, again) for number in range(total - 1, 0, -1)]
        moves += [(CTRL["n"], number, again) for number in range(2, total + 1)]
        for key, number, figures in moves:
            pressed = term.send(key)
            figures.append(term.wait_for(_title(number, total)) - pressed)
    finally:
        term.close()
    return first, again


def _save_session(home: Path, name: str, plan_data: dict[str, Any], step: str) -> None:
    code = (
        "import json, sys\n"
        "from wizard import store\n"
        "from wizard.checklist.loader import load_default\n"
        "from wizard.session import Session\n"
        "session = Session(name=sys.argv[1], plan_data=json.loads(sys.argv[2]))\n"
        "session.go_to(load_default(), sys.argv[3])\n"
        "store.save(session)\n"
    )
    subprocess.run(
        [sys.executable, "-c", code, name, json.dumps(plan_data), step], env=_env(home), cwd=ROOT, check=True
    )


def _nlb_plan(dns_servers: list[str]) -> dict[str, Any]:
    return {
        "mode": "nlb",
        "mail_host": "mossmail.foo.local",
        "dns_zone": "foo.local",
        "vip": "127.0.0.50",
        "exchange_servers": ["127.0.0.20"],
        "dns_servers": dns_servers,
        "sharepoint_version": "2010",
        "exchange_version": "2010",
        "test_recipient": "docs@mossmail.foo.local",
        "nodes": [
            {"name": "wfe1.foo.local", "address": "127.0.0.11"},
            {"name": "wfe2.foo.local", "address": "127.0.0.12"},
        ],
    }


def _check_count(plan_data: dict[str, Any]) -> int:
    from wizard.checklist.loader import load_default
    from wizard.checks import CHECKS
    from wizard.plan.model import parse_plan

    plan = parse_plan(plan_data)
    steps = load_default().for_mode(plan.mode)
    return sum(len(CHECKS[name].targets(plan)) for step in steps for name in step.checks)


def echo_while_checking(home: Path) -> tuple[list[float], int]:
    """Seconds from each typed character to its echo, in the export dialog's path field, while Check all runs.

    The farm's nodes accept connections and never greet, so every SMTP check
    stays under way until its timeout while the keys are typed.
    """
    from wizard.farm import Farm

    with Farm("silent", ECHO_NODES) as farm:
        plan = farm.plan_data
        checks = _check_count(plan)
        plan.pop("schema", None)
        _save_session(home, "echo", plan, "mode")
        launch = [sys.executable, "-c", WIZARD_WITH_TIMEOUT, str(CHECK_TIMEOUT), "echo"]
        term = Terminal(launch, _env(home))
        try:
            term.wait_for(lambda text: "Step 1 of " in text)
            term.send("\x1b")
            term.send("\x10")  # ctrl+p: the command palette
            term.wait_for(lambda text: "Search for commands" in text)
            term.send("Check all steps")
            term.wait_for(lambda text: "Run every step's live checks" in text)
            started = term.send("\r")
            term.wait_for(lambda text: "Checking every step" in text and "RUN " in text)
            term.send("\x05")  # ctrl+e: the export dialog, its path field focused
            term.wait_for(lambda text: "echo-runbook.md" in text)
            echoes = []
            # The suggested path is selected: the first key replaces it, as it would for an operator.
            for length in range(1, len(ECHO_TEXT) + 1):
                pressed = term.send(ECHO_TEXT[length - 1])
                echoed = term.wait_for(functools.partial(_field_shows, "Write to", ECHO_TEXT[:length]))
                # Only a key echoed while the checks still ran counts: on a very busy machine the
                # typing can outlast the checks' timeout, and later keys measure an idle wizard.
                if echoed - started < CHECK_TIMEOUT:
                    echoes.append(echoed - pressed)
        finally:
            term.close()
    if len(echoes) < MIN_ECHOES:
        raise LoadFailure(
            f"only {len(echoes)} keys were echoed within the checks' {CHECK_TIMEOUT:g} s timeout; "
            f"at least {MIN_ECHOES} are needed"
        )
    return echoes, checks


def greeting_times(summaries: list[str]) -> list[int]:
    """The greeting times (ms) in the summaries of ``smtp-greeting`` results, one per target that greeted."""
    found = (GREETING.search(summary) for summary in summaries)
    return [int(match.group(1)) for match in found if match]


def greeting_target_ms(headless: list[int]) -> float:
    """The most the wizard's median greeting may be: twice the headless median, or twice the floor."""
    return 2 * max(statistics.median(headless), GREETING_FLOOR_MS)


def _headless_greetings(home: Path, session: str) -> list[int]:
    done = subprocess.run(
        _wizard("check", "--session", session, "--json"),
        env=_env(home),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    results = json.loads(done.stdout)["results"]
    return greeting_times([result["summary"] for result in results if result["check"] == "smtp-greeting"])


def _recorded_greetings(home: Path, session: str) -> list[int]:
    code = (
        "import json, sys\n"
        "from wizard import store\n"
        "session = store.load(sys.argv[1])\n"
        "print(json.dumps([result.summary for progress in session.progress.values()\n"
        "    for result in progress.results if result.check == 'smtp-greeting']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, session],
        env=_env(home),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return greeting_times(json.loads(done.stdout))


def greetings_in_wizard(home: Path) -> tuple[list[int], list[int]]:
    """Greeting times (ms) the wizard records with Check all at 32 nodes, and a headless run's.

    The headless sweep runs before and after the wizard's, so a load that came and went weighs on
    both sides.
    """
    with farm_apart("complete", GREETING_NODES) as plan_file:
        with plan_file.open("rb") as file:
            plan = tomllib.load(file)
        plan.pop("schema", None)
        _save_session(home, "greet", plan, "mode")
        headless = _headless_greetings(home, "greet")
        term = Terminal(_wizard("resume", "greet"), _env(home))
        try:
            term.wait_for(lambda text: "Step 1 of " in text)
            term.send("\x10")  # ctrl+p: the command palette
            term.wait_for(lambda text: "Search for commands" in text)
            term.send("Check all steps")
            term.wait_for(lambda text: "Run every step's live checks" in text)
            term.send("\r")
            term.wait_for(lambda text: "Checked:" in text and "Saved." in text)
        finally:
            term.close()
        in_wizard = _recorded_greetings(home, "greet")
        headless += _headless_greetings(home, "greet")
    if len(in_wizard) < GREETING_NODES or len(headless) < GREETING_NODES:
        raise RuntimeError(
            f"too few greetings recorded: {len(in_wizard)} in the wizard, {len(headless)} headless"
        )
    return in_wizard, headless


def _field_shows(label: str, typed: str, text: str) -> bool:
    for line in text.splitlines():
        if label in line:
            return line.split(label, 1)[1].lstrip(" ▊▐▌").startswith(typed)
    return False


def version(home: Path, repeat: int) -> float:
    """Median seconds of ``--version``, launch to exit."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(_wizard("--version"), env=_env(home), cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@contextmanager
def _home() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="spmail-bench-") as folder:
        yield Path(folder)


def _measured(what: str, measure: Callable[[], T]) -> T | str:
    """The measurement, or why it could not be taken: too busy a machine (after the retries), or
    the wizard at fault (a dropped key, an unexpected exit), said once and not retried."""
    try:
        return retried(what, measure)
    except LoadFailure as exc:
        print(f"benchmarks.tui: {exc}", file=sys.stderr)
        return "not measured: the machine was too busy (see the run's output)"
    except KeyDropped as exc:
        print(f"benchmarks.tui: {what}: {exc}", file=sys.stderr)
        return "not measured: the wizard dropped a key sent after its step was drawn (see the run's output)"
    except RuntimeError as exc:
        print(f"benchmarks.tui: {what}: {exc}", file=sys.stderr)
        return f"not measured: {str(exc).splitlines()[0]} (see the run's output)"


def run(repeat: int) -> Report:
    """Measure everything; the README block is the table, with the issues' targets.

    A figure that could not be measured after its retries is a row saying so; the others stand.
    """
    report = Report("tui")
    started_on = machine()
    compile_package()
    rows: list[tuple[str, float | str, str, str]] = []
    # The greeting's target is set by the headless figure of the same run.
    targets = dict(TARGETS)
    with _home() as home:
        _save_session(home, "walk", _nlb_plan(["127.0.0.1:53"]), "mode")
        screens = _measured("first screen", functools.partial(first_screen, home, repeat))
        if isinstance(screens, str):
            rows.append(("first screen / a minimal Textual app (header, line, footer)", screens, "", ""))
        else:
            minimal, wizard = screens
            rows.append(
                (
                    "first screen / a minimal Textual app (header, line, footer)",
                    ratio(wizard, minimal),
                    "first screen ratio",
                    f"{wizard * 1000:.0f} ms / {minimal * 1000:.0f} ms",
                )
            )
        changes = _measured("step changes", functools.partial(step_changes, home, "walk"))
        if isinstance(changes, str):
            rows.append(("step change, key press to the new step's title, median", changes, "", ""))
        else:
            first, again = changes
            every = first + again
            rows.append(
                (
                    "step change, key press to the new step's title, median",
                    statistics.median(every) * 1000,
                    "step change ms",
                    f"first visits {statistics.median(first) * 1000:.0f} ms, again "
                    f"{statistics.median(again) * 1000:.0f} ms, slowest {max(every) * 1000:.0f} ms, "
                    f"{len(every)} changes",
                )
            )
        echo = _measured("echo while checking", functools.partial(echo_while_checking, home))
        if isinstance(echo, str):
            rows.append(("key echo in a text field while Check all runs, median", echo, "", ""))
        else:
            echoes, running = echo
            rows.append(
                (
                    f"key echo in a text field while {running} checks run, median",
                    statistics.median(echoes) * 1000,
                    "echo ms",
                    f"slowest {max(echoes) * 1000:.0f} ms of {len(echoes)} keys",
                )
            )
        greetings = _measured("greeting times", functools.partial(greetings_in_wizard, home))
        label = f"greeting at {GREETING_NODES} nodes recorded by the wizard's Check all, median"
        if isinstance(greetings, str):
            rows.append((label, greetings, "", ""))
        else:
            in_wizard, headless = greetings
            headless_ms = statistics.median(headless)
            targets["greeting ms"] = greeting_target_ms(headless)
            rows.append(
                (
                    label,
                    statistics.median(in_wizard),
                    "greeting ms",
                    f"headless `check` {headless_ms:.0f} ms (target: twice that, or twice "
                    f"{GREETING_FLOOR_MS} ms); slowest {max(in_wizard)} ms in the wizard, "
                    f"{max(headless)} ms headless",
                )
            )
        rows.append(("`--version`", version(home, repeat), "--version s", ""))
    units = {
        "first screen ratio": "",
        "step change ms": " ms",
        "echo ms": " ms",
        "greeting ms": " ms",
        "--version s": " s",
    }
    report.say(f"median of {repeat} launches, {started_on}")
    report.say(f"{'measure':<62} {'figure':>9}  {'target':>10}  detail")
    table = ["| measure | figure | target | detail |", "|---|---:|---:|---|"]
    for label, figure, key, detail in rows:
        if isinstance(figure, str):
            report.say(f"{label:<62} {figure}")
            table.append(f"| {label} | | | {figure} |")
            continue
        target = targets[key]
        shown = f"{figure:.0f}" if units[key] == " ms" else f"{figure:.2f}"
        verdict = f"<= {target:g}" + (" ok" if figure <= target else " MISSED")
        report.say(f"{label:<62} {shown + units[key]:>9}  {verdict:>10}  {detail}")
        table.append(f"| {label} | {shown}{units[key]} | <= {target:g}{units[key]} | {detail} |")
    report.block = "\n".join(
        [f"Measured with `python -m benchmarks.tui --repeat {repeat}` ({started_on}):", "", *table]
    )
    if any(isinstance(figure, str) for _label, figure, _key, _detail in rows):
        report.incomplete = True
    return report


def main() -> None:
    """Measure everything and print one table; the targets are the issues'."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="launches per figure; the median is shown")
    args = parser.parse_args()
    if run(args.repeat).incomplete:
        sys.exit("benchmarks.tui: some figures were not measured (see above for why)")


if __name__ == "__main__":
    main()
