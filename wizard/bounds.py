"""How much of what a server or a file sent is kept, at each stage: one table, one way to cut.

A reply line is cut as it is read (:data:`REPLY_LINE_CHARS`); each check keeps
a bounded transcript while the sweep runs (:data:`PROBE`); the probe kit's
scripts write at most :data:`KIT` on a host; and a session keeps
:data:`SESSION`, which is also what ``check`` prints and what import takes
in. A line shortened at one stage is never shortened again at a later one,
and a session keeps the fewest lines (a test holds the table to that).
"""

from __future__ import annotations

from wizard.record import record


@record
class Bound:
    """What one stage keeps of a transcript (and of a summary or hint)."""

    lines: int
    """Transcript lines, a marker line saying what was cut included."""
    line_chars: int
    """Characters of one transcript line."""
    total: int | None
    """All lines together (UTF-8 bytes for a probe, characters for a session); None: no total."""
    text_chars: int | None = None
    """Characters of a summary or a hint; None: not bounded at this stage."""


REPLY_LINE_CHARS = 200
"""A server's reply line as the SMTP client writes it into the transcript."""
PROBE = Bound(lines=200, line_chars=300, total=16 * 1024)
"""One check's transcript while a sweep runs (bytes), so no server can swell what is kept."""
KIT = Bound(lines=200, line_chars=200, total=None)
"""What the probe kit's scripts write per result, and the width import accepts per line."""
SESSION = Bound(lines=60, line_chars=400, total=8000, text_chars=1000)
"""What a session keeps per result: the start of the conversation and its end."""
QUOTE_CHARS = 60
"""A bad value quoted in a one-line message: a 1 MB value is named, not echoed back."""


def cut(text: str, limit: int) -> str:
    """``text`` at most ``limit`` characters long; a longer one ends saying how much was cut."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 30]}... [{len(text) - limit + 30:,} characters cut]"
