"""Plain mode on a dumb terminal, and with its output going to a pipe: bare lines, not one escape code."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).parent.parent.parent
PLAN = ROOT / "tests" / "data" / "single.toml"
PROMPT = re.compile(re.escape("?: help) "))
"""The end of the step's question, where plain mode waits for the answer."""


def _spawn(command: str, args: list[str], home: Path, term: str) -> pexpect.spawn:
    env = dict(os.environ, SPMAIL_WIZARD_HOME=str(home), TERM=term, COLUMNS="80", LINES="24")
    env.pop("NO_COLOR", None)
    return pexpect.spawn(
        command, args, env=env, encoding="utf-8", timeout=30, dimensions=(24, 80), cwd=str(ROOT)
    )


def _walk_and_quit(child: pexpect.spawn) -> str:
    """Wait for the first step's question, quit, and return everything the terminal was sent."""
    seen = ""
    try:
        child.expect("Step 1 of ")
        seen += (child.before or "") + (child.after or "")
        child.expect("what now")
        seen += (child.before or "") + (child.after or "")
        assert "\x1b" not in seen, f"escape codes around the first question: {seen[-300:]!r}"
        child.expect(PROMPT)  # the answer is read only once the question is out
        seen += (child.before or "") + (child.after or "")
        child.send("quit\r")
        child.expect("Saved. Resume with")
        seen += (child.before or "") + (child.after or "")
        child.expect(pexpect.EOF)
        seen += child.before or ""
    finally:
        child.close()
    assert child.exitstatus == 0, seen
    return seen


@pytest.mark.timeout(120)
def test_a_dumb_terminal_gets_no_escape_code(wizard_home: Path) -> None:
    args = ["-m", "wizard", "new", "--plain", "--plan", str(PLAN), "--name", "dumb"]
    seen = _walk_and_quit(_spawn(sys.executable, args, wizard_home, "dumb"))
    assert "Run the live checks" in seen
    assert "\x1b" not in seen, repr(seen[seen.index("\x1b") - 40 :][:120])


@pytest.mark.timeout(120)
def test_output_to_a_pipe_gets_no_escape_code_even_on_a_capable_terminal(wizard_home: Path) -> None:
    # The operator types on the terminal; what plain mode writes goes through a pipe (a log, a tee).
    command = f"set -o pipefail; {sys.executable} -m wizard new --plain --plan {PLAN} --name piped | cat"
    seen = _walk_and_quit(_spawn("bash", ["-c", command], wizard_home, "xterm-256color"))
    assert "Run the live checks" in seen
    assert "\x1b" not in seen, repr(seen[seen.index("\x1b") - 40 :][:120])


def test_bare_lines_ask_again_with_the_reason_and_take_numbers_words_or_enter() -> None:
    import io

    from wizard.plain.asker import LineAsker

    typed = io.StringIO("x y\nmossmail\n\n3\nresume\nmaybe\n\n")
    out = io.StringIO()
    asker = LineAsker(typed, out)
    assert asker.text("Mail host:", validate=lambda t: " " not in t or "no spaces") == "mossmail"
    choices = [("new", "Start a new session"), ("resume", "Resume a saved session")]
    assert asker.choose("Which?", choices, default="resume") == "resume"  # Enter: the default
    assert asker.choose("Which?", choices) == "resume"  # 3 is refused, the word is taken
    assert asker.confirm("Sure?", default=True) is True  # "maybe" refused, then Enter
    said = out.getvalue()
    assert "Not taken: no spaces" in said
    assert "  2) Resume a saved session" in said
    assert "Not taken: type a number from 1 to 2." in said
    assert "Not taken: type y or n." in said
    with pytest.raises(EOFError):
        asker.text("More?")
