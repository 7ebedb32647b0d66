"""Probe conversations: the written dialogue held with one server, every reply read in turn."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from wizard.checks.dialogue import CLOSE, Move, Rule, reply_class
from wizard.checks.replies import out_of_turn
from wizard.checks.smtpclient import Fault, Reply, SmtpClient, SmtpFault, probe_name

__all__ = [
    "Conversation",
    "Fault",
    "Reply",
    "SmtpClient",
    "SmtpFault",
    "converse",
    "not_started",
    "probe_name",
]


@dataclass
class Conversation:
    """What one probe conversation found: the reply to each move reached, and why it ended."""

    address: str
    port: int
    replies: dict[str, Reply] = field(default_factory=dict)
    """The reply to each move of the dialogue that was reached, by move name (``rcpt-alias``)."""
    stopped_at: str = ""
    """The move whose reply stopped the dialogue early, if one did."""
    fault: SmtpFault | None = None
    """Why the conversation broke off, if it did."""
    stage: str = ""
    """Where it broke off: ``connect``, ``greeting``, ``EHLO``, ``MAIL``, ``RCPT``, ``RSET``, ``DATA``."""
    source_address: str = ""
    """This machine's address as the server saw it."""
    transcript: list[str] = field(default_factory=list)
    duration_ms: int = 0
    notes: list[str] = field(default_factory=list)
    """Replies that break the protocol without shifting the conversation (a 5xx to RSET, a refused QUIT)."""

    @property
    def greeting(self) -> Reply | None:
        """The greeting, if one came."""
        return self.replies.get("greeting")

    @property
    def ehlo(self) -> Reply | None:
        """The reply to EHLO (or to HELO, when EHLO was refused)."""
        return self.replies.get("ehlo")

    @property
    def mail(self) -> Reply | None:
        """The reply to the first MAIL FROM."""
        return self.replies.get("mail")

    @property
    def data(self) -> Reply | None:
        """The final reply of the send test: to the message, or to DATA when that was refused."""
        return self.replies.get("message") or self.replies.get("data")

    @property
    def out_of_turn(self) -> bool:
        """The server answered out of turn, so no reply of the conversation can be trusted."""
        return self.fault is not None and self.fault.kind == Fault.OUT_OF_TURN

    @property
    def greeted(self) -> bool:
        """The server greeted with 220, and its replies came in turn."""
        return self.greeting is not None and self.greeting.code == 220 and not self.out_of_turn

    def blocked(self) -> str:
        """Why this looks like connection control turning us away, or ``""``.

        The exact behaviour is not documented, so every way of refusing a
        session at its start counts: a refused or reset connection, a close
        before or right after the greeting, or a 4xx/5xx greeting.
        """
        fault = self.fault
        if fault is not None and self.stage in ("connect", "greeting"):
            if fault.kind == Fault.REFUSED:
                return "connection refused"
            if fault.kind == Fault.RESET:
                return "connection reset at once"
            if fault.kind == Fault.CLOSED:
                return "connection closed before any greeting"
        if self.greeting is not None and self.greeting.code >= 400:
            return f"greeting {self.greeting.first}"
        if fault is not None and self.stage == "EHLO" and fault.kind in (Fault.CLOSED, Fault.RESET):
            return "connection closed right after the greeting"
        return ""


def not_started(address: str, port: int, why: str) -> Conversation:
    """A conversation that never began, because the sweep's deadline passed while it waited its turn."""
    return Conversation(
        address, port, fault=SmtpFault(Fault.NOT_STARTED, why), stage="connect", transcript=[f"-- {why}"]
    )


async def _step(
    client: SmtpClient, move: Move, values: Mapping[str, str], message: bytes | None
) -> tuple[Reply, Rule]:
    """Hold one move: send its command (or read the greeting, or send the message), read and judge the reply.

    Raises:
        SmtpFault: as the client does, and ``out_of_turn`` for a reply that cannot answer the move.
    """
    if move.name == "greeting":
        reply = await client.connect()
    elif not move.command:
        if message is None:
            raise ValueError(f"the move {move.name!r} sends a message, and there is none")
        reply = await client.send_data(message)
    else:
        if move.command == "DATA" and message is None:
            raise ValueError("DATA is sent only with a message to send")
        reply = await client.command(move.render(values))
    _in_turn(client, move, reply)
    rule = move.rule(reply_class(reply.code))
    if rule.then == "fallback":
        reply = await client.command(move.render(values, fallback=True))
        _in_turn(client, move, reply)
        kind = reply_class(reply.code)
        rule = (
            move.rule(kind) if kind == "2xx" else Rule(kind, "the fallback was refused too", "stop", "fail")
        )
    return reply, rule


def _in_turn(client: SmtpClient, move: Move, reply: Reply) -> None:
    """Raise ``out_of_turn`` when ``reply`` cannot be the answer to ``move``."""
    why = out_of_turn(move, reply.code, reply.text)
    if why:
        client.transcript.append(f"-- out of turn: {why}")
        raise SmtpFault(Fault.OUT_OF_TURN, f"answered out of turn: {why}")


def _note(found: Conversation, move: Move, reply: Reply) -> None:
    """Record a reply that breaks the protocol without shifting the conversation."""
    note = ""
    if move.stage == "RSET" and reply.code >= 500:
        note = f"refused RSET ({reply.first}), which RFC 5321 does not allow"
    elif move.name == CLOSE.name and reply.code != 221:
        note = f"answered QUIT with {reply.first} instead of 221"
    if note:
        found.notes.append(note)


async def converse(
    address: str,
    port: int,
    *,
    deadline: float,
    moves: tuple[Move, ...],
    values: Mapping[str, str],
    message: bytes | None = None,
    local_address: str | None = None,
) -> Conversation:
    """Hold one conversation along ``moves`` and record each reply; never raises for network faults.

    The moves come from :mod:`wizard.checks.dialogue`, whose rules say where
    the conversation stops. Whatever happens, it ends with QUIT while the
    connection stands, and by ``deadline`` (event-loop time) at the latest.
    DATA is sent only when the moves include it and a ``message`` is given.
    Every reply is held to its command, QUIT's included: a server that answers
    out of turn (:func:`wizard.checks.dialogue.out_of_turn`) ends the
    conversation with the fault ``out_of_turn``, whatever it said before.
    """
    started = time.monotonic()
    client = SmtpClient(address, port, deadline=deadline, local_address=local_address)
    found = Conversation(address, port)
    stage = "connect"
    try:
        for move in moves:
            stage = move.stage if client.source_address or move.name != "greeting" else "connect"
            reply, rule = await _step(client, move, values, message)
            found.replies[move.name] = reply
            _note(found, move, reply)
            if move.name == "greeting":
                found.source_address = client.source_address
            if rule.then == "stop":
                found.stopped_at = move.name
                break
        stage = CLOSE.stage
        await _close(client, found, values)
    except SmtpFault as fault:
        found.fault = fault
        found.stage = "greeting" if stage == "connect" and client.source_address else stage
    finally:
        client.abort()
        found.transcript = client.transcript + [f"-- note: {note}" for note in found.notes]
        found.source_address = found.source_address or client.source_address
        found.duration_ms = int((time.monotonic() - started) * 1000)
    return found


async def _close(client: SmtpClient, found: Conversation, values: Mapping[str, str]) -> None:
    """Say QUIT and read its reply; a server that has gone by then is no fault, one out of turn is.

    Raises:
        SmtpFault: ``out_of_turn`` only.
    """
    try:
        reply, _rule = await _step(client, CLOSE, values, None)
    except SmtpFault as fault:
        if fault.kind == Fault.OUT_OF_TURN:
            raise
        return
    found.replies[CLOSE.name] = reply
    _note(found, CLOSE, reply)
