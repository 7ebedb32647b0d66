"""The Badmail folder of a practice node: the three files IIS keeps for a message it gave up on."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

HOP_COUNT_REASON = (
    "Unable to deliver this message because the following error was encountered: "
    '"The maximum hop count was exceeded for this message." The specific error code was 0xC00402C7.'
)
"""The reason written for a hop count exceeded; 0xC00402C7 is the code the ``.bdr`` carries."""
_RECEIVED = re.compile(rb"^received:", re.IGNORECASE | re.MULTILINE)


def hops(content: bytes) -> int:
    """How many ``Received:`` lines the message's headers hold."""
    head = content.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    return len(_RECEIVED.findall(head))


def write(
    folder: Path, sender: str, recipients: list[str], content: bytes, reason: str = HOP_COUNT_REASON
) -> Path:
    """File a message in Badmail as ``.bad`` (the message), ``.bdr`` (why) and ``.bdp``; returns the ``.bad``."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / uuid.uuid4().hex
    envelope = f"x-sender: {sender}\r\n" + "".join(f"x-receiver: {r}\r\n" for r in recipients)
    stem.with_suffix(".bdr").write_text(reason + "\r\n", encoding="utf-8")
    stem.with_suffix(".bdp").write_bytes(b"")
    bad = stem.with_suffix(".bad")
    bad.write_bytes(envelope.encode() + content)
    return bad
