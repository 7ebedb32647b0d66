"""The states a practice farm starts in, and what each one changes from a complete farm.

Data only, so the command line can list the states without loading the farm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    from wizard.farm.node import NodeSetup

State = Literal[
    "fresh",
    "complete",
    "partial",
    "open-relay",
    "node-down",
    "wrong-dns",
    "conn-control",
    "silent",
    "timer-stopped",
]
STATES: tuple[str, ...] = get_args(State)
DESCRIPTIONS: dict[str, str] = {
    "fresh": "nothing set up: own names; no alias, A record, NLB or connector",
    "complete": "every step done; every check passes",
    "partial": "the last node lacks its FQDN and its alias domain",
    "open-relay": "the last node relays for anyone",
    "node-down": "the last node's SMTP service is stopped; NLB still uses it",
    "wrong-dns": "the mail host's A record points where nothing listens",
    "conn-control": "connection control on every node: only Exchange (as planned)",
    "silent": "every node accepts connections and never greets",
    "timer-stopped": "the timer job is stopped, so the Drop folders are never emptied",
}
assert set(DESCRIPTIONS) == set(STATES)


def configured(state: str) -> bool:
    """Whether the farm's steps have been done at all."""
    return state != "fresh"


def adjust_node(state: str, setup: NodeSetup, *, last: bool, exchange: str) -> None:
    """Change a complete node's settings into what ``state`` says; ``last`` marks the odd one out."""
    if state == "fresh":
        setup.fqdn, setup.alias_domains, setup.relay_from = "", set(), set()
    elif state == "partial" and last:
        setup.fqdn, setup.alias_domains = "", set()
    elif state == "open-relay" and last:
        setup.open_relay = True
    elif state == "node-down" and last:
        setup.behaviour = "down"
    elif state == "conn-control":
        setup.connect_from = {exchange}
    elif state == "silent":
        setup.behaviour = "silent"
