"""The step list beside every step screen: each step of the mode with its status."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from wizard.checklist.model import Checklist
from wizard.proof import Verdict, session_report
from wizard.record import record
from wizard.session import Session, StepStatus

TITLE_WIDTH = 19
"""Room for a title beside its number and mark in the sidebar's width."""


@record
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
    verdict: Verdict | None
    """What the proof rule says of its evidence (None: no live proof exists for it on this plan)."""

    @property
    def mark(self) -> tuple[str, str]:
        """The glyph and the theme variable that colours it: a tick only for a step done and proven."""
        if self.verdict is Verdict.FAILING:
            return "✖", "$text-error"
        if self.status is StepStatus.DONE:
            return ("✔", "$text-success") if self.verdict is Verdict.PROVEN else ("!", "$text-warning")
        if self.status is StepStatus.SKIPPED:
            return "↷", "$text-muted"
        if self.status is StepStatus.IN_PROGRESS:
            return "●", "$text-accent"
        return "○", "$text-muted"


def step_entries(session: Session, checklist: Checklist) -> list[StepEntry]:
    """The sidebar's lines for a session."""
    entries = []
    verdicts = session_report(session, checklist)
    for number, step in enumerate(session.steps(checklist), start=1):
        progress = session.progress_for(step.id)
        found = verdicts.verdict(step.id)
        verdict = found.verdict if found is not None else None
        entries.append(StepEntry(step.id, number, step.title, progress.status, verdict))
    return entries


def _short(title: str) -> str:
    return title if len(title) <= TITLE_WIDTH else title[: TITLE_WIDTH - 1].rstrip() + "…"


def _prompt(entry: StepEntry) -> Content:
    glyph, colour = entry.mark
    return Content.assemble((glyph, colour), f" {entry.number:>2} ", _short(entry.title))


class StepSidebar(OptionList):
    """Every step of the mode; choosing one asks to go there."""

    class JumpRequested(Message):
        """The operator chose a step in the sidebar."""

        def __init__(self, step_id: str) -> None:
            super().__init__()
            self.step_id = step_id
            """The chosen step."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: list[StepEntry] | None = None

    def show_steps(self, entries: Sequence[StepEntry], current: str) -> None:
        """Show the lines and highlight the current step.

        Only lines whose step changed are drawn again: a step change usually
        changes one mark, and the list keeps the rest of its render.
        """
        shown = self._shown
        if shown is None or [entry.step_id for entry in shown] != [entry.step_id for entry in entries]:
            self.set_options(Option(_prompt(entry), id=entry.step_id) for entry in entries)
        else:
            for index, (before, entry) in enumerate(zip(shown, entries, strict=True)):
                if before != entry:
                    self.replace_option_prompt_at_index(index, _prompt(entry))
        self._shown = list(entries)
        if any(entry.step_id == current for entry in entries):
            self.highlighted = self.get_option_index(current)

    @on(OptionList.OptionSelected)
    def ask_to_jump(self, event: OptionList.OptionSelected) -> None:
        """Turn the list's selection into a request to go to that step."""
        event.stop()
        if event.option.id is not None:
            self.post_message(self.JumpRequested(event.option.id))
