"""The practice farm on the Foreign connector route: no SMTP nodes, Exchange writes into one shared drop folder.

Exchange takes mail for the mail host as before, but instead of relaying it
over SMTP its Foreign connector writes each message as an ``.eml`` file
(``x-sender``/``x-receiver`` lines first, as the timer job reads them) into
the farm's shared folder, a folder under the farm's own temporary folder
standing for the plan's ``drop_share``. SharePoint's timer job reads that
one folder in advanced mode. The plan written says
``delivery = "foreign_connector"`` and names the share.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.farm.exchange import PracticeExchange
from wizard.farm.farm import EXCHANGE_NAME, MAIL_HOST, TEST_RECIPIENT, ZONE, Farm
from wizard.farm.sharepoint import SharePoint
from wizard.farm.timerjob import TimerJob
from wizard.plan.tomlfile import dump_plan
from wizard.results import CheckResult, Status, utc_now

if TYPE_CHECKING:
    from wizard.checklist.model import Checklist

SHARE_SERVER = f"sp1.{ZONE}"
"""The SharePoint server that holds the share and runs the Incoming E-Mail service."""
DROP_SHARE = rf"\\{SHARE_SERVER.partition('.')[0]}\SPDrop"
"""The share's UNC path as the plan names it."""
CONNECTOR_NAME = "SharePoint drop"
"""The Foreign connector's name, as the checklist's script creates it."""
STATES = ("fresh", "complete", "timer-stopped", "timer-no-modify", "instance-stopped", "list-policy")
"""The farm states that mean something on this route: none of them changes an SMTP node or the mail host's record."""
PICKUP_LIMIT = 20.0
"""Seconds the kit waits for SharePoint to file the test message; a safety net, not a pace."""


class ForeignExchange(PracticeExchange):
    """Exchange with a Foreign connector: mail for the address space becomes a file in the drop share."""

    def __init__(self, share: Path, **options: Any) -> None:
        super().__init__(**options)
        self.share = share

    async def _relay(self, sender: str, recipients: list[str], content: bytes, identifier: str = "") -> None:
        if not self.connector:
            # No connector has the address space: Exchange keeps the message queued without a route.
            self.relayed.append(f"failed: no connector for {self.address_space}")
            self._track("FAIL", recipients, "no route", identifier, sender)
            return
        envelope = f"x-sender: {sender}\r\n" + "".join(f"x-receiver: {r}\r\n" for r in recipients)
        name = f"{uuid.uuid4().hex}.eml"
        try:
            # Written under another name and renamed, so the timer job never reads half a file.
            part = self.share / f"{name}.tmp"
            await asyncio.to_thread(part.write_bytes, envelope.encode() + content)
            await asyncio.to_thread(part.rename, self.share / name)
        except OSError as exc:
            self.relayed.append(f"failed: {exc.strerror or exc}")
            self._track("FAIL", recipients, str(exc), identifier, sender, connector=CONNECTOR_NAME)
            return
        self._track("SEND", recipients, "", identifier, sender, connector=CONNECTOR_NAME, source="GATEWAY")
        self.relayed.append(str(self.share / name))


class ForeignFarm(Farm):
    """A farm whose mail reaches SharePoint through a Foreign connector; started and stopped as :class:`Farm`."""

    def __init__(self, state: str = "complete", **options: Any) -> None:
        if state not in STATES:
            raise ValueError(
                f"the Foreign connector route is rehearsed in the states {', '.join(STATES)}, not {state!r}"
            )
        super().__init__(state, 1, mode="single", **options)
        self.count = 0  # no SMTP node: every loop over the nodes finds none

    @property
    def share_dir(self) -> Path:
        """The folder standing for the drop share."""
        return self.root / "sp1" / "SPDrop"

    def _records(self) -> dict[str, list[str]]:
        return {EXCHANGE_NAME: [self.addresses.exchange], SHARE_SERVER: [self.addresses.node(0)]}

    @property
    def plan_data(self) -> dict[str, Any]:
        return {
            "schema": 1,
            "delivery": "foreign_connector",
            "drop_share": DROP_SHARE,
            "mail_host": MAIL_HOST,
            "dns_zone": ZONE,
            "exchange_servers": [self.addresses.exchange],
            "dns_servers": [f"{self.addresses.dns}:{self.dns_port}"],
            "exchange_port": self.exchange_port,
            "sharepoint_version": "2010",
            "exchange_version": "2010",
            "test_recipient": TEST_RECIPIENT,
            "sharepoint_servers": [SHARE_SERVER],
        }

    def write_plan(self, path: Path) -> Path:
        from wizard.atomicfile import write_text_atomic

        write_text_atomic(path, dump_plan(self.plan_data))
        return path

    async def _start_servers(self) -> None:
        from wizard.farm.dnszone import ZoneServer

        self.share_dir.mkdir(parents=True, exist_ok=True)
        self.dns = ZoneServer(self.addresses.dns, self.port, ZONE, self._records())
        await self.dns.start()
        self.exchange = ForeignExchange(
            self.share_dir,
            address=self.addresses.exchange,
            port=self.port,
            name=EXCHANGE_NAME,
            address_space=MAIL_HOST,
            dns_server=(self.addresses.dns, self.port),
            smart_host_port=self.port,
            log_dir=self.tracking_dir,
        )
        self.exchange.connector = self.row.connector
        await self.exchange.start()
        setup = self._sharepoint_setup()
        setup.servers = [SHARE_SERVER]
        if (
            self.row.connector
        ):  # set up: advanced mode, reading the share (fresh still reads its local folder)
            setup.drop_folder = DROP_SHARE
        self.sharepoint = SharePoint(setup, self.uls_dir)
        self.timer = TimerJob({SHARE_SERVER: self.share_dir}, 0.0, self.sharepoint)
        if self.pickup_delay is not None:
            self.timer.delay = self.pickup_delay
            if self.row.timer_job:
                self.timer.start()
        if self.row.seeded:
            await self.partner_mail()

    def describe(self) -> list[str]:
        """What runs where, one line each, in this route's words."""
        lines = [
            f"practice farm on the Foreign connector route: state {self.state} ({self.row.description}), "
            f"no SMTP node, every server on port {self.port}"
        ]
        if self.dns is not None:
            lines.append(
                f"  DNS for {ZONE} at {self.addresses.dns} (UDP and TCP): {EXCHANGE_NAME}, {SHARE_SERVER}"
            )
        if self.exchange is not None:
            connector = (
                f"Foreign connector {CONNECTOR_NAME!r} writes into {DROP_SHARE}, here {self.share_dir}"
                if self.exchange.connector
                else f"no Foreign connector for {MAIL_HOST}"
            )
            lines.append(f"  Exchange {EXCHANGE_NAME} at {self.addresses.exchange} ({connector})")
        if self.timer is not None:
            timer = f"takes each .eml after {self.timer.delay:g} s" if self.timer.running else "stopped"
            lines.append(f"  timer job on {SHARE_SERVER}: {timer}")
        if self.sharepoint is not None:
            sp = self.sharepoint.setup
            lines.append(
                f"  SharePoint {SHARE_SERVER}: incoming e-mail {'on' if sp.enabled else 'off'}, drop folder "
                f"{sp.drop_folder}; timer account {sp.timer_account} {'has' if sp.timer_modify else 'lacks'} "
                f"Modify there; lists {', '.join(item.alias for item in sp.lists) or 'none'}; "
                f"ULS log in {self.sharepoint.log_folder}"
            )
        return lines


def fix(farm: ForeignFarm, step_id: str) -> list[str]:
    """Do on the farm what step ``step_id`` of this route tells the operator to do; returns what changed."""
    assert farm.exchange is not None and farm.sharepoint is not None
    setup, exchange = farm.sharepoint.setup, farm.exchange
    if step_id == "drop_share":
        setup.drop_folder, setup.timer_modify = DROP_SHARE, True
        return [f"{setup.timer_account} has Modify on {DROP_SHARE}; SharePoint reads it in advanced mode"]
    if step_id == "foreign_connector":
        exchange.connector = True
        return [f"Foreign connector {CONNECTOR_NAME!r} for {MAIL_HOST} writes into {DROP_SHARE}"]
    if step_id == "central_admin":
        setup.enabled, setup.automatic, setup.domain = True, False, MAIL_HOST
        setup.stopped_instances.clear()
        if farm.timer is not None and not farm.timer.running:
            farm.run(_start_timer(farm.timer))
        return [f"incoming e-mail on in advanced mode, display address {MAIL_HOST}, timer job running"]
    return []


def _start_timer(timer: TimerJob) -> Any:
    async def start() -> None:
        timer.start()

    return start


def drop_share_fact(farm: Farm, server: str) -> CheckResult:
    """``drop-share-rights`` as the SharePoint script judges it: the plan's share read, with Modify for the timer."""
    assert farm.sharepoint is not None
    setup, share = farm.sharepoint.setup, farm.plan.drop_share or ""
    hint = f"Give {setup.timer_account} Modify on {share} (Security tab)."
    if setup.drop_folder.rstrip("\\") != share:
        status, summary = (
            Status.FAIL,
            f"SharePoint reads the drop folder {setup.drop_folder}, not the drop share {share}",
        )
        hint = f"Set Advanced mode with the drop folder {share} in Central Administration."
    elif setup.timer_modify:
        status, summary, hint = (
            Status.PASS,
            f"the timer account {setup.timer_account} has Modify on the drop share {share}",
            "",
        )
    else:
        status = Status.FAIL
        summary = (
            f"the timer account {setup.timer_account} has no Modify of its own on the drop share {share}"
        )
    return CheckResult("drop_share", "drop-share-rights", server, status, summary, hint=hint, origin=server)


def _send_test(farm: ForeignFarm, limit: float) -> None:
    """A test message through Exchange, as the Exchange kit's -SendTest sends it, followed until SharePoint files it."""
    from wizard.checks.delivery import SENDER_LOCAL_PART, build_message

    plan, exchange, sharepoint = farm.plan, farm.exchange, farm.sharepoint
    assert exchange is not None and sharepoint is not None and plan.test_recipient is not None
    message_id, payload = build_message(plan, plan.test_recipient, f"through Exchange {exchange.address}")
    farm.run(lambda: exchange.relay(f"{SENDER_LOCAL_PART}@{plan.zone}", [plan.test_recipient or ""], payload))
    deadline = time.monotonic() + limit
    if exchange.relayed and exchange.relayed[-1].startswith("failed"):
        return  # Exchange had no route: nothing reached the share
    while sharepoint.item_for(message_id) is None and farm.timer is not None and farm.timer.running:
        if time.monotonic() > deadline:
            return  # the SharePoint file then says no item was stored, as the real one would
        time.sleep(0.05)


def write_kit(farm: ForeignFarm, checklist: Checklist, folder: Path, *, send_test: bool = True) -> list[Path]:
    """The results file the SharePoint kit would write on the farm now, after a test message when ``send_test``.

    No Exchange file: the Foreign connector step is confirmed by hand, as no kit reads it yet.
    """
    from wizard.farm.kitfiles import write
    from wizard.farm.kitsharepoint import sharepoint_results

    del checklist
    folder.mkdir(parents=True, exist_ok=True)
    if send_test:
        _send_test(farm, max(PICKUP_LIMIT, 4 * (farm.pickup_delay or 0.5)))
    stamp = utc_now().strftime("%Y%m%d-%H%M%S")
    return [write(sharepoint_results(farm, SHARE_SERVER), folder / f"probe-sharepoint-results-{stamp}.json")]
