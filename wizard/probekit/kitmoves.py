"""The wizard's SMTP dialogue (:mod:`wizard.checks.dialogue`) as the rows of the kit's PowerShell tables.

The kit does not have its own dialogue: each row is one move of the written
description, with the command, the fallback and what to do after each class
of reply, so the script sends what the Python probe sends and stops where it
stops.
"""

from __future__ import annotations

from wizard.checks import dialogue, replies
from wizard.record import record

REPLY_CLASSES = ("2xx", "3xx", "4xx", "5xx", "none")


@record
class KitMove:
    """One move as a PowerShell table row."""

    name: str
    stage: str
    """How a sentence names the point of the conversation (``RCPT``)."""
    command: str
    """Empty for the greeting (read only) and the message body."""
    fallback: str
    then: tuple[tuple[str, str], ...]
    """(reply class, what to do next) for every class; a class without a rule stops."""
    expects: tuple[int, ...]
    """The only 2xx and 3xx codes that can answer the move; any other means the replies are out of turn."""


def kit_moves(moves: tuple[dialogue.Move, ...]) -> tuple[KitMove, ...]:
    """The rows of one conversation, in order."""
    return tuple(
        KitMove(
            name=move.name,
            stage=move.stage,
            command=move.command,
            fallback=move.fallback,
            then=tuple((reply, move.rule(reply).then) for reply in REPLY_CLASSES),  # type: ignore[arg-type]
            expects=move.expects,
        )
        for move in moves
    )


CONVERSATIONS = {
    "ProbeMoves": dialogue.PROBE,
    "IdentifyMoves": dialogue.IDENTIFY,
    "SendTestMoves": dialogue.SEND_TEST,
}
"""The kit's tables (``$ProbeMoves``, ...) and the dialogue each one follows."""


def kit_conversations() -> dict[str, tuple[KitMove, ...]]:
    """Every table the scripts carry, by PowerShell variable name."""
    return {name: kit_moves(moves) for name, moves in CONVERSATIONS.items()}


def closing() -> KitMove:
    """The move that ends every conversation while the connection stands (QUIT, answered 221)."""
    return kit_moves((dialogue.CLOSE,))[0]


SENDER_STATUSES = tuple(sorted(replies.SENDER_STATUSES))
"""Enhanced statuses about the sender, which cannot answer RCPT; the kit holds the same lists."""
RECIPIENT_STATUSES = tuple(sorted(replies.RECIPIENT_STATUSES))
"""Enhanced statuses about a recipient, which cannot answer MAIL."""
