"""The error types the wizard raises for things a user can fix."""

from __future__ import annotations

from dataclasses import dataclass


class WizardError(Exception):
    """Base of every error that is reported to the user as one line."""


@dataclass(frozen=True, slots=True)
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
        return f"{where}{self.key}: {self.reason}" if self.key else f"{where}{self.reason}"


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
