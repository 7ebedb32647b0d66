"""The farm at a glance and the way a message travels through it, in words."""

from __future__ import annotations

from wizard.plan.model import MODE_NAMES, Plan, version_name
from wizard.record import record


@record
class PathStage:
    """One stage of the mail path."""

    label: str
    lines: tuple[str, ...]


def mode_label(plan: Plan) -> str:
    """The mode in words (on the Foreign connector route, the route: it has no mode)."""
    if not plan.smtp_nodes:
        return f"Exchange Foreign connector into {plan.drop_share}"
    if plan.mode == "nlb":
        return f"{MODE_NAMES['nlb']} across {len(plan.nodes)} nodes"
    return MODE_NAMES["single"]


def facts(plan: Plan) -> tuple[tuple[str, str], ...]:
    """The farm's values at a glance, as label and value."""
    if not plan.smtp_nodes:
        return _foreign_facts(plan)
    rows = [
        ("Mode", mode_label(plan)),
        ("Mail host (e-mail server display address)", plan.mail_host),
        ("DNS Host (A) record", f"{plan.record_name} in zone {plan.zone}, pointing to {plan.target_address}"),
    ]
    if plan.delivery == "relay_host":
        rows.append(("Delivery", f"SMTP relay hosts outside the farm; SharePoint reads {plan.drop_share}"))
    if plan.vip:
        rows.append(("NLB cluster address (VIP)", plan.vip))
    rows += [
        ("Exchange servers (the only relay clients)", ", ".join(plan.exchange_servers)),
        ("Connections limited to the Exchange servers", "yes" if plan.connection_control else "no"),
        ("DNS servers asked", ", ".join(plan.dns_servers) or "the system resolver"),
        ("SMTP port", str(plan.smtp_port)),
        ("SharePoint", version_name(plan.sharepoint_version)),
        ("Exchange", version_name(plan.exchange_version)),
        ("Windows Server on the nodes", plan.windows_version or "not given"),
    ]
    if plan.sharepoint_windows_version:
        rows.append(("Windows Server on the SharePoint servers", plan.sharepoint_windows_version))
    if plan.test_recipient:
        rows.append(("Test library address", plan.test_recipient))
    if plan.outgoing_smtp_server:
        rows.append(("Outgoing SMTP server", plan.outgoing_smtp_server))
    return tuple(rows)


def _foreign_facts(plan: Plan) -> tuple[tuple[str, str], ...]:
    """The facts of a Foreign connector farm: no node, VIP, DNS record or SMTP port is involved."""
    rows = [
        ("Delivery", mode_label(plan)),
        ("Mail host (e-mail server display address)", plan.mail_host),
        ("Drop share", plan.drop_share or ""),
        ("Exchange servers (they write into the share)", ", ".join(plan.exchange_servers)),
        ("SharePoint", version_name(plan.sharepoint_version)),
        ("Exchange", version_name(plan.exchange_version)),
    ]
    windows = plan.sharepoint_windows_version or plan.windows_version
    rows.append(("Windows Server on the SharePoint servers", windows or "not given"))
    if plan.test_recipient:
        rows.append(("Test library address", plan.test_recipient))
    if plan.outgoing_smtp_server:
        rows.append(("Outgoing SMTP server", plan.outgoing_smtp_server))
    return tuple(rows)


def mail_path(plan: Plan) -> tuple[PathStage, ...]:
    """The way a message travels, from the sender to the library, with this farm's values."""
    recipient = plan.test_recipient or f"library@{plan.mail_host}"
    timer = PathStage(
        f"SharePoint {version_name(plan.sharepoint_version)} timer job",
        ("reads each message file, files it in the mail-enabled library, deletes the file",),
    )
    if not plan.smtp_nodes:
        return (
            PathStage("Outlook", (f"a user sends mail to {recipient}",)),
            PathStage(f"Exchange {version_name(plan.exchange_version)}", (", ".join(plan.exchange_servers),)),
            PathStage(
                "Foreign connector", (f"address space {plan.mail_host}", f"drop directory {plan.drop_share}")
            ),
            PathStage("Drop share", (f"{plan.drop_share}, read by SharePoint in Advanced mode",)),
            timer,
        )
    if plan.mode == "nlb":
        entry = PathStage(
            "NLB cluster address (VIP)",
            (f"{plan.vip}, TCP {plan.smtp_port}, shared by {len(plan.nodes)} nodes",),
        )
    else:
        node = plan.nodes[0]
        entry = PathStage("Single SMTP server", (f"{node.name} at {node.address}, TCP {plan.smtp_port}",))
    return (
        PathStage("Outlook", (f"a user sends mail to {recipient}",)),
        PathStage(f"Exchange {version_name(plan.exchange_version)}", (", ".join(plan.exchange_servers),)),
        PathStage("Send Connector", (f"address space {plan.mail_host}", f"smart host {plan.mail_host}")),
        PathStage(
            "DNS Host (A) record",
            (f"{plan.mail_host} -> {plan.target_address} (zone {plan.zone})",),
        ),
        entry,
        PathStage(
            "IIS SMTP service on each node",
            tuple(
                f"{node.name} at {node.address}:{plan.smtp_port}, FQDN and alias {plan.mail_host}"
                for node in plan.nodes
            ),
        ),
        PathStage(
            "Drop folder",
            tuple(f"{node.name}: {node.drop_folder or 'its local Drop folder'}" for node in plan.nodes),
        ),
        PathStage(
            f"SharePoint {version_name(plan.sharepoint_version)} timer job",
            ("reads each message file, files it in the mail-enabled library, deletes the file",),
        ),
    )
