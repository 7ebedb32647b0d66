"""The states a practice farm starts in: one table of what each changes from a complete farm.

Everything that names or explains a state reads :data:`TABLE`: ``rehearse
--state`` and its help, the farm's nodes, DNS zone, NLB, Exchange and timer
job, the plan the farm writes, the wizard's "what runs where", and the
README's table (a test holds the README to :func:`markdown_table`). A new
state is one more row here.

Data only, so the command line can list the states without loading the farm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from wizard.farm.node import NodeSetup

DEFAULT = "complete"


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


TABLE: tuple[FarmState, ...] = (
    FarmState(
        "fresh",
        "nothing configured: own names, no alias, no A record, no NLB cluster, no Send Connector",
        nodes=NodeChange("every", own_name=True, no_alias=True, no_relay_list=True),
        dns="none",
        nlb=False,
        connector=False,
    ),
    FarmState(DEFAULT, "every step done; every check passes"),
    FarmState(
        "partial",
        "the last node lacks its FQDN and its alias domain",
        nodes=NodeChange("last", own_name=True, no_alias=True),
    ),
    FarmState("open-relay", "the last node relays for anyone", nodes=NodeChange("last", open_relay=True)),
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
