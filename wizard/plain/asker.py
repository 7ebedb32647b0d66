"""The line-by-line question layer: questionary for people, a script for tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

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
