"""The bounds of kept text are one table whose stages fit together, and one way to cut."""

from __future__ import annotations

from wizard.bounds import KIT, PROBE, REPLY_LINE_CHARS, SESSION, cut
from wizard.checks import base, smtpclient
from wizard.evidence import MAX_LINE_CHARS, MAX_TEXT_CHARS, MAX_TRANSCRIPT_CHARS, MAX_TRANSCRIPT_LINES
from wizard.probekit import kit, resultsfile

MARKER_ROOM = len("... (1,000,000 chars)")


def test_every_module_reads_its_bound_from_the_table() -> None:
    assert (
        PROBE.lines,
        PROBE.line_chars,
        PROBE.total,
    ) == (base.TRANSCRIPT_LINES, base.LINE_WIDTH, base.TRANSCRIPT_BYTES)
    assert smtpclient.TRANSCRIPT_WIDTH == REPLY_LINE_CHARS
    assert (KIT.lines, KIT.line_chars) == (kit.MAX_TRANSCRIPT_LINES, resultsfile.MAX_LINE_WIDTH)
    assert (
        SESSION.lines,
        SESSION.line_chars,
        SESSION.total,
        SESSION.text_chars,
    ) == (MAX_TRANSCRIPT_LINES, MAX_LINE_CHARS, MAX_TRANSCRIPT_CHARS, MAX_TEXT_CHARS)


def test_a_line_cut_once_is_not_cut_again_and_a_session_keeps_the_fewest_lines() -> None:
    assert PROBE.line_chars >= REPLY_LINE_CHARS + MARKER_ROOM
    assert PROBE.line_chars + MARKER_ROOM <= SESSION.line_chars
    assert KIT.line_chars <= SESSION.line_chars
    assert SESSION.lines <= min(PROBE.lines, KIT.lines)


def test_cut_keeps_short_text_and_says_how_much_it_took() -> None:
    assert cut("short", 10) == "short"
    long = "x" * 500
    shown = cut(long, 200)
    assert len(shown) <= 200 and shown.endswith("... [330 characters cut]")
