"""A whole farm on loopback: IIS-like nodes, NLB balancer, dnsmasq, fake Exchange, in a named state."""

from __future__ import annotations

import errno
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import tomli_w

from tests.farm.balancer import Balancer
from tests.farm.dnsserver import Dnsmasq
from tests.farm.exchange import FakeExchange
from tests.farm.loop import LoopThread, random_port, random_prefix
from tests.farm.node import IisNode, NodeSetup
from wizard.plan import Plan, parse_plan

State = Literal[
    "unconfigured",
    "good",
    "misconfigured-node",
    "open-relay",
    "node-down",
    "dns-elsewhere",
    "connection-control",
    "single",
    "silent",
]
STATES: tuple[str, ...] = get_args(State)
MAIL_HOST = "mossmail.foo.local"
ZONE = "foo.local"
TEST_RECIPIENT = f"docs@{MAIL_HOST}"


@dataclass(frozen=True, slots=True)
class Addresses:
    """Where everything of one farm listens: one random 127.a.b.0/24 each."""

    prefix: str

    def node(self, index: int) -> str:
        return f"{self.prefix}.{11 + index}"

    @property
    def vip(self) -> str:
        return f"{self.prefix}.200"

    @property
    def dns(self) -> str:
        return f"{self.prefix}.5"

    @property
    def exchange(self) -> str:
        return f"{self.prefix}.20"

    @property
    def elsewhere(self) -> str:
        return f"{self.prefix}.99"


class Farm:
    """A farm in one of :data:`STATES`; start it, read :attr:`plan_data`, stop it.

    Settings of a running node can be changed through ``farm.nodes[i].setup``
    (they apply from the next session); :meth:`stop_node` and
    :meth:`start_node` take a node's service down and up.
    """

    def __init__(
        self,
        state: State = "good",
        nodes: int = 2,
        *,
        root: Path | None = None,
        identical: bool = False,
        pickup_delay: float | None = 0.5,
        block_style: Literal["close", "554"] = "close",
    ) -> None:
        if state not in STATES:
            raise ValueError(f"unknown farm state {state!r}; choose one of {', '.join(STATES)}")
        if state == "single":
            nodes = 1
        elif nodes < 1:
            raise ValueError("a farm needs at least one node")
        self.state = state
        self.count = nodes
        self.mode = "single" if nodes == 1 else "nlb"
        self.identical = identical
        self.pickup_delay = pickup_delay
        self.block_style = block_style
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="spmail-farm-")) if root is None else root
        self.unc_root = self.root / "unc"
        """Set ``SPMAIL_WIZARD_UNC_ROOT`` to this so the checks can read the Drop folders."""
        self.addresses = Addresses(random_prefix())
        self.port = random_port()
        self.dns_port = random_port()
        self.exchange_port = random_port()
        self.nodes: list[IisNode] = []
        self.balancer: Balancer | None = None
        self.dnsmasq: Dnsmasq | None = None
        self.exchange: FakeExchange | None = None
        self._loop: LoopThread | None = None

    # Layout ---------------------------------------------------------------------

    def _node_setups(self) -> list[NodeSetup]:
        setups = []
        configured = self.state not in ("unconfigured",)
        for index in range(self.count):
            name = f"wfe{index + 1}.{ZONE}"
            short = name.split(".")[0]
            drop = self.unc_root / short / "c$" / "Inetpub" / "mailroot" / "Drop"
            drop.mkdir(parents=True, exist_ok=True)
            setup = NodeSetup(
                name=name,
                address=self.addresses.node(index),
                fqdn=MAIL_HOST if configured else "",
                version="6.0.3790.3959" if self.identical else f"6.0.3790.{3959 + index}",
                alias_domains={MAIL_HOST} if configured else set(),
                relay_from={self.addresses.exchange},
                drop_dir=drop,
                pickup_delay=self.pickup_delay,
                block_style=self.block_style,
            )
            last = index == self.count - 1 and self.count > 1
            if self.state == "misconfigured-node" and last:
                setup.fqdn, setup.alias_domains = "", set()
            if self.state == "open-relay" and last:
                setup.open_relay = True
            if self.state == "node-down" and last:
                setup.behaviour = "down"
            if self.state == "connection-control":
                setup.connect_from = {self.addresses.exchange}
            if self.state == "silent":
                setup.behaviour = "silent"
            setups.append(setup)
        return setups

    def _records(self) -> list[tuple[str, str]]:
        records = [(f"wfe{i + 1}.{ZONE}", self.addresses.node(i)) for i in range(self.count)]
        records.append((f"exch01.{ZONE}", self.addresses.exchange))
        if self.state == "unconfigured":
            return records
        target = self.addresses.node(0) if self.mode == "single" else self.addresses.vip
        if self.state == "dns-elsewhere":
            target = self.addresses.elsewhere
        records.append((MAIL_HOST, target))
        return records

    @property
    def plan_data(self) -> dict[str, Any]:
        """The plan for this farm, as data :func:`wizard.plan.parse_plan` accepts."""
        data: dict[str, Any] = {
            "schema": 1,
            "mode": self.mode,
            "mail_host": MAIL_HOST,
            "dns_zone": ZONE,
            "exchange_servers": [self.addresses.exchange],
            "connection_control": self.state == "connection-control",
            "dns_servers": [f"{self.addresses.dns}:{self.dns_port}"],
            "smtp_port": self.port,
            "sharepoint_version": "2010",
            "exchange_version": "2010",
            "test_recipient": TEST_RECIPIENT,
            "nodes": [
                {
                    "name": f"wfe{i + 1}.{ZONE}",
                    "address": self.addresses.node(i),
                    "drop_folder": f"\\\\wfe{i + 1}\\c$\\Inetpub\\mailroot\\Drop",
                }
                for i in range(self.count)
            ],
        }
        if self.mode == "nlb":
            data["vip"] = self.addresses.vip
        return data

    @property
    def plan(self) -> Plan:
        """The plan, validated."""
        return parse_plan(self.plan_data)

    def write_plan(self, path: Path) -> Path:
        """Write the plan as a TOML file."""
        path.write_text(tomli_w.dumps(self.plan_data), encoding="utf-8")
        return path

    # Life cycle -----------------------------------------------------------------

    def start(self) -> Farm:
        """Start every server; a port already taken is retried on another."""
        self._loop = LoopThread(f"farm-{self.addresses.prefix}")
        for attempt in range(6):
            try:
                self._loop.call(self._start_servers())
                break
            except OSError as exc:
                self._loop.call(self._stop_servers())
                if exc.errno != errno.EADDRINUSE or attempt == 5:
                    self.stop()
                    raise
                self.port, self.exchange_port = random_port(), random_port()
        for attempt in range(6):
            self.dnsmasq = Dnsmasq(self.addresses.dns, self.dns_port, ZONE, self._records())
            try:
                self.dnsmasq.start()
                break
            except RuntimeError:
                self.dnsmasq = None
                if attempt == 5:
                    self.stop()
                    raise
                self.dns_port = random_port()
        return self

    async def _start_servers(self) -> None:
        self.nodes = [IisNode(setup, self.port) for setup in self._node_setups()]
        for node in self.nodes:
            await node.start()
        if self.mode == "nlb" and self.state != "unconfigured":
            self.balancer = Balancer(
                self.addresses.vip, self.port, [(n.setup.address, self.port) for n in self.nodes]
            )
            await self.balancer.start()
        self.exchange = FakeExchange(
            self.addresses.exchange,
            self.exchange_port,
            address_space=MAIL_HOST,
            dns=(self.addresses.dns, self.dns_port),
            smart_host_port=self.port,
        )
        await self.exchange.start()

    async def _stop_servers(self) -> None:
        for node in self.nodes:
            await node.stop()
        if self.balancer is not None:
            await self.balancer.stop()
            self.balancer = None
        if self.exchange is not None:
            await self.exchange.stop()
            self.exchange = None

    def stop_node(self, index: int) -> None:
        """Stop one node's SMTP service (its address then refuses connections)."""
        assert self._loop is not None
        self._loop.call(self.nodes[index].stop())

    def start_node(self, index: int) -> None:
        """Start one node's SMTP service again, with its current settings."""
        assert self._loop is not None
        node = self.nodes[index]
        node.setup.behaviour = "normal"
        self._loop.call(node.start())

    def stop(self) -> None:
        """Stop everything; safe to call twice."""
        if self.dnsmasq is not None:
            self.dnsmasq.stop()
            self.dnsmasq = None
        if self._loop is not None:
            try:
                self._loop.call(self._stop_servers())
            finally:
                self._loop.stop()
                self._loop = None
        if self._own_root:
            import shutil

            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Farm:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def describe(self) -> list[str]:
        """What runs where, one line each."""
        lines = [f"farm state {self.state!r}, mode {self.mode}, SMTP port {self.port}"]
        for node in self.nodes:
            s = node.setup
            lines.append(
                f"  node {s.name} at {s.address}:{self.port} ({s.behaviour}; greets as {s.greeting_name}; "
                f"aliases {sorted(s.alias_domains) or 'none'}; drop {s.drop_dir})"
            )
        if self.balancer is not None:
            lines.append(f"  NLB VIP {self.addresses.vip}:{self.port}, round robin, client address kept")
        if self.dnsmasq is not None:
            lines.append(
                f"  dnsmasq at {self.addresses.dns}:{self.dns_port}: {' '.join(self.dnsmasq.command()[1:])}"
            )
        lines.append(f"  Exchange {self.addresses.exchange}:{self.exchange_port}, smart host {MAIL_HOST}")
        return lines
