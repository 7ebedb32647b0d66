"""The probe kit: one read-only PowerShell script per vantage host, each writing a results file for ``import``."""

from __future__ import annotations

import json
from datetime import datetime

from wizard.bounds import KIT
from wizard.checks import dialogue as written
from wizard.checks import nlbcheck
from wizard.checks.smtpchecks import IIS_BANNER
from wizard.exportnames import host_stem
from wizard.plan.model import Plan
from wizard.probekit import catalog
from wizard.probekit.fingerprint import fingerprint
from wizard.probekit.kitmoves import (
    RECIPIENT_STATUSES,
    SENDER_STATUSES,
    KitMove,
    closing,
    kit_conversations,
)
from wizard.probekit.resultsfile import MAX_LINE_WIDTH
from wizard.record import record
from wizard.runbook.environments import render
from wizard.runbook.scripts import farm_line

MAX_TRANSCRIPT_LINES = KIT.lines
"""Lines of a conversation the kit's scripts write per result; a session keeps fewer (``evidence.bounded``)."""

OLD_MINUTES = 10
"""A file this old in Drop means the timer job (every minute) is not taking it."""
LOG_HOURS = 24
"""How far back the SharePoint script reads the unified log and the job history (its -Hours default)."""
LOG_LINE_LIMIT = 200_000
"""Lines of the SMTP protocol log the node script reads at most: a busy node's hour stays bounded in time."""
TEST_ATTACHMENT = "spmail-wizard-test.txt"
"""The attachment of the wizard's test message: in a library, the file the message becomes."""
TEST_SUBJECT = "spmail-wizard test message"
"""How the test message's subject starts: in a list, the item's title."""


@record
class KitHost:
    """One host the kit runs on."""

    kind: str
    """``exchange``, ``node`` or ``sharepoint``."""
    stem: str
    """File name without ``.ps1``; also the start of its results file's name."""
    title: str
    run_on: str
    address: str
    origin: str = ""
    """The name its results carry: an Exchange server's address in the plan, a node's name;
    empty for the SharePoint script, which runs on any SharePoint server and names the one it runs on."""
    node_name: str = ""
    notes: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    manual: tuple[str, ...] = ()

    @property
    def file_name(self) -> str:
        """The script's file name."""
        return f"{self.stem}.ps1"


@record
class KitValues:
    """Constants the scripts share with the Python checks."""

    alias_probe: str
    relay_probe: str
    sender: str
    outside_domain: str
    iis_banner: str
    conversations: dict[str, tuple[KitMove, ...]]
    closing: KitMove
    farm_json: str
    """The plan's fingerprint as the results file's ``"farm"`` (JSON, ASCII only)."""
    sender_statuses: tuple[str, ...] = SENDER_STATUSES
    recipient_statuses: tuple[str, ...] = RECIPIENT_STATUSES
    min_per_node: int = nlbcheck.MIN_PER_NODE
    max_per_node: int = nlbcheck.MAX_PER_NODE
    max_lines: int = MAX_TRANSCRIPT_LINES
    max_width: int = MAX_LINE_WIDTH
    old_minutes: int = OLD_MINUTES
    log_hours: int = LOG_HOURS
    log_line_limit: int = LOG_LINE_LIMIT
    test_attachment: str = TEST_ATTACHMENT
    test_subject: str = TEST_SUBJECT


def _describe(checks: tuple[catalog.KitCheck, ...], plan: Plan) -> tuple[str, ...]:
    return tuple(
        f"{check.step} / {check.name}: {check.reads}"
        for check in checks
        if (plan.mode == "nlb" or check.step != "nlb") and (not plan.smtp_nodes or check.step != "drop_share")
    )


def _exchange_notes(plan: Plan) -> tuple[str, ...]:
    notes = []
    if plan.exchange_version == "2007":
        notes.append(
            "Exchange 2007 servers may have only PowerShell 1.0, which cannot run this script; "
            "install Windows PowerShell 2.0 (Windows Management Framework) or run the kit on another "
            "Exchange server of the plan."
        )
    return tuple(notes)


def _node_notes(plan: Plan) -> tuple[str, ...]:
    notes = []
    if plan.windows_version == "2025":
        notes.append(
            "Windows Server 2025 has no SMTP Server feature: on such a host this script finds no SMTP service."
        )
    if plan.windows_version in ("2003", "2008"):
        release = "Windows Server 2003" if plan.windows_version == "2003" else "Windows Server 2008 (not R2)"
        notes.append(
            f"{release} has no Windows PowerShell 2.0 by default; install it (Windows Management Framework) "
            "to run this script."
        )
    return tuple(notes)


def _sharepoint_notes(plan: Plan) -> tuple[str, ...]:
    notes = []
    if plan.sharepoint_version == "2007":
        notes.append(
            "SharePoint 2007 has no SharePoint Management Shell: this script needs SharePoint 2010 or later."
        )
    if plan.sharepoint_version == "2010":
        notes.append("On SharePoint 2010 the shell runs PowerShell 2.0; the script keeps to it.")
    if not plan.sharepoint_servers:
        notes.append(
            "The plan lists no sharepoint_servers: add the server you run this on, or import refuses its results."
        )
    return tuple(notes)


def kit_hosts(plan: Plan) -> tuple[KitHost, ...]:
    """Every Exchange server, then every node, in plan order, then one SharePoint server.

    On the Foreign connector route only the SharePoint kit: the Exchange and node kits
    probe the SMTP path, which that route does not have.
    """
    smtp = plan.smtp_nodes
    hosts = [
        KitHost(
            kind="exchange",
            stem=f"probe-exchange-{index}",
            title=f"Exchange server {address}",
            run_on=f"the Exchange server {address}, in Windows PowerShell or the Exchange Management Shell",
            address=address,
            origin=address,
            notes=_exchange_notes(plan),
            checks=_describe(catalog.EXCHANGE_CHECKS, plan),
        )
        for index, address in enumerate(plan.exchange_servers, start=1)
        if smtp
    ]
    hosts += [
        KitHost(
            kind="node",
            stem=host_stem("probe-node-", node.name),
            title=f"SMTP node {node.name}",
            run_on=f"{node.name} ({node.address}), in Windows PowerShell as an administrator",
            address=node.address,
            origin=node.name,
            node_name=node.name,
            notes=_node_notes(plan),
            checks=_describe(catalog.NODE_CHECKS, plan),
            manual=catalog.MANUAL,
        )
        for node in plan.nodes
        if smtp
    ]
    servers = ", ".join(plan.sharepoint_servers) or "a server of the farm"
    hosts.append(
        KitHost(
            kind="sharepoint",
            stem="probe-sharepoint",
            title="SharePoint server",
            run_on=f"one SharePoint server that runs the Incoming E-Mail service ({servers}), "
            "in the SharePoint Management Shell as a farm administrator",
            address="",
            notes=_sharepoint_notes(plan),
            checks=_describe(catalog.SHAREPOINT_CHECKS, plan),
        )
    )
    return tuple(hosts)


def kit_values(plan: Plan) -> KitValues:
    """The constants every script of the plan's kit carries."""
    values = written.probe_values(helo="", zone=plan.zone, mail_host=plan.mail_host)
    return KitValues(
        alias_probe=values["alias_rcpt"],
        relay_probe=values["outside_rcpt"],
        sender=values["sender"],
        outside_domain=written.OUTSIDE_DOMAIN,
        iis_banner=IIS_BANNER,
        conversations=kit_conversations(),
        closing=closing(),
        farm_json=json.dumps(fingerprint(plan), ensure_ascii=True),
    )


def render_kit(plan: Plan, *, generated_at: datetime) -> dict[str, str]:
    """Every script of the kit, by file name."""
    values = kit_values(plan)
    return {
        host.file_name: render(
            "ps1",
            f"probe/{host.kind}.ps1.j2",
            plan=plan,
            host=host,
            kit=values,
            farm=farm_line(plan),
            generated_at=generated_at,
        )
        for host in kit_hosts(plan)
    }
