"""The head of a ``.eml`` file as the IIS SMTP service writes it into Drop, Queue or Badmail.

IIS puts the envelope first, ``x-sender:`` and one ``x-receiver:`` per
recipient, then the message as received; SharePoint routes by the
``x-receiver`` lines. Only the header block is read (bounded), never the body.
"""

from __future__ import annotations

import email.parser
import email.policy
from pathlib import Path

from wizard.diagnose.bounded import UnreadableLog, read_head
from wizard.errors import one_line
from wizard.record import record

HEAD_BYTES = 64 * 1024
"""Bytes read from the start of a message file: the headers, never the whole message."""
MAX_HEADERS = 500
"""Header lines read at most; a file with more is read up to here."""


@record
class MessageHead:
    """What a message file says about its envelope and path."""

    sender: str
    """``x-sender`` (empty when absent)."""
    receivers: tuple[str, ...]
    """Every ``x-receiver``, lower case."""
    message_id: str
    """The ``Message-ID`` header, angle brackets kept; empty when absent."""
    to: tuple[str, ...]
    """Addresses in ``To:``, lower case."""
    received: int
    """How many ``Received:`` lines: the hops the message has made."""
    complete: bool
    """Whether the header block ended inside the bytes read (False: truncated or damaged)."""


def parse(path: Path) -> MessageHead:
    """Read the head of one message file.

    Raises:
        UnreadableLog: the file cannot be read, or is not a message at all.
    """
    data = read_head(path, HEAD_BYTES)
    if b"\x00" in data[:4096]:
        raise UnreadableLog(one_line(f"{path}: binary, not a message file"))
    text = data.decode("utf-8", "replace").replace("\r\n", "\n")
    head, separator, _ = text.partition("\n\n")
    lines = head.split("\n")[:MAX_HEADERS]
    envelope: dict[str, list[str]] = {"x-sender": [], "x-receiver": []}
    start = 0
    for index, line in enumerate(lines):
        name, colon, value = line.partition(":")
        if colon and name.strip().lower() in envelope:
            envelope[name.strip().lower()].append(value.strip())
            start = index + 1
        else:
            break
    message = email.parser.HeaderParser(policy=email.policy.compat32).parsestr("\n".join(lines[start:]))
    if not envelope["x-receiver"] and not message.keys():
        raise UnreadableLog(one_line(f"{path}: no message headers found"))
    return MessageHead(
        sender=envelope["x-sender"][0] if envelope["x-sender"] else "",
        receivers=tuple(_bare(r) for r in envelope["x-receiver"]),
        message_id=str(message.get("Message-ID", "") or "").strip(),
        to=tuple(_bare(a) for a in str(message.get("To", "") or "").split(",") if a.strip()),
        received=len(message.get_all("Received") or []),
        complete=bool(separator) and len(head.split("\n")) <= MAX_HEADERS,
    )


def _bare(address: str) -> str:
    text = address.strip()
    if "<" in text:
        text = text.split("<", 1)[1].split(">", 1)[0]
    return text.strip().lower()
