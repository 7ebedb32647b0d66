"""Markdown guidance as plain text: for the runbook's scripts, the line-by-line mode and screen readers."""

from __future__ import annotations

import re

_STRONG = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


def plain_text(markdown: str) -> str:
    """Drop the Markdown marks a screen reader would spell out, keeping every word.

    Emphasis and code marks go; a link keeps its text and address; list items
    and paragraphs keep their lines.
    """
    text = _STRONG.sub(lambda m: m.group(1) or m.group(2), markdown)
    text = _EMPHASIS.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    return _LINK.sub(r"\1 (\2)", text)
