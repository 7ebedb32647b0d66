"""How the documents describe each place steps are done in: one row per place, one column per use.

The change board's scope names the hosts a place changes, the procedure
describes the place under its heading, and the per-host scripts take their
file name, title and "run on" line from here. (The checklist's ``[places]``
gives each place's heading and team.)
"""

from __future__ import annotations

from collections.abc import Callable

from wizard.checklist.model import Host
from wizard.exportnames import host_stem
from wizard.plan.model import Node, Plan, version_name
from wizard.record import record

Script = tuple[str, str, str]
"""A script's file stem, title and where to run it."""


@record
class PlaceText:
    """What the documents say about one place, for a plan."""

    scope: Callable[[Plan], str]
    """The hosts it changes, for the change board's scope."""
    detail: Callable[[Plan], str]
    """The line under its heading in the procedure."""
    script: Callable[[Plan, Node | None], Script] | None
    """Its script (per node for the nodes); None: nothing of it is scripted."""


DNS_SERVER = "the domain's DNS server"


def _dns_servers(plan: Plan, none: str) -> str:
    return ", ".join(plan.dns_servers) or none


def _node_scope(plan: Plan) -> str:
    names = [node.name for node in plan.nodes]
    if len(names) <= 4:
        return ", ".join(names)
    return f"{len(names)} SMTP nodes, {names[0]} to {names[-1]} (listed in the procedure)"


def _node_detail(plan: Plan) -> str:
    count = len(plan.nodes)
    if count == 1:
        return f"the server {plan.nodes[0].name}"
    return (
        f"Each step below is done on every one of the {count} nodes. Where a text names a node, "
        f"it is written for {plan.nodes[0].name}; each node's own values are in this table."
    )


def _node_script(plan: Plan, node: Node | None) -> Script:
    node = node or plan.nodes[0]
    return (
        host_stem("node-", node.name),
        f"SMTP node {node.name}",
        f"{node.name} ({node.address}), as an administrator",
    )


def _sharepoint_script(plan: Plan, node: Node | None) -> Script:
    return "sharepoint", "SharePoint", "a server of the SharePoint farm, as a farm administrator"


PLACES: dict[Host, PlaceText] = {
    Host.WORKSTATION: PlaceText(
        scope=lambda plan: "the implementer's workstation (read-only checks)",
        detail=lambda plan: (
            "Read-only checks from the implementer's workstation, before and after each change."
        ),
        script=None,
    ),
    Host.DNS: PlaceText(
        scope=lambda plan: f"zone {plan.zone} on " + _dns_servers(plan, "the domain's DNS servers"),
        detail=lambda plan: _dns_servers(plan, DNS_SERVER) + f"; zone {plan.zone}",
        script=lambda plan, node: (
            "dns-server",
            "DNS server",
            f"a DNS server of zone {plan.zone} ({_dns_servers(plan, DNS_SERVER)}), or with the DNS tools",
        ),
    ),
    Host.NLB: PlaceText(
        scope=lambda plan: f"the NLB cluster {plan.vip}",
        detail=lambda plan: f"cluster address {plan.vip}; {len(plan.nodes)} nodes",
        script=lambda plan, node: (
            "nlb-manager",
            "NLB cluster",
            f"one of the cluster nodes ({', '.join(n.name for n in plan.nodes)}), "
            "as an administrator of all of them",
        ),
    ),
    Host.EXCHANGE: PlaceText(
        scope=lambda plan: "Exchange " + ", ".join(plan.exchange_servers),
        detail=lambda plan: (
            f"Exchange {version_name(plan.exchange_version)}: " + ", ".join(plan.exchange_servers)
        ),
        script=lambda plan, node: (
            "exchange",
            "Exchange",
            f"an Exchange server ({', '.join(plan.exchange_servers)}), in the Exchange Management Shell",
        ),
    ),
    Host.NODE: PlaceText(scope=_node_scope, detail=_node_detail, script=_node_script),
    Host.CENTRAL_ADMIN: PlaceText(
        scope=lambda plan: f"SharePoint {version_name(plan.sharepoint_version)} Central Administration",
        detail=lambda plan: f"SharePoint {version_name(plan.sharepoint_version)}",
        script=_sharepoint_script,
    ),
    Host.LIBRARY: PlaceText(
        scope=lambda plan: plan.test_recipient or "one document library",
        detail=lambda plan: plan.test_recipient or "the library to mail-enable",
        # The library is reached from a SharePoint server, so its steps join that script.
        script=_sharepoint_script,
    ),
}
"""Every place the checklist may name."""
