"""The error types the wizard raises for things a user can fix."""

from __future__ import annotations

from wizard.bounds import QUOTE_CHARS
from wizard.record import record

QUOTE_LIMIT = QUOTE_CHARS
"""Longest quoted value in a message: a 1 MB bad value is named, not echoed back."""


def quote(value: object) -> str:
    """A value for a one-line message: its repr, cut to about 60 characters."""
    text = repr(value)
    return (
        text
        if len(text) <= QUOTE_LIMIT
        else f"{text[: QUOTE_LIMIT - 5]}...{text[-1]} ({len(str(value)):,} chars)"
    )


def one_line(message: str, limit: int = 400) -> str:
    """A message as one line: line breaks and control characters become spaces, cut at ``limit``."""
    text = "".join(" " if not ch.isprintable() else ch for ch in message)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class WizardError(Exception):
    """Base of every error that is reported to the user as one line."""


@record
class Problem:
    """One defect in a plan."""

    key: str
    """Dotted key at fault (``nodes[1].address``), or ``""`` for the file as a whole."""
    reason: str
    """Why the value is refused, readable on its own."""
    line: int | None = None
    """1-based line in the plan file, when the plan came from a file."""

    def describe(self, file: str | None = None) -> str:
        """The problem as one line: ``file:line: key: reason``."""
        where = ""
        if file:
            where = f"{file}:{self.line}: " if self.line else f"{file}: "
        elif self.line:
            where = f"line {self.line}: "
        key = self.key if len(self.key) <= QUOTE_LIMIT else self.key[: QUOTE_LIMIT - 3] + "..."
        return one_line(f"{where}{key}: {self.reason}" if key else f"{where}{self.reason}")


class PlanError(WizardError):
    """A plan is invalid; ``problems`` lists every defect found, first one first."""

    def __init__(self, problems: list[Problem], file: str | None = None):
        if not problems:
            raise ValueError("PlanError needs at least one problem")
        self.problems = problems
        self.file = file
        super().__init__(self.lines()[0])

    @classmethod
    def single(cls, key: str, reason: str, *, line: int | None = None) -> PlanError:
        """A plan error with one problem."""
        return cls([Problem(key, reason, line)])

    def lines(self) -> list[str]:
        """Every problem as one line each."""
        return [problem.describe(self.file) for problem in self.problems]

    def __str__(self) -> str:
        return self.lines()[0]


class ChecklistError(WizardError):
    """A checklist data file is invalid; the message names file, step and field."""


class StoreError(WizardError):
    """A saved session cannot be read, written or opened."""


class SessionLockedError(StoreError):
    """The session is open in another process."""
