"""Plain mode's actions: seven on the step's menu, the rest under "other", each with one number and one word.

A screen reader reads a list once, line by line, so the step's menu is short
and printed only when asked for; the question itself is one line. Every action
keeps its number on every step (``2`` is always Mark done), and its word (``skip``,
``note``) is taken at the step's question too, whichever list it is in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from wizard.record import record

MAIN: tuple[tuple[str, str], ...] = (
    ("check", "Run the live checks"),
    ("done", "Mark done and go on"),
    ("next", "Next step"),
    ("back", "Previous step"),
    ("more", "Read on: the step's next page"),
    (
        "other",
        "Other actions: send a test, skip, note, transcripts, values, go to, summary, export, import, trace",
    ),
    ("quit", "Save and quit"),
)
"""The step's menu, at most seven entries, in one fixed order."""

OTHER: tuple[tuple[str, str], ...] = (
    ("send", "Send a real test message and check"),
    ("skip", "Skip and go on"),
    ("note", "Write a note"),
    ("transcripts", "Read the last check's transcripts"),
    ("values", "Change the farm's values"),
    ("goto", "Go to another step"),
    ("summary", "Summary of every step"),
    ("export", "Export a runbook"),
    ("import", "Import probe kit results"),
    ("trace", "Trace a message"),
    ("help", "Help"),
)
"""Everything else, listed under "other"; a variant of the flow adds its own after these."""

SHORT: Mapping[str, str] = {"m": "menu", "?": "help", "h": "help", "t": "transcripts"}
"""One-key answers taken at every step's question."""

KEYS_LINE = "m: the menu, ?: help"
"""What the step's question reminds of, each time it is asked."""


@record
class Menu:
    """The actions on one step: labels, and which of them the step does not offer."""

    other: tuple[tuple[str, str], ...]
    """The "other" list, with any actions a variant of the flow adds."""
    missing: frozenset[str]
    """Actions listed but not on this step (refused with a line when chosen)."""

    def label(self, action: str) -> str:
        """An action's label as listed."""
        return dict((*MAIN, *self.other))[action]

    def lines(self, entries: Sequence[tuple[str, str]]) -> list[str]:
        """A numbered list as printed: ``  2) Mark done and go on``."""
        return [
            f"  {number}) {label}{' (not on this step)' if value in self.missing else ''}"
            for number, (value, label) in enumerate(entries, start=1)
        ]

    def words(self) -> tuple[str, ...]:
        """Every action's word, from both lists."""
        return tuple(value for value, _label in (*MAIN, *self.other))

    def parse(self, answer: str, entries: Sequence[tuple[str, str]]) -> str | None:
        """The action an answer names: a number of ``entries``, any action's word or a one-key answer."""
        text = answer.strip().lower()
        if text.isdigit() and 1 <= int(text) <= len(entries):
            return entries[int(text) - 1][0]
        if text in SHORT:
            return SHORT[text]
        return text if text in self.words() or text == "menu" else None

    def reason(self, answer: str, entries: Sequence[tuple[str, str]]) -> bool | str:
        """True when ``parse`` takes the answer, else what to type."""
        if self.parse(answer, entries) is not None:
            return True
        return f"type a number from 1 to {len(entries)}, an action's word, m for the menu or ? for help"
