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
UNDELIVERABLE_REPORT_REASON = (
    "Unable to deliver this message because the following error was encountered: "
    '"This message is a delivery status notification that cannot be delivered."'
)
"""The reason for a relayed message given up whose report to the sender could not be delivered either.
The sentence as a practitioners' FAQ quotes it; the code it quotes beside it is left out, since field
reports give the same code for a hop count exceeded."""
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


def expire_queue(queue: Path, badmail: Path) -> int:
    """Give up every message waiting in ``queue``, as IIS does when its expiration time passes.

    The practice node relays nowhere, so the report to each sender cannot be
    delivered either: the message goes to Badmail with a ``.bdr`` saying so.
    Returns how many messages were given up.
    """
    given_up = 0
    for path in sorted(queue.glob("*.eml")) if queue.is_dir() else []:
        badmail.mkdir(parents=True, exist_ok=True)
        stem = badmail / uuid.uuid4().hex
        stem.with_suffix(".bdr").write_text(UNDELIVERABLE_REPORT_REASON + "\r\n", encoding="utf-8")
        stem.with_suffix(".bdp").write_bytes(b"")
        stem.with_suffix(".bad").write_bytes(path.read_bytes())  # the queued file keeps its x- envelope lines
        path.unlink()
        given_up += 1
    return given_up
