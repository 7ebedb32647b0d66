"""The states a practice farm starts in: one table of what each changes from a complete farm.

Everything that names or explains a state reads :data:`TABLE`: ``rehearse
--state`` and its help, the farm's nodes, DNS zone, NLB, Exchange and timer
job, the plan the farm writes, the wizard's "what runs where", and the
README's table (a test holds the README to :func:`markdown_table`). A new
state is one more row here.

Data only, so the command line can list the states without loading the farm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from wizard.record import record

if TYPE_CHECKING:
    from wizard.farm.node import NodeSetup
    from wizard.farm.sharepoint import SharePointSetup

DEFAULT = "complete"


@record
class NodeChange:
    """What a state changes on the nodes of a complete farm."""

    which: Literal["every", "last"]
    """Every node, or only the last one (the odd one out)."""
    own_name: bool = False
    """The FQDN is cleared: the node greets with its own name."""
    no_alias: bool = False
    """The alias domain for the mail host is removed."""
    no_relay_list: bool = False
    """Exchange is not on the relay list."""
    open_relay: bool = False
    """The node relays for anyone."""
    behaviour: Literal["normal", "silent", "down"] = "normal"
    """``down``: the SMTP service is stopped; ``silent``: it accepts and never greets."""
    only_exchange: bool = False
    """Connection control: only the Exchange server may connect."""
    hop_limit: int | None = None
    """The maximum hop count, when not the default."""
    relay_trick: str = ""
    """A relay form the node relays for while refusing plain relaying (see ``RELAY_TRICKS`` in the node)."""
    starttls: bool = False
    """STARTTLS offered with a self-made certificate, made at farm start: it names the mail host and the
    node, except on the last node, whose certificate names only the node itself."""

    def apply(self, setup: NodeSetup, *, exchange: str) -> None:
        if self.own_name:
            setup.fqdn = ""
        if self.no_alias:
            setup.alias_domains = set()
        if self.no_relay_list:
            setup.relay_from = set()
        if self.open_relay:
            setup.open_relay = True
        if self.behaviour != "normal":
            setup.behaviour = self.behaviour
        if self.only_exchange:
            setup.connect_from = {exchange}
        if self.hop_limit is not None:
            setup.hop_limit = self.hop_limit
        if self.relay_trick:
            setup.relay_trick = self.relay_trick
        if self.starttls:
            setup.starttls = True


LOW_HOP_LIMIT = 1
"""A hop limit that a partner's mail through Exchange exceeds (its own server's hop and Exchange's),
while a message sent straight to a node does not."""


@record
class SharePointChange:
    """What a state changes in the farm's SharePoint."""

    disabled: bool = False
    """Incoming e-mail is turned off for the farm."""
    no_test_alias: bool = False
    """No list has the test library's alias."""
    no_modify: bool = False
    """The timer account lacks Modify on the Drop folder."""
    last_instance_stopped: bool = False
    """The last server's Incoming E-Mail service instance is stopped."""
    members_only: bool = False
    """The test library accepts mail only from senders with rights on it."""

    def apply(self, setup: SharePointSetup, test_alias: str) -> None:
        setup.enabled = not self.disabled
        if self.no_test_alias:
            setup.lists = [item for item in setup.lists if item.alias.lower() != test_alias.lower()]
        setup.timer_modify = not self.no_modify
        if self.last_instance_stopped:
            setup.stopped_instances = {setup.servers[-1]}
        for item in setup.lists:
            if self.members_only and item.alias.lower() == test_alias.lower():
                item.members_only = True


@record
class FarmState:
    """One row of the table: a state's name, what it looks like, and each part it changes."""

    name: str
    description: str
    """One line for the operator: how the farm starts."""
    nodes: NodeChange | None = None
    """What changes on the nodes; None: each node is complete."""
    dns: Literal["mail host", "elsewhere", "none"] = "mail host"
    """The mail host's A record: at the VIP (or the single node), at an address where nothing listens, or absent."""
    nlb: bool = True
    """Whether the NLB cluster (the VIP) is up, in NLB mode."""
    connector: bool = True
    """Whether Exchange has its Send Connector for the mail host."""
    timer_job: bool = True
    """Whether SharePoint's timer job empties the Drop folders."""
    plan_connection_control: bool = False
    """What the plan written for the farm says about connection control."""
    sharepoint: SharePointChange | None = None
    """What changes in SharePoint; None: everything is set up."""
    seeded: bool = False
    """A partner's message has come through Exchange when the farm starts, so its fate shows."""


TABLE: tuple[FarmState, ...] = (
    FarmState(
        "fresh",
        "nothing configured: own names, no alias, no A record, no NLB cluster, no Send Connector",
        nodes=NodeChange("every", own_name=True, no_alias=True, no_relay_list=True),
        dns="none",
        nlb=False,
        connector=False,
        sharepoint=SharePointChange(disabled=True),
    ),
    FarmState(DEFAULT, "every step done; every check passes"),
    FarmState(
        "partial",
        "the last node lacks its FQDN and its alias domain",
        nodes=NodeChange("last", own_name=True, no_alias=True),
    ),
    FarmState("open-relay", "the last node relays for anyone", nodes=NodeChange("last", open_relay=True)),
    FarmState(
        "relay-trick",
        "the last node refuses to relay, except for the percent hack (user%other.domain@[its address])",
        nodes=NodeChange("last", relay_trick="percent"),
    ),
    FarmState(
        "starttls",
        "every node offers STARTTLS with a self-made certificate; the last one's names only the node itself",
        nodes=NodeChange("every", starttls=True),
    ),
    FarmState(
        "node-down",
        "the last node's SMTP service is stopped (NLB still sends it its share)",
        nodes=NodeChange("last", behaviour="down"),
    ),
    FarmState("wrong-dns", "the A record points at an address where nothing listens", dns="elsewhere"),
    FarmState(
        "conn-control",
        "connection control on every node, only Exchange may connect (the plan says so)",
        nodes=NodeChange("every", only_exchange=True),
        plan_connection_control=True,
    ),
    FarmState(
        "silent",
        "every node accepts connections and never greets",
        nodes=NodeChange("every", behaviour="silent"),
    ),
    FarmState("timer-stopped", "the timer job is stopped, so Drop is never emptied", timer_job=False),
    FarmState(
        "unknown-alias",
        "no list has the test library's alias: its mail waits in Drop and is deleted after 24 hours",
        sharepoint=SharePointChange(no_test_alias=True),
        seeded=True,
    ),
    FarmState(
        "timer-no-modify",
        "the timer account lacks Modify on Drop: each message is imported again and again",
        sharepoint=SharePointChange(no_modify=True),
        seeded=True,
    ),
    FarmState(
        "hop-limit",
        f"the nodes' hop limit is {LOW_HOP_LIMIT}: a partner's mail through Exchange goes to Badmail after a 250",
        nodes=NodeChange("every", hop_limit=LOW_HOP_LIMIT),
        seeded=True,
    ),
    FarmState(
        "instance-stopped",
        "the last node's Incoming E-Mail service instance is stopped: its Drop folder only fills",
        sharepoint=SharePointChange(last_instance_stopped=True),
    ),
    FarmState(
        "list-policy",
        "the test library takes mail only from its members: outside senders' mail is dropped",
        sharepoint=SharePointChange(members_only=True),
        seeded=True,
    ),
)
BY_NAME: dict[str, FarmState] = {state.name: state for state in TABLE}
STATES: tuple[str, ...] = tuple(BY_NAME)
"""The names, in the table's order (the order help and README list them in)."""
DESCRIPTIONS: dict[str, str] = {state.name: state.description for state in TABLE}


def lookup(name: str) -> FarmState:
    """The row for ``name``; an unknown name is a ValueError listing the states."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown farm state {name!r}; choose one of {', '.join(STATES)}") from None


def adjust_node(name: str, setup: NodeSetup, *, last: bool, exchange: str) -> None:
    """Change a complete node's settings into what state ``name`` says; ``last`` marks the odd one out."""
    change = lookup(name).nodes
    if change is not None and (change.which == "every" or last):
        change.apply(setup, exchange=exchange)


def adjust_sharepoint(name: str, setup: SharePointSetup, test_alias: str) -> None:
    """Change a complete farm's SharePoint into what state ``name`` says."""
    change = lookup(name).sharepoint
    if change is not None:
        change.apply(setup, test_alias)


def help_lines() -> list[str]:
    """The states as ``rehearse --help`` lists them: name and description, aligned."""
    width = max(len(name) for name in STATES)
    return [f"  {s.name.ljust(width)}  {s.description}" for s in TABLE]


def markdown_table() -> str:
    """The README's table of states, exactly as the README must hold it."""
    lines = ["| `--state` | the farm starts as |", "|---|---|"]
    for row in TABLE:
        default = " (default)" if row.name == DEFAULT else ""
        lines.append(f"| `{row.name}`{default} | {row.description} |")
    return "\n".join(lines) + "\n"
