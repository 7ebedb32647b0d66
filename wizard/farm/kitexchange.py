"""Exchange facts of the practice farm's kit file that the wizard's own checks do not make: transport's DNS and tracking.

Made the way the Exchange script makes them. The practice Exchange keeps no
DNS list of its own, so transport resolves through the resolver the kit
asked (``transport-dns``). With ``-SendTest`` the script hands its test
message to the mail host itself, so Exchange's tracking log holds no event
for it unless it passed Exchange; the log the farm keeps is read for it
(``exchange-tracking``).
"""

from __future__ import annotations

from pathlib import Path

from wizard.diagnose.bounded import Tally, UnreadableLog
from wizard.diagnose.tracking import TrackingEvent, parse
from wizard.results import CheckResult, Status

FAILED = {"FAIL", "DEFER", "DSN", "POISONMESSAGE", "BADMAIL"}
SENT = {"SEND", "TRANSFER", "DELIVER"}


def transport_dns(mail_host: str) -> CheckResult:
    """The practice Exchange has no transport DNS list: it uses the adapter's resolver."""
    return CheckResult(
        "dns",
        "transport-dns",
        mail_host,
        Status.PASS,
        f"transport on this server resolves {mail_host} through the network adapter's DNS servers, the resolver "
        "asked above",
        transcript=(
            "InternalDNSAdapterEnabled True; InternalDNSServers ",
            "ExternalDNSAdapterEnabled True; ExternalDNSServers ",
            f"the Send Connector for {mail_host} uses the internal DNS settings",
        ),
    )


def _events(folder: Path, message_id: str) -> list[TrackingEvent]:
    found: list[TrackingEvent] = []
    for path in sorted(folder.glob("MSGTRK*.LOG")) if folder.is_dir() else []:
        try:
            found += [event for event in parse(path, Tally(str(path))) if event.message_id == message_id]
        except UnreadableLog:
            continue
    return found


def tracking(mail_host: str, folder: Path, message_id: str) -> CheckResult:
    """The test message's events in the farm's tracking log, judged as the script judges them."""
    events = _events(folder, message_id)
    lines = tuple(f"{e.at} {e.event_id} {e.source} {e.server_hostname} {e.recipient_status}" for e in events)
    if not events:
        return CheckResult(
            "connector",
            "exchange-tracking",
            mail_host,
            Status.SKIP,
            f"message tracking has no event for the test message {message_id}: this script handed it to "
            f"{mail_host} itself, not through Exchange transport",
            hint="To follow a message through Exchange, send one from a mailbox (or with spmail-wizard check "
            "--send-test) and run this script with -MessageId and its Message-ID.",
        )
    chain = " -> ".join(f"{e.event_id} ({e.source})" for e in events)
    failed = [e for e in events if e.event_id in FAILED]
    if failed:
        status, summary = Status.FAIL, f"{chain}; {failed[0].event_id}: {failed[0].recipient_status}"
    elif any(e.event_id in SENT for e in events):
        status, summary = Status.PASS, f"{chain}; last {events[-1].event_id} {events[-1].recipient_status}"
    else:
        status, summary = Status.WARN, f"only as far as {events[-1].event_id}: {chain}"
    return CheckResult(
        "connector",
        "exchange-tracking",
        mail_host,
        status,
        f"message tracking follows {message_id} on this server: {summary}",
        transcript=lines,
    )
