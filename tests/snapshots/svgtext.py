"""The text of a screen snapshot (an SVG of the terminal), line by line, as the operator reads it."""

from __future__ import annotations

import html
import re
from pathlib import Path

_TEXT = re.compile(
    r'<text class="terminal-r\d+" x="(?P<x>[\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#terminal-line-(?P<line>\d+)\)">(?P<text>[^<]*)</text>'
)
CELL = 12.2
"""Width of one terminal cell in the SVG, in its units."""


def svg_lines(path: Path) -> list[str]:
    """Each terminal line of the snapshot, its text placed at its column."""
    lines: dict[int, list[tuple[int, str]]] = {}
    for found in _TEXT.finditer(path.read_text(encoding="utf-8")):
        column = round(float(found["x"]) / CELL) - 1
        text = html.unescape(found["text"]).replace("\xa0", " ")
        lines.setdefault(int(found["line"]), []).append((column, text))
    out = []
    for number in range(max(lines, default=-1) + 1):
        row = ""
        for column, text in sorted(lines.get(number, [])):
            row = row.ljust(column) + text
        out.append(row.rstrip())
    return out
