"""The line-by-line question layer: questionary on a capable terminal, bare numbered lines elsewhere, a script for tests."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Protocol, TextIO

Validator = Callable[[str], "bool | str"]
"""Returns True for an acceptable answer, or the reason it is refused."""


class Asker(Protocol):
    """Asks one question at a time and prints plain lines."""

    def text(self, message: str, *, default: str = "", validate: Validator | None = None) -> str:
        """A typed answer; asked again until ``validate`` accepts it."""
        ...

    def choose(self, message: str, choices: Sequence[tuple[str, str]], *, default: str | None = None) -> str:
        """One of ``(value, label)`` choices; returns the value."""
        ...

    def confirm(self, message: str, *, default: bool = False) -> bool:
        """Yes or no."""
        ...

    def say(self, text: str = "") -> None:
        """Print a line (or several)."""
        ...


class QuestionaryAsker:
    """Real prompts: numbered choices and plain text, one question at a time.

    Numbered choices (``rawselect``) are read out well by screen readers and
    need no arrow keys; every prompt raises KeyboardInterrupt on Ctrl+C.
    """

    def text(self, message: str, *, default: str = "", validate: Validator | None = None) -> str:
        import questionary

        answer = questionary.text(message, default=default, validate=validate).unsafe_ask()
        return str(answer)

    def choose(self, message: str, choices: Sequence[tuple[str, str]], *, default: str | None = None) -> str:
        import questionary

        items = [questionary.Choice(label, value=value) for value, label in choices]
        known = default if any(value == default for value, _label in choices) else None
        answer = questionary.rawselect(message, choices=items, default=known).unsafe_ask()
        return str(answer)

    def confirm(self, message: str, *, default: bool = False) -> bool:
        import questionary

        return bool(questionary.confirm(message, default=default).unsafe_ask())

    def say(self, text: str = "") -> None:
        print(text, flush=True)


DUMB_TERMINALS = frozenset({"dumb", "unknown"})
"""TERM values of terminals that act on no escape code (prompt_toolkit treats these the same way)."""


class LineAsker:
    """Questions as bare lines: numbered choices, typed answers, no escape code ever.

    For a terminal that cannot take escape codes (``TERM=dumb``), output that is
    not a terminal, and a screen reader that reads each line once as it is
    written: nothing is redrawn, moved or coloured. End of input is EOFError and
    Ctrl+C is KeyboardInterrupt, as with questionary.
    """

    def __init__(self, stdin: TextIO | None = None, stdout: TextIO | None = None) -> None:
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout

    def _ask(self, prompt: str) -> str:
        self.stdout.write(f"{prompt} ")
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\r\n")

    def text(self, message: str, *, default: str = "", validate: Validator | None = None) -> str:
        keep = f" (Enter keeps: {default})" if default else ""
        while True:
            answer = self._ask(f"{message}{keep}") or default
            verdict = True if validate is None else validate(answer)
            if verdict is True:
                return answer
            self.say(f"Not taken: {verdict}")

    def choose(self, message: str, choices: Sequence[tuple[str, str]], *, default: str | None = None) -> str:
        values = [value for value, _label in choices]
        known = values.index(default) + 1 if default in values else None
        self.say(message)
        for number, (_value, label) in enumerate(choices, start=1):
            self.say(f"  {number}) {label}")
        keep = f", Enter: {known}" if known else ""
        while True:
            answer = self._ask(f"Number (1 to {len(choices)}{keep}):").strip()
            if not answer and known:
                return values[known - 1]
            if answer.isdigit() and 1 <= int(answer) <= len(choices):
                return values[int(answer) - 1]
            if answer in values:
                return answer
            self.say(f"Not taken: type a number from 1 to {len(choices)}.")

    def confirm(self, message: str, *, default: bool = False) -> bool:
        while True:
            answer = self._ask(f"{message} (y or n, Enter: {'y' if default else 'n'})").strip().lower()
            if not answer:
                return default
            if answer in ("y", "yes", "n", "no"):
                return answer.startswith("y")
            self.say("Not taken: type y or n.")

    def say(self, text: str = "") -> None:
        self.stdout.write(f"{text}\n")
        self.stdout.flush()


def terminal_asker() -> Asker:
    """questionary where the terminal draws it; bare lines for a dumb terminal or when either end is not one."""
    dumb = os.environ.get("TERM", "") in DUMB_TERMINALS
    if dumb or not sys.stdin.isatty() or not sys.stdout.isatty():
        return LineAsker()
    return QuestionaryAsker()
