"""The ``outgoing-smtp`` check: the outbound server SharePoint sends alerts through, where the plan names it."""

from __future__ import annotations

import ipaddress

from wizard.checks.base import Finding, Sweep, Target, finding
from wizard.checks.dialogue import IDENTIFY
from wizard.checks.dnslookup import DnsServer, ask_first, system_servers
from wizard.checks.smtpchecks import probe_values
from wizard.checks.smtpprobe import converse
from wizard.plan.model import Plan
from wizard.results import Status


def targets(plan: Plan) -> list[Target]:
    """The outgoing server when the plan names one, else the manual step (named by the mail host)."""
    if plan.outgoing_smtp_server:
        return [Target(plan.outgoing_smtp_server, "host", plan.outgoing_smtp_server)]
    return [Target(plan.mail_host, "host")]


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


OUTGOING_PAGE = "outgoing"
"""The checklist page (``[places.central_admin.pages]``) this check names."""


async def run_outgoing(sweep: Sweep, target: Target) -> Finding:
    """``outgoing-smtp``: the outbound server named in the plan greets on port 25."""
    plan = sweep.plan
    page = sweep.pages.get(OUTGOING_PAGE, "Central Administration's outgoing e-mail settings")
    if not plan.outgoing_smtp_server:
        return finding(
            Status.SKIP,
            f"manual: outgoing mail is set apart from this design, at {page}",
            "Give outgoing_smtp_server in the plan to have it checked; the IIS SMTP service on the nodes is not involved unless that field names it.",
        )
    server = plan.outgoing_smtp_server
    address = server
    lines: list[str] = []
    if not _is_address(server):
        servers = [DnsServer.parse(text) for text in plan.dns_servers] or system_servers()
        async with sweep.limiter:
            answer = await ask_first(servers, server, "A", deadline=sweep.deadline)
        if answer is None or answer.outcome != "ok":
            said = answer.describe() if answer else "no resolver"
            return finding(
                Status.FAIL,
                f"the outgoing server {server} does not resolve ({said})",
                f"Check the name set at {page}.",
                answer.lines if answer else (),
            )
        address = answer.values[0]
        lines.extend(answer.lines)
    async with sweep.limiter:
        found = await converse(
            address,
            sweep.outgoing_port,
            deadline=sweep.deadline,
            moves=IDENTIFY,
            values=probe_values(plan),
        )
    lines.extend(found.transcript)
    label = (
        f"{server} ({address}:{sweep.outgoing_port})"
        if address != server
        else f"{server}:{sweep.outgoing_port}"
    )
    if found.greeted:
        assert found.greeting is not None
        return finding(
            Status.PASS,
            f"the outgoing server {label} greets with 220: {found.greeting.text[:100]}",
            "",
            lines,
        )
    problem = (
        str(found.fault)
        if found.fault
        else f"answered {found.greeting.first if found.greeting else 'nothing'}"
    )
    return finding(
        Status.ERROR if found.out_of_turn else Status.FAIL,
        f"the outgoing server {label} {problem}",
        f"SharePoint's alerts leave through this server; check that it runs and accepts this farm, and the name at {page}.",
        lines,
    )
