"""Exchange message tracking: the raw ``MSGTRK*.LOG`` files and the CSV ``Get-MessageTrackingLog | Export-Csv`` writes.

Raw logs are CSV under a ``#Fields:`` directive with the documented
hyphenated names (``date-time,client-ip,client-hostname,server-ip,
server-hostname,source-context,connector-id,source,event-id,
internal-message-id,message-id,network-message-id,recipient-address,
recipient-status,...``); the cmdlet shows the same fields with the hyphens
removed (``EventId``, ``MessageId``, ``Recipients``, ``RecipientStatus``,
``Timestamp`` for ``date-time``), and ``Export-Csv`` writes those as its
header row, after a ``#TYPE`` line unless told not to. Both are read by
name, in whatever order the header gives.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from wizard.diagnose.bounded import DEFAULT_BOUNDS, Bounds, Tally, read_lines
from wizard.record import record

CMDLET_NAMES = {
    "timestamp": "date-time",
    "clientip": "client-ip",
    "clienthostname": "client-hostname",
    "serverip": "server-ip",
    "serverhostname": "server-hostname",
    "sourcecontext": "source-context",
    "connectorid": "connector-id",
    "source": "source",
    "eventid": "event-id",
    "internalmessageid": "internal-message-id",
    "messageid": "message-id",
    "recipients": "recipient-address",
    "recipientstatus": "recipient-status",
    "messagesubject": "message-subject",
    "sender": "sender-address",
}
"""The cmdlet's property names and the log field each one shows."""
NEEDED = ("event-id",)
"""A header without these is not a tracking log."""


@record
class TrackingEvent:
    """One event of one message on one Exchange server."""

    at: datetime | None
    event_id: str
    """``RECEIVE``, ``SEND``, ``FAIL``, ``DEFER``, ``DSN``, ``DROP``..., upper case."""
    source: str
    """The component: ``SMTP``, ``ROUTING``, ``QUEUE``, ``GATEWAY`` (Foreign connector), ..."""
    message_id: str
    recipients: tuple[str, ...]
    """Lower case; empty when the export flattened the list to its type name."""
    recipient_status: str
    server_ip: str
    """For SEND and FAIL: the address Exchange talked to."""
    server_hostname: str
    connector_id: str
    client_ip: str
    raw: str


def parse(path: Path, tally: Tally, bounds: Bounds = DEFAULT_BOUNDS) -> list[TrackingEvent]:
    """Every event of one tracking file, raw log or cmdlet export.

    Raises:
        UnreadableLog: the file cannot be read at all.
    """
    fields: list[str] | None = None
    events: list[TrackingEvent] = []
    for line in read_lines(path, tally, bounds):
        if not line.strip():
            continue
        if line.startswith("#"):
            directive, _, value = line[1:].partition(":")
            if directive.strip().lower() == "fields":
                fields = _names(value.split(","))
            continue
        values = _split(line)
        if values is None:
            tally.damaged += 1
            continue
        if fields is None:
            names = _names(values)
            if all(name in names for name in NEEDED):
                fields = names  # the export's header row
            else:
                tally.damaged += 1
            continue
        event = _event(dict(zip(fields, values, strict=False)), line) if len(values) == len(fields) else None
        if event is None:
            tally.damaged += 1
        else:
            events.append(event)
    return events


def _names(raw: list[str]) -> list[str]:
    names = []
    for name in raw:
        key = name.strip().strip('"').strip()
        names.append(CMDLET_NAMES.get(key.lower().replace("-", ""), key.lower()))
    return names


def _split(line: str) -> list[str] | None:
    try:
        rows = list(csv.reader([line], strict=True))
    except csv.Error:
        return None
    return rows[0] if rows else None


def _time(text: str) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    moment: datetime | None = None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for pattern in ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%d.%m.%Y %H:%M:%S"):
            try:
                # The export writes the exporting machine's local time with no zone; read as UTC.
                moment = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        if moment is None:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _event(row: dict[str, str], raw: str) -> TrackingEvent | None:
    event_id = row.get("event-id", "").strip().upper()
    if not event_id or not event_id.replace("_", "").isalnum():
        return None
    recipients_text = row.get("recipient-address", "")
    recipients: tuple[str, ...] = ()
    if not recipients_text.startswith("System."):
        recipients = tuple(
            r.strip().lower() for r in recipients_text.replace(",", ";").split(";") if r.strip()
        )
    return TrackingEvent(
        at=_time(row.get("date-time", "")),
        event_id=event_id,
        source=row.get("source", "").strip().upper(),
        message_id=row.get("message-id", "").strip(),
        recipients=recipients,
        recipient_status=row.get("recipient-status", "").strip(),
        server_ip=row.get("server-ip", "").strip(),
        server_hostname=row.get("server-hostname", "").strip(),
        connector_id=row.get("connector-id", "").strip(),
        client_ip=row.get("client-ip", "").strip(),
        raw=raw,
    )
