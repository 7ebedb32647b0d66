"""The results files the probe kit would write on a practice farm, built from the farm's real answers.

No Windows is here to run the kit's PowerShell, so the Exchange script's
file is made the way the script works: the wizard's own checks run from the
Exchange server's address (the conversations bind to it, so the farm's
connection control sees Exchange), with that host as origin. The node
script's file states the settings the running farm actually has.
"""

from __future__ import annotations

import asyncio
import functools
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest import mock

from wizard.checkreport import report_json
from wizard.checks import delivery, nlbcheck, run_checks, smtpchecks, smtpprobe
from wizard.farm import Farm
from wizard.model import Checklist
from wizard.plan import Plan
from wizard.results import CheckResult, Status, utc_now

EXCHANGE_ORIGIN = "ex1.foo.local"
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


def _bound(address: str) -> Any:
    return functools.partial(smtpprobe.converse, local_address=address)


def _document(plan: Plan, results: list[CheckResult], started_at: datetime) -> dict[str, Any]:
    document = report_json(plan, results, started_at, 1234)
    document.pop("drift", None)
    return document


def exchange_results(farm: Farm, checklist: Checklist, *, send_test: bool) -> dict[str, Any]:
    """What the Exchange script writes, run with ``-SendTest`` when ``send_test``."""
    plan = farm.plan
    steps = [step for step in checklist.for_mode(plan.mode) if step.id in EXCHANGE_STEPS]
    started = utc_now()
    converse = _bound(farm.addresses.exchange)
    with (
        mock.patch.object(smtpchecks, "converse", converse),
        mock.patch.object(nlbcheck, "converse", converse),
        mock.patch.object(delivery, "converse", converse),
    ):
        found = asyncio.run(run_checks(plan, steps, timeout=3, send_test=send_test, pickup_limit=20))
    assert farm.exchange is not None
    connector = CheckResult(
        step="connector",
        check="connector-settings",
        target=plan.mail_host,
        status=Status.PASS if farm.exchange.connector else Status.FAIL,
        summary=f"the Send Connector routes {plan.mail_host} to the smart host {plan.mail_host}, enabled",
    )
    results = [replace(result, origin=EXCHANGE_ORIGIN) for result in [*found, connector]]
    return _document(plan, results, started)


def _fact(node: str, step: str, check: str, ok: bool, summary: str) -> CheckResult:
    return CheckResult(step, check, node, Status.PASS if ok else Status.FAIL, summary, origin=node)


def _count(folder: Path | None) -> int:
    return sum(1 for item in folder.iterdir() if item.is_file()) if folder and folder.is_dir() else 0


def node_results(farm: Farm, index: int) -> dict[str, Any]:
    """What the node script writes on node ``index``, from the settings that node really has."""
    plan = farm.plan
    started = utc_now()
    setup = farm.nodes[index].setup
    name = setup.name
    exchange = set(plan.exchange_servers)
    only_exchange = setup.connect_from is not None and setup.connect_from <= exchange
    running = setup.behaviour == "normal"
    queued = _count(setup.queue_dir)
    results = [
        _fact(
            name, "restart", "service-start-type", True, f"the SMTP service starts automatically on {name}"
        ),
        _fact(name, "restart", "service-running", running, f"the SMTP service is running on {name}"),
        _fact(
            name, "restart", "virtual-server-autostart", True, "the virtual server starts with the service"
        ),
        replace(
            _fact(
                name,
                "restart",
                "queue-folder",
                queued == 0,
                f"the Queue folder of {name} holds {queued} files",
            ),
            status=Status.PASS if queued == 0 else Status.WARN,
        ),
        _fact(name, "fqdn", "fqdn-setting", setup.fqdn == plan.mail_host, f"FQDN on {name} is {setup.fqdn}"),
        _fact(
            name,
            "alias",
            "alias-domain",
            plan.mail_host in setup.alias_domains,
            f"alias domains {setup.alias_domains}",
        ),
        _fact(
            name,
            "connection_control",
            "connection-list",
            only_exchange == plan.connection_control,
            f"Access > Connection on {name} allows {sorted(setup.connect_from or ['every computer'])}",
        ),
        replace(
            _fact(
                name, "relay", "relay-connection-list", only_exchange, "only the Exchange servers may connect"
            ),
            status=Status.PASS if only_exchange else Status.SKIP,
        ),
        CheckResult(
            "relay", "relay-settings", name, Status.SKIP, "Access > Relay is not read by the kit", origin=name
        ),
        CheckResult(
            "central_admin",
            "drop-folder",
            name,
            Status.SKIP,
            "only a test message proves the pickup",
            origin=name,
        ),
    ]
    # The node's own greeting, asked from the node's address as the script does.
    self_check = [step for step in farm_checklist().for_mode(plan.mode) if step.id == "restart"]
    with mock.patch.object(smtpchecks, "converse", _bound(setup.address)):
        greeting = asyncio.run(run_checks(plan, self_check, timeout=3))
    results += [replace(r, origin=name) for r in greeting if r.target == name]
    return _document(plan, results, started)


@functools.cache
def farm_checklist() -> Checklist:
    from wizard.checklist import load_default

    return load_default()


def write(document: dict[str, Any], path: Path) -> Path:
    """Write a results document as the kit does: UTF-8 JSON, non-ASCII escaped."""
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path
