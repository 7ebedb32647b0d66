"""`spmail-wizard new --plain` in a real pseudo-terminal, with real questionary prompts."""

from __future__ import annotations

import os
import re
import signal
import sys
from pathlib import Path

import pexpect
import pytest

from tests.farm.fixtures import FarmFactory
from wizard.checklist.loader import load_default

TOTAL = len(load_default().for_mode("nlb"))
"""Steps of the NLB session this test walks, as the checklist has them."""

QUESTION = "what now? (1 to 7, m: the menu, ?: help)"
"""The step's question, to its end: once it is drawn, the prompt reads keys."""
KEPT = [
    "DNS zone",
    "How many SMTP servers",
    "Node 1 name",
    "Node 1 address",
    "Node 1 drop folder",
    "Node 2 name",
    "Node 2 address",
    "Node 2 drop folder",
    "Cluster VIP",
    "Exchange servers",
    "DNS servers",
    "SMTP port",
    "Connection control",
    "SharePoint version",
    "Exchange version",
    "Windows version",
    "Test recipient",
    "Outgoing server",
    "SharePoint servers",
    "Proof age limit",
]
"""The questions after the mail host, in the order they are asked (NLB, two nodes)."""


def _ignore_sigint() -> None:
    """What a shell does for a background job of a script: the child starts with SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _spawn(args: list[str], home: Path, *, sigint_ignored: bool = False) -> pexpect.spawn:
    env = dict(os.environ, SPMAIL_WIZARD_HOME=str(home), TERM="xterm", COLUMNS="100", LINES="40")
    env.pop("NO_COLOR", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "wizard", *args],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 100),
        cwd=str(Path(__file__).parent.parent.parent),
        preexec_fn=_ignore_sigint if sigint_ignored else None,
    )


def _menu(child: pexpect.spawn, label: str) -> None:
    """Choose an action of the step's menu by its number, read from the menu as printed."""
    child.expect(r"(\d)\) " + re.escape(label))
    number = child.match.group(1)
    _answer(child, number)


def _answer(child: pexpect.spawn, answer: str) -> None:
    """Wait for the step's question, then type the answer."""
    child.expect_exact(QUESTION)
    child.send(answer)
    child.send("\r")


@pytest.mark.timeout(120)
def test_plain_session_in_a_terminal_checks_validates_quits_and_resumes(
    farm: FarmFactory, wizard_home: Path, tmp_path: Path
) -> None:
    running = farm("good", nodes=2)
    plan_file = running.write_plan(tmp_path / "farm.toml")
    child = _spawn(["new", "--plain", "--plan", str(plan_file), "--name", "pty-one"], wizard_home)
    try:
        child.expect(f"Step 1 of {TOTAL}: Choose single server or load balanced")

        # Change the mail host to something invalid: the reason shows, nothing is taken.
        _menu(child, "Other actions")
        child.expect(r"(\d+)\) Change the farm's values")
        number = child.match.group(1)
        child.expect_exact("Enter: back to the step)")
        child.send(number + "\r")
        child.expect(r"Mode .*\?|Mode")
        child.send("\r")
        child.expect("Mail host")
        child.send(" x")
        child.send("\r")
        child.expect("contains ' '; a host name holds only letters")
        child.send("\x7f\x7f")
        child.send("\r")
        # Keep every other answer as it is, one question at a time.
        for question in KEPT:
            child.expect(re.escape(question))
            child.send("\r")
        child.expect("These values make a complete plan.")
        _answer(child, "m")  # the menu again, on request
        _menu(child, "Run the live checks")
        child.expect("Checked: ")
        child.expect("Proof for Choose single server or load balanced: ")
        readout = child.before or ""
        assert "Most serious first:" in readout
        assert "PASS  wfe1.foo.local:" in readout
        assert "PASS  mossmail.foo.local:" in readout

        _answer(child, "done")
        child.expect("Done: Choose single server")
        child.expect(f"Step 2 of {TOTAL}: Create the Host")
        _answer(child, "quit")
        child.expect("Saved. Resume with")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0

    child = _spawn(["resume", "pty-one", "--plain"], wizard_home)
    try:
        child.expect(f"Step 2 of {TOTAL}: Create the Host")
        # The question is drawn to its end: the prompt reads keys now, so ctrl+c is not sent into the void.
        child.expect_exact(QUESTION)
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 130


@pytest.mark.timeout(120)
def test_ctrl_c_interrupts_a_live_check_even_when_started_with_sigint_ignored(
    farm: FarmFactory, wizard_home: Path, tmp_path: Path
) -> None:
    running = farm("silent", nodes=2)  # every node accepts and never greets: the checks wait
    plan_file = running.write_plan(tmp_path / "farm.toml")
    child = _spawn(
        ["new", "--plain", "--plan", str(plan_file), "--name", "bg"], wizard_home, sigint_ignored=True
    )
    try:
        _menu(child, "Run the live checks")
        child.expect("Checking")
        child.kill(signal.SIGINT)  # the terminal's ctrl+c, outside any raw-mode prompt
        seen = child.expect(["interrupted; everything answered so far is saved", "Checked: "])
        assert seen == 0, "the interrupt was lost: the checks ran to their end"
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 130
