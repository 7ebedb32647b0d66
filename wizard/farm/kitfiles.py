"""The results files the probe kit's scripts would write on the practice farm, from the farm's real state.

No Windows is here to run the kit's PowerShell, so each file is made the way
its script works. The Exchange script's checks are the wizard's own, run
from the Exchange server's address (the conversations start there, so the
farm's connection control sees Exchange). The node script's facts are the
settings and folders the running node really has. The SharePoint script's
facts are the practice SharePoint's settings, lists, job history and ULS
log. ``rehearse --serve --kit-out`` writes them, so import, the proof and
the views can be rehearsed end to end.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.checks import run_checks, smtpclient
from wizard.cli.report import report_json
from wizard.farm import badmail, kitexchange
from wizard.farm.kitnode import badmail_reasons, drop_fact, smtp_log_fact
from wizard.farm.kitsharepoint import sharepoint_results
from wizard.results import CheckResult, Status, utc_now

if TYPE_CHECKING:
    from wizard.checklist.model import Checklist
    from wizard.farm.farm import Farm
    from wizard.plan.model import Plan

EXCHANGE_ORIGIN_INDEX = 0
EXCHANGE_STEPS = (
    "dns",
    "mode",
    "nlb",
    "relay",
    "connection_control",
    "fqdn",
    "alias",
    "restart",
    "library_test",
)
"""The steps the Exchange script checks, as ``check`` would from there."""
HOP_COUNT_CODE = "0xC00402C7"
"""The code field reports find in the .bdr of a message badmailed for too many hops."""
PICKUP_LIMIT = 20.0
"""Seconds the Exchange script follows its test message."""


@contextmanager
def _from(address: str) -> Iterator[None]:
    token = smtpclient.SOURCE_ADDRESS.set(address)
    try:
        yield
    finally:
        smtpclient.SOURCE_ADDRESS.reset(token)


def document(plan: Plan, results: list[CheckResult], started_at: datetime) -> dict[str, Any]:
    """A results document as the kit writes it."""
    data = report_json(plan, results, started_at, 1234)
    data.pop("drift", None)
    return data


def exchange_origin(farm: Farm) -> str:
    """The Exchange server's name as the plan gives it (its address)."""
    return farm.plan.exchange_servers[EXCHANGE_ORIGIN_INDEX]


def exchange_results(
    farm: Farm, checklist: Checklist, *, send_test: bool, pickup_limit: float = PICKUP_LIMIT
) -> dict[str, Any]:
    """What the Exchange script writes, run with ``-SendTest`` when ``send_test``."""
    plan = farm.plan
    steps = [step for step in checklist.for_mode(plan.mode, plan.delivery) if step.id in EXCHANGE_STEPS]
    started = utc_now()
    with _from(farm.addresses.exchange):
        found = asyncio.run(
            run_checks(plan, steps, timeout=3, send_test=send_test, pickup_limit=pickup_limit)
        )
    assert farm.exchange is not None
    connector = CheckResult(
        step="connector",
        check="connector-settings",
        target=plan.mail_host,
        status=Status.PASS if farm.exchange.connector else Status.FAIL,
        summary=f"the Send Connector routes {plan.mail_host} to the smart host {plan.mail_host}, enabled"
        if farm.exchange.connector
        else f"no Send Connector has the address space {plan.mail_host}",
    )
    accepted = CheckResult(
        "connector",
        "accepted-domain",
        plan.mail_host,
        Status.PASS,
        f"{plan.mail_host} is not an accepted domain of Exchange: the Send Connector routes it",
    )
    failed = [entry for entry in farm.exchange.relayed[-1:] if entry.startswith("failed")]
    queue = CheckResult(
        "connector",
        "exchange-queue",
        plan.mail_host,
        Status.FAIL if failed else Status.PASS,
        f"1 message(s) wait in the queue toward {plan.mail_host}: {failed[0]}"
        if failed
        else f"no message waits with an error in a queue toward {plan.mail_host} on this server",
        hint="The last error names the hop that refuses or does not answer: DNS, a node, or TLS."
        if failed
        else "",
    )
    extra = [kitexchange.transport_dns(plan.mail_host)]
    sent = [
        line
        for r in found
        if r.check == "library-delivery"
        for line in r.transcript
        if line.startswith("-- Message-ID ")
    ]
    if sent:
        extra.append(
            kitexchange.tracking(plan.mail_host, farm.tracking_dir, sent[-1].removeprefix("-- Message-ID "))
        )
    origin = exchange_origin(farm)
    results = [replace(result, origin=origin) for result in [*found, connector, accepted, queue, *extra]]
    return document(plan, results, started)


def _fact(node: str, step: str, check: str, status: Status, summary: str, hint: str = "") -> CheckResult:
    return CheckResult(step, check, node, status, summary, hint=hint, origin=node)


def _ok(flag: bool) -> Status:
    return Status.PASS if flag else Status.FAIL


def _count(folder: Path | None) -> int:
    return sum(1 for item in folder.iterdir() if item.is_file()) if folder and folder.is_dir() else 0


def _hop_reasons(folder: Path | None) -> tuple[int, int]:
    """Badmail messages that went there for the hop count, and the most hops one of them had."""
    if folder is None or not folder.is_dir():
        return 0, 0
    count, most = 0, 0
    for reason in folder.iterdir():
        if reason.suffix.lower() != ".bdr" or HOP_COUNT_CODE not in reason.read_text("ascii", "replace"):
            continue
        bad = reason.with_suffix(".bad")
        count += 1
        if bad.exists():
            # The .bad file starts with the envelope lines, then the message's header.
            most = max(most, badmail.hops(bad.read_bytes()))
    return count, most


def node_results(farm: Farm, index: int) -> dict[str, Any]:
    """What the node script writes on node ``index``, from the settings that node really has."""
    plan = farm.plan
    started = utc_now()
    setup = farm.nodes[index].setup
    name = setup.name
    exchange = set(plan.exchange_servers)
    only_exchange = setup.connect_from is not None and setup.connect_from <= exchange
    queued = _count(setup.queue_dir)
    badmail_dir = setup.drop_dir.parent / "Badmail" if setup.drop_dir else None
    badmailed = _count(badmail_dir)
    hop_files, hops = _hop_reasons(badmail_dir)
    reasons = badmail_reasons(badmail_dir)
    results = [
        _fact(
            name,
            "restart",
            "service-start-type",
            Status.PASS,
            f"the SMTP service starts automatically on {name}",
        ),
        _fact(
            name,
            "restart",
            "service-running",
            _ok(setup.behaviour == "normal"),
            f"the SMTP service is running on {name}",
        ),
        _fact(
            name,
            "restart",
            "virtual-server-autostart",
            Status.PASS,
            "the virtual server starts with the service",
        ),
        _fact(
            name,
            "restart",
            "queue-folder",
            Status.PASS if queued == 0 else Status.WARN,
            f"the Queue folder of {name} holds {queued} files",
        ),
        replace(
            _fact(
                name,
                "restart",
                "badmail-folder",
                Status.PASS if badmailed == 0 else Status.WARN,
                f"the Badmail folder of {name} is empty"
                if badmailed == 0
                else f"{badmailed} files lie in the Badmail folder of {name}"
                + (f"; the newest reason: {reasons[0]}" if reasons else ""),
            ),
            transcript=tuple(reasons),
        ),
        _hop_fact(name, setup.hop_limit, hop_files, hops, _newest_hops(setup.drop_dir)),
        _fact(
            name, "fqdn", "fqdn-setting", _ok(setup.fqdn == plan.mail_host), f"FQDN on {name} is {setup.fqdn}"
        ),
        _fact(
            name,
            "alias",
            "alias-domain",
            _ok(plan.mail_host in setup.alias_domains),
            f"alias domains {sorted(setup.alias_domains)}",
        ),
        _fact(
            name,
            "connection_control",
            "connection-list",
            _ok(only_exchange == plan.connection_control),
            f"Access > Connection on {name} allows {sorted(setup.connect_from or ['every computer'])}",
        ),
        _fact(
            name,
            "relay",
            "relay-connection-list",
            Status.PASS if only_exchange else Status.SKIP,
            "only the Exchange servers may connect",
        ),
        _relay_fact(name, setup.open_relay, setup.relay_from - exchange),
        drop_fact(name, setup.drop_dir),
        _fact(
            name,
            "connection_control",
            "anonymous-access",
            Status.PASS,
            f"the Default SMTP Virtual Server on {name} allows anonymous access, as Exchange connects",
        ),
        smtp_log_fact(name, setup.log_dir, plan.exchange_servers),
    ]
    # The node's own greeting, asked from the node's address as the script does.
    from wizard.checklist.loader import load_default

    self_check = [step for step in load_default().for_mode(plan.mode, plan.delivery) if step.id == "restart"]
    with _from(setup.address):
        greeting = asyncio.run(run_checks(plan, self_check, timeout=3))
    results += [replace(r, origin=name) for r in greeting if r.target == name]
    return document(plan, results, started)


def _relay_fact(name: str, open_relay: bool, others: set[str]) -> CheckResult:
    """Access > Relay as the node script judges RelayIpList."""
    if open_relay:
        return _fact(
            name,
            "relay",
            "relay-settings",
            Status.FAIL,
            f"Access > Relay on {name} allows every computer except the list below: anyone may relay "
            "through it (an open relay)",
            "Access > Relay: 'Only the list below' with only the Exchange servers.",
        )
    if others:
        return _fact(
            name,
            "relay",
            "relay-settings",
            Status.WARN,
            f"Access > Relay on {name} lets more than the Exchange servers relay: {', '.join(sorted(others))}",
            "Access > Relay: 'Only the list below' with only the Exchange servers.",
        )
    return _fact(
        name,
        "relay",
        "relay-settings",
        Status.PASS,
        f"Access > Relay on {name} allows only the list below, which holds no computer but the Exchange servers",
    )


def _newest_hops(drop: Path | None) -> int | None:
    """The Received: lines of the newest message waiting in Drop, if one waits."""
    files = (
        sorted(drop.glob("*.eml"), key=lambda path: path.stat().st_mtime) if drop and drop.is_dir() else []
    )
    if not files:
        return None
    try:
        return badmail.hops(files[-1].read_bytes())  # the x- envelope lines are no Received: lines
    except OSError:
        return None


def _hop_fact(name: str, hop_count: int, hop_files: int, hops: int, newest: int | None = None) -> CheckResult:
    if hop_files and hop_count >= hops:
        return _fact(
            name,
            "library_test",
            "hop-count",
            Status.WARN,
            f"{hop_files} message(s) in the Badmail folder of {name} passed more hosts than the hop count "
            f"allowed then; it is {hop_count} now, above their {hops} hops",
            "Have the senders send those messages again; then clear the Badmail folder.",
        )
    if hop_files:
        return _fact(
            name,
            "library_test",
            "hop-count",
            Status.FAIL,
            f"{hop_files} message(s) in the Badmail folder of {name} passed more hosts than its maximum hop "
            f"count ({hop_count}): they were accepted with a 250 and never reached Drop",
            f"Raise the maximum hop count on {name} (Default SMTP Virtual Server > Properties > Delivery > "
            "Advanced), for example to 30, and resend the lost messages.",
        )
    return _fact(
        name,
        "library_test",
        "hop-count",
        Status.PASS,
        f"maximum hop count {hop_count} on {name}; no message in Badmail for too many hops"
        + (
            ""
            if newest is None
            else f"; the newest message in Drop passed {newest} host(s): headroom {hop_count - newest}"
        ),
    )


def write(data: dict[str, Any], path: Path) -> Path:
    """Write a results document as the kit does: UTF-8 JSON, non-ASCII escaped."""
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def write_kit(farm: Farm, checklist: Checklist, folder: Path, *, send_test: bool = True) -> list[Path]:
    """Every results file the kit would write on the farm now: Exchange, each node, each SharePoint server.

    The Exchange file comes first (its test message is then what the
    SharePoint side is asked about), and the SharePoint files last.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utc_now().strftime("%Y%m%d-%H%M%S")
    pickup = max(2.0, 4 * (farm.pickup_delay or 0.5))
    exchange = exchange_results(farm, checklist, send_test=send_test, pickup_limit=pickup)
    paths = [write(exchange, folder / f"probe-exchange-1-results-{stamp}.json")]
    for index, node in enumerate(farm.nodes):
        paths.append(
            write(node_results(farm, index), folder / f"probe-node-{node.setup.name}-results-{stamp}.json")
        )
    assert farm.sharepoint is not None
    server = farm.sharepoint.setup.servers[0]  # the script runs on one server and reads the farm
    paths.append(write(sharepoint_results(farm, server), folder / f"probe-sharepoint-results-{stamp}.json"))
    return paths
