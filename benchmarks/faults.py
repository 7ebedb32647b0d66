"""The fault injector's own catalogue: each farm state and break action as a change to a running farm, and what it breaks.

Written from the farm's side only (it imports the farm, never the diagnosis):
what each fault does to the farm, which hop of the path a message then
fails at, and words the cause must contain. A scorer that shared a table with
the rules could not tell a right rule from a copied one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wizard.farm import Farm, spactions
from wizard.farm.farm import MAIL_HOST, TEST_RECIPIENT
from wizard.farm.states import STATES, lookup

PATH = (
    "exchange_accepted",
    "connector_routed",
    "dns_resolved",
    "vip_reached",
    "node_accepted",
    "drop_written",
    "timer_picked_up",
    "list_stored",
)
"""The hops in order, as the contract lists them."""


@dataclass(frozen=True, slots=True)
class Fault:
    """One thing that can go wrong, as the farm does it."""

    name: str
    """``state:partial`` or ``action:remove-alias``."""
    part: str
    """What it changes; two faults of one pair never change the same part."""
    hop: str | None
    """Where a message then stops; None: the message still reaches the list."""
    words: tuple[str, ...]
    """Words the named cause must contain (any case)."""
    apply: Callable[[Farm, int], None]
    """Break the farm; the int is the node the next message will go to."""
    modes: tuple[str, ...] = ("single", "nlb")


def _on_loop(farm: Farm, change: Callable[[], None]) -> None:
    async def work() -> None:
        change()

    farm.run(work)


def _state(name: str) -> Callable[[Farm, int], None]:
    """A start state's row applied to a running complete farm; its odd node is the one the message will use."""
    row = lookup(name)

    def apply(farm: Farm, target: int) -> None:
        def change() -> None:
            assert farm.exchange is not None and farm.dns is not None
            if row.nodes is not None:
                for index, node in enumerate(farm.nodes):
                    if row.nodes.which == "every" or index == target:
                        row.nodes.apply(node.setup, exchange=farm.addresses.exchange)
            if row.dns == "none":
                farm.dns.set_address(MAIL_HOST, None)
            elif row.dns == "elsewhere":
                farm.dns.set_address(MAIL_HOST, [farm.addresses.elsewhere])
            if not row.connector:
                # Only ever break: a state applied second must not mend the first fault of a pair.
                farm.exchange.connector = False
            change = row.sharepoint
            if change is not None and farm.sharepoint is not None:
                setup = farm.sharepoint.setup
                alias = TEST_RECIPIENT.partition("@")[0]
                if change.disabled:
                    setup.enabled = False
                if change.no_test_alias:
                    setup.lists = [item for item in setup.lists if item.alias.lower() != alias]
                if change.no_modify:
                    setup.timer_modify = False
                if change.last_instance_stopped:
                    setup.stopped_instances.add(farm.nodes[target].setup.name)
                if change.members_only:
                    for item in setup.lists:
                        if item.alias.lower() == alias:
                            item.members_only = True

        _on_loop(farm, change)
        for index, node in enumerate(farm.nodes):
            if node.setup.behaviour == "down":
                farm.stop_node(index)
        if not row.timer_job and farm.timer is not None:
            farm.run(farm.timer.stop)
        if not row.nlb and farm.balancer is not None:
            farm.run(farm.balancer.stop)

    return apply


def _node(change: Callable[[Farm, int], None]) -> Callable[[Farm, int], None]:
    def apply(farm: Farm, target: int) -> None:
        _on_loop(farm, lambda: change(farm, target))

    return apply


def _stop_node(farm: Farm, target: int) -> None:
    farm.stop_node(target)


def _remove_alias(farm: Farm, target: int) -> None:
    farm.nodes[target].setup.alias_domains.discard(MAIL_HOST)


def _clear_fqdn(farm: Farm, target: int) -> None:
    farm.nodes[target].setup.fqdn = ""


def _open_relay(farm: Farm, target: int) -> None:
    farm.nodes[target].setup.open_relay = True


def _relay_trick(farm: Farm, target: int) -> None:
    farm.nodes[target].setup.relay_trick = "percent"


def _hop_limit(farm: Farm, target: int) -> None:
    farm.nodes[target].setup.hop_limit = 0


def _dns_elsewhere(farm: Farm, target: int) -> None:
    assert farm.dns is not None
    farm.dns.set_address(MAIL_HOST, [farm.addresses.elsewhere])


def _connection_control(farm: Farm, target: int) -> None:
    for node in farm.nodes:
        node.setup.connect_from = {farm.addresses.exchange}


def _timer_stop(farm: Farm, target: int) -> None:
    assert farm.timer is not None
    farm.run(farm.timer.stop)


def _nlb_stop(farm: Farm, target: int) -> None:
    assert farm.balancer is not None
    farm.run(farm.balancer.stop)


def _connector_remove(farm: Farm, target: int) -> None:
    assert farm.exchange is not None
    farm.exchange.connector = False


def _sp(make: Callable[[Farm], str]) -> Callable[[Farm, int], None]:
    """A SharePoint break action of the farm's own palette."""

    def apply(farm: Farm, target: int) -> None:
        make(farm)

    return apply


def _instance_stop(farm: Farm, target: int) -> None:
    spactions.instance(farm.nodes[target].setup.name, False)(farm)


FAULTS: tuple[Fault, ...] = (
    Fault("state:fresh", "connector", "connector_routed", ("send connector",), _state("fresh")),
    Fault("state:partial", "alias", "drop_written", ("alias domain", "queue"), _state("partial")),
    Fault("state:open-relay", "relay", None, (), _state("open-relay")),
    Fault("state:relay-trick", "relay", None, (), _state("relay-trick")),
    Fault("state:starttls", "tls", None, (), _state("starttls")),
    Fault("state:node-down", "service", "vip_reached", ("smtp service",), _state("node-down")),
    Fault("state:wrong-dns", "dns", "dns_resolved", ("(a) record",), _state("wrong-dns")),
    Fault("state:conn-control", "connection", None, (), _state("conn-control")),
    Fault("state:silent", "service", "node_accepted", ("never greeted",), _state("silent")),
    Fault("state:timer-stopped", "timer", "timer_picked_up", ("timer job",), _state("timer-stopped")),
    Fault("action:stop-node", "service", "vip_reached", ("smtp service",), _stop_node),
    Fault("action:remove-alias", "alias", "drop_written", ("alias domain", "queue"), _node(_remove_alias)),
    Fault("action:clear-fqdn", "fqdn", None, (), _node(_clear_fqdn)),
    Fault("action:open-relay", "relay", None, (), _node(_open_relay)),
    Fault("action:open-relay-trick", "relay", None, (), _node(_relay_trick)),
    Fault("action:dns-elsewhere", "dns", "dns_resolved", ("(a) record",), _node(_dns_elsewhere)),
    Fault("action:connection-control-on", "connection", None, (), _node(_connection_control)),
    Fault("action:timer-stop", "timer", "timer_picked_up", ("timer job",), _timer_stop),
    Fault("action:nlb-stop", "balancer", "vip_reached", ("vip",), _nlb_stop, ("nlb",)),
    Fault(
        "action:connector-remove",
        "connector",
        "connector_routed",
        ("send connector",),
        _node(_connector_remove),
    ),
    Fault("action:hop-limit-zero", "hops", "drop_written", ("hop count",), _node(_hop_limit)),
    Fault("state:unknown-alias", "sp-alias", "timer_picked_up", ("alias",), _state("unknown-alias")),
    Fault("state:timer-no-modify", "modify", None, (), _state("timer-no-modify")),
    Fault("state:hop-limit", "hops", "drop_written", ("hop count",), _state("hop-limit")),
    Fault(
        "state:instance-stopped", "instance", "timer_picked_up", ("timer job",), _state("instance-stopped")
    ),
    Fault("state:list-policy", "policy", "list_stored", ("permission",), _state("list-policy")),
    Fault("action:list-alias-remove", "sp-alias", "timer_picked_up", ("alias",), _sp(spactions.alias(False))),
    Fault("action:timer-modify-take", "modify", None, (), _sp(spactions.modify(False))),
    Fault("action:hop-limit-lower", "hops", "drop_written", ("hop count",), _sp(spactions.hop_limit(True))),
    Fault("action:exe-block", "blocked", None, (), _sp(spactions.block_exe(True))),
    Fault(
        "action:list-policy-members", "policy", "list_stored", ("permission",), _sp(spactions.policy(True))
    ),
    Fault("action:instance-stop", "instance", "timer_picked_up", ("timer job",), _instance_stop),
    Fault("action:day-passes", "clock", None, (), _sp(spactions.day_passes)),
    # Gives up what already waits in Queue: the message sent after it is not touched.
    Fault("action:queue-expires", "clock", None, (), _sp(spactions.queue_expires)),
)
"""Every farm state but ``complete``, every break action, and the hop limit, with what each breaks."""


def earliest(faults: tuple[Fault, ...]) -> tuple[Fault, ...]:
    """The faults at the hop that comes first on the path (the one a trace must name); empty when none breaks it.

    Two faults at one hop are both right answers for the cause: the trace sees
    only the evidence the first one in the message's way leaves.
    """
    breaking = [fault for fault in faults if fault.hop is not None]
    if not breaking:
        return ()
    first = min(PATH.index(fault.hop or "") for fault in breaking)
    return tuple(fault for fault in breaking if PATH.index(fault.hop or "") == first)


_COVERED = {fault.name.removeprefix("state:") for fault in FAULTS if fault.name.startswith("state:")}
if set(STATES) - {"complete"} != _COVERED:
    # A new farm state needs a row here saying what it breaks; the benchmark refuses to guess.
    raise SystemExit(
        f"benchmarks/faults.py has no row for the farm states {sorted(set(STATES) - {'complete'} - _COVERED)}"
    )
