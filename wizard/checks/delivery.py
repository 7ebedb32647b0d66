"""Checks that send a real test message: ``library-delivery`` and ``connector-send-test``."""

from __future__ import annotations

import asyncio
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from wizard.checks.base import Finding, Sweep, Target, finding, seconds
from wizard.checks.dialogue import SEND_TEST
from wizard.checks.dropfolder import DropWatch, find_message, readable_folders
from wizard.checks.smtpchecks import first_exchange, probe_kit_hint, probe_values
from wizard.checks.smtpprobe import Conversation, converse
from wizard.plan.model import Plan
from wizard.results import Status

POLL_INTERVAL = 0.05
"""Seconds between looks into the Drop folders; short, since a timer job may take a file quickly."""
SENDER_LOCAL_PART = "spmail-wizard"


def targets(plan: Plan) -> list[Target]:
    """The mail host: the test goes to it, through the VIP or the single node."""
    return [Target(plan.mail_host, "vip", plan.target_address)]


def build_message(plan: Plan, recipient: str, route: str) -> tuple[str, bytes]:
    """A small test message with an attachment and a unique Message-ID; returns (id, bytes)."""
    message_id = make_msgid(idstring="spmail-wizard", domain=plan.zone)
    message = EmailMessage()
    message["From"] = f"{SENDER_LOCAL_PART}@{plan.zone}"
    message["To"] = recipient
    message["Subject"] = f"spmail-wizard test message ({route})"
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id
    message.set_content(
        f"This message tests incoming e-mail for {plan.mail_host} ({route}).\n"
        "It carries a small attachment; the library should store it as a new item.\n"
    )
    message.add_attachment(
        f"spmail-wizard test attachment\nMessage-ID: {message_id}\n".encode(),
        maintype="text",
        subtype="plain",
        filename="spmail-wizard-test.txt",
    )
    return message_id, message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def _recipient_skip(plan: Plan) -> Finding | None:
    if plan.test_recipient:
        return None
    return finding(
        Status.SKIP,
        "no test_recipient in the plan, so no test message was sent",
        f"Mail-enable a library, put its address (such as docs@{plan.mail_host}) in test_recipient, and run with --send-test.",
    )


async def run_library(sweep: Sweep, target: Target) -> Finding:
    """``library-delivery``: send a message to the library through the VIP and follow it through Drop."""
    plan = sweep.plan
    if not plan.smtp_nodes:
        # Nothing on the Foreign connector route speaks SMTP for SharePoint: only Exchange can send.
        return finding(
            Status.SKIP,
            "no SMTP node on the Foreign connector route: a test message goes through Exchange",
            f"Send a message with an attachment to {plan.test_recipient or 'the library'} from Outlook (or run "
            "`spmail-wizard check PLAN --step foreign_connector --send-test`), then the SharePoint kit: "
            "it finds the message's library item.",
        )
    if not sweep.send_test:
        return finding(
            Status.SKIP,
            "no test message sent (it creates a real library item)",
            f"Run `spmail-wizard check PLAN --step library_test --send-test`, or send a message with an attachment to {plan.test_recipient or 'the library'} from Outlook.",
        )
    skip = _recipient_skip(plan)
    if skip is not None:
        return skip
    assert plan.test_recipient is not None
    return await _send_and_follow(
        sweep, plan.target_address, plan.smtp_port, f"to {sweep.vip_label()}", local_route=True
    )


def _connector_command(plan: Plan) -> str:
    if not plan.smtp_nodes:
        return (
            "Get-ForeignConnector | Format-List Name,AddressSpaces,DropDirectory,SourceTransportServers,Enabled"
            f" (run in the Exchange Management Shell); the connector for {plan.mail_host} should show "
            f"AddressSpaces {{SMTP:{plan.mail_host};1}} and DropDirectory {plan.drop_share}."
        )
    return (
        "Get-SendConnector | Format-List Name,AddressSpaces,SmartHosts,DNSRoutingEnabled,SourceTransportServers,Enabled"
        f" (run in the Exchange Management Shell); the connector for {plan.mail_host} should show "
        f"AddressSpaces {{SMTP:{plan.mail_host};1}}, SmartHosts {{{plan.mail_host}}}, DNSRoutingEnabled False and Enabled True."
    )


async def run_connector(sweep: Sweep, target: Target) -> Finding:
    """``connector-send-test``: a message submitted to Exchange must reach a node's Drop folder."""
    plan = sweep.plan
    if not sweep.send_test:
        return finding(
            Status.SKIP,
            "the connector is proven end to end only with --send-test; check it on Exchange meanwhile",
            _connector_command(plan),
        )
    skip = _recipient_skip(plan)
    if skip is not None:
        return skip
    exchange = plan.exchange_servers[0]
    port = sweep.exchange_port if plan.exchange_port is None else plan.exchange_port
    return await _send_and_follow(sweep, exchange, port, f"through Exchange {exchange}", local_route=False)


async def _send_and_follow(
    sweep: Sweep, address: str, port: int, route: str, *, local_route: bool
) -> Finding:
    plan = sweep.plan
    assert plan.test_recipient is not None
    message_id, payload = build_message(plan, plan.test_recipient, route)
    watches, unreadable = await asyncio.to_thread(readable_folders, list(plan.nodes))
    sweep.progress(f"submitting the test message {route}", sweep.remaining())
    async with sweep.limiter:
        sent = await converse(
            address,
            port,
            deadline=sweep.deadline,
            moves=SEND_TEST,
            values={
                **probe_values(plan),
                "sender": f"{SENDER_LOCAL_PART}@{plan.zone}",
                "recipient": plan.test_recipient,
            },
            message=payload,
        )
    sent_at = time.monotonic()
    lines = list(sent.transcript) + [f"-- Message-ID {message_id}"]
    refused = _refusal(sweep, sent, route, local_route)
    if refused is not None:
        return finding(refused[0], refused[1], refused[2], lines)
    accepted = f"{route} accepted the test message ({sent.data.first if sent.data else ''})"
    if not watches:
        # A 250 to the message says the node took it, not that SharePoint did: without a
        # Drop folder to watch, the delivery is unproven, so this is a warning, never a pass.
        lines += unreadable
        return finding(
            Status.WARN,
            f"{accepted}, but its arrival was not followed (no Drop folder is readable from here), "
            "so this does not prove delivery",
            "Look for the new item in the library within a minute or two, or give each node's "
            "drop_folder in the plan so that the wizard can follow the message to its pickup.",
            lines,
        )
    return await _follow(sweep, watches, unreadable, message_id, sent_at, accepted, lines)


def _refusal(
    sweep: Sweep, sent: Conversation, route: str, local_route: bool
) -> tuple[Status, str, str] | None:
    plan = sweep.plan
    turned_away = sent.blocked()
    if local_route and plan.connection_control and turned_away:
        # Expected with connection control on: only an Exchange server may connect, so only a test
        # sent from there proves the step; rerunning from here would end the same way.
        return (
            Status.SKIP,
            f"{route} turned this machine away ({turned_away}), as connection control would; "
            "no test message was sent from here",
            probe_kit_hint(plan, send_test=True),
        )
    if sent.fault is not None:
        return (
            Status.ERROR if sent.out_of_turn else Status.FAIL,
            f"{route}: the message was not sent; {sent.fault} (at {sent.stage})",
            "Run the check without --send-test first; it shows which step fails."
            if not plan.connection_control
            else f"Send the test from {first_exchange(plan)} with the probe kit, or from Outlook.",
        )
    if not sent.greeted:
        shown = sent.greeting.first if sent.greeting else "no greeting"
        return (
            Status.FAIL,
            f"{route} turned the session away ({shown})",
            "Send the test from a host that may connect (an Exchange server) or from Outlook.",
        )
    rcpt = sent.replies.get("rcpt-test")
    if sent.mail is not None and not sent.mail.ok:
        return Status.FAIL, f"{route} refused the sender ({sent.mail.first})", ""
    if rcpt is None or not rcpt.ok:
        shown = rcpt.first if rcpt else "no answer"
        if local_route:
            return (
                Status.FAIL,
                f"{route} refused {plan.test_recipient} ({shown})",
                f"Add {plan.mail_host} as an Alias domain on every node and restart SMTP (alias step).",
            )
        return (
            Status.FAIL,
            f"{route} refused {plan.test_recipient} ({shown})",
            f"Exchange does not relay to {plan.mail_host} for this machine: send the test from a mailbox (Outlook or OWA) instead, "
            "or allow this machine on a receive connector. Also check the Send Connector: "
            + _connector_command(plan),
        )
    if sent.data is None or not sent.data.ok:
        shown = sent.data.first if sent.data else "no answer"
        return (
            Status.FAIL,
            f"{route} refused the message body ({shown})",
            "IIS SMTP limits messages to 2 MB by default; check the node's event log.",
        )
    return None


async def _follow(
    sweep: Sweep,
    watches: list[DropWatch],
    unreadable: list[str],
    message_id: str,
    sent_at: float,
    accepted: str,
    lines: list[str],
) -> Finding:
    """Find the message in a Drop folder, then time until the timer job takes it."""
    limit = sweep.pickup_limit
    sweep.progress("waiting for the message in a Drop folder", limit)
    looked_at: set[Path] = set()
    found: tuple[DropWatch, Path] | None = None
    while found is None and time.monotonic() - sent_at < limit:
        for watch in watches:
            path = await asyncio.to_thread(find_message, watch, message_id, looked_at)
            if path is not None:
                found = (watch, path)
                break
        else:
            await asyncio.sleep(POLL_INTERVAL)
    if found is None:
        lines += unreadable
        if unreadable:
            return finding(
                Status.WARN,
                f"{accepted}, but it did not appear in the readable Drop folders within {seconds(limit)}; it may have gone to a node whose folder is not readable",
                "Check the other nodes' Drop and Queue folders; a file in Queue means the alias domain or FQDN is wrong there.",
                lines,
            )
        return finding(
            Status.FAIL,
            f"{accepted}, but it never arrived in any Drop folder within {seconds(limit)}",
            "Look in each node's Queue and Badmail folders: Queue means the alias domain is missing there, Badmail holds the reason.",
            lines,
        )
    watch, path = found
    arrived_at = time.monotonic()
    lines.append(f"-- found as {path.name} on {watch.node.name} after {arrived_at - sent_at:.2f} s")
    # The pickup limit counts from the send, so this phase has what is left of it.
    sweep.progress(
        f"waiting for SharePoint to pick it up on {watch.node.name}", limit - (arrived_at - sent_at)
    )
    while path.exists() and time.monotonic() - sent_at < limit:
        await asyncio.sleep(POLL_INTERVAL)
    arrival = f"arrived on {watch.node.name} in {arrived_at - sent_at:.1f} s"
    if path.exists():
        return finding(
            Status.FAIL,
            f"{accepted}; it {arrival} but was still in the Drop folder after {seconds(limit)}",
            "The SharePoint timer job does not pick it up: check that the incoming e-mail service runs on a server that reads this Drop folder, "
            "that the timer account may delete files there, and that the library's address is right.",
            lines,
        )
    taken = time.monotonic() - arrived_at
    lines.append(f"-- picked up {taken:.2f} s after arrival")
    return finding(Status.PASS, f"{accepted}; it {arrival} and was picked up {taken:.1f} s later", "", lines)
