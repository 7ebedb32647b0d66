"""Reading a log file within fixed bounds: bytes, lines, line length and time, counting what it skips.

Every parser of ``wizard.diagnose`` reads through :func:`read_lines`, so a
hostile file (a 1 GB log, one endless line, binary noise, a FIFO, the wrong
encoding) costs at most the bounds below and is reported in one line.
"""

from __future__ import annotations

import codecs
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from wizard.errors import WizardError, one_line
from wizard.record import record

MAX_BYTES = 64 * 1024 * 1024
"""Bytes read from one file at most; a longer log is read from its start up to here."""
MAX_LINES = 500_000
"""Lines read from one file at most."""
MAX_LINE = 16 * 1024
"""Longest line kept; a longer one is counted as damaged and skipped."""
MAX_SECONDS = 20.0
"""Time one file may take, a net under the other bounds on a slow disk."""
CHUNK = 64 * 1024


class UnreadableLog(WizardError):
    """A file that cannot be read as a log at all; the message is one line naming it."""


@dataclass
class Tally:
    """What reading one file kept and skipped."""

    path: str
    lines: int = 0
    """Lines read."""
    damaged: int = 0
    """Lines skipped: too long, binary, undecodable or malformed for the format."""
    cut: str = ""
    """Which bound stopped the reading early, if one did (``bytes``, ``lines``, ``time``)."""
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: what was read, skipped and cut."""
        text = f"{self.path}: {self.lines:,} lines read"
        if self.damaged:
            text += f", {self.damaged:,} damaged lines skipped"
        if self.cut:
            text += f", stopped at the {self.cut} limit"
        return text


@record
class Bounds:
    """The limits one reading keeps to."""

    max_bytes: int = MAX_BYTES
    max_lines: int = MAX_LINES
    max_line: int = MAX_LINE
    max_seconds: float = MAX_SECONDS


DEFAULT_BOUNDS = Bounds()


def open_regular(path: Path) -> int:
    """Open ``path`` for reading if it is a regular file; raises :class:`UnreadableLog` otherwise."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise UnreadableLog(one_line(f"{path}: cannot be read ({exc.strerror or exc})")) from None
    kind = os.fstat(fd).st_mode
    if not stat.S_ISREG(kind):
        os.close(fd)
        raise UnreadableLog(one_line(f"{path}: not a regular file, left unread"))
    return fd


def _decoder(head: bytes) -> tuple[codecs.IncrementalDecoder, int]:
    """The decoder a log's first bytes call for, and how many bytes of byte-order mark to skip."""
    if head.startswith(codecs.BOM_UTF8):
        return codecs.getincrementaldecoder("utf-8")("replace"), 3
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Windows tools (Export-Csv in some versions, Notepad) write UTF-16 with a mark.
        return codecs.getincrementaldecoder("utf-16")("replace"), 0
    return codecs.getincrementaldecoder("utf-8")("replace"), 0


def read_lines(path: Path, tally: Tally, bounds: Bounds = DEFAULT_BOUNDS) -> Iterator[str]:
    """Yield the lines of ``path`` as text, within ``bounds``; ``tally`` counts what was read and skipped.

    A line with NUL bytes or undecodable bytes, or longer than the bound, is
    damaged: counted, never yielded.

    Raises:
        UnreadableLog: the path is not a readable regular file.
    """
    fd = open_regular(path)
    started = time.monotonic()
    read = 0
    pending = ""
    decoder: codecs.IncrementalDecoder | None = None
    overlong = False
    try:
        while True:
            if read >= bounds.max_bytes:
                tally.cut = "bytes"
                break
            if time.monotonic() - started > bounds.max_seconds:
                tally.cut = "time"
                break
            try:
                chunk = os.read(fd, min(CHUNK, bounds.max_bytes - read))
            except OSError as exc:
                raise UnreadableLog(one_line(f"{path}: read failed ({exc.strerror or exc})")) from None
            if not chunk:
                break
            if decoder is None:
                decoder, skip = _decoder(chunk)
                chunk = chunk[skip:]
            read += len(chunk)
            lines = (pending + decoder.decode(chunk)).split("\n")
            pending = lines.pop()
            for line in lines:
                if overlong:
                    # The rest of a line already too long: one damaged line, however long.
                    overlong = False
                    tally.lines += 1
                    tally.damaged += 1
                    continue
                kept = _keep(line, tally, bounds)
                if kept is not None:
                    yield kept
                if tally.lines >= bounds.max_lines:
                    tally.cut = "lines"
                    return
            if len(pending) > bounds.max_line:
                overlong, pending = True, ""
        if decoder is not None:
            pending += decoder.decode(b"", final=True)
        if overlong:
            tally.lines += 1
            tally.damaged += 1
        elif pending and not tally.cut:
            # The file ended mid-line (truncated): the last line is kept if it is whole text.
            kept = _keep(pending, tally, bounds)
            if kept is not None:
                yield kept
    finally:
        os.close(fd)


def _keep(line: str, tally: Tally, bounds: Bounds) -> str | None:
    tally.lines += 1
    line = line.rstrip("\r")
    if len(line) > bounds.max_line or "\x00" in line or "\ufffd" in line:
        tally.damaged += 1
        return None
    return line


def read_head(path: Path, limit: int = 64 * 1024) -> bytes:
    """The first ``limit`` bytes of a regular file (for headers and sniffing).

    Raises:
        UnreadableLog: the path is not a readable regular file.
    """
    fd = open_regular(path)
    try:
        return os.read(fd, limit)
    except OSError as exc:
        raise UnreadableLog(one_line(f"{path}: read failed ({exc.strerror or exc})")) from None
    finally:
        os.close(fd)
