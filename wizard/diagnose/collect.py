"""Finding the logs in the files and folders given to ``diagnose``, and reading each with its parser.

A folder is walked (bounded in depth and files); each file is recognised by
its name and first bytes, never by trust: a file that is none of the known
formats is named as skipped, one that cannot be read gives one line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from wizard.diagnose import mailroot, tracking, uls, w3c
from wizard.diagnose.bounded import Tally, UnreadableLog, read_head

MAX_FILES = 2000
"""Files looked at in all the given folders together."""
MAX_DEPTH = 8
SNIFF_BYTES = 4096


@dataclass
class Gathered:
    """Everything read from the given evidence, by format."""

    tracking: list[tuple[str, tracking.TrackingEvent]] = field(default_factory=list)
    smtp: list[tuple[str, w3c.SmtpLogLine]] = field(default_factory=list)
    """(the node the log belongs to, as named by its path, line)."""
    mail: list[mailroot.MailFile] = field(default_factory=list)
    uls: list[tuple[str, uls.UlsLine]] = field(default_factory=list)
    tallies: list[Tally] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """One line per file or folder that could not be read or was not recognised."""

    def notes(self) -> list[str]:
        """What the reading left out: damaged lines, bounds reached, unreadable files."""
        lines = [t.summary() for t in self.tallies if t.damaged or t.cut]
        return lines + self.problems


def gather(paths: list[Path]) -> Gathered:
    """Read every log found under ``paths``."""
    found = Gathered()
    budget = [MAX_FILES]
    for path in paths:
        if path.is_dir():
            _walk(path, 0, found, budget)
        elif path.exists():
            _read_file(path, found)
        else:
            found.problems.append(f"{path}: no such file or folder")
    if budget[0] <= 0:
        found.problems.append(f"more than {MAX_FILES:,} files given; the rest were not read")
    return found


def _walk(folder: Path, depth: int, found: Gathered, budget: list[int]) -> None:
    kind = mailroot.folder_kind(folder)
    if kind is not None:
        try:
            files, skipped = mailroot.list_folder(folder, kind)
        except UnreadableLog as exc:
            found.problems.append(str(exc))
            return
        found.mail.extend(files)
        found.problems.extend(f.problem for f in files if f.problem)
        if skipped:
            found.problems.append(f"{folder}: {skipped:,} more message files not listed")
        return
    if depth >= MAX_DEPTH:
        return
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        found.problems.append(f"{folder}: cannot be listed ({exc.strerror or exc})")
        return
    for entry in entries:
        if budget[0] <= 0:
            return
        if entry.is_symlink():
            continue
        if entry.is_dir():
            _walk(Path(entry.path), depth + 1, found, budget)
        elif entry.is_file():
            budget[0] -= 1
            _read_file(Path(entry.path), found)
        else:
            found.problems.append(f"{entry.path}: not a regular file, left unread")


def _node_of(path: Path) -> str:
    """The host a log belongs to, from its path: the folder above ``LogFiles`` or ``mailroot``, else the file."""
    parts = path.parts
    for marker in ("logfiles", "mailroot", "logs"):
        lowered = [p.lower() for p in parts]
        if marker in lowered:
            index = lowered.index(marker)
            if index > 0:
                return parts[index - 1]
    return path.name


def _read_file(path: Path, found: Gathered) -> None:
    suffix = path.suffix.lower()
    try:
        if suffix in (".eml", ".bad"):
            item = mailroot.mail_file(path, mailroot.folder_kind(path.parent) or "drop")
            if item.problem:
                found.problems.append(item.problem)
            else:
                found.mail.append(item)
            return
        if suffix in (".bdr", ".bdp", ".tmp"):
            return
        sniff = read_head(path, SNIFF_BYTES)
    except UnreadableLog as exc:
        found.problems.append(str(exc))
        return
    text = sniff.replace(b"\x00", b"").decode("utf-8", "replace").lower()
    tally = Tally(str(path))
    try:
        if "#fields: date-time" in text or ("eventid" in text and "messageid" in text):
            found.tracking.extend((path.name, e) for e in tracking.parse(path, tally))
        elif "#fields:" in text or "#software: microsoft internet information services" in text:
            node = _node_of(path)
            found.smtp.extend((node, line) for line in w3c.parse(path, tally))
        elif "\t" in text and ("timestamp" in text or "e-mail" in text):
            found.uls.extend((_node_of(path), line) for line in uls.parse(path, tally))
        else:
            found.problems.append(f"{path}: not a log diagnose reads; skipped")
            return
    except UnreadableLog as exc:
        found.problems.append(str(exc))
        return
    found.tallies.append(tally)
