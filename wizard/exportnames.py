"""The export formats, one table: everything that offers, names or writes an export reads it.

``export --format`` and its help, the wizard's export dialog, plain mode's
menu, the suggested output names and the writer all come from :data:`FORMATS`,
so a new format is one row here and its writer. The table is data only (the
writer is named, and imported when used), light enough for the start screen's
first paint.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from wizard.record import record

MAX_STEM = 120
"""Longest file name stem an export makes from a host's name.

File systems allow 255 bytes in a name; the probe kit's scripts add
``-results-YYYYmmdd-HHMMSS.json`` to their stem, and an atomic write its
temporary name's dot, random part and ``.tmp``, so a stem this long leaves
room for every name made from it."""


@record
class ExportFormat:
    """One export format."""

    name: str
    """What ``--format`` takes."""
    label: str
    """What the wizard and plain mode offer."""
    folder: bool
    """Written as a folder of files (else one file)."""
    suffix: str
    """Added to the session's (or mail host's) name for the suggested output."""
    stdout: bool
    """May be written to standard output when no output is given."""
    writer: str
    """``module:function`` that renders it: ``(plan, checklist, session, generated_at)`` to the
    text of the file, or for a folder a dict of file name to text."""
    windows_text: bool = False
    """PowerShell for Windows: written with a byte order mark and CRLF line ends."""
    noun: str = "files"
    """What a folder's files are called in "Wrote 6 scripts to ..."."""
    private: bool = False
    """Readable by the user alone (0600 files, 0700 folder), like sessions: the probe kit
    gathers the results files, transcripts included, in its own folder."""

    def render(self, plan: Any, checklist: Any, session: Any, generated_at: Any) -> str | dict[str, str]:
        """Call the writer (imported now, not when the table loads)."""
        module, _, function = self.writer.partition(":")
        writer: Callable[..., str | dict[str, str]] = getattr(importlib.import_module(module), function)
        return writer(plan, checklist, session, generated_at=generated_at)


FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat(
        "md", "Markdown runbook", False, "-runbook.md", True, "wizard.runbook.writer:render_markdown"
    ),
    ExportFormat("html", "HTML runbook", False, "-runbook.html", True, "wizard.runbook.writer:render_html"),
    ExportFormat(
        "ps1",
        "PowerShell scripts, one per host (a folder)",
        True,
        "-scripts",
        False,
        "wizard.runbook.writer:render_scripts",
        windows_text=True,
        noun="scripts",
    ),
    ExportFormat("plan", "Plan file (TOML)", False, "-plan.toml", True, "wizard.runbook.writer:render_plan"),
    ExportFormat(
        "probe",
        "Probe kit: read-only checks to run on Exchange and each node (a folder)",
        True,
        "-probe-kit",
        False,
        "wizard.runbook.writer:render_probe_kit",
        windows_text=True,
        noun="scripts",
        private=True,
    ),
    ExportFormat(
        "monitor",
        "Monitoring: blackbox_exporter, Prometheus and Nagios files (a folder)",
        True,
        "-monitor",
        False,
        "wizard.runbook.writer:render_monitoring",
        noun="monitoring files",
    ),
)
BY_NAME: dict[str, ExportFormat] = {fmt.name: fmt for fmt in FORMATS}
NAMES: tuple[str, ...] = tuple(BY_NAME)
EXPORT_FORMATS: tuple[tuple[str, str], ...] = tuple((fmt.name, fmt.label) for fmt in FORMATS)
"""Export formats with their labels, as ``spmail-wizard export --format`` takes them."""


def export_format(name: str) -> ExportFormat:
    """The row for ``name``; an unknown name is a ValueError listing the formats."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown export format {name!r}; choose one of {', '.join(NAMES)}") from None


def default_export_path(name: str, fmt: str) -> str:
    """The suggested output for a session or plan name and a format (relative to the working folder)."""
    return name + export_format(fmt).suffix


def host_stem(prefix: str, name: str) -> str:
    """``prefix`` and a host's name as a file name stem of at most :data:`MAX_STEM` characters.

    A longer name (a DNS name may have 253) keeps its start and ends with a
    short hash of the whole name, so two long names that start alike still
    give two files.
    """
    stem = f"{prefix}{name}"
    if len(stem.encode("utf-8")) <= MAX_STEM:
        return stem
    import hashlib  # only names too long to keep whole need it, and it loads the crypto library

    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    keep = MAX_STEM - len(prefix) - len(digest) - 1
    return f"{prefix}{name[:keep].rstrip('.-')}-{digest}"
