"""SharePoint unified (ULS) log lines: tab-separated Timestamp, Process, TID, Area, Category, EventID, Level, Message, Correlation.

The column names are those of the unified log's header line and of the
``LogFileEntry`` members (Timestamp, Process, ThreadID, Area, Category,
EventID, Level, Message, Correlation). A header line, when present, gives
the order; without one, the documented order is assumed. Only the
incoming e-mail lines are kept: Category ``E-Mail`` (as ``Merge-SPLogFile
-Category "E-Mail"`` selects them).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from wizard.diagnose.bounded import DEFAULT_BOUNDS, Bounds, Tally, read_lines
from wizard.record import record

COLUMNS = ("timestamp", "process", "tid", "area", "category", "eventid", "level", "message", "correlation")
CATEGORY = "e-mail"


@record
class UlsLine:
    """One incoming e-mail line of the unified log."""

    at: datetime | None
    process: str
    area: str
    event_id: str
    level: str
    message: str
    raw: str


def parse(path: Path, tally: Tally, bounds: Bounds = DEFAULT_BOUNDS) -> list[UlsLine]:
    """The E-Mail category lines of one unified log file; others are read past, malformed ones counted.

    Raises:
        UnreadableLog: the file cannot be read at all.
    """
    columns: tuple[str, ...] = COLUMNS
    found: list[UlsLine] = []
    for line in read_lines(path, tally, bounds):
        if not line.strip():
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        lowered = tuple(cell.lower().replace(" ", "") for cell in cells)
        if "timestamp" in lowered and "message" in lowered:
            columns = tuple("tid" if name == "threadid" else name for name in lowered)
            continue
        if len(cells) < len(columns) - 1:
            tally.damaged += 1
            continue
        row = dict(zip(columns, cells, strict=False))
        if row.get("category", "").lower() != CATEGORY:
            continue
        found.append(
            UlsLine(
                at=_time(row.get("timestamp", "")),
                process=row.get("process", ""),
                area=row.get("area", ""),
                event_id=row.get("eventid", ""),
                level=row.get("level", ""),
                message=row.get("message", ""),
                raw=line,
            )
        )
    return found


def _time(text: str) -> datetime | None:
    text = text.rstrip("*").strip()  # a trailing * marks a continued entry
    for pattern in ("%m/%d/%Y %H:%M:%S.%f", "%m/%d/%Y %H:%M:%S"):
        try:
            # The unified log writes the server's local time; read as UTC, as for the other logs.
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
