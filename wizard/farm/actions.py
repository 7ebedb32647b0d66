"""Break and fix a running practice farm: what a rehearsal offers, and the remedy of each step.

Each action changes the farm the way a slip (or its correction) changes a
real one, so the next check shows it. The list depends on the farm's present
state: a stopped node offers "start", a running one "stop". No front end
here; the full-screen wizard and the plain prompts both list these.
"""

from __future__ import annotations

from collections.abc import Callable

from wizard.farm import spactions
from wizard.farm.farm import MAIL_HOST, Farm
from wizard.farm.node import IisNode
from wizard.record import record


@record
class Action:
    """One change to the running farm."""

    key: str
    """Stable id, such as ``stop-node:2``."""
    title: str
    """What it does, as a menu line."""
    steps: tuple[str, ...]
    """The steps whose checks it changes."""
    apply: Callable[[Farm], str]
    """Makes the change; returns a sentence saying what changed."""


def _short(node: IisNode) -> str:
    return node.setup.name.split(".")[0]


def _on_loop(farm: Farm, change: Callable[[], str]) -> str:
    """Run a setting change on the farm's loop, so no session sees it half made."""

    async def work() -> str:
        return change()

    return farm.run(work)


def _node_actions(farm: Farm, index: int, node: IisNode) -> list[Action]:
    setup, short = node.setup, _short(node)
    actions: list[Action] = []
    if node.listening and setup.behaviour == "normal":
        actions.append(
            Action(
                f"stop-node:{index + 1}",
                f"Stop the SMTP service on {short}",
                ("mode", "nlb", "restart"),
                _stop_node(index),
            )
        )
    else:
        verb = "Restart the hung" if setup.behaviour == "silent" else "Start the"
        actions.append(
            Action(
                f"start-node:{index + 1}",
                f"{verb} SMTP service on {short}",
                ("mode", "nlb", "restart"),
                _start_node(index),
            )
        )
    has_alias = MAIL_HOST in setup.alias_domains
    actions.append(
        Action(
            f"{'remove' if has_alias else 'restore'}-alias:{index + 1}",
            f"{'Remove' if has_alias else 'Restore'} the alias domain {MAIL_HOST} on {short}",
            ("alias", "library_test", "connector"),
            _alias(index, not has_alias),
        )
    )
    has_fqdn = setup.fqdn == MAIL_HOST
    actions.append(
        Action(
            f"{'clear' if has_fqdn else 'set'}-fqdn:{index + 1}",
            f"{'Clear' if has_fqdn else 'Set'} the FQDN {MAIL_HOST} on {short}",
            ("fqdn",),
            _fqdn(index, not has_fqdn),
        )
    )
    actions.append(
        Action(
            f"{'close' if setup.open_relay else 'open'}-relay:{index + 1}",
            f"{'Close' if setup.open_relay else 'Open'} relay for anyone on {short}",
            ("relay", "alias"),
            _relay(index, not setup.open_relay),
        )
    )
    actions.append(
        Action(
            f"{'close' if setup.relay_trick else 'open'}-relay-trick:{index + 1}",
            f"Close the {setup.relay_trick} relay loophole on {short}"
            if setup.relay_trick
            else f"Let {short} relay for the percent hack only (user%other.domain@[address])",
            ("relay",),
            _relay_trick(index, "" if setup.relay_trick else TRICK),
        )
    )
    return actions


def available(farm: Farm) -> list[Action]:
    """Every change the farm offers now, farm-wide first, then node by node."""
    actions: list[Action] = []
    dns = farm.dns
    if dns is not None:
        right = dns.records.get(MAIL_HOST) == [farm.mail_host_target]
        if right:
            actions.append(
                Action(
                    "dns-elsewhere",
                    f"Point {MAIL_HOST} at an address where nothing listens",
                    ("dns",),
                    _dns(False),
                )
            )
        else:
            actions.append(
                Action("dns-back", f"Point {MAIL_HOST} at {farm.mail_host_target}", ("dns",), _dns(True))
            )
    controlled = bool(farm.nodes) and all(node.setup.connect_from is not None for node in farm.nodes)
    actions.append(
        Action(
            "connection-control-off" if controlled else "connection-control-on",
            "Turn connection control off on every node"
            if controlled
            else "Turn connection control on, on every node (only Exchange may connect)",
            ("connection_control", "mode", "fqdn", "alias", "relay"),
            _connection_control(not controlled),
        )
    )
    timer = farm.timer
    if timer is not None:
        running = timer.running
        actions.append(
            Action(
                "timer-stop" if running else "timer-start",
                "Stop the SharePoint timer job" if running else "Start the SharePoint timer job",
                ("library_test", "connector"),
                _timer(not running),
            )
        )
    if farm.balancer is not None:
        up = farm.balancer.listening
        actions.append(
            Action(
                "nlb-stop" if up else "nlb-start",
                "Take the NLB cluster's VIP down" if up else "Bring the NLB cluster's VIP up",
                ("mode", "nlb", "alias"),
                _balancer(not up),
            )
        )
    if farm.exchange is not None:
        connector = farm.exchange.connector
        actions.append(
            Action(
                "connector-remove" if connector else "connector-create",
                f"Remove the Send Connector for {MAIL_HOST}"
                if connector
                else f"Create the Send Connector for {MAIL_HOST}",
                ("connector",),
                _connector(not connector),
            )
        )
    actions.extend(spactions.available(farm, Action))
    for index, node in enumerate(farm.nodes):
        actions.extend(_node_actions(farm, index, node))
    return actions


# The changes ---------------------------------------------------------------------


def _stop_node(index: int) -> Callable[[Farm], str]:
    def apply(farm: Farm) -> str:
        farm.stop_node(index)
        return f"The SMTP service on {_short(farm.nodes[index])} is stopped."

    return apply


def _start_node(index: int) -> Callable[[Farm], str]:
    def apply(farm: Farm) -> str:
        farm.start_node(index)
        return f"The SMTP service on {_short(farm.nodes[index])} is running."

    return apply


def _alias(index: int, on: bool) -> Callable[[Farm], str]:
    def apply(farm: Farm) -> str:
        node = farm.nodes[index]

        def change() -> str:
            (node.setup.alias_domains.add if on else node.setup.alias_domains.discard)(MAIL_HOST)
            return f"{_short(node)} {'has' if on else 'no longer has'} the alias domain {MAIL_HOST}."

        return _on_loop(farm, change)

    return apply


def _fqdn(index: int, on: bool) -> Callable[[Farm], str]:
    def apply(farm: Farm) -> str:
        node = farm.nodes[index]

        def change() -> str:
            node.setup.fqdn = MAIL_HOST if on else ""
            return f"{_short(node)} now greets as {node.setup.greeting_name}."

        return _on_loop(farm, change)

    return apply


def _relay(index: int, open_: bool) -> Callable[[Farm], str]:
    def apply(farm: Farm) -> str:
        node = farm.nodes[index]

        def change() -> str:
            node.setup.open_relay = open_
            if not open_:
                node.setup.relay_from = {farm.addresses.exchange}
            return f"{_short(node)} relays {'for anyone' if open_ else 'only for Exchange'}."

        return _on_loop(farm, change)

    return apply


TRICK = "percent"
"""The relay form the break action opens a loophole for."""


def _relay_trick(index: int, form: str) -> Callable[[Farm], str]:
    def apply(farm: Farm) -> str:
        node = farm.nodes[index]

        def change() -> str:
            node.setup.relay_trick = form
            if form:
                return f"{_short(node)} relays for the {form} form while still refusing plain relaying."
            return f"{_short(node)} no longer relays for any trick form."

        return _on_loop(farm, change)

    return apply


def _dns(right: bool) -> Callable[[Farm], str]:
    def apply(farm: Farm) -> str:
        target = farm.mail_host_target if right else farm.addresses.elsewhere

        def change() -> str:
            assert farm.dns is not None
            farm.dns.set_address(MAIL_HOST, [target])
            return f"{MAIL_HOST} now resolves to {target}."

        return _on_loop(farm, change)

    return apply


def _connection_control(on: bool) -> Callable[[Farm], str]:
    def apply(farm: Farm) -> str:
        def change() -> str:
            for node in farm.nodes:
                node.setup.connect_from = {farm.addresses.exchange} if on else None
            return (
                "Connection control is on: only Exchange may connect." if on else "Connection control is off."
            )

        return _on_loop(farm, change)

    return apply


def _timer(on: bool) -> Callable[[Farm], str]:
    def apply(farm: Farm) -> str:
        async def change() -> str:
            assert farm.timer is not None
            if on:
                farm.timer.start()
                return f"The timer job runs: it takes each .eml after {farm.timer.delay:g} s."
            await farm.timer.stop()
            return "The timer job is stopped: messages stay in the Drop folders."

        return farm.run(change)

    return apply


def _balancer(up: bool) -> Callable[[Farm], str]:
    def apply(farm: Farm) -> str:
        async def change() -> str:
            assert farm.balancer is not None
            if up:
                await farm.balancer.start()
                return f"The VIP {farm.addresses.vip} answers and spreads connections over the nodes."
            await farm.balancer.stop()
            return f"The VIP {farm.addresses.vip} is down."

        return farm.run(change)

    return apply


def _connector(on: bool) -> Callable[[Farm], str]:
    def apply(farm: Farm) -> str:
        def change() -> str:
            assert farm.exchange is not None
            farm.exchange.connector = on
            return f"Exchange {'has a' if on else 'has no'} Send Connector for {MAIL_HOST}."

        return _on_loop(farm, change)

    return apply


# Remedies ------------------------------------------------------------------------


def _every_node(
    farm: Farm, wrong: Callable[[IisNode], bool], make: Callable[[int], Callable[[Farm], str]]
) -> list[str]:
    """Apply ``make``'s change to each node where ``wrong`` holds, so only real changes are reported."""
    return [make(index)(farm) for index, node in enumerate(farm.nodes) if wrong(node)]


def _start_everything(farm: Farm) -> list[str]:
    done = [_start_node(i)(farm) for i, node in enumerate(farm.nodes) if not node.listening or node.silent]
    if farm.balancer is not None and not farm.balancer.listening:
        done.append(_balancer(True)(farm))
    return done


def _planned_connection_control(farm: Farm) -> list[str]:
    planned = bool(farm.plan_data["connection_control"])
    if all((node.setup.connect_from is not None) == planned for node in farm.nodes):
        return []
    return [_connection_control(planned)(farm)]


REMEDIES: dict[str, Callable[[Farm], list[str]]] = {
    "mode": _start_everything,
    "nlb": _start_everything,
    "restart": _start_everything,
    "dns": lambda farm: (
        [_dns(True)(farm)] if farm.dns and farm.dns.records.get(MAIL_HOST) != [farm.mail_host_target] else []
    ),
    "connector": lambda farm: (
        [_connector(True)(farm)] if farm.exchange and not farm.exchange.connector else []
    ),
    "relay": lambda farm: [
        *_every_node(
            farm,
            lambda n: n.setup.open_relay or n.setup.relay_from != {farm.addresses.exchange},
            lambda i: _relay(i, False),
        ),
        *_every_node(farm, lambda n: bool(n.setup.relay_trick), lambda i: _relay_trick(i, "")),
    ],
    "connection_control": _planned_connection_control,
    "fqdn": lambda farm: _every_node(farm, lambda n: n.setup.fqdn != MAIL_HOST, lambda i: _fqdn(i, True)),
    "alias": lambda farm: _every_node(
        farm, lambda n: MAIL_HOST not in n.setup.alias_domains, lambda i: _alias(i, True)
    ),
    "library_test": lambda farm: (
        ([_timer(True)(farm)] if farm.timer and not farm.timer.running else []) + spactions.fix_library(farm)
    ),
    "central_admin": spactions.fix_central_admin,
}
"""What "fix" does in the farm for each step; steps done by hand elsewhere have none."""


def fix(farm: Farm, step_id: str) -> list[str]:
    """Apply ``step_id``'s remedy to the farm; returns what changed (empty: nothing was wrong there)."""
    remedy = REMEDIES.get(step_id)
    return remedy(farm) if remedy is not None else []
