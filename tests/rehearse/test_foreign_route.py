"""A rehearsal of the Foreign connector route: Exchange drops files into the share, the SharePoint kit proves it."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from wizard import store
from wizard.checklist.model import Checklist
from wizard.cli import run
from wizard.cli.shared import ExitCode
from wizard.farm.foreign import DROP_SHARE, ForeignFarm, fix, write_kit
from wizard.plan.model import load_plan_file
from wizard.proof import session_report
from wizard.results import Status
from wizard.runbook.writer import render_scripts
from wizard.session import Session

ROOT = Path(__file__).resolve().parents[2]
DONE_BY_THE_KIT = ("drop_share", "central_admin", "library_test")
"""The route's steps the SharePoint kit proves; the Foreign connector itself is confirmed by hand."""


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[ForeignFarm]:
    farm = ForeignFarm("fresh", root=tmp_path / "farm", pickup_delay=0.2)
    farm.start()
    yield farm
    farm.stop()


def _require_proof(capsys: pytest.CaptureFixture[str]) -> tuple[ExitCode, str]:
    capsys.readouterr()
    code = run(["check", "--session", "fc", "--timeout", "3", "--require-proof"])
    return code, capsys.readouterr().out.rstrip().splitlines()[-1]


def _import_kit(farm: ForeignFarm, checklist: Checklist, folder: Path) -> None:
    paths = write_kit(farm, checklist, folder)
    assert [path.name.startswith("probe-sharepoint-results-") for path in paths] == [True]
    assert run(["import", *map(str, paths), "--session", "fc"]) == ExitCode.OK


def test_a_foreign_connector_rehearsal_goes_from_fresh_to_every_step_proven(
    fresh: ForeignFarm, checklist: Checklist, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = load_plan_file(fresh.write_plan(tmp_path / "plan.toml"))
    assert plan.delivery == "foreign_connector" and plan.drop_share == DROP_SHARE and not plan.nodes
    data = fresh.plan_data
    data.pop("schema")
    store.save(Session(name="fc", plan_data=data))

    # Fresh: SharePoint reads its local folder with incoming e-mail off, and Exchange has no route.
    _import_kit(fresh, checklist, tmp_path / "kit1")
    code, line = _require_proof(capsys)
    assert code == ExitCode.FAILED
    assert all(step in line.split("steps without live proof: ")[1] for step in DONE_BY_THE_KIT), line
    session = store.load("fc")
    share = [r for r in session.progress_for("drop_share").results if r.check == "drop-share-rights"]
    assert [r.status for r in share] == [Status.FAIL]
    assert f"not the drop share {DROP_SHARE}" in share[0].summary
    assert fresh.exchange is not None and fresh.exchange.relayed[-1].startswith("failed: no connector")
    assert not list(fresh.share_dir.glob("*.eml"))

    # The operator does each step; the Foreign connector is confirmed by hand in the Exchange shell.
    for step in ("drop_share", "foreign_connector", "central_admin"):
        assert fix(fresh, step), step
    session = store.load("fc")
    session.mark_done("foreign_connector", "Get-ForeignConnector shows the drop directory")
    store.save(session)
    # The fresh farm's facts are taken back out: dated the same second as the next run's, they
    # could not be told apart from them here, where a real kit's runs lie minutes apart.
    assert run(["evidence", "drop", "--session", "fc", "--origin", "sp1.foo.local"]) == ExitCode.OK

    _import_kit(fresh, checklist, tmp_path / "kit2")
    # Exchange wrote the test message into the share and the timer job took it from there.
    assert fresh.timer is not None and fresh.timer.picked_up
    assert all(path.parent == fresh.share_dir for path in fresh.timer.picked_up)
    assert not list(fresh.share_dir.glob("*.eml"))
    code, line = _require_proof(capsys)
    assert code == ExitCode.OK, line
    verdicts = session_report(store.load("fc"), checklist).steps
    assert {v.step: v.proven for v in verdicts if v.provable} == dict.fromkeys(DONE_BY_THE_KIT, True)
    assert {v.step for v in verdicts if not v.provable} == {"route", "foreign_connector", "outgoing"}


def test_the_rehearsed_routes_runbook_has_scripts_for_exchange_and_sharepoint_only(
    tmp_path: Path, checklist: Checklist
) -> None:
    farm = ForeignFarm(root=tmp_path / "farm")  # its plan is known before it starts
    scripts = render_scripts(farm.plan, checklist)
    assert sorted(name.split("-", 1)[1] for name in scripts) == ["exchange.ps1", "sharepoint.ps1"]
    exchange = scripts[next(name for name in scripts if name.endswith("exchange.ps1"))]
    assert f"$dropShare = '{DROP_SHARE}'" in exchange and "New-SendConnector" not in exchange


def test_rehearse_serves_the_route_and_writes_the_sharepoint_kits_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_file, kit = tmp_path / "fc.toml", tmp_path / "kit"
    process = subprocess.Popen(
        [sys.executable, "-m", "wizard", "rehearse", "--serve", "--delivery", "foreign_connector"]
        + ["--plan-out", str(plan_file), "--kit-out", str(kit)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Ctrl+C stops the farm."):
                break
        assert any("Foreign connector 'SharePoint drop' writes into" in line for line in lines), lines
        plan = load_plan_file(plan_file)
        assert plan.delivery == "foreign_connector" and not plan.nodes
        data = plan.to_data()
        data.pop("schema", None)
        store.save(Session(name="fc", plan_data=data))
        assert run(["import", *map(str, sorted(kit.iterdir())), "--session", "fc"]) == ExitCode.OK
        session = store.load("fc")
        session.mark_done("foreign_connector", "confirmed in the Exchange Management Shell")
        store.save(session)
        code, line = _require_proof(capsys)
        assert code == ExitCode.OK, line
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--delivery", "foreign_connector"], "goes with --serve"),
        (
            ["--serve", "--plan-out", "x.toml", "--delivery", "foreign_connector", "--nodes", "2"],
            "no SMTP nodes",
        ),
        (
            ["--serve", "--plan-out", "x.toml", "--delivery", "foreign_connector", "--state", "partial"],
            "not 'partial'",
        ),
        (
            ["--serve", "--plan-out", "x.toml", "--delivery", "relay_host"],
            "rehearses smtp_service and foreign",
        ),
    ],
)
def test_options_the_route_cannot_use_are_one_line_and_exit_2(
    args: list[str], words: str, tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wizard", "rehearse", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and words in done.stderr, done.stderr
