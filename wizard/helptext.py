"""What help says on every front end: what the marks mean and where sessions are kept.

Kept free of Textual so the full-screen help (F1) and plain mode's ``?`` read the
same sentences.
"""

from __future__ import annotations

from pathlib import Path

MARKS: tuple[tuple[str, str], ...] = (
    ("✔", "proven: done, and its live checks prove it now, on every target"),
    (
        "!",
        "done, not proven live: partly proven (some targets or checks lack a pass), stale "
        "(checked before a later change or too long ago) or done by hand (nothing checked it); "
        "the summary's Last check says which",
    ),
    ("✖", "failing: a live check failed or could not run, and no later pass answered it"),
    ("↷", "skipped: left out on purpose; a skip is not a pass"),
    ("●", "in progress: opened, not settled yet"),
    ("○", "not started"),
)
"""Each mark the list of steps draws, and what it says about the proof behind it."""


def marks_text() -> str:
    """One line per mark."""
    return "\n".join(f"  {glyph}  {meaning}" for glyph, meaning in MARKS)


def sessions_text(folder: Path) -> str:
    """Where the saved sessions are, and how to move or remove them."""
    return (
        f"Sessions are saved in {folder} after every change, one JSON file each.\n"
        "SPMAIL_WIZARD_HOME moves them; `spmail-wizard sessions` lists them and "
        "`spmail-wizard sessions --delete NAME` removes one."
    )
