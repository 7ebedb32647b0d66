"""Reading stops at its bounds whatever the file holds: a gigabyte of lines costs no more than the bound."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from wizard.diagnose import w3c
from wizard.diagnose.bounded import Bounds, Tally, read_lines

GIGABYTE = 1024**3


def test_a_sparse_gigabyte_log_is_read_only_up_to_the_byte_bound(tmp_path: Path) -> None:
    path = tmp_path / "ex.log"
    with path.open("wb") as log:
        log.write(
            b"#Fields: time c-ip cs-method cs-uri-query sc-status\r\n10:00:00 10.0.0.20 RCPT +TO:<a@b> 250\r\n"
        )
        log.truncate(GIGABYTE)  # the rest is a hole: no disk used, a gigabyte to read
    tally = Tally(str(path))
    bounds = Bounds(max_bytes=8 * 1024 * 1024)
    lines = w3c.parse(path, tally, bounds)
    assert [line.verb for line in lines] == ["RCPT"]
    assert tally.cut == "bytes"
    assert tally.damaged == 1  # the hole reads as one endless line of NUL bytes


def test_a_gigabyte_of_real_lines_stops_at_the_byte_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file's bytes are made as they are read, so the test holds a gigabyte of lines without writing one."""
    path = tmp_path / "ex.log"
    path.write_bytes(b"")
    line = b"2026-12-03 10:00:00 10.0.0.20 RCPT +TO:<docs@mossmail.foo.local> 250\r\n"
    served = [0]

    def endless_lines(fd: int, size: int) -> bytes:
        if served[0] >= GIGABYTE:
            return b""
        chunk = (line * (size // len(line) + 1))[:size]
        served[0] += len(chunk)
        return chunk

    monkeypatch.setattr("wizard.diagnose.bounded.os.read", endless_lines)
    tally = Tally(str(path))
    count = sum(1 for _ in read_lines(path, tally, Bounds(max_bytes=4 * 1024 * 1024)))
    assert tally.cut == "bytes"
    assert served[0] <= 4 * 1024 * 1024
    assert count == tally.lines - tally.damaged and count > 50_000


def test_the_line_bound_stops_reading(tmp_path: Path) -> None:
    path = tmp_path / "ex.log"
    path.write_bytes(b"a b c\n" * 10_000)
    tally = Tally(str(path))
    assert sum(1 for _ in read_lines(path, tally, Bounds(max_lines=100))) == 100
    assert tally.cut == "lines"


def test_the_time_bound_stops_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clock that jumps past the bound on its second reading: the read ends there, not at the end."""
    path = tmp_path / "ex.log"
    path.write_bytes(b"line\n" * 100_000)
    ticks: Iterator[float] = iter([0.0, 0.0, 1000.0, 1000.0, 1000.0])
    monkeypatch.setattr("wizard.diagnose.bounded.time.monotonic", lambda: next(ticks, 1000.0))
    tally = Tally(str(path))
    list(read_lines(path, tally))
    assert tally.cut == "time"
    assert tally.lines < 100_000
