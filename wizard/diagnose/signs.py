"""What each record says about the message: log lines, message files and live checks placed on hops.

Reading a record is kept apart from judging the cause (``causes.py``):
here a Queue file becomes contrary evidence on ``drop_written`` with the
sign ``in-queue``; which cause that points to is the cause table's business.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from wizard.diagnose.collect import Gathered
from wizard.diagnose.hops import Evidence, Reading, cut
from wizard.diagnose.mailroot import MailFile
from wizard.diagnose.tracking import TrackingEvent
from wizard.record import record
from wizard.results import CheckResult, Status

WINSOCK_SIGNS = (
    ("10061", "connect-refused"),
    ("refused", "connect-refused"),
    ("10054", "connection-dropped"),
    ("closed the connection", "connection-dropped"),
    ("10060", "no-greeting"),
    ("timed out", "no-greeting"),
)
"""Words of a failed delivery and what they mean: Winsock 10061 is a refused connection,
10054 one reset by the far end, 10060 a connection that timed out."""
CHECK_HOPS: dict[str, str] = {
    "connector": "connector_routed",
    "dns": "dns_resolved",
    "mode": "vip_reached",
    "nlb": "vip_reached",
    "alias": "node_accepted",
    "restart": "node_accepted",
    "library_test": "timer_picked_up",
    "central_admin": "list_stored",
}
"""Which hop each step's live checks speak about. Relay, FQDN and connection control are left out:
their failures (an open relay, a node greeting with its own name) do not stop a message."""
FOLDER_CHECKS = {
    "queue-folder": "drop_written",
    "badmail-folder": "drop_written",
    "drop-folder": "timer_picked_up",
}


@record
class Sought:
    """The message asked about, and the farm it should reach."""

    to: str
    """Recipient, lower case; empty when only the Message-ID is known."""
    message_id: str
    since: datetime | None
    path_address: str
    """Where the mail host should resolve: the VIP, or the single node."""
    node_addresses: dict[str, str]
    """Node name -> address."""


def _after(target: Sought, moment: datetime | None) -> bool:
    return moment is None or target.since is None or moment >= target.since


def _same_id(left: str, right: str) -> bool:
    return bool(left) and left.strip("<> ").lower() == right.strip("<> ").lower()


def resolve_message_id(target: Sought, found: Gathered) -> str:
    """The Message-ID to follow: the one asked for, else that of the first message to the recipient."""
    if target.message_id:
        return target.message_id
    for _, event in found.tracking:
        if event.message_id and target.to in event.recipients and _after(target, event.at):
            return event.message_id
    for item in found.mail:
        head = item.head
        if head and head.message_id and target.to in (*head.receivers, *head.to):
            return head.message_id
    return ""


def _ours(target: Sought, message_id: str, recipients: Iterable[str], other_id: str) -> bool:
    if message_id and other_id:
        return _same_id(message_id, other_id)
    return bool(target.to) and target.to in recipients


def from_tracking(target: Sought, message_id: str, found: Gathered) -> list[Evidence]:
    """Exchange's events for the message."""
    evidence: list[Evidence] = []
    for origin, event in found.tracking:
        if not _after(target, event.at) or not _ours(target, message_id, event.recipients, event.message_id):
            continue
        evidence.extend(_tracking_event(target, origin, event))
    return evidence


def _tracking_event(target: Sought, origin: str, event: TrackingEvent) -> list[Evidence]:
    def put(hop: str, verdict: Reading, sign: str, detail: str = "") -> Evidence:
        return Evidence(hop, verdict, sign, "message tracking", origin, event.at, cut(event.raw), detail)

    status = event.recipient_status.lower()
    if event.event_id == "RECEIVE":
        return [put("exchange_accepted", "seen", "received")]
    if event.event_id not in ("SEND", "FAIL", "DEFER", "DSN"):
        return []
    if "unable to relay" in status or (
        event.event_id == "FAIL" and not event.server_ip and "5.7.1" in status
    ):
        return [
            put("exchange_accepted", "seen", "answered"),
            put("connector_routed", "contrary", "relay-refused"),
        ]
    if "dns" in status and not event.server_ip:
        return [put("connector_routed", "seen", "routed"), put("dns_resolved", "contrary", "dns-failed")]
    found = [put("exchange_accepted", "seen", "handled"), put("connector_routed", "seen", "routed")]
    if event.server_ip:
        right = event.server_ip == target.path_address
        found.append(
            put(
                "dns_resolved",
                "seen" if right else "contrary",
                "resolved" if right else "dns-other-address",
                event.server_ip,
            )
        )
        if not right:
            return found
    if event.event_id == "SEND":
        return [*found, put("vip_reached", "seen", "sent"), put("node_accepted", "seen", "sent")]
    sign = next((s for words, s in WINSOCK_SIGNS if words in status), "")
    if sign in ("connect-refused", "connection-dropped"):
        found.append(put("vip_reached", "contrary", sign, event.server_ip))
    elif sign == "no-greeting":
        found += [put("vip_reached", "seen", "connected"), put("node_accepted", "contrary", sign)]
    elif status[:1] in ("4", "5"):
        found += [put("vip_reached", "seen", "connected"), put("node_accepted", "contrary", "rcpt-refused")]
    return found


def from_smtp_logs(target: Sought, message_id: str, found: Gathered) -> list[Evidence]:
    """Each node's own log of the conversation that carried the message."""
    evidence: list[Evidence] = []
    for node, line in found.smtp:
        if not _after(target, line.at):
            continue
        if line.verb == "RCPT" and target.to and line.address == target.to and line.status is not None:
            accepted = 200 <= line.status < 300
            sign = "rcpt-accepted" if accepted else "rcpt-refused"
            evidence.append(
                Evidence(
                    "node_accepted",
                    "context" if accepted else "contrary",
                    sign,
                    "IIS SMTP log",
                    node,
                    line.at,
                    cut(line.raw),
                    node,
                )
            )
        elif line.verb == "DATA" and message_id and _same_id(message_id, line.argument) and line.status:
            verdict: Reading = "seen" if 200 <= line.status < 300 else "contrary"
            evidence.append(
                Evidence(
                    "node_accepted",
                    verdict,
                    "data-" + verdict,
                    "IIS SMTP log",
                    node,
                    line.at,
                    cut(line.raw),
                    node,
                )
            )
            if verdict == "seen":
                evidence.append(
                    Evidence(
                        "vip_reached", "seen", "node-log", "IIS SMTP log", node, line.at, cut(line.raw), node
                    )
                )
    return evidence


def from_mail_files(target: Sought, message_id: str, found: Gathered) -> list[Evidence]:
    """The message's file in Drop, Queue or Badmail."""
    evidence: list[Evidence] = []
    for item in found.mail:
        head = item.head
        if head is None or not _ours(target, message_id, (*head.receivers, *head.to), head.message_id):
            continue
        evidence.extend(_mail_file(item))
    return evidence


def _mail_file(item: MailFile) -> list[Evidence]:
    origin = _host_of(item)
    line = f"{item.kind.title()}: {item.path.name}" + (f" ({item.reason})" if item.reason else "")

    def put(hop: str, verdict: Reading, sign: str) -> Evidence:
        return Evidence(
            hop, verdict, sign, f"{item.kind.title()} folder", origin, item.modified, cut(line), origin
        )

    accepted = put("node_accepted", "seen", "filed")
    if item.kind == "drop":
        return [
            accepted,
            put("drop_written", "seen", "in-drop"),
            put("timer_picked_up", "context", "in-drop"),
        ]
    if item.kind == "queue":
        return [accepted, put("drop_written", "contrary", "in-queue")]
    return [
        accepted,
        put("drop_written", "contrary", "badmail-hop-count" if item.hop_count_exceeded else "badmail"),
    ]


def _host_of(item: MailFile) -> str:
    parts = [p for p in item.path.parts]
    lowered = [p.lower() for p in parts]
    if "mailroot" in lowered and lowered.index("mailroot") > 0:
        return parts[lowered.index("mailroot") - 1]
    return str(item.path.parent)


_MESSAGE_IDS = re.compile(r"<[^<>\s]+@[^<>\s]+>")
UNKNOWN_ALIAS = "aliases were unknown"
"""The unified log's words when the timer job finds no list for an alias (event 6871)."""
REFUSED_WORDS = ("cannot deliver", "does not have permission", "refused")
PICKED_WORDS = ("picked up", "processing")
STORED_WORDS = ("delivered", "stored")


def from_uls(target: Sought, message_id: str, found: Gathered) -> list[Evidence]:
    """SharePoint's incoming e-mail lines about the message or its alias."""
    alias = target.to.split("@", 1)[0]
    evidence: list[Evidence] = []
    for origin, line in found.uls:
        if not _after(target, line.at):
            continue
        text = line.message.lower()
        named = [found.strip("<>") for found in _MESSAGE_IDS.findall(text)]
        about_id = bool(message_id) and message_id.strip("<>").lower() in named
        about_alias = bool(alias) and (target.to in text or f" {alias}" in text or f"'{alias}" in text)
        if message_id and named and not about_id:
            continue  # a line about another message to the same library

        placed: list[tuple[str, Reading, str]] = []
        if UNKNOWN_ALIAS in text and about_alias:
            placed = [("timer_picked_up", "contrary", "unknown-alias")]
        elif "access" in text and "denied" in text:
            placed = [("timer_picked_up", "contrary", "drop-access-denied")]
        elif not (about_id or about_alias):
            continue
        elif any(word in text for word in REFUSED_WORDS):
            placed = [("timer_picked_up", "seen", "read"), ("list_stored", "contrary", "list-refused")]
        elif any(word in text for word in STORED_WORDS):
            placed = [("timer_picked_up", "seen", "read"), ("list_stored", "seen", "stored")]
        elif any(word in text for word in PICKED_WORDS):
            # The job reads files only from Drop, so the file was written there; reading it is
            # not yet taking it (an unknown alias leaves the file where it is).
            placed = [("drop_written", "seen", "read-from-drop"), ("timer_picked_up", "context", "read")]
        evidence += [
            Evidence(hop, verdict, sign, "unified log", origin, line.at, cut(line.raw))
            for hop, verdict, sign in placed
        ]
    return evidence


def from_checks(results: Sequence[CheckResult]) -> list[Evidence]:
    """The session's live checks and imported facts, each on the hop its step speaks about."""
    evidence: list[Evidence] = []
    for result in results:
        hop = FOLDER_CHECKS.get(result.check) or CHECK_HOPS.get(result.step)
        if hop is None or result.status in (Status.SKIP,):
            continue
        placed: Reading = "contrary" if result.status.failed else "context"
        evidence.append(
            Evidence(
                hop,
                placed,
                f"check:{result.check}",
                "live check" if result.origin is None else "imported check",
                result.origin or "this machine",
                result.observed_at,
                cut(result.headline),
                result.target,
            )
        )
    return evidence
