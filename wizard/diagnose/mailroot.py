"""Drop, Queue and Badmail folders: which message files wait where, and why Badmail kept one (``.bdr``).

The IIS SMTP service keeps three files per badmailed message: the message
(``.bad``), a reason (``.bdr``) and a ``.bdp``; a hop count exceeded reads
``0xC00402C7`` in the ``.bdr``. Folders are listed, never changed.
"""

from __future__ import annotations

import codecs
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from wizard.diagnose import eml
from wizard.diagnose.bounded import UnreadableLog, read_head
from wizard.errors import one_line
from wizard.record import record

Kind = Literal["drop", "queue", "badmail"]
FOLDERS: dict[str, Kind] = {"drop": "drop", "queue": "queue", "badmail": "badmail"}
MAX_FILES = 5000
"""Message files looked at per folder; a folder with more is listed up to here, and says so."""
REASON_BYTES = 8 * 1024
HOP_COUNT_CODE = "0xc00402c7"
"""What a ``.bdr`` holds when the hop count was exceeded."""


@record
class MailFile:
    """One message file in one of the folders."""

    kind: Kind
    path: Path
    head: eml.MessageHead | None
    """None when the file could not be read as a message (counted, named in ``problem``)."""
    modified: datetime
    reason: str = ""
    """Badmail: the ``.bdr`` text, one line."""
    problem: str = ""

    @property
    def hop_count_exceeded(self) -> bool:
        """Whether Badmail kept it for too many hops."""
        return HOP_COUNT_CODE in self.reason.lower() or "hop count" in self.reason.lower()


def folder_kind(path: Path) -> Kind | None:
    """Which of the three folders ``path`` is, by its name."""
    return FOLDERS.get(path.name.lower())


def list_folder(folder: Path, kind: Kind) -> tuple[list[MailFile], int]:
    """Every message file in ``folder`` and how many more were left unlisted past the bound."""
    files: list[MailFile] = []
    skipped = 0
    try:
        entries = os.scandir(folder)
    except OSError as exc:
        raise UnreadableLog(one_line(f"{folder}: cannot be listed ({exc.strerror or exc})")) from None
    with entries:
        for entry in entries:
            suffix = Path(entry.name).suffix.lower()
            if suffix not in (".eml", ".bad") or not entry.is_file(follow_symlinks=False):
                continue
            if len(files) >= MAX_FILES:
                skipped += 1
                continue
            files.append(mail_file(Path(entry.path), kind))
    return files, skipped


def mail_file(path: Path, kind: Kind) -> MailFile:
    """One message file, its head read and, in Badmail, its reason."""
    try:
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        modified = datetime.now(UTC)
    reason = ""
    if kind == "badmail":
        reason = _reason(path.with_suffix(".bdr")) or _reason(path.with_suffix(".BDR"))
    try:
        head: eml.MessageHead | None = eml.parse(path)
        problem = ""
    except UnreadableLog as exc:
        head, problem = None, str(exc)
    return MailFile(kind, path, head, modified, reason, problem)


def _reason(path: Path) -> str:
    try:
        data = read_head(path, REASON_BYTES)
    except UnreadableLog:
        return ""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", "replace")
    elif data[1:2] == b"\x00":
        text = data.decode("utf-16-le", "replace")
    else:
        text = data.decode("utf-8", "replace")
    return one_line(text.replace("\x00", " "))
