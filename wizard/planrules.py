"""The rules that tie a plan's keys together: mode and node count, the VIP, the zone, versions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.errors import Problem, quote

if TYPE_CHECKING:
    from wizard.plan import Plan

MAX_NLB_NODES = 32
"""The most hosts an NLB cluster holds."""


IMPOSSIBLE_VERSIONS: dict[tuple[str, str], str] = {
    ("se", "2003"): "SharePoint Subscription Edition does not run on Windows Server 2003",
    ("2007", "2025"): "SharePoint 2007 does not run on Windows Server 2025",
}
"""(SharePoint version, Windows Server version of the SMTP nodes) pairs that cannot exist, with why.

In this design the SMTP nodes are servers of the SharePoint farm, so a
SharePoint version that cannot run on the nodes' Windows makes guidance for a
farm that cannot exist. Only pairs the sources confirm are listed; an unknown
Windows version is never refused. No Exchange version is refused for what it
routes to: every supported Exchange delivers to an SMTP smart host, and the
sources name no version that cannot reach IIS SMTP.
"""


def compatible(sharepoint: str | None, windows: str | None) -> bool:
    """False when the SharePoint version cannot run on that Windows Server version."""
    return (sharepoint or "", windows or "") not in IMPOSSIBLE_VERSIONS


def _version_problems(plan: Plan) -> list[Problem]:
    """Version combinations that cannot exist, each refused with its reason."""
    reason = IMPOSSIBLE_VERSIONS.get((plan.sharepoint_version, plan.windows_version or ""))
    if reason is None:
        return []
    return [
        Problem(
            "windows_version",
            f"{reason}, and the SMTP nodes are the farm's servers; give the nodes' real Windows version, or leave it out",
        )
    ]


def cross_problems(plan: Plan) -> list[Problem]:
    problems: list[Problem] = _version_problems(plan)
    if plan.dns_zone and not plan.mail_host.endswith("." + plan.dns_zone):
        problems.append(
            Problem(
                "mail_host", f"{quote(plan.mail_host)} is not a name inside dns_zone {quote(plan.dns_zone)}"
            )
        )
    count = len(plan.nodes)
    if plan.mode == "single":
        if count != 1:
            problems.append(Problem("nodes", f"single mode takes exactly one node, not {count}"))
        if plan.vip is not None:
            problems.append(Problem("vip", 'single mode has no VIP; remove it or set mode = "nlb"'))
    else:
        if count < 2:
            problems.append(Problem("nodes", f"nlb mode needs at least two nodes, not {count}"))
        if count > MAX_NLB_NODES:
            problems.append(
                Problem("nodes", f"an NLB cluster holds at most {MAX_NLB_NODES} hosts, not {count}")
            )
        if plan.vip is None:
            problems.append(Problem("vip", "nlb mode needs the cluster's virtual address"))
    seen_names: dict[str, int] = {}
    seen_addresses: dict[str, int] = {}
    for index, node in enumerate(plan.nodes):
        if node.name in seen_names:
            problems.append(
                Problem(
                    f"nodes[{index}].name", f"{quote(node.name)} is already node {seen_names[node.name] + 1}"
                )
            )
        seen_names.setdefault(node.name, index)
        if node.address in seen_addresses:
            problems.append(
                Problem(
                    f"nodes[{index}].address",
                    f"{node.address} is already the address of node {seen_addresses[node.address] + 1}",
                )
            )
        seen_addresses.setdefault(node.address, index)
        if plan.vip is not None and node.address == plan.vip:
            problems.append(
                Problem(f"nodes[{index}].address", f"{node.address} is the VIP; give the node's own address")
            )
    if len(set(plan.sharepoint_servers)) != len(plan.sharepoint_servers):
        problems.append(Problem("sharepoint_servers", "lists the same server twice"))
    if len(set(plan.exchange_servers)) != len(plan.exchange_servers):
        problems.append(Problem("exchange_servers", "lists the same address twice"))
    if plan.test_recipient and not plan.test_recipient.endswith("@" + plan.mail_host):
        problems.append(Problem("test_recipient", f"must be an address at {plan.mail_host} (the library's)"))
    return problems
