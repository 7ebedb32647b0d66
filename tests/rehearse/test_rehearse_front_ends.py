"""`rehearse` with a front end: plain prompts in a real terminal, and the full-screen palette."""

from __future__ import annotations

import os
import re
import signal
import sys
from pathlib import Path

import pexpect
import pytest

from tests.farm.fixtures import FarmFactory
from wizard import jobs, store
from wizard.checklist.loader import load_default
from wizard.checklist.model import Checklist
from wizard.tui.rehearsal import RehearsalApp

ROOT = Path(__file__).parent.parent.parent
NLB_STEPS = load_default().for_mode("nlb")
"""The steps a two-node rehearsal walks, from the checklist: "Step 1 of N" follows it."""


def _spawn(args: list[str], home: Path) -> pexpect.spawn:
    env = dict(os.environ, SPMAIL_WIZARD_HOME=str(home), TERM="xterm", COLUMNS="100", LINES="40")
    env.pop("NO_COLOR", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "wizard", *args],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 100),
        cwd=str(ROOT),
    )


def _choose(child: pexpect.spawn, question: str, label: str) -> None:
    child.expect(re.escape(question))
    child.expect(r"(\w)\) " + re.escape(label))
    child.send(child.match.group(1))
    child.send("\r")


def _answer(child: pexpect.spawn, answer: str) -> None:
    """Wait for the step's question to be drawn to its end, then type the answer."""
    child.expect_exact("what now? (1 to 7, m: the menu, ?: help)")
    child.send(answer + "\r")


def _other(child: pexpect.spawn, label: str) -> None:
    """Choose an action under "other" by the number it is listed with."""
    _answer(child, "other")
    child.expect(r"(\d+)\) " + re.escape(label))
    number = child.match.group(1)
    child.expect_exact("Enter: back to the step)")
    child.send(number + "\r")


def _check(child: pexpect.spawn) -> str:
    """Run the step's checks; what is read out after them, most serious first."""
    _answer(child, "check")
    child.expect("Checked: ")
    child.expect("Proof for ")
    return str(child.before or "")


@pytest.mark.timeout(120)
def test_plain_rehearsal_breaks_and_fixes_the_farm_between_checks(wizard_home: Path) -> None:
    child = _spawn(["rehearse", "--plain", "--state", "node-down"], wizard_home)
    try:
        child.expect("Session 'rehearsal-node-down' saved")
        child.expect(re.escape(f"Step 1 of {len(NLB_STEPS)}: {NLB_STEPS[0].title}"))
        assert "FAIL  wfe2.foo.local:" in _check(child)

        _other(child, "Practice farm: fix this step")
        child.expect("The SMTP service on wfe2 is running.")
        shown = _check(child)
        assert "PASS  wfe2.foo.local:" in shown and "FAIL" not in shown

        _other(child, "Practice farm: break or change something")
        _choose(child, "Change the practice farm:", "Stop the SMTP service on wfe1")
        child.expect("The SMTP service on wfe1 is stopped.")
        assert "FAIL  wfe1.foo.local:" in _check(child)

        _answer(child, "quit")
        child.expect("practice farm stopped")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


@pytest.mark.timeout(120)
async def test_palette_command_stops_a_node_of_the_running_farm(
    farm: FarmFactory, checklist: Checklist, wizard_home: Path
) -> None:
    running = farm("complete", nodes=2)
    session = jobs.create_session(checklist, "palette", running.plan)
    app = RehearsalApp(checklist, running)
    app.open_session(session.name)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+p")
            await pilot.press(*"farm stop smtp wfe2")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert not running.nodes[1].listening
            assert running.nodes[0].listening
            titles = [c.title for c in app.get_system_commands(app.screen)]
            assert "Farm: Start the SMTP service on wfe2" in titles
            assert "Farm: fix this step (Choose single server or load balanced)" in titles
    finally:
        app.close_session()
    assert store.exists("palette")


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("front_end", "ready", "said"),
    [
        ([], f"Step 1 of {len(NLB_STEPS)}", "\x1b[?1049l"),  # the full screen's alternate screen is left
        (["--plain"], "what now?", "interrupted; everything answered so far is saved"),
    ],
    ids=["full-screen", "plain"],
)
def test_sigterm_ends_a_rehearsal_cleanly(
    front_end: list[str], ready: str, said: str, wizard_home: Path
) -> None:
    child = _spawn(["rehearse", *front_end, "--state", "complete"], wizard_home)
    try:
        child.expect(r"Drop (\S+)")
        drop = Path(child.match.group(1))
        child.expect(ready)
        child.kill(signal.SIGTERM)
        child.expect(pexpect.EOF)
        told = str(child.before or "")
    finally:
        child.close(force=True)
    assert child.exitstatus == 130, "ended as interrupted, not killed"
    assert said in told
    assert "practice farm stopped" in told
    farm_root = next(parent for parent in drop.parents if parent.name.startswith("spmail-farm-"))
    assert not farm_root.exists(), "the practice farm's folder was left behind"
    assert store.load("rehearsal-complete").name == "rehearsal-complete"
