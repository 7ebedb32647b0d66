"""The start screen's row of jobs (New session, Resume, Export) in one line of text.

Textual's TabbedContent builds a tab bar of a widget per tab, an animated
underline and a pane per tab; on the first screen that was the largest single
cost between launch and the first paint. One focusable line does the same job:
click a name, or focus the line and use the arrow keys.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding
from textual.content import Content
from textual.markup import escape
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class JobBar(Widget, can_focus=True):
    """One line naming the jobs; the chosen one is marked and reported."""

    BINDINGS = [
        Binding("left", "move(-1)", "Previous job", show=False),
        Binding("right", "move(1)", "Next job", show=False),
    ]

    active: reactive[str] = reactive("", layout=False)
    """The id of the job shown."""

    class Chosen(Message):
        """The operator chose a job."""

        def __init__(self, job: str) -> None:
            super().__init__()
            self.job = job
            """The chosen job's id."""

    def __init__(self, jobs: Sequence[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.jobs = list(jobs)
        """(id, label) of each job, in order."""
        self.set_reactive(JobBar.active, self.jobs[0][0])

    def render(self) -> Content:
        parts = []
        for job, label in self.jobs:
            # Job ids are the screen's own constants, safe inside the action.
            style = "bold reverse $text-accent" if job == self.active else "$text-muted"
            parts.append(Content.from_markup(f"[@click=choose('{job}')][{style}] {escape(label)} [/][/]"))
        return Content("  ").join(parts)

    def choose(self, job: str) -> None:
        """Show ``job`` and report it."""
        if job != self.active and any(job == known for known, _label in self.jobs):
            self.active = job
            self.post_message(self.Chosen(job))

    def action_choose(self, job: str) -> None:
        """A click on a job's name."""
        self.choose(job)

    def action_move(self, step: int) -> None:
        """The arrow keys: the job before or after the chosen one."""
        ids = [job for job, _label in self.jobs]
        self.choose(ids[(ids.index(self.active) + step) % len(ids)])
