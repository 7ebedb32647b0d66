"""The farm's questions, shared by the full-screen form and the prompts, derived from the plan's keys.

What a value must be (its validator, whether it may be left empty, how it is
entered, which values a choice allows) is the plan key's, read from
:data:`~wizard.plan.model.PLAN_TABLE` by :func:`~wizard.plan.asking.ask`; this
module adds only what the form says about it: label, help sentence, example
and the choices' labels.
Answers are kept as entered (a half-typed address stays in the session) and
turned into plan data here, so that both front ends save the same thing and
refuse a value with the same reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.checklist.platforms import compatible
from wizard.errors import PlanError, Problem
from wizard.plan.asking import FieldKind, Question, ask, split_list
from wizard.plan.model import MODE_NAMES, NODE_TABLE, PLAN_TABLE, VERSION_NAMES, parse_plan
from wizard.plan.routes import route_choices

_WINDOWS_LABELS = {"2008r2": "2008 R2", "2012r2": "2012 R2"}
_SMTP_ROUTES = ("smtp_service", "relay_host")
"""Routes whose farms have SMTP nodes: the node, mode, VIP, DNS and port questions are theirs."""

PLAN_QUESTIONS: tuple[Question, ...] = (
    ask(
        PLAN_TABLE,
        "mode",
        "Mode",
        "Single: one SMTP server. NLB: two or more behind a cluster address.",
        labels=MODE_NAMES,
        # The file may leave it out on the Foreign connector route, where the form does not ask it.
        required=True,
        routes=_SMTP_ROUTES,
    ),
    ask(
        PLAN_TABLE,
        "mail_host",
        "Mail host",
        "The e-mail server display address; the name Exchange routes to.",
        placeholder="mossmail.foo.local",
    ),
    ask(
        PLAN_TABLE,
        "dns_zone",
        "DNS zone",
        "The zone that holds the A record; empty: the mail host without its first label.",
        placeholder="foo.local",
        routes=_SMTP_ROUTES,
    ),
    ask(
        PLAN_TABLE,
        "vip",
        "Cluster VIP",
        "The NLB cluster's virtual address; the mail host must resolve to it.",
        modes=("nlb",),
        required=True,
        placeholder="10.0.0.50",
        routes=_SMTP_ROUTES,
    ),
    ask(
        PLAN_TABLE,
        "exchange_servers",
        "Exchange servers",
        "Addresses of the Exchange servers that send to SharePoint; only they may relay.",
        placeholder="10.0.0.20, 10.0.0.21",
    ),
    ask(
        PLAN_TABLE,
        "dns_servers",
        "DNS servers",
        "DNS servers to ask, as addr or addr:port; empty: this machine's resolver.",
        placeholder="10.0.0.5",
        routes=_SMTP_ROUTES,
    ),
    ask(
        PLAN_TABLE,
        "smtp_port",
        "SMTP port",
        "The port the SMTP service listens on; empty: 25.",
        placeholder="25",
        routes=_SMTP_ROUTES,
    ),
    ask(
        PLAN_TABLE,
        "connection_control",
        "Connection control",
        "Also allow only the Exchange servers to connect (this machine's probes are refused then).",
        routes=_SMTP_ROUTES,
    ),
    ask(
        PLAN_TABLE,
        "sharepoint_version",
        "SharePoint version",
        "Picks the click paths and scripts for Central Administration.",
        labels=VERSION_NAMES,
    ),
    ask(
        PLAN_TABLE,
        "exchange_version",
        "Exchange version",
        "Picks the console and shell commands for the Send Connector.",
        labels=VERSION_NAMES,
    ),
    ask(
        PLAN_TABLE,
        "windows_version",
        "Windows version",
        "Windows Server version of the SMTP servers; not known: every variant is shown.",
        labels=_WINDOWS_LABELS,
    ),
    ask(
        PLAN_TABLE,
        "delivery",
        "Delivery route",
        "How mail reaches SharePoint's drop folder; only the routes these versions allow are offered.",
    ),
    ask(
        PLAN_TABLE,
        "drop_share",
        "Drop share",
        "The UNC path SharePoint reads as its drop folder, written by Exchange or the relay hosts.",
        placeholder=r"\\sp1\SPDrop",
        routes=("foreign_connector", "relay_host"),
    ),
    ask(
        PLAN_TABLE,
        "sharepoint_windows_version",
        "SharePoint's Windows",
        "Windows Server version of the SharePoint servers, when the relay hosts run another.",
        labels=_WINDOWS_LABELS,
        routes=("relay_host",),
    ),
    ask(
        PLAN_TABLE,
        "test_recipient",
        "Test recipient",
        "Address of the mail-enabled library used for the test message.",
        placeholder="docs@mossmail.foo.local",
    ),
    ask(
        PLAN_TABLE,
        "outgoing_smtp_server",
        "Outgoing server",
        "The outbound server set in Central Administration, if known.",
    ),
    ask(
        PLAN_TABLE,
        "sharepoint_servers",
        "SharePoint servers",
        "Names of the SharePoint servers that run the Incoming E-Mail service; they may send proof.",
        placeholder="sp1.foo.local",
    ),
    ask(
        PLAN_TABLE,
        "proof_max_age_hours",
        "Proof age limit",
        "Hours after which a check result is stale and proves nothing; empty: 24.",
        placeholder="24",
    ),
)
"""The plan's top-level questions, in the order they are asked (nodes come after the DNS zone)."""

NODES_AFTER = "dns_zone"
"""The nodes are asked right after this question."""

NODE_QUESTIONS: tuple[Question, ...] = (
    ask(NODE_TABLE, "name", "Name", "The server's own DNS name.", placeholder="wfe1.foo.local"),
    ask(
        NODE_TABLE,
        "address",
        "Address",
        "The server's dedicated address (not the VIP).",
        placeholder="10.0.0.11",
    ),
    ask(
        NODE_TABLE,
        "drop_folder",
        "Drop folder",
        "The Drop folder as this machine can read it; enables arrival checks.",
        placeholder=r"\\wfe1\c$\Inetpub\mailroot\Drop",
    ),
)
"""The questions asked for each node."""


def question(key: str) -> Question:
    """The top-level question for a plan key.

    Raises:
        KeyError: no such question.
    """
    for item in PLAN_QUESTIONS:
        if item.key == key:
            return item
    raise KeyError(key)


def node_question(key: str) -> Question:
    """The node question for a node key.

    Raises:
        KeyError: no such question.
    """
    for item in NODE_QUESTIONS:
        if item.key == key:
            return item
    raise KeyError(key)


def choices_for(item: Question, plan_data: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The choices that make a possible farm with the other answers given so far.

    A Windows version the chosen SharePoint version cannot run on is not
    offered, nor the other way round; "not known" always is.
    """
    if item.key == "windows_version":
        sharepoint = plan_data.get("sharepoint_version")
        return tuple(c for c in item.choices if not c[0] or compatible(str(sharepoint or ""), c[0]))
    if item.key == "sharepoint_version":
        windows = plan_data.get("windows_version")
        return tuple(c for c in item.choices if compatible(c[0], str(windows or "")))
    if item.key == "delivery":
        return route_choices(plan_data)
    if item.key == "sharepoint_windows_version":
        sharepoint = plan_data.get("sharepoint_version")
        return tuple(c for c in item.choices if not c[0] or compatible(str(sharepoint or ""), c[0]))
    return item.choices


def reason(item: Question, text: str) -> str | None:
    """Why the answer as typed is refused, or None when it is acceptable on its own."""
    if not text.strip():
        if item.required and item.kind not in (FieldKind.FLAG, FieldKind.CHOICE):
            return "is required"
        return None
    if item.check is None:
        return None
    try:
        item.check(text)
    except ValueError as exc:
        return str(exc)
    return None


def to_value(item: Question, text: str) -> Any:
    """The answer as plan data; None means leave the key out."""
    if item.kind is FieldKind.FLAG:
        return text.strip().lower() in ("1", "true", "yes", "y", "on")
    stripped = text.strip()
    if not stripped:
        return None
    if item.kind is FieldKind.LIST:
        return split_list(stripped)
    if item.kind is FieldKind.PORT:
        return int(stripped) if stripped.isdigit() else text
    return text


def to_text(item: Question, value: Any) -> str:
    """The stored answer as the text to show in a field."""
    if value is None:
        return ""
    if item.kind is FieldKind.FLAG:
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def with_answer(plan_data: Mapping[str, Any], key: str, text: str) -> dict[str, Any]:
    """A copy of the plan data with one top-level answer set (or removed when empty).

    Answers that do not apply to the new mode (the VIP in single mode) are
    dropped, since a plan refuses them.
    """
    updated = dict(plan_data)
    value = to_value(question(key), text)
    if value is None:
        updated.pop(key, None)
    else:
        updated[key] = value
    if key == "mode":
        for item in PLAN_QUESTIONS:
            if not item.asked_in(str(value)):
                updated.pop(item.key, None)
    if updated.get("delivery") == "foreign_connector":
        # No SMTP node takes mail on that route: nodes and VIP would only be carried, unused.
        updated.pop("nodes", None)
        updated.pop("vip", None)
    if "delivery" in updated and updated["delivery"] not in dict(route_choices(updated)):
        # The versions no longer leave that route (a release with SMTP after 2025, say): it is asked again.
        updated.pop("delivery")
    return updated


def nodes_of(plan_data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The node rows as entered (a copy), tolerating anything odd in a saved session."""
    nodes = plan_data.get("nodes")
    if not isinstance(nodes, list):
        return []
    return [dict(node) if isinstance(node, dict) else {} for node in nodes]


def with_node_answer(plan_data: Mapping[str, Any], index: int, key: str, text: str) -> dict[str, Any]:
    """A copy of the plan data with one answer of node ``index`` set (rows are added as needed)."""
    nodes = nodes_of(plan_data)
    while len(nodes) <= index:
        nodes.append({})
    value = to_value(node_question(key), text)
    if value is None:
        nodes[index].pop(key, None)
    else:
        nodes[index][key] = value
    return dict(plan_data) | {"nodes": nodes}


def without_node(plan_data: Mapping[str, Any], index: int) -> dict[str, Any]:
    """A copy of the plan data with node ``index`` removed."""
    nodes = nodes_of(plan_data)
    if 0 <= index < len(nodes):
        del nodes[index]
    return dict(plan_data) | {"nodes": nodes}


def plan_problems(plan_data: Mapping[str, Any]) -> list[Problem]:
    """Every problem :func:`wizard.plan.model.parse_plan` finds in the answers; empty when they make a plan."""
    try:
        parse_plan({"schema": 1} | dict(plan_data))
    except PlanError as exc:
        return list(exc.problems)
    return []


def node_key(index: int, key: str) -> str:
    """The plan key of a node answer, as problems name it (``nodes[1].address``)."""
    return f"nodes[{index}].{key}"


def key_label(key: str) -> str:
    """A plan key as the form labels it: ``mail_host`` is "Mail host", ``nodes[1].address`` "Node 2 address".

    Operators see the form's labels, never the plan file's keys; a key no question
    asks (a table the plan file may hold) is written out in words.
    """
    head, _, rest = key.partition(".")
    if head.startswith("nodes[") and head.endswith("]") and head[6:-1].isdigit():
        number = int(head[6:-1]) + 1
        try:
            label = node_question(rest).label if rest else ""
        except KeyError:
            label = rest.replace("_", " ")
        return f"Node {number} {label[:1].lower() + label[1:]}".rstrip()
    try:
        return question(key).label
    except KeyError:
        words = key.replace("_", " ").replace(".", " ")
        return words[:1].upper() + words[1:]


def problem_line(problem: Problem) -> str:
    """A problem of the answers as the operator reads it: the field's label, then the reason."""
    return f"{key_label(problem.key)}: {problem.reason}" if problem.key else problem.reason
