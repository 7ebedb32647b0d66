"""Template filters for the runbook: Markdown escaping, fences, HTML from Markdown, times, comments."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from wizard.untrusted import forget, neutral

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# Inline Markdown punctuation that GitHub or VS Code would read as markup
# anywhere in a line; `$` because GitHub renders text between two of them as math.
_MD_INLINE = re.compile(r"([\\`*_\[\]<|~&$])")
# Markers that only mean something at the start of a line: headings, block
# quotes, bullets, setext underlines and thematic breaks, ordered lists.
_MD_LINE_START = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|>|[-+=](?=\s|$|[-=])|\d{1,9}[.)](?=\s|$))")
_BACKTICK_RUN = re.compile(r"`+")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # Raw HTML in the checklist's Markdown is shown as text, never passed through:
    # the runbook's HTML must hold only what the template itself writes. Made on first use:
    # the step renderer imports this module for PowerShell quoting and renders no HTML.
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


# Characters PowerShell treats as single quotes; doubling each keeps it literal.
_PS_QUOTES = "'\u2018\u2019\u201a\u201b"


def ps_quote(value: object) -> str:
    """A PowerShell single-quoted string literal holding ``value`` exactly."""
    text = str(value)
    for quote in _PS_QUOTES:
        text = text.replace(quote, quote * 2)
    return f"'{text}'"


def ps_list(values: Iterable[object]) -> str:
    """A PowerShell array literal of single-quoted strings: ``@('a', 'b')``."""
    return "@(" + ", ".join(ps_quote(v) for v in values) + ")"


def clean(value: object) -> str:
    """Text as every document may hold it: the one rule of :func:`wizard.untrusted.neutral`, lines kept."""
    return neutral(value, lines=True)


def html_value(value: object) -> object:
    """Every value the HTML template prints passes here: cleaned, then escaped for HTML."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return _html_escape(value)


@lru_cache(maxsize=8192)
def _html_escape(value: str) -> Markup:
    return escape(clean(value))


def md_text(value: object) -> str:
    """Escape text for one line of Markdown: it shows literally, whatever it holds.

    Line breaks become spaces, so the value can never start a new block or
    end a table row.
    """
    return _md_escape(str(value))


# A runbook repeats the same few values (times, origins, summaries) in every
# row of its evidence tables; escaping each once keeps a big farm's export fast.
@lru_cache(maxsize=8192)
def _md_escape(value: str) -> str:
    text = " ".join(clean(value).splitlines())
    escaped = _MD_INLINE.sub(r"\\\1", text)
    match = _MD_LINE_START.match(escaped)
    if match:
        lead, marker = match.group(1), match.group(2)
        split = len(marker) - 1 if marker[0].isdigit() else 0
        escaped = lead + marker[:split] + "\\" + marker[split:] + escaped[match.end() :]
    return escaped


def md_cell(value: object) -> str:
    """Escape text for a Markdown table cell; an empty value keeps the cell visible."""
    return md_text(value) or " "


def md_evidence_row(row: Any) -> str:
    """One target's row of a step's evidence table: target, planned place, status, where and when seen, summary, hint.

    One function per row rather than a filter per cell: a 32-node farm has
    hundreds of these rows, and the template's per-cell calls would cost more
    than the text itself.
    """
    item = row.evidence
    head = f"| {md_code(row.target)} | {md_cell(row.planned)} |"
    if item is None:
        return head + " not yet checked | | | |"
    cells = (item.seen, item.summary, item.hint)
    return f"{head} **{md_cell(item.label)}** | " + " | ".join(md_cell(cell) for cell in cells) + " |"


def md_quote(value: object) -> str:
    """Free text with several lines (an operator's note) as an escaped Markdown block quote."""
    lines = clean(str(value)).splitlines() or [""]
    out = []
    for index, line in enumerate(lines):
        escaped = md_text(line)
        # A trailing backslash is a hard line break, keeping the note's own lines.
        out.append(f"> {escaped}\\" if index < len(lines) - 1 and escaped else f"> {escaped}".rstrip())
    return "\n".join(out)


def md_code(value: object) -> str:
    """A value as inline code; falls back to escaped text where a code span cannot hold it."""
    return _md_code(str(value))


@lru_cache(maxsize=8192)
def _md_code(value: str) -> str:
    text = clean(value)
    if not text or "\n" in text or "|" in text or text != text.strip():
        return md_text(text)
    longest = max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_fence(body: object, language: str = "") -> str:
    """A fenced code block whose fence is longer than any run of backticks in the body."""
    text = clean(str(body)).rstrip("\n")
    longest = max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}"


def html_markdown(value: object) -> Markup:
    """The checklist's Markdown as HTML, with any raw HTML in it shown as text."""
    return Markup(_markdown().render(clean(str(value))).strip())


def html_markdown_inline(value: object) -> Markup:
    """One line of the checklist's Markdown as inline HTML (no paragraph around it)."""
    return Markup(_markdown().renderInline(clean(str(value))).strip())


def ps_comment(value: object, prefix: str = "# ") -> str:
    """Text as PowerShell line comments, one ``#`` per line, whatever line breaks it holds."""
    lines = clean(str(value)).splitlines() or [""]
    return "\n".join((prefix + line).rstrip() for line in lines)


@lru_cache(maxsize=1024)
def when(moment: datetime | None) -> str:
    """A moment as the runbook shows it, in the time zone it was recorded in."""
    if moment is None:
        return ""
    offset = moment.utcoffset()
    zone = "UTC" if offset in (None, timedelta(0)) else moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M:%S} {zone}"


def forget_values() -> None:
    """Empty the caches of escaped values, so a measurement starts as a fresh process would."""
    _md_escape.cache_clear()
    _md_code.cache_clear()
    _html_escape.cache_clear()
    when.cache_clear()
    forget()


FILTERS: dict[str, Callable[..., Any]] = {
    "md": md_text,
    "md_cell": md_cell,
    "md_quote": md_quote,
    "md_code": md_code,
    "md_evidence_row": md_evidence_row,
    "md_fence": md_fence,
    "markdown": html_markdown,
    "markdown_inline": html_markdown_inline,
    "ps_comment": ps_comment,
    "ps": ps_quote,
    "ps_list": ps_list,
    "when": when,
}
"""Every custom filter, registered on each runbook environment in one place."""
