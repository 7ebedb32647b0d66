"""The rules that tie a plan's keys together, and the warnings a valid plan still carries.

Each key is read on its own by :mod:`wizard.plan.model`; these rules look at the
plan as a whole: mode and node count, the VIP, the zone, versions, addresses.
Refusals are :class:`Problem` values naming the key; warnings are sentences
shown with the plan (the first step, ``check`` and ``export``) without
refusing it.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from wizard.errors import Problem, quote

if TYPE_CHECKING:
    from wizard.plan.model import Plan

MAX_NLB_NODES = 32
"""The most hosts an NLB cluster holds."""


IIS_IPV4_ONLY = (
    "IIS SMTP's connection and relay lists hold IPv4 addresses only "
    "(Microsoft, How IIS 6.0 Supports IPv6: IP address restrictions do not support IPv6)"
)
"""Why an IPv6 Exchange address cannot be granted on a node."""


def sharepoint_windows(plan: Plan) -> str | None:
    """The Windows Server release of the SharePoint servers, when the plan says it.

    ``sharepoint_windows_version`` when given. Otherwise, with the SMTP service on the
    nodes, the nodes are the farm's servers, so their release is SharePoint's; a Foreign
    connector plan has no node, so its ``windows_version`` can only be SharePoint's. The
    relay hosts of ``relay_host`` are outside the farm and say nothing about it.
    """
    if plan.sharepoint_windows_version:
        return plan.sharepoint_windows_version
    return None if plan.delivery == "relay_host" else plan.windows_version


def _windows_key(plan: Plan) -> str:
    """The key that gave SharePoint's Windows release, for a problem to name."""
    return "sharepoint_windows_version" if plan.sharepoint_windows_version else "windows_version"


def version_problems(plan: Plan) -> list[Problem]:
    """SharePoint on a Windows release that Microsoft's requirements rule out, refused citing the rule."""
    windows = sharepoint_windows(plan)
    if not windows:
        return []
    from wizard.checklist import platforms  # the platform table loads only for a plan that names Windows

    rule = platforms.pair_rule(plan.sharepoint_version, windows)
    if rule.verdict != "refused":
        return []
    return [
        Problem(
            _windows_key(plan),
            f"{platforms.sharepoint_name(plan.sharepoint_version)} on {platforms.windows_name(windows)} is ruled out: "
            f"{rule.rule} ({rule.source}); give the SharePoint servers' real Windows version",
        )
    ]


NO_SMTP_ROUTES = (
    'use delivery = "foreign_connector" (Exchange writes into a shared drop folder, no SMTP service) '
    'or "relay_host" (IIS SMTP relay hosts on an older release, their Drop read over UNC)'
)
"""The routes left when a Windows release has no SMTP Server feature."""


def route_problems(plan: Plan) -> list[Problem]:
    """What the delivery route needs: SMTP nodes on a release that has the feature, and the drop share."""
    problems: list[Problem] = []
    if plan.smtp_nodes and plan.windows_version:
        from wizard.checklist import platforms  # the platform table loads only for a plan that names Windows

        if not platforms.has_smtp_server(plan.windows_version):
            problems.append(
                Problem(
                    "windows_version",
                    f"{platforms.windows_name(plan.windows_version)} has no SMTP Server feature, so no node can "
                    f"run the SMTP service on it: {NO_SMTP_ROUTES}",
                )
            )
    if plan.delivery != "smtp_service" and not plan.drop_share:
        problems.append(
            Problem(
                "drop_share",
                f'delivery = "{plan.delivery}" needs the UNC path SharePoint reads as its drop folder, '
                r"such as \\sp1\SPDrop",
            )
        )
    if (
        plan.delivery == "smtp_service"
        and plan.sharepoint_windows_version
        and plan.windows_version
        and plan.sharepoint_windows_version != plan.windows_version
    ):
        problems.append(
            Problem(
                "sharepoint_windows_version",
                'differs from windows_version, but with delivery = "smtp_service" the nodes are the SharePoint '
                'servers; for SMTP hosts outside the farm use delivery = "relay_host"',
            )
        )
    return problems


def address_problems(plan: Plan) -> list[Problem]:
    """Exchange addresses that the nodes' IIS lists cannot hold, refused with the reason."""
    problems: list[Problem] = []
    if not plan.smtp_nodes:
        return problems
    for index, address in enumerate(plan.exchange_servers):
        if ipaddress.ip_address(address).version == 6:
            problems.append(
                Problem(
                    f"exchange_servers[{index}]",
                    f"{address} is IPv6, and {IIS_IPV4_ONLY}: a node granting only it would refuse that "
                    "Exchange server; give each Exchange server's IPv4 address",
                )
            )
    return problems


def outgoing_through_node(plan: Plan) -> str | None:
    """Which node relays SharePoint's outgoing mail (``outgoing_smtp_server`` names it), or None.

    ``localhost`` means each SharePoint server's own SMTP service, which in this design is a node.
    """
    wanted = (plan.outgoing_smtp_server or "").lower()
    if not wanted:
        return None
    if wanted in ("localhost", "127.0.0.1", "::1"):
        return "each SharePoint server itself"
    for node in plan.nodes:
        if wanted in (node.name, node.address, node.name.split(".", 1)[0]):
            return f"the node {node.name}"
    return None


def plan_warnings(plan: Plan) -> list[str]:
    """What a valid plan should still make the operator stop and read, one sentence each."""
    warnings: list[str] = []
    windows = sharepoint_windows(plan)
    if windows:
        from wizard.checklist import platforms  # the platform table loads only for a plan that names Windows

        rule = platforms.pair_rule(plan.sharepoint_version, windows)
        if rule.verdict == "unsettled":
            warnings.append(rule.rule[0].upper() + rule.rule[1:] + ".")
    if not plan.smtp_nodes and (plan.nodes or plan.vip):
        warnings.append(
            'With delivery = "foreign_connector" no SMTP node takes mail: the plan\'s nodes and vip are kept '
            "but not used."
        )
    node = outgoing_through_node(plan)
    if node:
        warnings.append(
            f"SharePoint's outgoing mail goes to {plan.outgoing_smtp_server}, {node}, whose IIS SMTP relays the "
            "farm's alerts, so its relay list (and its connection list, when restricted) must keep the SharePoint "
            "servers (or 127.0.0.1) besides the Exchange servers, or outgoing mail stops."
        )
    return warnings


def cross_problems(plan: Plan) -> list[Problem]:
    """Problems that tie keys together: versions, addresses, mode and nodes, VIP, zone, duplicates."""
    problems: list[Problem] = [*version_problems(plan), *route_problems(plan), *address_problems(plan)]
    if plan.dns_zone and not plan.mail_host.endswith("." + plan.dns_zone):
        problems.append(
            Problem(
                "mail_host", f"{quote(plan.mail_host)} is not a name inside dns_zone {quote(plan.dns_zone)}"
            )
        )
    if plan.smtp_nodes:
        problems += _node_problems(plan)
    if len(set(plan.sharepoint_servers)) != len(plan.sharepoint_servers):
        problems.append(Problem("sharepoint_servers", "lists the same server twice"))
    if len(set(plan.exchange_servers)) != len(plan.exchange_servers):
        problems.append(Problem("exchange_servers", "lists the same address twice"))
    if plan.test_recipient and not plan.test_recipient.endswith("@" + plan.mail_host):
        problems.append(Problem("test_recipient", f"must be an address at {plan.mail_host} (the library's)"))
    return problems


def _node_problems(plan: Plan) -> list[Problem]:
    """Mode and node count, the VIP, duplicate nodes: the rules of a plan whose nodes run SMTP."""
    problems: list[Problem] = []
    if plan.mode is None:
        return [Problem("mode", 'is required (unless delivery = "foreign_connector")')]
    count = len(plan.nodes)
    if count == 0:
        return [Problem("nodes", "list at least one node (a server running the SMTP service)")]
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
    return problems
