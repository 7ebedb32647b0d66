"""Each practice farm state past the Drop folder: its kit files, imported, fail the right step with the cause named."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.farm.fixtures import FarmFactory
from wizard import store
from wizard.checklist.model import Checklist
from wizard.cli import run
from wizard.cli.shared import ExitCode
from wizard.farm import Farm, actions, kitfiles
from wizard.farm.kitsharepoint import UlsEvent, read_uls, sharepoint_results
from wizard.results import Status
from wizard.session import Session

# (state, step that fails, check that fails, words of its summary)
BROKEN = [
    ("unknown-alias", "library_test", "sp-list-alias", "no list has the alias docs"),
    ("timer-no-modify", "central_admin", "sp-timer-account", "lacks Modify on the drop folder"),
    ("hop-limit", "library_test", "hop-count", "more hosts than its maximum hop count (1)"),
    ("instance-stopped", "central_admin", "sp-service-instance", "wfe2.foo.local is stopped"),
    ("list-policy", "library_test", "sp-list-policy", "only from senders with rights on it"),
    ("open-relay", "relay", "relay-settings", "anyone may relay through it (an open relay)"),
]
PAST_DROP = ("central_admin", "library_test")
ALSO_WARNED = {
    "timer-no-modify": (
        "library_test",
        "sp-test-delivery",
        "times: the timer account cannot delete its file",
    ),
}
"""A second sign of the same cause, where the state leaves one: the test message stored again and again."""


def _imported(farm: FarmFactory, state: str, checklist: Checklist, folder: Path) -> Session:
    running = farm(state, nodes=2, pickup_delay=0.2)
    plan_data = running.plan_data
    plan_data.pop("schema")
    store.save(Session(name="sp", plan_data=plan_data))
    for path in kitfiles.write_kit(running, checklist, folder):
        assert run(["import", str(path), "--session", "sp"]) == ExitCode.OK, path.name
    return store.load("sp")


@pytest.mark.parametrize(("state", "step", "check", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_state_past_drop_fails_its_step_and_names_the_cause(
    farm: FarmFactory, checklist: Checklist, tmp_path: Path, state: str, step: str, check: str, words: str
) -> None:
    session = _imported(farm, state, checklist, tmp_path / "kit")
    failed = [r for r in session.progress_for(step).results if r.check == check and r.status == Status.FAIL]
    assert failed, [(r.check, r.status.value, r.target) for r in session.progress_for(step).results]
    assert any(words in r.summary for r in failed), [r.summary for r in failed]
    assert all(r.hint for r in failed)
    if state in ALSO_WARNED:
        also_step, also_check, also_words = ALSO_WARNED[state]
        warned = [r for r in session.progress_for(also_step).results if r.check == also_check]
        assert [r.status for r in warned] == [Status.WARN], [r.summary for r in warned]
        assert also_words in warned[0].summary


def test_a_complete_farm_shows_the_test_message_delivered_and_nothing_wrong_past_drop(
    farm: FarmFactory, checklist: Checklist, tmp_path: Path
) -> None:
    session = _imported(farm, "complete", checklist, tmp_path / "kit")
    held = [r for step in PAST_DROP for r in session.progress_for(step).results]
    assert not [r.summary for r in held if r.status.failed], held
    delivered = [r for r in held if r.check == "sp-test-delivery"]
    assert [r.status for r in delivered] == [Status.PASS]
    assert "is an item of the test list" in delivered[0].summary
    # Each node's protocol log of the last hour counts the Exchange server's commands by reply code.
    exchange = session.plan().exchange_servers[0]
    logs = [r for r in session.progress_for("connector").results if r.check == "smtp-log"]
    assert sorted(str(r.origin) for r in logs) == ["wfe1.foo.local", "wfe2.foo.local"]
    assert all(r.status == Status.PASS for r in logs), [r.summary for r in logs]
    assert all(any(line.startswith(f"from {exchange}: reply 250 x") for line in r.transcript) for r in logs)
    # The Exchange file says where transport resolves the mail host, and that its own test bypassed transport.
    (dns,) = [r for r in session.progress_for("dns").results if r.check == "transport-dns"]
    assert dns.status == Status.PASS and "network adapter's DNS servers" in dns.summary
    (tracked,) = [r for r in session.progress_for("connector").results if r.check == "exchange-tracking"]
    assert tracked.status == Status.SKIP and "not through Exchange transport" in tracked.summary


def test_the_uls_log_is_in_the_real_layout(farm: FarmFactory, tmp_path: Path) -> None:
    running = farm("unknown-alias", nodes=2, pickup_delay=0.2)
    assert running.sharepoint is not None
    folder = running.sharepoint.log_folder
    # The job has looked at the partner's waiting message at least once when a 6871 line is there;
    # the deadline is only a safety net.
    deadline = time.monotonic() + 30
    events: list[UlsEvent] = []
    while not events and time.monotonic() < deadline:
        time.sleep(0.05)
        events = [
            e
            for e in read_uls(folder, datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1))
            if e.event_id == "6871"
        ]
    assert events and events[0].message == "The following aliases were unknown: docs"
    (log,) = folder.glob("WFE1-*.log")
    header, first = log.read_text(encoding="utf-8").splitlines()[:2]
    assert header.split("\t")[0].strip() == "Timestamp" and len(header.split("\t")) == 9
    cells = first.split("\t")
    assert len(cells) == 9 and cells[1].startswith("OWSTIMER.EXE (0x") and cells[4].strip() == "E-Mail"


def test_kit_out_without_serve_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["rehearse", "--kit-out", str(tmp_path / "kit")]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "--kit-out goes with --serve" in err and err.count("\n") == 1
    assert not (tmp_path / "kit").exists()


# Break and undo on one farm for the whole module: each palette action moves the kit's verdict.
@pytest.fixture(scope="module")
def one_farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Farm]:
    running = Farm("complete", 2, root=tmp_path_factory.mktemp("farm"), pickup_delay=0.2)
    running.start()
    yield running
    running.stop()


def _verdict(farm: Farm, check: str, target: str = "wfe1.foo.local") -> tuple[str, str]:
    data = sharepoint_results(farm, "wfe1.foo.local")
    if check == "hop-count":
        data = {"results": [r for i in range(farm.count) for r in kitfiles.node_results(farm, i)["results"]]}
    (found,) = [r for r in data["results"] if r["check"] == check and r["target"] == target]
    return found["status"], found["summary"]


def _apply(farm: Farm, key: str) -> str:
    offered = {a.key: a for a in actions.available(farm)}
    assert key in offered, sorted(offered)
    return offered[key].apply(farm)


SP_TOGGLES = [
    ("list-alias-remove", "list-alias-restore", "sp-list-alias", "wfe1.foo.local"),
    ("timer-modify-take", "timer-modify-give", "sp-timer-account", "wfe1.foo.local"),
    ("instance-stop:wfe2", "instance-start:wfe2", "sp-service-instance", "wfe2.foo.local"),
    ("list-policy-members", "list-policy-open", "sp-list-policy", "wfe1.foo.local"),
]


@pytest.mark.parametrize(("broken", "undone", "check", "target"), SP_TOGGLES, ids=[t[0] for t in SP_TOGGLES])
def test_a_sharepoint_action_moves_the_kits_verdict(
    one_farm: Farm, broken: str, undone: str, check: str, target: str
) -> None:
    assert _verdict(one_farm, check, target)[0] == "pass"
    assert _apply(one_farm, broken).endswith(".")
    assert _verdict(one_farm, check, target)[0] == "fail"
    _apply(one_farm, undone)
    assert _verdict(one_farm, check, target)[0] == "pass"


def test_blocking_exe_is_listed_and_fix_restores_central_admin(one_farm: Farm) -> None:
    _apply(one_farm, "exe-block")
    assert ".exe" in _verdict(one_farm, "sp-blocked-types")[1]
    _apply(one_farm, "exe-unblock")
    assert ".exe" not in _verdict(one_farm, "sp-blocked-types")[1]
    _apply(one_farm, "timer-modify-take")
    _apply(one_farm, "instance-stop:wfe1")
    assert sorted(actions.fix(one_farm, "central_admin")) == [
        "FOO\\sp_timer has Modify on the Drop folders again.",
        "The Incoming E-Mail service instance on wfe1 is started.",
    ]
    assert _verdict(one_farm, "sp-timer-account")[0] == "pass"


def test_a_lowered_hop_limit_badmails_a_partners_mail_and_raising_it_leaves_a_warning(one_farm: Farm) -> None:
    _apply(one_farm, "hop-limit-lower")
    _apply(one_farm, "partner-mail")
    statuses = {_verdict(one_farm, "hop-count", f"wfe{i + 1}.foo.local")[0] for i in range(2)}
    assert "fail" in statuses
    assert actions.fix(one_farm, "library_test") == ["The nodes' maximum hop count is 15."]
    statuses = {_verdict(one_farm, "hop-count", f"wfe{i + 1}.foo.local")[0] for i in range(2)}
    assert "warn" in statuses and "fail" not in statuses


def test_mail_for_an_unknown_alias_waits_then_goes_after_a_day(one_farm: Farm) -> None:
    _apply(one_farm, "list-alias-remove")
    _apply(one_farm, "partner-mail")
    waiting = [p for i in range(2) for p in one_farm.drop_dir(i).glob("*.eml")]
    assert len(waiting) == 1
    assert "1 file(s) wait now" in _verdict(one_farm, "sp-list-alias")[1]
    _apply(one_farm, "day-passes")
    deadline = time.monotonic() + 30  # a safety net: the job looks again every 0.2 s
    while waiting[0].exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not waiting[0].exists()
    _apply(one_farm, "list-alias-restore")


def test_the_runbook_shows_what_each_host_saw_inside(
    farm: FarmFactory, checklist: Checklist, tmp_path: Path
) -> None:
    _imported(farm, "unknown-alias", checklist, tmp_path / "kit")
    for kind in ("md", "html"):
        out = tmp_path / f"runbook.{kind}"
        assert run(["export", "--session", "sp", "--format", kind, "-o", str(out)]) == ExitCode.OK
        text = out.read_text(encoding="utf-8")
        inside = text.split("Seen inside the nodes and SharePoint", 2)[-1].split("Procedure", 1)[0]
        assert "wfe1.foo.local (SMTP node and SharePoint server)" in inside
        assert "no list has the alias docs" in inside and "deleted after about 24 hours" in inside
        assert "lacks Modify" not in inside and "the timer account FOO" in inside
        # The node saw the partner's file waiting for the missing alias, and for how long.
        # (The test message the Exchange kit sent waits there too, on whichever node took it.)
        assert re.search(r"for docs@mossmail\.foo\.local: [12] file\(s\), the oldest 30\d min", inside)
        # The hop headroom of the newest waiting message: the partner's passed 2 hosts, the kit's test none.
        assert re.search(r"passed [02] host\(s\): headroom 1[35]", inside)
        # The node's Drop files against the imported list inventory: the unknown alias, its files, their age.
        assert "Mail for aliases no list has" in inside
        assert re.search(
            r"[12] file\(s\) for docs@mossmail\.foo\.local wait in the Drop folder of wfe[12]\.foo\.local, "
            r"the oldest 5 h \d+ min: no SharePoint list has the alias docs, so SharePoint deletes them after about "
            r"24 hours without telling anyone \(in about 19 h\)",
            inside,
        )


def test_a_message_exchange_cannot_hand_on_shows_in_its_queue(
    farm: FarmFactory, checklist: Checklist
) -> None:
    running = farm("wrong-dns", nodes=2, pickup_delay=0.2)
    exchange = running.exchange
    assert exchange is not None
    exchange.relay_timeout = 2.0
    running.run(running.partner_mail)
    data = kitfiles.exchange_results(running, checklist, send_test=False)
    (queue,) = [r for r in data["results"] if r["check"] == "exchange-queue"]
    assert queue["status"] == "fail" and queue["summary"].startswith("1 message(s) wait in the queue toward")
    assert queue["origin"] == running.addresses.exchange


def test_serve_with_kit_out_writes_the_three_kits_files_before_its_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kit = tmp_path / "kit"
    plan_file = tmp_path / "farm.toml"
    process = subprocess.Popen(
        # list-policy: its test message is taken at once (and dropped), so the kit waits for no pickup.
        [sys.executable, "-m", "wizard", "rehearse", "--serve", "--state", "list-policy"]
        + ["--plan-out", str(plan_file), "--kit-out", str(kit)],
        cwd=Path(__file__).parent.parent.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Ctrl+C stops the farm."):
                break
        assert any(line.startswith("probe kit results written to") for line in lines), lines
        names = sorted(path.name.split("-results-")[0] for path in kit.glob("*.json"))
        assert names == [
            "probe-exchange-1",
            "probe-node-wfe1.foo.local",
            "probe-node-wfe2.foo.local",
            "probe-sharepoint",
        ]
        plan_data = tomllib.loads(plan_file.read_text(encoding="utf-8"))
        plan_data.pop("schema")
        store.save(Session(name="served", plan_data=plan_data))
        for path in sorted(kit.glob("*.json")):
            assert run(["import", str(path), "--session", "served"]) == ExitCode.OK
        held = store.load("served").progress_for("library_test").results
        assert any(r.check == "sp-list-policy" and r.status == Status.FAIL for r in held)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def test_relayed_mail_given_up_lies_in_badmail_with_its_reason(one_farm: Farm) -> None:
    mail_host = one_farm.plan.mail_host
    for node in one_farm.nodes:
        node.setup.alias_domains.discard(
            mail_host
        )  # the nodes relay the library's mail on: it waits in Queue
    try:
        _apply(one_farm, "partner-mail")
    finally:
        for node in one_farm.nodes:
            node.setup.alias_domains.add(mail_host)
    queued = [
        p for node in one_farm.nodes if node.setup.queue_dir for p in node.setup.queue_dir.glob("*.eml")
    ]
    assert len(queued) == 1
    assert _apply(one_farm, "queue-expires").startswith("1 message(s) waiting in Queue were given up")
    assert not queued[0].exists()
    results = [r for i in range(one_farm.count) for r in kitfiles.node_results(one_farm, i)["results"]]
    (badmailed,) = [r for r in results if r["check"] == "badmail-folder" and r["status"] == "warn"]
    assert "the newest reason:" in badmailed["summary"]
    assert "delivery status notification that cannot be delivered" in badmailed["summary"]
    assert any(line.endswith('cannot be delivered."') for line in badmailed["transcript"])
    # Not a hop count: its reason carries no hop-count code, so the hop-count check does not count it.
    reasons = [p.read_text("utf-8") for p in one_farm.root.rglob("Badmail/*.bdr")]
    given_up = [text for text in reasons if "cannot be delivered" in text]
    assert len(given_up) == 1 and kitfiles.HOP_COUNT_CODE not in given_up[0]
    for path in one_farm.root.rglob("Badmail/*"):
        path.unlink()
