"""The step list beside every step screen: each step of the mode with its status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from wizard.model import Checklist
from wizard.results import Status
from wizard.session import Session, StepStatus

TITLE_WIDTH = 19
"""Room for a title beside its number and mark in the sidebar's width."""


@dataclass(frozen=True, slots=True)
class StepEntry:
    """One line of the sidebar."""

    step_id: str
    """The step."""
    number: int
    """Its position in the mode, from 1."""
    title: str
    """Its title."""
    status: StepStatus
    """The operator's progress."""
    worst: Status | None
    """The worst result of its last check, if checked."""

    @property
    def mark(self) -> tuple[str, str]:
        """The glyph and the theme variable that colours it."""
        if self.worst is not None and self.worst.failed:
            return "✖", "$error"
        if self.status is StepStatus.DONE:
            return ("!", "$warning") if self.worst is Status.WARN else ("✔", "$success")
        if self.status is StepStatus.SKIPPED:
            return "↷", "$text-muted"
        if self.status is StepStatus.IN_PROGRESS:
            return "●", "$accent"
        return "○", "$text-muted"


def step_entries(session: Session, checklist: Checklist) -> list[StepEntry]:
    """The sidebar's lines for a session."""
    entries = []
    for number, step in enumerate(session.steps(checklist), start=1):
        progress = session.progress_for(step.id)
        entries.append(StepEntry(step.id, number, step.title, progress.status, progress.worst))
    return entries


def _short(title: str) -> str:
    return title if len(title) <= TITLE_WIDTH else title[: TITLE_WIDTH - 1].rstrip() + "…"


class StepSidebar(OptionList):
    """Every step of the mode; choosing one asks to go there."""

    class JumpRequested(Message):
        """The operator chose a step in the sidebar."""

        def __init__(self, step_id: str) -> None:
            super().__init__()
            self.step_id = step_id
            """The chosen step."""

    def show_steps(self, entries: Sequence[StepEntry], current: str) -> None:
        """Replace the lines and highlight the current step."""
        self.clear_options()
        for entry in entries:
            glyph, colour = entry.mark
            prompt = Content.assemble((glyph, colour), f" {entry.number:>2} ", _short(entry.title))
            self.add_option(Option(prompt, id=entry.step_id))
        if any(entry.step_id == current for entry in entries):
            self.highlighted = self.get_option_index(current)

    @on(OptionList.OptionSelected)
    def ask_to_jump(self, event: OptionList.OptionSelected) -> None:
        """Turn the list's selection into a request to go to that step."""
        event.stop()
        if event.option.id is not None:
            self.post_message(self.JumpRequested(event.option.id))
