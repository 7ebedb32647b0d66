"""The session's live checks and imported results are placed on the hops they speak about."""

from __future__ import annotations

import json

import pytest

from wizard import store
from wizard.cli import run
from wizard.results import CheckResult, Status
from wizard.session import Session

PLAN = {
    "mode": "nlb",
    "mail_host": "mossmail.foo.local",
    "vip": "10.0.0.50",
    "exchange_servers": ["10.0.0.20"],
    "sharepoint_version": "2010",
    "exchange_version": "2010",
    "test_recipient": "docs@mossmail.foo.local",
    "nodes": [
        {"name": "wfe1.foo.local", "address": "10.0.0.11"},
        {"name": "wfe2.foo.local", "address": "10.0.0.12"},
    ],
}


def test_checks_and_imported_results_land_on_their_hops(capsys: pytest.CaptureFixture[str]) -> None:
    session = Session(name="evidence", plan_data=dict(PLAN))
    session.record_run(
        [
            CheckResult("dns", "dns-a-record", "dns:10.0.0.5", Status.FAIL, "mossmail.foo.local A 10.0.0.99"),
            CheckResult("alias", "alias-accepted", "wfe1.foo.local", Status.PASS, "accepted"),
            CheckResult(
                "restart",
                "queue-folder",
                "wfe2.foo.local",
                Status.FAIL,
                "3 files wait in Queue",
                origin="wfe2.foo.local",
            ),
            CheckResult("relay", "relay-refused", "wfe1.foo.local", Status.FAIL, "open relay"),
        ]
    )
    store.save(session)
    assert run(["diagnose", "--session", "evidence", "--json"]) == 1
    trace = json.loads(capsys.readouterr().out)
    hops = {hop["id"]: hop for hop in trace["hops"]}
    assert hops["dns_resolved"]["status"] == "contrary"
    assert hops["dns_resolved"]["evidence"][0]["source"] == "live check"
    assert hops["drop_written"]["status"] == "contrary"
    assert hops["drop_written"]["evidence"][0] | {"observed_at": None} == {
        "source": "imported check",
        "origin": "wfe2.foo.local",
        "observed_at": None,
        "line": "FAIL wfe2.foo.local: 3 files wait in Queue",
    }
    # A passing check is shown but proves nothing about this message; an open relay does not stop it.
    assert hops["node_accepted"]["status"] == "no_evidence" and hops["node_accepted"]["evidence"]
    # Nothing shows the message itself: the first hop is named, and the broken one further on is mentioned.
    assert trace["broken_hop"] == "exchange_accepted"
    assert "Further on, dns resolved has contrary evidence" in trace["cause"]
