"""IIS SMTP protocol logs in the W3C extended format, read by the ``#Fields:`` directive in force.

The SMTP service writes one line per command: ``cs-method`` is the verb
(``RCPT``), ``cs-uri-query`` its argument with spaces as ``+``
(``+TO:+<docs@mossmail.foo.local>``), ``sc-status`` the reply code. The
directive may list the fields in any order and may change inside a file
(the administrator ticks more boxes, the service restarts), so every line
is read by the last directive before it. Field names from the IIS 6 W3C
extended field list (``date time c-ip cs-username s-sitename
s-computername s-ip s-port cs-method cs-uri-stem cs-uri-query sc-status
sc-win32-status sc-bytes cs-bytes time-taken cs-version cs-host
cs(User-Agent) cs(Cookie) cs(Referer)``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from wizard.diagnose.bounded import DEFAULT_BOUNDS, Bounds, Tally, read_lines
from wizard.record import record

DEFAULT_FIELDS = ("time", "c-ip", "cs-method", "cs-uri-query", "sc-status")
"""What a file with no directive is read as: the service's default W3C selection."""


@record
class SmtpLogLine:
    """One command the SMTP service logged."""

    at: datetime | None
    """When (UTC, as W3C logs write it); None when the line has no time."""
    client: str
    """``c-ip``: who sent the command."""
    server: str
    """``s-computername`` or ``s-ip``: the node that logged it."""
    verb: str
    """``cs-method``, upper case (``RCPT``, ``DATA``)."""
    argument: str
    """``cs-uri-query`` with ``+`` read back as spaces."""
    status: int | None
    """``sc-status``: the SMTP reply code; None when not logged."""
    raw: str
    """The line as read."""

    @property
    def address(self) -> str:
        """The address of a MAIL or RCPT argument (``TO:<a@b>`` -> ``a@b``), lower case; else empty."""
        text = self.argument.strip()
        if ":" not in text:
            return ""
        value = text.split(":", 1)[1].strip()
        if value.startswith("<"):
            value = value[1:].split(">", 1)[0]
        return value.split()[0].lower() if value.split() else ""


def parse(path: Path, tally: Tally, bounds: Bounds = DEFAULT_BOUNDS) -> list[SmtpLogLine]:
    """Every command line of one W3C log; malformed lines are counted in ``tally`` and skipped.

    Raises:
        UnreadableLog: the file cannot be read at all.
    """
    fields: tuple[str, ...] = DEFAULT_FIELDS
    log_date: date | None = None
    entries: list[SmtpLogLine] = []
    for line in read_lines(path, tally, bounds):
        if not line.strip():
            continue
        if line.startswith("#"):
            directive, _, value = line[1:].partition(":")
            if directive.strip().lower() == "fields":
                names = tuple(value.split())
                if names:
                    fields = names
                else:
                    tally.damaged += 1
            elif directive.strip().lower() == "date":
                log_date = _date(value.strip().split(" ")[0]) or log_date
            continue
        entry = _entry(line, fields, log_date)
        if entry is None:
            tally.damaged += 1
        else:
            entries.append(entry)
    return entries


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        parts = text.split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                # IIS writes 2019-8-29 as often as 2019-08-29.
                return date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                return None
        return None


def _entry(line: str, fields: tuple[str, ...], log_date: date | None) -> SmtpLogLine | None:
    values = line.split()
    if len(values) != len(fields):
        return None
    row = dict(zip(fields, values, strict=True))
    verb = row.get("cs-method", "")
    if not verb or verb == "-":
        return None
    day = _date(row["date"]) if "date" in row else log_date
    at: datetime | None = None
    if "time" in row:
        try:
            clock = datetime.strptime(row["time"], "%H:%M:%S").time()
        except ValueError:
            return None
        if day is not None:
            at = datetime.combine(day, clock, tzinfo=UTC)
    status_text = row.get("sc-status", "-")
    status: int | None = None
    if status_text != "-":
        if not status_text.isdigit():
            return None
        status = int(status_text)
    query = row.get("cs-uri-query", "-")
    argument = "" if query == "-" else query.replace("+", " ").strip()
    return SmtpLogLine(
        at=at,
        client=row.get("c-ip", "-"),
        server=row.get("s-computername", row.get("s-ip", "-")),
        verb=verb.upper(),
        argument=argument,
        status=status,
        raw=line,
    )
