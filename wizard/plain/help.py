"""Plain mode's help (``?``): the answers a step's question takes, what the verdicts mean, where sessions live.

The meanings and the sessions' folder are worded once, in :mod:`wizard.helptext`,
for both front ends; plain mode writes its summary in words, not marks, so it
reads the meanings without the full screen's glyphs.
"""

from __future__ import annotations

from pathlib import Path

from wizard.helptext import MARKS, sessions_text
from wizard.plain.menu import MAIN, Menu


def help_lines(menu: Menu, sessions: Path) -> list[str]:
    """Every line of the help, in reading order."""
    lines = ["Help for plain mode.", "At a step's question, type a number or a word, then Enter:"]
    lines += [f"  {number} or {value}: {label}" for number, (value, label) in enumerate(MAIN, start=1)]
    lines.append("Under other, by its number there or by its word at any step's question:")
    lines += [f"  {value}: {label}" for value, label in menu.other]
    lines += [
        "One key: m reads the menu again, t the last check's transcripts, ? this help.",
        "A step opens with its summary; more reads its next page (why, click path, script, pitfalls, "
        "what is checked, the last results, what the probe kit saw inside).",
        "",
        "What the verdicts mean:",
        *(f"  {meaning}." for _glyph, meaning in MARKS),
        "",
        "Where sessions live:",
        sessions_text(sessions),
        "Ctrl+C leaves at any question; everything answered so far is saved.",
    ]
    return lines
