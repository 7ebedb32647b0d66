"""Whether a reply can answer the command it follows: the signs of a server answering out of turn.

Standard library only, like :mod:`wizard.checks.dialogue`, whose moves it reads.
"""

from __future__ import annotations

import re

from wizard.checks.dialogue import Move

_ENHANCED = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})(?:\s|$)")
"""An enhanced status code (RFC 3463) at the start of a reply's text: class.subject.detail."""
SENDER_STATUSES = frozenset({"1.7", "1.8"})
"""Enhanced statuses about the sender's address (bad sender mailbox syntax, bad sender system)."""
RECIPIENT_STATUSES = frozenset({"1.1", "1.2", "1.3", "1.4", "1.5", "1.6"})
"""Enhanced statuses about a recipient's address (bad mailbox or system, ambiguous, valid, moved)."""


def out_of_turn(move: Move, code: int, text: str) -> str:
    """Why a reply cannot be the answer to ``move``, or ``""`` when it can.

    A server that sends one reply too many (or one too few) shifts every later
    reply onto the wrong command: a refusal of RCPT is then read as the answer
    to RSET, and the answer to MAIL as the answer to RCPT. Such a conversation
    proves nothing, and these are the signs that give it away: a success code
    the command cannot have (220 to EHLO, 250 to QUIT), an enhanced status
    whose class says the opposite of the code (``250 5.7.1``), or one about the
    other address of the transaction (a recipient's status in answer to MAIL).
    """
    what = "a greeting" if move.name == "greeting" else (move.stage if move.command else "the message")
    if 200 <= code < 400 and move.expects and code not in move.expects:
        wanted = " or ".join(str(expected) for expected in move.expects)
        return f"{code} is no answer to {what} ({wanted} expected)"
    enhanced = _ENHANCED.match(text)
    if enhanced is None:
        return ""
    status = ".".join(enhanced.groups())
    if enhanced.group(1) != str(code)[0]:
        return f"the reply {code} {status} to {what} contradicts itself (its enhanced status is of class {enhanced.group(1)})"
    subject = f"{enhanced.group(2)}.{enhanced.group(3)}"
    if move.stage == "MAIL" and subject in RECIPIENT_STATUSES:
        return f"the reply {code} {status} to MAIL is about a recipient"
    if move.stage == "RCPT" and subject in SENDER_STATUSES:
        return f"the reply {code} {status} to RCPT is about the sender"
    return ""
