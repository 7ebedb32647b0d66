"""The logs a real farm keeps, written by the practice farm: IIS SMTP W3C logs, Exchange message tracking, unified log lines.

Each writer appends whole lines under the header its product writes, so the
files read the same way as their real counterparts (``wizard.diagnose``
reads both). Times are UTC, as W3C and tracking logs write them.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

W3C_FIELDS = (
    "date time c-ip cs-username s-sitename s-computername s-ip s-port cs-method cs-uri-stem "
    "cs-uri-query sc-status sc-win32-status sc-bytes cs-bytes time-taken cs-version cs-host "
    "cs(User-Agent) cs(Cookie) cs(Referer)"
)
"""Every field the IIS 6 W3C extended log offers, in the order the service writes them."""
TRACKING_FIELDS = (
    "date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,"
    "event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,"
    "total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,"
    "return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,"
    "transport-traffic-type,log-id,schema-version"
)
"""The message tracking log's fields (Exchange 2016 and later)."""
ULS_HEADER = "Timestamp              \tProcess                                 \tTID   \tArea                          \tCategory                      \tEventID\tLevel     \tMessage \tCorrelation"
_MESSAGE_ID = re.compile(rb"^message-id:\s*(<[^>\r\n]*>)", re.IGNORECASE | re.MULTILINE)


def message_id(content: bytes) -> str:
    """The Message-ID header of a message (headers only), or empty."""
    head = content.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    found = _MESSAGE_ID.search(head)
    return found.group(1).decode("ascii", "replace") if found else ""


def _now() -> datetime:
    return datetime.now(UTC)


def _append(path: Path, header: str, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = not path.exists()
    with path.open("a", encoding="utf-8", newline="") as log:
        if fresh:
            log.write(header)
        log.write(line + "\r\n")


class W3cLog:
    """One node's SMTP protocol log (``LogFiles/SMTPSVC1/exYYMMDD.log``)."""

    def __init__(self, folder: Path, computer: str, address: str) -> None:
        self.folder = folder
        self.computer = computer
        self.address = address

    def path(self, moment: datetime) -> Path:
        return self.folder / f"ex{moment:%y%m%d}.log"

    def write(self, peer: str, verb: str, argument: str, reply: str) -> None:
        """One command and the first line of its reply."""
        moment = _now()
        header = (
            "#Software: Microsoft Internet Information Services 6.0\r\n#Version: 1.0\r\n"
            f"#Date: {moment:%Y-%m-%d %H:%M:%S}\r\n#Fields: {W3C_FIELDS}\r\n"
        )
        query = "+" + "+".join(argument.split()) if argument.strip() else "-"
        status = reply[:3] if reply[:3].isdigit() else "0"
        fields = [
            f"{moment:%Y-%m-%d}",
            f"{moment:%H:%M:%S}",
            peer,
            "-",
            "SMTPSVC1",
            self.computer.split(".")[0].upper(),
            self.address,
            "0",
            verb.upper() or "-",
            "-",
            query,
            status,
            "0",
            str(len(reply) + 2),
            str(len(verb) + len(argument) + 3),
            "0",
            "SMTP",
            "-",
            "-",
            "-",
            "-",
        ]
        _append(self.path(moment), header, " ".join(fields))


class TrackingLog:
    """An Exchange server's message tracking log (``MSGTRKyyyymmdd-1.LOG``)."""

    def __init__(self, folder: Path, server: str, address: str) -> None:
        self.folder = folder
        self.server = server
        self.address = address

    def write(
        self,
        event: str,
        *,
        recipients: list[str],
        status: str = "",
        message: str = "",
        sender: str = "",
        client_ip: str = "",
        server_ip: str = "",
        connector: str = "",
        source: str = "SMTP",
    ) -> None:
        """One event of one message."""
        moment = _now()
        header = (
            "#Software: Microsoft Exchange Server\r\n#Version: 15.02.1118.007\r\n"
            f"#Log-type: Message Tracking Log\r\n#Date: {moment:%Y-%m-%dT%H:%M:%S.%f}"[:-3]
            + "Z\r\n"
            + f"#Fields: {TRACKING_FIELDS}\r\n"
        )
        row = {name: "" for name in TRACKING_FIELDS.split(",")}
        row |= {
            "date-time": f"{moment:%Y-%m-%dT%H:%M:%S.%f}"[:-3] + "Z",
            "client-ip": client_ip,
            "server-ip": server_ip or (self.address if event == "RECEIVE" else ""),
            "server-hostname": self.server,
            "connector-id": connector,
            "source": source,
            "event-id": event,
            "message-id": message,
            "recipient-address": ";".join(recipients),
            "recipient-status": status,
            "recipient-count": str(len(recipients)),
            "sender-address": sender,
            "directionality": "Originating",
            "schema-version": "15.02.1118.007",
        }
        text = io.StringIO()
        csv.writer(text, lineterminator="").writerow(row.values())
        _append(self.folder / f"MSGTRK{moment:%Y%m%d}-1.LOG", header, text.getvalue())


class UlsLog:
    """A SharePoint server's unified log, E-Mail category lines only."""

    def __init__(self, folder: Path, server: str) -> None:
        self.folder = folder
        self.server = server

    def write(self, event_id: str, level: str, message: str) -> None:
        """One incoming e-mail line from the timer service."""
        moment = _now()
        stamp = f"{moment:%m/%d/%Y %H:%M:%S.%f}"[:-4]
        cells = [
            stamp,
            "OWSTIMER.EXE (0x0A1C)",
            "0x0B2C",
            "SharePoint Foundation",
            "E-Mail",
            event_id,
            level,
            " ".join(message.split()),
            "",
        ]
        _append(
            self.folder / f"{self.server.split('.')[0].upper()}-{moment:%Y%m%d}-0000.log",
            ULS_HEADER + "\r\n",
            "\t".join(cells),
        )
