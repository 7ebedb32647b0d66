"""A whole practice farm on loopback: IIS-like nodes, NLB balancer, DNS, Exchange and timer job, in a named state."""

from __future__ import annotations

import asyncio
import email.utils
import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, Literal, TypeVar

import dns.asyncquery
import dns.exception
import dns.message

from wizard.farm import planwrite
from wizard.farm.balancer import Balancer
from wizard.farm.dnszone import ZoneServer
from wizard.farm.exchange import PracticeExchange
from wizard.farm.loop import LoopThread, random_port, random_prefix
from wizard.farm.node import IIS_VERSION, IisNode, NodeSetup
from wizard.farm.sharepoint import MailList, SharePoint, SharePointSetup
from wizard.farm.states import DEFAULT, adjust_node, adjust_sharepoint, lookup
from wizard.farm.timerjob import TimerJob
from wizard.farm.tlscert import server_context
from wizard.plan.model import MAX_NLB_NODES, Plan, parse_plan
from wizard.record import record

MAIL_HOST = "mossmail.foo.local"
ZONE = "foo.local"
EXCHANGE_NAME = f"exch01.{ZONE}"
TEST_RECIPIENT = f"docs@{MAIL_HOST}"
TIMER_ACCOUNT = "FOO\\sp_timer"
MEMBER = f"alice@{ZONE}"
"""A sender with rights on the lists; the wizard's test sender is not one."""
OUTSIDE_SENDER = "partner@contoso.example"
"""Whose mail has come through Exchange when a seeded state starts."""
SEEDED_AGE_HOURS = 5
"""How long the partner's message has waited in Drop when the unknown-alias state starts."""
START_ATTEMPTS = 8
"""Fresh addresses and ports tried when another program holds the chosen ones."""
READY_TIMEOUT = 2.0
"""Seconds each part of a started farm has to answer before it counts as not up."""
T = TypeVar("T")


@record
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
        return f"{self.prefix}.60"

    @property
    def elsewhere(self) -> str:
        """An address in the farm's range where nothing listens."""
        return f"{self.prefix}.99"


class Farm:
    """A farm in one of the states of :data:`wizard.farm.states.TABLE`; start it, read :attr:`plan_data`, stop it.

    Every server listens on the same unprivileged port (:attr:`port`), each on
    its own address, so the plan needs no port per role and nothing needs
    root. Settings of a running node can be changed through
    ``farm.nodes[i].setup`` (they apply from the next session); changes that
    start or stop a server go through :meth:`run` so they happen on the
    farm's own loop.
    """

    def __init__(
        self,
        state: str = DEFAULT,
        nodes: int = 2,
        *,
        mode: Literal["single", "nlb"] | None = None,
        root: Path | None = None,
        identical: bool = False,
        pickup_delay: float | None = 0.5,
        block_style: Literal["close", "554"] = "close",
        prefix: str | None = None,
        port: int | None = None,
    ) -> None:
        self.row = lookup(state)  # an unknown state is a ValueError naming the states
        mode = mode or ("single" if nodes == 1 else "nlb")
        if mode == "single" and nodes != 1:
            raise ValueError(f"single mode has exactly one node, not {nodes}")
        if mode == "nlb" and not 2 <= nodes <= MAX_NLB_NODES:
            raise ValueError(f"an NLB farm has 2 to {MAX_NLB_NODES} nodes, not {nodes}")
        self.state = state
        self.count = nodes
        self.mode = mode
        self.identical = identical
        self.pickup_delay = pickup_delay
        self.block_style = block_style
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="spmail-farm-")) if root is None else root
        self._pinned = prefix is not None and port is not None  # then it starts there or not at all
        self.addresses, self.port = Addresses(prefix or random_prefix()), port or random_port()
        self.changes: list[str] = []  # break and fix actions applied since the start, in order
        self.nodes: list[IisNode] = []
        self.balancer: Balancer | None = None
        self.dns: ZoneServer | None = None
        self.exchange: PracticeExchange | None = None
        self.timer: TimerJob | None = None
        self.sharepoint: SharePoint | None = None
        self._loop: LoopThread | None = None

    # Layout ---------------------------------------------------------------------

    @property
    def dns_port(self) -> int:
        """The DNS server's port (UDP and TCP)."""
        return self.port

    @property
    def exchange_port(self) -> int:
        """The Exchange server's SMTP port."""
        return self.port

    def drop_dir(self, index: int) -> Path:
        """Node ``index``'s Drop folder on this machine."""
        return self.root / f"wfe{index + 1}" / "mailroot" / "Drop"

    def log_dir(self, index: int) -> Path:
        """Node ``index``'s IIS SMTP protocol log folder on this machine."""
        return self.root / f"wfe{index + 1}" / "LogFiles" / "SMTPSVC1"

    @property
    def tracking_dir(self) -> Path:
        """The Exchange server's message tracking log folder."""
        return self.root / "exch01" / "TransportRoles" / "Logs" / "MessageTracking"

    @property
    def uls_dir(self) -> Path:
        """The SharePoint server's unified log folder."""
        return self.root / "sp1" / "LOGS"

    def _node_setups(self) -> list[NodeSetup]:
        setups = []
        for index in range(self.count):
            drop = self.drop_dir(index)
            drop.mkdir(parents=True, exist_ok=True)
            setup = NodeSetup(
                name=f"wfe{index + 1}.{ZONE}",
                address=self.addresses.node(index),
                fqdn=MAIL_HOST,
                version=IIS_VERSION if self.identical else f"6.0.3790.{3959 + index}",
                alias_domains={MAIL_HOST},
                relay_from={self.addresses.exchange},
                drop_dir=drop,
                queue_dir=drop.parent / "Queue",
                log_dir=self.log_dir(index),
                block_style=self.block_style,
            )
            last = index == self.count - 1
            adjust_node(self.state, setup, last=last, exchange=self.addresses.exchange)
            if setup.starttls:
                names = [setup.name] if last and self.count > 1 else [MAIL_HOST, setup.name]
                setup.tls = server_context(self.root / "tls" / f"wfe{index + 1}", names)
            setups.append(setup)
        return setups

    @property
    def mail_host_target(self) -> str:
        """Where the mail host's A record should point: the VIP, or the single node."""
        return self.addresses.node(0) if self.mode == "single" else self.addresses.vip

    def _records(self) -> dict[str, list[str]]:
        records = {f"wfe{i + 1}.{ZONE}": [self.addresses.node(i)] for i in range(self.count)}
        records[EXCHANGE_NAME] = [self.addresses.exchange]
        if self.row.dns != "none":
            wrong = self.row.dns == "elsewhere"
            records[MAIL_HOST] = [self.addresses.elsewhere if wrong else self.mail_host_target]
        return records

    @property
    def plan_data(self) -> dict[str, Any]:
        """The plan for this farm, as data :func:`wizard.plan.model.parse_plan` accepts."""
        return planwrite.plan_data(self)

    @property
    def plan(self) -> Plan:
        """The plan, validated."""
        return parse_plan(self.plan_data)

    def write_plan(self, path: Path) -> Path:
        """Write the plan as a TOML file."""
        return planwrite.write_plan(self, path)

    # Life cycle -----------------------------------------------------------------

    def start(self) -> Farm:
        """Start every server; an address or port already taken is retried elsewhere."""
        self._loop = LoopThread(f"farm-{self.addresses.prefix}")
        for attempt in range(START_ATTEMPTS):
            try:
                self._loop.call(self._start_servers())
                return self
            except OSError as exc:
                self._loop.call(self._stop_servers())
                if exc.errno != errno.EADDRINUSE or attempt == START_ATTEMPTS - 1 or self._pinned:
                    self.stop()
                    raise
                self.addresses, self.port = Addresses(random_prefix()), random_port()
        return self

    async def _start_servers(self) -> None:
        self.dns = ZoneServer(self.addresses.dns, self.port, ZONE, self._records())
        await self.dns.start()
        self.nodes = [IisNode(setup, self.port) for setup in self._node_setups()]
        for node in self.nodes:
            await node.start()
        if self.mode == "nlb":
            self.balancer = Balancer(
                self.addresses.vip, self.port, [(n.setup.address, self.port) for n in self.nodes]
            )
            if self.row.nlb:
                await self.balancer.start()
        self.exchange = PracticeExchange(
            self.addresses.exchange,
            self.port,
            name=EXCHANGE_NAME,
            address_space=MAIL_HOST,
            dns_server=(self.addresses.dns, self.port),
            smart_host_port=self.port,
            log_dir=self.tracking_dir,
        )
        self.exchange.connector = self.row.connector
        await self.exchange.start()
        self.sharepoint = SharePoint(self._sharepoint_setup(), self.uls_dir)
        folders = {node.setup.name: node.setup.drop_dir for node in self.nodes if node.setup.drop_dir}
        self.timer = TimerJob(folders, 0.0, self.sharepoint)
        if self.pickup_delay is not None:
            self.timer.delay = self.pickup_delay
            if self.row.timer_job:
                self.timer.start()
        if self.row.seeded:
            await self.partner_mail()
            if self.state == "unknown-alias":
                self.age_drop(SEEDED_AGE_HOURS)

    def _sharepoint_setup(self) -> SharePointSetup:
        site = f"http://sp.{ZONE}/sites/team"
        alias = TEST_RECIPIENT.partition("@")[0]
        setup = SharePointSetup(
            domain=MAIL_HOST,
            servers=[node.setup.name for node in self.nodes],
            timer_account=TIMER_ACCOUNT,
            members={MEMBER},
            lists=[
                MailList(alias, f"{site}/Shared Documents", "Documents"),
                MailList("minutes", f"{site}/Lists/Minutes", "Minutes", save_attachments=False),
            ],
        )
        adjust_sharepoint(self.state, setup, alias)
        return setup

    async def partner_mail(self) -> None:
        """A partner's message to the test library through Exchange, as users' mail comes (on the farm's loop)."""
        assert self.exchange is not None
        number = len(self.exchange.relayed) + 1
        content = (
            f"Received: from mail.contoso.example ([192.0.2.25]) by mail.contoso.example; "
            f"{email.utils.formatdate(localtime=True)}\r\n"
            f"From: {OUTSIDE_SENDER}\r\nTo: {TEST_RECIPIENT}\r\nSubject: Signed contract {number}\r\n"
            f"Message-ID: <contract{number}.{self.addresses.prefix}@contoso.example>\r\n\r\nThe contract, signed.\r\n"
        ).encode()
        await self.exchange.relay(OUTSIDE_SENDER, [TEST_RECIPIENT], content)

    def age_drop(self, hours: float) -> int:
        """Let ``hours`` of farm time pass for the files in Drop (their times move back); returns how many."""
        moved = 0
        for index in range(self.count):
            for path in self.drop_dir(index).glob("*.eml"):
                info = path.stat()
                os.utime(path, (info.st_atime - hours * 3600, info.st_mtime - hours * 3600))
                moved += 1
        return moved

    async def _stop_servers(self) -> None:
        if self.timer is not None:
            await self.timer.stop()
        for node in self.nodes:
            await node.stop()
        for server in (self.balancer, self.exchange, self.dns):
            if server is not None:
                await server.stop()
        self.balancer = self.exchange = self.dns = None

    async def _unanswered(self) -> list[str]:
        """The parts that should answer and do not: each listening server takes a connection, DNS a query."""
        expected = [(f"node {n.setup.name}", n.setup.address) for n in self.nodes if n.listening]
        if self.balancer is not None and self.balancer.listening:
            expected.append(("NLB VIP", self.addresses.vip))
        expected += [("Exchange", self.addresses.exchange), ("DNS over TCP", self.addresses.dns)]
        missing = []
        for label, address in expected:
            try:
                async with asyncio.timeout(READY_TIMEOUT):
                    _, writer = await asyncio.open_connection(address, self.port)
                writer.close()
            except (OSError, TimeoutError) as exc:
                missing.append(f"{label} at {address}:{self.port} ({exc or 'no answer'})")
        query = dns.message.make_query(MAIL_HOST, "A")
        try:
            await dns.asyncquery.udp(query, self.addresses.dns, port=self.port, timeout=READY_TIMEOUT)
        except (OSError, dns.exception.DNSException) as exc:
            missing.append(f"DNS over UDP at {self.addresses.dns}:{self.port} ({exc})")
        return missing

    def unanswered(self) -> list[str]:
        """Ask every part of the running farm; returns those that did not answer (empty: all did)."""
        return self.run(self._unanswered)

    def run(self, work: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Run a change on the farm's own loop and wait for it."""
        if self._loop is None:
            raise RuntimeError("the farm is not running")
        return self._loop.call(work())

    def stop_node(self, index: int) -> None:
        """Stop one node's SMTP service (its address then refuses connections)."""
        self.run(self.nodes[index].stop)

    def start_node(self, index: int) -> None:
        """Start one node's SMTP service again, with its current settings."""
        node = self.nodes[index]
        node.setup.behaviour = "normal"
        self.run(node.start)

    def stop(self) -> None:
        """Stop everything and free every address; safe to call twice."""
        if self._loop is not None:
            try:
                self._loop.call(self._stop_servers())
            finally:
                self._loop.stop()
                self._loop = None
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Farm:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def describe(self) -> list[str]:
        """What runs where, one line each."""
        lines = [
            f"practice farm: state {self.state} ({self.row.description}), "
            f"{self.mode} mode, every server on port {self.port}"
        ]
        for node in self.nodes:
            s = node.setup
            state = s.behaviour if node.listening else "stopped"
            lines.append(
                f"  node {s.name} at {s.address} ({state}; greets as {s.greeting_name}; "
                f"aliases {', '.join(sorted(s.alias_domains)) or 'none'}; Drop {s.drop_dir})"
            )
        if self.balancer is not None:
            status = "round robin, client address kept" if self.balancer.listening else "not set up"
            lines.append(f"  NLB VIP {self.addresses.vip} ({status})")
        if self.dns is not None:
            target = ", ".join(self.dns.records.get(MAIL_HOST, [])) or "no record"
            lines.append(f"  DNS for {ZONE} at {self.addresses.dns} (UDP and TCP): {MAIL_HOST} -> {target}")
        if self.exchange is not None:
            connector = f"Send Connector to {MAIL_HOST}" if self.exchange.connector else "no Send Connector"
            lines.append(f"  Exchange {EXCHANGE_NAME} at {self.addresses.exchange} ({connector})")
        if self.timer is not None:
            timer = f"takes each .eml after {self.timer.delay:g} s" if self.timer.running else "stopped"
            lines.append(f"  timer job: {timer}")
        if self.sharepoint is not None:
            sp = self.sharepoint.setup
            aliases = ", ".join(item.alias for item in sp.lists) or "none"
            stopped = ", ".join(sorted(sp.stopped_instances)) or "none"
            lines.append(
                f"  SharePoint: lists {aliases}; timer account {sp.timer_account} "
                f"{'has' if sp.timer_modify else 'lacks'} Modify on Drop; instances stopped: {stopped}; "
                f"ULS log in {self.sharepoint.log_folder}"
            )
        return lines
