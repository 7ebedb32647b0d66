"""The one rule for text that came from outside: a server's reply, a results file, a plan value.

Such text is shown on a terminal (``check``, plain mode, the full-screen
wizard) and written into runbooks and scripts' comments. Whatever it holds, it
may not drive the terminal (escape sequences, carriage returns, backspaces),
read differently from what it holds (bidi overrides turn ``exe.txt`` around),
hide characters (zero-width spaces and joiners make two names look alike), or
start a line of its own that looks like the wizard's (a line break and
``PASS``). Every such character is shown as U+FFFD, so the reader sees that
something was there.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

REPLACEMENT = "\ufffd"
# Printable ASCII and tabs (and line feeds, where lines are kept): text that
# needs no look at each character, which is most of it.
_PLAIN = re.compile(r"[\t\x20-\x7e]*")
_PLAIN_LINES = re.compile(r"[\t\n\x20-\x7e]*")
# Controls (C0, DEL, C1 with ESC and CSI), format characters (bidi marks,
# embeddings, overrides and isolates, zero-width space, joiners, word joiner,
# byte order mark, soft hyphen, tags), lone surrogates, and line and
# paragraph separators, which some terminals and editors break lines on.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _unsafe(ch: str) -> bool:
    code = ord(ch)
    return (
        unicodedata.category(ch) in _UNSAFE_CATEGORIES
        or 0xFDD0 <= code <= 0xFDEF  # noncharacters
        or (code & 0xFFFE) == 0xFFFE
    )


@lru_cache(maxsize=8192)
def _neutral(text: str, lines: bool) -> str:
    if lines:
        text = text.replace("\r\n", "\n")
    return "".join(
        ch if ch == "\t" or (lines and ch == "\n") or not _unsafe(ch) else REPLACEMENT for ch in text
    )


def neutral(value: object, *, lines: bool = False) -> str:
    """``value`` as text safe to show: every control, escape, bidi and zero-width character as U+FFFD.

    Tabs stay. Line breaks stay only with ``lines`` (a transcript or note
    written as several lines); otherwise a line break is replaced too, so the
    value cannot start a line of its own.
    """
    text = str(value)
    if (_PLAIN_LINES if lines else _PLAIN).fullmatch(text):
        return text
    return _neutral(text, lines)


def forget() -> None:
    """Empty the cache of neutralised values, so a measurement starts as a fresh process would."""
    _neutral.cache_clear()
