"""`spmail-wizard export`: every format, default places, refusals, and the plan round trip."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.runbook.conftest import PLANS, nlb_session
from wizard import store
from wizard.checklist.model import Checklist
from wizard.cli import run
from wizard.cli.shared import ExitCode
from wizard.plan.model import load_plan_file
from wizard.runbook.writer import write_export
from wizard.session import Session

NLB_PLAN = str(PLANS / "nlb.toml")


def test_markdown_and_html_go_to_stdout_without_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["export", NLB_PLAN, "--format", "md"]) == ExitCode.OK
    out, err = capsys.readouterr()
    assert out.startswith("# Incoming e-mail for mossmail.foo.local\n")
    assert err == ""
    assert run(["export", NLB_PLAN, "--format", "html"]) == ExitCode.OK
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")


def test_a_session_export_carries_its_results(capsys: pytest.CaptureFixture[str]) -> None:
    store.save(nlb_session())
    assert run(["export", "--session", "mossmail-change", "--format", "md"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "| Evidence | session mossmail-change: " in out
    assert "open relay" in out


def test_html_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "runbook.html"
    assert run(["export", NLB_PLAN, "--format", "html", "-o", str(target)]) == ExitCode.OK
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert capsys.readouterr().err == f"Wrote {target}\n"


def test_scripts_go_to_a_folder_named_after_the_mail_host_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(["export", NLB_PLAN, "--format", "ps1"]) == ExitCode.OK
    folder = tmp_path / "mossmail.foo.local-scripts"
    assert sorted(p.name for p in folder.iterdir())[0] == "1-dns-server.ps1"
    assert capsys.readouterr().err == "Wrote 6 scripts to mossmail.foo.local-scripts\n"
    store.save(nlb_session())
    assert run(["export", "--session", "mossmail-change", "--format", "ps1"]) == ExitCode.OK
    assert (tmp_path / "mossmail-change-scripts" / "5-sharepoint.ps1").is_file()


def test_scripts_into_a_given_folder(tmp_path: Path) -> None:
    assert run(["export", NLB_PLAN, "--format", "ps1", "-o", str(tmp_path / "s")]) == ExitCode.OK
    assert len(list((tmp_path / "s").glob("*.ps1"))) == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "md", "-o", "{folder}"], "is a folder; give a file name"),
        (
            ["--format", "ps1", "-o", "{file}"],
            "is a file; ps1 export writes its files into a folder",
        ),
        (["--format", "pdf"], "invalid choice"),
    ],
)
def test_refusals_are_one_line_and_exit_2(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file.txt").write_text("x")
    argv = [a.format(folder=tmp_path, file=tmp_path / "file.txt") for a in args]
    assert run(["export", NLB_PLAN, *argv]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert (tmp_path / "file.txt").read_text() == "x"


def test_an_incomplete_session_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    store.save(Session(name="half", plan_data={"mode": "nlb"}))
    assert run(["export", "--session", "half", "--format", "md"]) == ExitCode.USAGE
    assert "has no complete plan yet" in capsys.readouterr().err


def test_plan_round_trip_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store.save(nlb_session())
    first, second, third = tmp_path / "1.toml", tmp_path / "2.toml", tmp_path / "3.toml"
    assert (
        run(["export", "--session", "mossmail-change", "--format", "plan", "-o", str(first)]) == ExitCode.OK
    )
    # A new session from the exported plan, saved the way `new --plan` saves it.
    data = load_plan_file(first).to_data()
    data.pop("schema")
    store.save(Session(name="again", plan_data=data))
    assert run(["export", "--session", "again", "--format", "plan", "-o", str(second)]) == ExitCode.OK
    assert run(["export", str(second), "--format", "plan", "-o", str(third)]) == ExitCode.OK
    assert first.read_bytes() == second.read_bytes() == third.read_bytes()
    capsys.readouterr()
    assert run(["export", str(first), "--format", "plan"]) == ExitCode.OK
    assert capsys.readouterr().out.encode("utf-8") == first.read_bytes()


def test_plan_round_trip_through_the_store(tmp_path: Path, checklist: Checklist) -> None:
    session = nlb_session()
    (first,) = write_export("plan", session.plan(), checklist, session, tmp_path / "a.toml")
    data = load_plan_file(first).to_data()
    data.pop("schema")
    store.save(Session(name="copy", plan_data=data))
    copy = store.load("copy")
    (second,) = write_export("plan", copy.plan(), checklist, copy, tmp_path / "b.toml")
    assert first.read_bytes() == second.read_bytes()
    assert copy.plan() == session.plan()


def test_default_file_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checklist: Checklist) -> None:
    monkeypatch.chdir(tmp_path)
    session = nlb_session()
    plan = session.plan()
    assert write_export("md", plan, checklist, session, None) == [Path("mossmail-change-runbook.md")]
    assert write_export("html", plan, checklist, None, None) == [Path("mossmail.foo.local-runbook.html")]
    assert write_export("plan", plan, checklist, None, None) == [Path("mossmail.foo.local-plan.toml")]
    assert (tmp_path / "mossmail-change-runbook.md").read_text(encoding="utf-8").startswith("# Incoming")


def test_the_installed_command_exports(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wizard", "export", NLB_PLAN, "--format", "md"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "## Go / no-go" in done.stdout
