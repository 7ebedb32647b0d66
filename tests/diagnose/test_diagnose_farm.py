"""``diagnose`` on a practice farm: the farm writes the logs a real one would, and the trace follows them."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.diagnose.farmtrace import deliver, fresh_logs
from tests.plain.test_prompt_flow import ScriptedAsker
from wizard import store
from wizard.checklist.model import Checklist
from wizard.cli import run
from wizard.farm import Farm, spactions
from wizard.farm.farm import TEST_RECIPIENT
from wizard.plain import launch
from wizard.session import Session

HOPS = [
    "exchange_accepted",
    "connector_routed",
    "dns_resolved",
    "vip_reached",
    "node_accepted",
    "drop_written",
    "timer_picked_up",
    "list_stored",
]
SETTLE_SECONDS = 10.0
"""A safety net only: each wait ends on the farm's own record of the relay and the pickup."""


def diagnose(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = run(["diagnose", *args, "--json"])
    out = capsys.readouterr().out
    return int(code), json.loads(out)


def test_a_healthy_farm_traces_the_message_to_the_list(
    farm: Farm, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh_logs(farm)
    deliver(farm)
    plan = farm.write_plan(tmp_path / "plan.toml")
    code, trace = diagnose(capsys, str(plan), "--evidence", str(farm.root))
    assert code == 0
    assert [hop["id"] for hop in trace["hops"]] == HOPS
    assert all(hop["status"] == "seen" for hop in trace["hops"])
    assert (trace["traced_to"], trace["broken_hop"], trace["cause"], trace["next"]) == (
        "list_stored",
        None,
        None,
        None,
    )
    assert trace["message"]["to"] == TEST_RECIPIENT and trace["message"]["message_id"].startswith("<")
    assert trace["warnings"] == []
    sources = {e["source"] for hop in trace["hops"] for e in hop["evidence"]}
    assert {"message tracking", "IIS SMTP log", "unified log"} <= sources


def test_with_only_exchange_evidence_it_says_so_and_what_to_collect(
    farm: Farm, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh_logs(farm)
    deliver(farm)
    plan = farm.write_plan(tmp_path / "plan.toml")
    code, trace = diagnose(capsys, str(plan), "--evidence", str(farm.tracking_dir))
    assert code == 1
    assert trace["broken_hop"] == "drop_written"
    assert trace["cause"].startswith("No evidence past Exchange")
    assert "Drop, Queue and Badmail" in trace["next"] and "probe kit" in trace["next"]


def test_a_stopped_timer_job_is_named_with_the_waiting_file(
    farm: Farm, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert farm.timer is not None
    fresh_logs(farm)
    farm.run(farm.timer.stop)
    try:
        deliver(farm)
        plan = farm.write_plan(tmp_path / "plan.toml")
        code, trace = diagnose(capsys, str(plan), "--evidence", str(farm.root))
    finally:

        async def restart() -> None:
            assert farm.timer is not None
            farm.timer.start()

        farm.run(restart)
    assert code == 1
    assert (trace["traced_to"], trace["broken_hop"]) == ("drop_written", "timer_picked_up")
    assert "Drop folder" in trace["cause"] and "Get-SPServiceInstance" in trace["next"]


def test_a_hop_limit_below_the_path_badmails_after_a_250(
    farm: Farm, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh_logs(farm)
    for node in farm.nodes:
        node.setup.hop_limit = 0
    try:
        deliver(farm)
    finally:
        for node in farm.nodes:
            node.setup.hop_limit = 15
    plan = farm.write_plan(tmp_path / "plan.toml")
    code, trace = diagnose(capsys, str(plan), "--evidence", str(farm.root))
    assert code == 1
    assert trace["broken_hop"] == "drop_written"
    assert "0xC00402C7" in trace["cause"] and "HopCount" in trace["next"]
    assert list(farm.root.rglob("*.bdr"))


def test_hostile_evidence_is_counted_and_named_never_a_traceback(
    farm: Farm, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = tmp_path / "evidence"
    (hostile / "wfe1" / "LogFiles" / "SMTPSVC1").mkdir(parents=True)
    log = hostile / "wfe1" / "LogFiles" / "SMTPSVC1" / "ex261203.log"
    log.write_bytes(b"#Fields: time c-ip cs-method\r\n" + b"y" * 200_000 + b"\r\n\xff\xfe\x00garbage\r\n")
    (hostile / "random.bin").write_bytes(os.urandom(4096))
    os.mkfifo(hostile / "pipe.log")
    (hostile / "Drop").mkdir()
    (hostile / "Drop" / "bad.eml").write_bytes(b"\x00" * 100)
    plan = farm.write_plan(tmp_path / "plan.toml")
    code = run(["diagnose", str(plan), "--evidence", str(hostile)])
    out = capsys.readouterr().out
    assert code == 1
    assert "damaged lines skipped" in out and "not a regular file" in out and "bad.eml: binary" in out
    assert "Traceback" not in out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--since", "yesterday"], "--since"),
        (["--evidence", "/nonexistent/logs"], "does not exist"),
        (["--to", "not an address"], "--to"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    farm: Farm, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    plan = farm.write_plan(tmp_path / "plan.toml")
    assert run(["diagnose", str(plan), *args]) == 2
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1


def test_no_recipient_and_no_message_id_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], farm: Farm
) -> None:
    plan_text = farm.write_plan(tmp_path / "plan.toml").read_text()
    bare = tmp_path / "bare.toml"
    bare.write_text(
        "\n".join(line for line in plan_text.splitlines() if not line.startswith("test_recipient"))
    )
    assert run(["diagnose", str(bare)]) == 2
    assert "--to ADDRESS or --message-id" in capsys.readouterr().err


def test_plain_mode_traces_the_message_as_numbered_lines(farm: Farm, checklist: Checklist) -> None:
    fresh_logs(farm)
    deliver(farm)
    data = farm.plan_data
    data.pop("schema")
    store.save(Session(name="plain-trace", plan_data=data))
    script = [
        ("what now", "trace"),
        ("Recipient", "<keep>"),
        ("Sent at or after", "yesterday"),
        ("Log folders", str(farm.root)),
        ("what now", "trace"),
        ("Recipient", "<keep>"),
        ("Sent at or after", ""),
        ("Log folders", str(farm.root)),
        ("what now", "quit"),
    ]
    asker = ScriptedAsker(script)
    assert launch.run(checklist, "plain-trace", asker=asker, timeout=1.0) == 0
    said = "\n".join(asker.said)
    assert "Not traced: --since" in said
    assert "1. Exchange accepted: seen" in said and "8. list stored the item: seen" in said
    assert "Traced to the list" in said


def test_a_message_id_picks_that_message_among_others(
    farm: Farm, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two messages to one library: the one named by --message-id is traced, not the first one found."""
    assert farm.timer is not None
    fresh_logs(farm)
    deliver(farm)
    farm.run(farm.timer.stop)
    try:
        deliver(farm)
        plan = farm.write_plan(tmp_path / "plan.toml")
        code, first = diagnose(capsys, str(plan), "--evidence", str(farm.root))
        tracking = next(farm.tracking_dir.glob("MSGTRK*.LOG")).read_text()
        ids = [line.split(",")[10] for line in tracking.splitlines() if ",RECEIVE," in line]
        assert len(ids) == 2 and first["message"]["message_id"] == ids[0]
        assert code == 0
        code, second = diagnose(capsys, str(plan), "--message-id", ids[1], "--evidence", str(farm.root))
    finally:

        async def restart() -> None:
            assert farm.timer is not None
            farm.timer.start()

        farm.run(restart)
    assert code == 1 and second["message"]["message_id"] == ids[1]
    assert second["broken_hop"] == "timer_picked_up"


def test_a_message_stored_again_and_again_reaches_the_list_with_a_warning(
    farm: Farm, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert farm.sharepoint is not None
    fresh_logs(farm)
    library = farm.sharepoint.find_list(TEST_RECIPIENT)
    assert library is not None
    before = len(library.items)
    spactions.modify(False)(farm)

    def give_back_after_two_copies() -> None:
        # The file stays in Drop while the account lacks Modify; once the job has stored it
        # twice, Modify comes back so that the next run takes the file and the send settles.
        deadline = time.monotonic() + SETTLE_SECONDS  # a safety net only
        while len(library.items) < before + 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        spactions.modify(True)(farm)

    giver = threading.Thread(target=give_back_after_two_copies)
    giver.start()
    try:
        deliver(farm)
    finally:
        giver.join()
    plan = farm.write_plan(tmp_path / "plan.toml")
    code, trace = diagnose(capsys, str(plan), "--evidence", str(farm.root))
    assert code == 0 and trace["traced_to"] == "list_stored" and trace["broken_hop"] is None
    (warning,) = trace["warnings"]
    assert re.search(r"stored \d+ times", warning) and "lacks Modify" in warning and "SPTimerV4" in warning
    assert run(["diagnose", str(plan), "--evidence", str(farm.root)]) == 0
    assert "Warning: The message reached the list, but it was stored" in capsys.readouterr().out
