"""A farm that turns this machine away is proven by the kit's results from Exchange and the nodes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.farm.fixtures import FarmFactory
from wizard import store
from wizard.checklist.model import Checklist
from wizard.cli import run
from wizard.cli.shared import ExitCode
from wizard.farm import kitfiles, kitsharepoint
from wizard.results import Status
from wizard.session import Session

NOT_FROM_THE_KIT = {"outgoing"}
"""Steps the kit does not prove: outgoing is checked from here."""


def _unproven(session: Session, checklist: Checklist) -> dict[str, str]:
    """Steps without a pass, or with a failure, by id, with what they hold."""
    missing = {}
    for step in session.steps(checklist):
        if step.id in NOT_FROM_THE_KIT:
            continue
        results = session.progress_for(step.id).results
        statuses = {r.status for r in results}
        if Status.PASS not in statuses or statuses & {Status.FAIL, Status.ERROR}:
            missing[step.id] = ", ".join(sorted(f"{r.check}:{r.status.value}@{r.origin}" for r in results))
    return missing


def _require_proof(capsys: pytest.CaptureFixture[str]) -> tuple[ExitCode, str]:
    """``check --require-proof`` from this machine, and its closing line."""
    capsys.readouterr()
    code = run(["check", "--session", "locked", "--timeout", "3", "--require-proof"])
    return code, capsys.readouterr().out.rstrip().splitlines()[-1]


def test_the_kit_proves_every_step_of_a_connection_controlled_farm(
    farm: FarmFactory, checklist: Checklist, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    running = farm("conn-control", nodes=3)
    plan_data = running.plan_data
    plan_data.pop("schema")
    store.save(Session(name="locked", plan_data=plan_data))

    # From here, the farm turns this machine away: most steps cannot be proven.
    assert (
        run(["check", "--session", "locked", "--timeout", "3", "--require-proof", "--json"])
        == ExitCode.FAILED
    )
    hints = {r["hint"] for r in json.loads(capsys.readouterr().out)["results"] if r["status"] == "skip"}
    # What the skips tell the operator to do is what this test does next.
    kit = [
        hint
        for hint in hints
        if f"Run the probe kit on {running.addresses.exchange} and on each node" in hint
    ]
    assert kit and all("--format probe" in hint and "spmail-wizard import" in hint for hint in kit)
    # The text report says it too, once, not under every skipped check.
    assert run(["check", "--session", "locked", "--timeout", "3"]) == ExitCode.OK
    assert capsys.readouterr().out.count(f"-> {kit[0]}") == 1
    before = _unproven(store.load("locked"), checklist)
    assert {"alias", "fqdn", "relay", "restart", "nlb"} <= set(before)

    # The genuine kit results of the first node alone prove no node step: the others are named.
    nodes = [
        kitfiles.write(kitfiles.node_results(running, index), tmp_path / f"node{index}.json")
        for index in range(len(running.nodes))
    ]
    assert run(["import", str(nodes[0]), "--session", "locked"]) == ExitCode.OK
    code, line = _require_proof(capsys)
    assert code == ExitCode.FAILED
    assert (
        "alias (partly proven live: no proof yet for alias-domain on wfe2.foo.local, wfe3.foo.local)" in line
    )
    assert (
        "relay (partly proven live: no proof yet for relay-connection-list on wfe2.foo.local, wfe3.foo.local)"
        in line
    )

    # Every node's file, then the Exchange server's (with -SendTest): every step that can be proven is.
    exchange = kitfiles.write(
        kitfiles.exchange_results(running, checklist, send_test=True), tmp_path / "ex1.json"
    )
    assert run(["import", *map(str, nodes[1:]), "--session", "locked"]) == ExitCode.OK
    code, line = _require_proof(capsys)
    unproven = line.split("steps without live proof: ")[1]
    # Each node's own grant list is half of connection control's proof: the other half is a
    # session the Exchange side is let into.
    assert code == ExitCode.FAILED and "mode" in unproven and "connection_control" in unproven
    assert run(["import", str(exchange), "--session", "locked"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert f"seen from {running.addresses.exchange}" in out
    code, line = _require_proof(capsys)
    # Central Administration's settings are proven from a SharePoint server only.
    assert code == ExitCode.FAILED and line.split("steps without live proof: ")[1] == "central_admin"
    assert running.sharepoint is not None
    sharepoint = kitfiles.write(
        kitsharepoint.sharepoint_results(running, running.sharepoint.setup.servers[0]), tmp_path / "sp.json"
    )
    assert run(["import", str(sharepoint), "--session", "locked"]) == ExitCode.OK
    code, line = _require_proof(capsys)
    assert code == ExitCode.OK, line
    assert line.startswith("Proven live")
    session = store.load("locked")
    assert _unproven(session, checklist) == {}
    alias = session.progress_for("alias").results
    # The node kits prove the alias from the Domains list itself, each node from its own host.
    assert {r.origin for r in alias if r.status == Status.PASS} >= {"wfe1.foo.local", "wfe2.foo.local"}

    # A later run from here only skips what the kit proved: the proof stays.
    assert run(["check", "--session", "locked", "--timeout", "3"]) == ExitCode.OK
    assert _unproven(store.load("locked"), checklist) == {}

    # Any one host's evidence taken back out, and the proof is gone again, named.
    assert run(["evidence", "drop", "--session", "locked", "--origin", "wfe3.foo.local"]) == ExitCode.OK
    code, line = _require_proof(capsys)
    assert code == ExitCode.FAILED
    assert "alias (partly proven live: no proof yet for alias-domain on wfe3.foo.local)" in line
    assert run(["import", str(nodes[2]), "--session", "locked"]) == ExitCode.OK
    assert _require_proof(capsys)[0] == ExitCode.OK
    assert run(["evidence", "drop", "--session", "locked", "--origin", running.addresses.exchange]) == 0
    code, line = _require_proof(capsys)
    # The SharePoint server still shows the test message stored in its library, so library_test
    # keeps its proof; what only Exchange saw is unproven again.
    assert code == ExitCode.FAILED and "mode" in line and "connection_control" in line
    assert "library_test" not in line


def test_the_node_kit_finds_a_node_without_its_alias(farm: FarmFactory) -> None:
    running = farm("conn-control")
    running.nodes[-1].setup.alias_domains = set()
    last, first = (kitfiles.node_results(running, index) for index in (len(running.nodes) - 1, 0))
    assert [r["status"] for r in last["results"] if r["check"] == "alias-domain"] == ["fail"]
    assert [r["status"] for r in first["results"] if r["check"] == "alias-domain"] == ["pass"]
    assert {r["origin"] for r in last["results"]} == {running.nodes[-1].setup.name}


def test_from_an_exchange_server_that_may_relay_an_accepted_rcpt_does_not_prove_the_alias(
    farm: FarmFactory, checklist: Checklist
) -> None:
    running = farm("partial")  # the last node has no alias domain
    document = kitfiles.exchange_results(running, checklist, send_test=False)
    alias = {r["target"]: r for r in document["results"] if r["check"] == "alias-accepted"}
    last = alias[running.nodes[-1].setup.name]
    # Exchange may relay, so the node takes the mail (into Queue): not a pass, and said why.
    assert last["status"] == "skip", last["summary"]
    assert "does not prove the alias" in last["summary"] and "node script" in last["hint"]


def test_an_exchange_server_turned_away_is_a_failure_not_a_skip(
    farm: FarmFactory, checklist: Checklist
) -> None:
    running = farm("conn-control")
    running.nodes[0].setup.connect_from = {running.addresses.elsewhere}
    document = kitfiles.exchange_results(running, checklist, send_test=False)
    first = running.nodes[0].setup.name
    greeting = [r for r in document["results"] if r["check"] == "smtp-greeting" and r["target"] == first]
    assert {r["status"] for r in greeting} == {"fail"}, [r["summary"] for r in greeting]
    control = [r for r in document["results"] if r["check"] == "connection-control" and r["target"] == first]
    assert [r["status"] for r in control] == ["fail"]
