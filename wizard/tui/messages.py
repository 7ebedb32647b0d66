"""App-wide messages: what screens and workers tell the App, which applies it to the session."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from wizard.results import CheckResult


class CheckStarted(Message):
    """A check began against one target; its row shows a spinner."""

    def __init__(self, step_id: str, check: str, target: str) -> None:
        super().__init__()
        self.step_id = step_id
        """The step the check belongs to."""
        self.check = check
        """The check's name."""
        self.target = target
        """The node, mail host or DNS server being checked."""


class CheckFinished(Message):
    """One result arrived; its row fills in."""

    def __init__(self, result: CheckResult) -> None:
        super().__init__()
        self.result = result
        """The result."""


class CheckProgress(Message):
    """A test message entered a phase (submitting, waiting for the Drop folder, for pickup)."""

    def __init__(self, phase: str, limit: float) -> None:
        super().__init__()
        self.phase = phase
        """What the check waits for now."""
        self.limit = limit
        """Seconds this phase may take."""


class ChecksFinished(Message):
    """A run of checks ended; the App records the results per step and saves."""

    def __init__(self, step_ids: tuple[str, ...], results: list[CheckResult]) -> None:
        super().__init__()
        self.step_ids = step_ids
        """The steps that were checked (a step with no result still counts as checked)."""
        self.results = results
        """Every result of the run."""


class AnswersChanged(Message):
    """The farm's values changed in the form (valid or not); saved as entered."""

    def __init__(self, plan_data: dict[str, Any]) -> None:
        super().__init__()
        self.plan_data = plan_data
        """The answers as plan data."""


class NoteChanged(Message):
    """The operator edited a step's note."""

    def __init__(self, step_id: str, note: str) -> None:
        super().__init__()
        self.step_id = step_id
        """The step."""
        self.note = note
        """The note as typed."""


class SettleRequested(Message):
    """The operator marked a step done or skipped it; the App records it and moves on."""

    def __init__(self, step_id: str, skipped: bool, note: str) -> None:
        super().__init__()
        self.step_id = step_id
        """The step."""
        self.skipped = skipped
        """True for skip, False for done."""
        self.note = note
        """The note to keep with it."""


class MoveRequested(Message):
    """The operator asked for another step: ``next``, ``back``, ``summary`` or a step id."""

    def __init__(self, target: str, from_step: str | None = None) -> None:
        super().__init__()
        self.target = target
        """Where to go."""
        self.from_step = from_step
        """The step on screen when the operator asked (None: from the summary); ``next`` and
        ``back`` are relative to it, so a request made on a step the session has left is dropped."""


class CopyRequested(Message):
    """The operator asked to copy a script or click path to the clipboard."""

    def __init__(self, text: str, what: str) -> None:
        super().__init__()
        self.text = text
        """The text to copy."""
        self.what = what
        """What it is, for the notification."""


class StepsToggled(Message):
    """The operator hid or showed the list of steps; the session remembers it."""

    def __init__(self, hidden: bool) -> None:
        super().__init__()
        self.hidden = hidden
        """True: the list is hidden now."""
