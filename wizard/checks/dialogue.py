"""The SMTP probe dialogue written down once: what is sent, what each reply means, and where it stops.

This module is data. The Python probe (:func:`wizard.checks.smtpprobe.converse`)
walks these moves in order, and the probe kit's PowerShell is generated from
the same data, so a conversation held from this machine and one held from an
Exchange server send the same lines and read the replies alike. It imports
only the standard library, so a generator or a test can read it without
pulling in any network code.

The read-only probe (:data:`PROBE`) is, per target::

    (connect)  greeting   EHLO   MAIL   RCPT at the mail host   RSET
               MAIL   RCPT outside   RSET   QUIT

It never sends DATA. Only the send test (:data:`SEND_TEST`), which the
operator asks for explicitly, goes on to DATA and one message.

How to read a move: send :attr:`Move.command` (with its placeholders filled,
see :data:`PLACEHOLDERS`; the greeting sends nothing and only reads), read one
whole reply, classify it with :func:`reply_class`, and look the class up with
:meth:`Move.rule`. The rule says what the reply means, which status it gives
the check named in :attr:`Move.proves` (if any), and what to do next
(:data:`Then`). Whenever the conversation ends early, QUIT (:data:`CLOSE`) is
still sent while the connection stands: a probe always leaves politely.

One deadline covers the whole conversation with a target, not each command;
a reply not complete by then is class ``none``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from wizard.checks.relayforms import OUTSIDE_DOMAIN as OUTSIDE_DOMAIN
from wizard.checks.relayforms import PROBE_LOCAL_PART as PROBE_LOCAL_PART
from wizard.checks.relayforms import RELAY_FORMS as RELAY_FORMS
from wizard.checks.relayforms import RelayForm
from wizard.record import record

ReplyClass = Literal["2xx", "3xx", "4xx", "5xx", "none"]
"""How a reply is read: by its first digit, or ``none`` when no complete reply came before the
deadline (refused, reset or closed connection, silence, or something that is not SMTP)."""

Then = Literal["next", "fallback", "message", "stop", "end"]
"""What the prober does after a reply:

- ``next``: go on with the next move;
- ``fallback``: send the move's :attr:`Move.fallback` instead (HELO after a refused EHLO), then go on;
- ``message``: send the message body (only after DATA in the send test);
- ``stop``: send no further move of the dialogue; say QUIT and close;
- ``end``: the conversation is over (after QUIT); close.
"""

MoveStatus = Literal["pass", "warn", "fail", ""]
"""The status a reply gives the check that the move proves; empty: the reply decides nothing by itself."""

PLACEHOLDERS: Mapping[str, str] = {
    "helo": "the name this host gives for itself (its DNS name, lower case)",
    "sender": "the probe's sender: spmail-wizard-probe@ZONE (the plan's DNS zone)",
    "alias_rcpt": "an address at the mail host: spmail-wizard-probe@MAIL_HOST",
    "outside_rcpt": "an address at a domain reserved for documentation: spmail-wizard-probe@example.com",
    "recipient": "the mail-enabled library's address (the plan's test_recipient); send test only",
    "node_name": "the target's own name: the node's name, or the mail host through the VIP",
    "node_literal": "the target's address as an address literal: [10.0.0.11], or [IPv6:2001:db8::11]",
    "alias_domain": "the mail host, the Alias domain itself",
}
"""Every placeholder a command template may use, with what goes in it."""


@record
class Rule:
    """What one class of reply to one move means, and what the prober does next."""

    reply: ReplyClass
    """The class of reply this rule is for."""
    meaning: str
    """What such a reply says about the server, for people (and for comments in the kit)."""
    then: Then
    """What to do next."""
    status: MoveStatus = ""
    """The status this reply gives the check named by :attr:`Move.proves`; empty: none."""


@record
class Move:
    """One command of the dialogue (or the greeting, which sends nothing), and how its reply is read."""

    name: str
    """Stable name of the move (``rcpt-alias``); transcripts and results refer to it."""
    stage: str
    """How a sentence names the point of the conversation (``greeting``, ``EHLO``, ``RCPT``)."""
    command: str
    """The line to send, with ``{placeholders}`` from :data:`PLACEHOLDERS`; empty for the greeting."""
    rules: tuple[Rule, ...]
    """One rule per reply class that can come back."""
    proves: str = ""
    """The check whose status the reply decides (``alias-accepted``); empty when none."""
    fallback: str = ""
    """The command sent when a rule says ``fallback``; its reply is read by this move's ``2xx`` and
    ``none`` rules, and any other reply stops the dialogue."""
    reads: str = ""
    """What else the checks read from the reply besides its class."""
    expects: tuple[int, ...] = ()
    """The only 2xx and 3xx codes this command can be answered with (RFC 5321, section 4.3.2). Any other
    2xx or 3xx is the answer to something else, so the replies are out of turn; empty: not checked."""

    def rule(self, reply: ReplyClass) -> Rule:
        """The rule for a class of reply; a class no rule names stops the dialogue."""
        for rule in self.rules:
            if rule.reply == reply:
                return rule
        return Rule(reply, "an unexpected reply at this point", "stop")

    def render(self, values: Mapping[str, str], *, fallback: bool = False) -> str:
        """The command line to send, placeholders filled from ``values``.

        Raises:
            KeyError: a placeholder has no value.
        """
        return (self.fallback if fallback else self.command).format_map(values)


def reply_class(code: int | None) -> ReplyClass:
    """The class of a reply code; None (no complete reply) is ``none``."""
    if code is None or not 200 <= code < 600:
        return "none"
    return ("2xx", "3xx", "4xx", "5xx")[code // 100 - 2]


_GONE = Rule(
    "none",
    "no complete reply before the deadline, or the connection was reset or closed: the service hung or dropped the session",
    "stop",
    "fail",
)

GREETING = Move(
    "greeting",
    "greeting",
    "",
    (
        Rule("2xx", "the service is up and greets (220)", "next", "pass"),
        Rule(
            "4xx",
            "the service is busy or shutting down (421) and turns the session away",
            "stop",
            "fail",
        ),
        Rule(
            "5xx",
            "the service refuses the session (554): connection control turns this host away",
            "stop",
            "fail",
        ),
        Rule(
            "none",
            "the connection was refused (node down), or accepted with no greeting before the deadline "
            "(service hung), or closed or reset at once (connection control turning this host away)",
            "stop",
            "fail",
        ),
    ),
    proves="smtp-greeting",
    reads="the first word of the greeting is the node's FQDN (fqdn-greeting: the mail host passes, another "
    "name warns, as the FQDN is recommended, not required); the banner text tells IIS from other servers",
    expects=(220,),
)
"""Connect and read the greeting; nothing is sent. Decides ``smtp-greeting`` (the mode and restart steps)
and, with the plan's connection control setting, ``connection-control``: a refusal at this point is
expected when connection control is on (and every other check is then proven from an Exchange server
instead), and means "node down" when it is off."""

EHLO = Move(
    "ehlo",
    "EHLO",
    "EHLO {helo}",
    (
        Rule("2xx", "the service takes the session; the reply lists its extensions", "next"),
        Rule("4xx", "the service defers the session", "stop", "fail"),
        Rule("5xx", "the service does not speak ESMTP; try HELO", "fallback"),
        _GONE,
    ),
    fallback="HELO {helo}",
    reads="the first word of the first line is the node's FQDN (fqdn-greeting); SIZE is the message size limit",
    expects=(250,),
)

MAIL = Move(
    "mail",
    "MAIL",
    "MAIL FROM:<{sender}>",
    (
        Rule("2xx", "the sender is accepted", "next"),
        Rule("4xx", "the sender is deferred; no RCPT can be tried", "stop", "fail"),
        Rule("5xx", "the sender is refused; no RCPT can be tried", "stop", "fail"),
        _GONE,
    ),
    expects=(250,),
)

RCPT_ALIAS = Move(
    "rcpt-alias",
    "RCPT",
    "RCPT TO:<{alias_rcpt}>",
    (
        Rule("2xx", "mail for the mail host is accepted: it is a local (Alias) domain here", "next", "pass"),
        Rule("4xx", "mail for the mail host is deferred, not accepted", "next", "fail"),
        Rule(
            "5xx",
            "mail for the mail host is refused (550 5.7.1): the Alias domain is missing, "
            "or the service was not restarted after adding it",
            "next",
            "fail",
        ),
        _GONE,
    ),
    proves="alias-accepted",
    reads="a 2xx proves the alias only if the relay RCPT is refused too: an open relay accepts any domain",
    expects=(250, 251),
)

RSET = Move(
    "rset",
    "RSET",
    "RSET",
    (
        Rule("2xx", "the transaction is dropped; nothing was sent", "next"),
        Rule("4xx", "the reset failed; stop rather than carry a recipient over", "stop"),
        Rule(
            "5xx",
            "RSET refused, which RFC 5321 does not allow: stop rather than carry a recipient over",
            "stop",
        ),
        _GONE,
    ),
    expects=(250,),
)

MAIL_OUTSIDE = Move("mail-outside", "MAIL", MAIL.command, MAIL.rules, expects=MAIL.expects)

RCPT_OUTSIDE = Move(
    "rcpt-outside",
    "RCPT",
    "RCPT TO:<{outside_rcpt}>",
    (
        Rule(
            "2xx", "mail for an outside domain is accepted: an open relay (security failure)", "next", "fail"
        ),
        Rule(
            "4xx",
            "mail for an outside domain is deferred: neither refused nor accepted, so the relay "
            "restriction is not proven",
            "next",
            "warn",
        ),
        Rule(
            "5xx",
            "mail for an outside domain is refused (550 5.7.1 Unable to relay): relay is closed",
            "next",
            "pass",
        ),
        _GONE,
    ),
    proves="relay-refused",
    reads="from a host on the relay list (an Exchange server) acceptance is expected and proves nothing: skip",
    expects=(250, 251),
)

RSET_OUTSIDE = Move("rset-outside", "RSET", RSET.command, RSET.rules, expects=RSET.expects)


_FORM_MAIL = (
    Rule("2xx", "the sender is accepted", "next"),
    Rule("4xx", "the sender is deferred, so this form cannot relay now; its RCPT is refused (503)", "next"),
    Rule("5xx", "the sender is refused, so this form cannot relay; its RCPT is refused (503)", "next"),
    _GONE,
)
_FORM_RCPT = (
    Rule(
        "2xx", "accepted: relaying, unless the address ends in the mail host (local delivery)", "next", "fail"
    ),
    Rule("4xx", "deferred: neither refused nor accepted", "next", "warn"),
    Rule("5xx", "refused: this form does not relay", "next", "pass"),
    _GONE,
)


def form_moves(form: RelayForm) -> tuple[Move, Move, Move]:
    """The three moves of one relay form: MAIL, RCPT, RSET."""
    return (
        Move(f"mail-{form.name}", "MAIL", f"MAIL FROM:<{form.sender}>", _FORM_MAIL, expects=(250,)),
        Move(
            f"rcpt-{form.name}",
            "RCPT",
            f"RCPT TO:<{form.recipient}>",
            _FORM_RCPT,
            proves="relay-refused",
            expects=(250, 251),
        ),
        Move(f"rset-{form.name}", "RSET", RSET.command, RSET.rules, expects=RSET.expects),
    )


CLOSE = Move(
    "quit",
    "QUIT",
    "QUIT",
    tuple(Rule(reply, "the session ends", "end") for reply in ("2xx", "4xx", "5xx", "none")),
    expects=(221,),
)
"""Sent after the last move, and after any ``stop``, while the connection still stands."""

PROBE: tuple[Move, ...] = (
    GREETING,
    EHLO,
    MAIL,
    RCPT_ALIAS,
    RSET,
    MAIL_OUTSIDE,
    RCPT_OUTSIDE,
    RSET_OUTSIDE,
    *(move for form in RELAY_FORMS for move in form_moves(form)),
)
"""The read-only probe of one target, in order, before :data:`CLOSE`: the alias, the plain relay question,
then each of :data:`RELAY_FORMS` in its own transaction. Never DATA."""

IDENTIFY: tuple[Move, ...] = (GREETING, EHLO)
"""The short conversation that only asks a server who it is (the NLB distribution probes through the
VIP, the outgoing server): greeting and EHLO, then :data:`CLOSE`."""

RCPT_TEST = Move(
    "rcpt-test",
    "RCPT",
    "RCPT TO:<{recipient}>",
    (
        Rule("2xx", "the library's address is accepted", "next"),
        Rule("4xx", "the library's address is deferred; no message is sent", "stop", "fail"),
        Rule("5xx", "the library's address is refused; no message is sent", "stop", "fail"),
        _GONE,
    ),
    expects=(250, 251),
)

DATA = Move(
    "data",
    "DATA",
    "DATA",
    (
        Rule("3xx", "the server waits for the message (354)", "message"),
        Rule("4xx", "the message is deferred before its body", "stop", "fail"),
        Rule("5xx", "the message is refused before its body", "stop", "fail"),
        _GONE,
    ),
    expects=(354,),
)

MESSAGE = Move(
    "message",
    "DATA",
    "",
    (
        Rule("2xx", "the message is queued for delivery (250 Queued mail for delivery)", "next", "pass"),
        Rule("4xx", "the message body is deferred", "stop", "fail"),
        Rule("5xx", "the message body is refused (too large, or not allowed)", "stop", "fail"),
        _GONE,
    ),
    proves="library-delivery",
    reads="the message is then followed into a Drop folder, where readable, and its pickup timed",
    expects=(250,),
)
"""The message body, dot-stuffed and ended with a line holding one dot; sent only after DATA's 354."""

SEND_TEST: tuple[Move, ...] = (GREETING, EHLO, MAIL, RCPT_TEST, DATA, MESSAGE)
"""The send test, only when the operator asks for it: one message with an attachment, then :data:`CLOSE`."""


def commands(moves: tuple[Move, ...], values: Mapping[str, str]) -> list[str]:
    """The lines a conversation sends when every reply says ``next``, QUIT included (the happy path)."""
    lines = [move.render(values) for move in moves if move.command]
    return [*lines, CLOSE.render(values)]


def probe_values(
    *, helo: str, zone: str, mail_host: str, node_name: str = "", node_address: str = ""
) -> dict[str, str]:
    """The placeholder values of :data:`PROBE` for a plan and one target (its name and address)."""
    literal = f"[IPv6:{node_address}]" if ":" in node_address else f"[{node_address}]"
    return {
        "helo": helo,
        "sender": f"{PROBE_LOCAL_PART}@{zone}",
        "alias_rcpt": f"{PROBE_LOCAL_PART}@{mail_host}",
        "outside_rcpt": f"{PROBE_LOCAL_PART}@{OUTSIDE_DOMAIN}",
        "alias_domain": mail_host,
        "node_name": node_name or mail_host,
        "node_literal": literal,
    }
