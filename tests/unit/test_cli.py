"""The command line as a user meets it: exit codes, one-line errors, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wizard import __version__, store
from wizard.checklist.loader import load_default
from wizard.session import Session

DATA = Path(__file__).parent.parent / "data"
ROOT = Path(__file__).parent.parent.parent


def run(*args: str, home: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = os.environ | {"SPMAIL_WIZARD_HOME": str(home), "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=60,
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_version(wizard_home: Path) -> None:
    result = run("--version", home=wizard_home)
    assert result.returncode == 0
    assert result.stdout.strip() == f"spmail-wizard {__version__}"


def test_schema_is_json(wizard_home: Path) -> None:
    result = run("schema", home=wizard_home)
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    # A Foreign connector plan may leave the mode out, so the schema allows null beside the two modes.
    assert schema["properties"]["mode"]["anyOf"][0]["enum"] == ["single", "nlb"]


PLAN_DEFECTS = [
    ('mode = "nlb"', 'mode = "cluster"', "mode: 'cluster' is not one of: single, nlb"),
    ('vip = "10.0.0.50"', 'vip = "10.0.0.500"', "vip: '10.0.0.500' is not an IPv4 or IPv6 address"),
    ('vip = "10.0.0.50"', "", "vip: nlb mode needs the cluster's virtual address"),
    (
        'dns_zone = "foo.local"',
        'dns_zone = "bar.local"',
        "mail_host: 'mossmail.foo.local' is not a name inside",
    ),
    ("smtp_port = 25", "smtp_port = 25\nfavourite = 1", "favourite: unknown key"),
    (
        'name = "wfe2.foo.local"',
        'name = "wfe1.foo.local"',
        "nodes[1].name: 'wfe1.foo.local' is already node 1",
    ),
    ('address = "10.0.0.12"', 'address = "10.0.0.11"', "nodes[1].address: 10.0.0.11 is already the address"),
    (
        'dns_servers = ["10.0.0.5"]',
        'dns_servers = ["10.0.0.5:0"]',
        "dns_servers[0]: 0 is outside the port range",
    ),
    (
        'sharepoint_version = "2007"',
        'sharepoint_version = "2008"',
        "sharepoint_version: '2008' is not one of",
    ),
    ('mode = "nlb"', 'mode = "nlb', "not valid TOML"),
]


@pytest.mark.parametrize(("old", "new", "words"), PLAN_DEFECTS, ids=[d[2][:30] for d in PLAN_DEFECTS])
def test_each_plan_defect_is_one_line_and_exit_2(
    wizard_home: Path, tmp_path: Path, old: str, new: str, words: str
) -> None:
    text = (DATA / "nlb.toml").read_text()
    assert old in text
    plan_file = tmp_path / "bad.toml"
    plan_file.write_text(text.replace(old, new, 1))
    for command in (["export", str(plan_file), "--format", "plan"], ["check", str(plan_file)]):
        result = run(*command, home=wizard_home)
        assert result.returncode == 2
        line = one_line_error(result)
        assert line.startswith(f"spmail-wizard: {plan_file}:")
        assert words in line


def test_interactive_commands_without_a_terminal(wizard_home: Path) -> None:
    for command in (["new", "--plan", str(DATA / "nlb.toml")], ["resume"], []):
        result = run(*command, home=wizard_home)
        assert result.returncode == 2
        line = one_line_error(result)
        assert "needs a terminal" in line and "check" in line and "export" in line
    assert not (wizard_home / "sessions").exists() or not list((wizard_home / "sessions").glob("*.json"))


def test_bad_invocations(wizard_home: Path) -> None:
    cases = [
        (["frobnicate"], "invalid choice"),
        (["export", str(DATA / "nlb.toml")], "--format"),
        (["export", str(DATA / "nlb.toml"), "--format", "pdf"], "invalid choice"),
        (["check"], "name a plan file or --session NAME"),
        (["check", str(DATA / "nlb.toml"), "--session", "x"], "not both"),
        (["check", "--session", "nothing"], "no saved session named 'nothing'"),
        (["check", str(DATA / "nlb.toml"), "--timeout", "-1"], "--timeout"),
        (["export", "/nonexistent/plan.toml", "--format", "plan"], "cannot read the plan"),
    ]
    for args, words in cases:
        result = run(*args, home=wizard_home)
        assert result.returncode == 2, args
        assert words in one_line_error(result), args


def test_sessions_lists_and_json(wizard_home: Path) -> None:
    empty = run("sessions", home=wizard_home)
    assert empty.returncode == 0 and "No saved sessions" in empty.stdout
    session = Session(name="farm", plan_data={"mode": "single", "mail_host": "sp01.contoso.local"})
    session.mark_done("mode")
    store.save(session)
    (wizard_home / "sessions" / "junk.json").write_text("{not json")
    table = run("sessions", home=wizard_home)
    assert table.returncode == 0
    total = len(load_default().for_mode("single"))
    assert "farm" in table.stdout and "sp01.contoso.local" in table.stdout and f"1/{total}" in table.stdout
    assert "junk.json: refused" in table.stderr
    listed = json.loads(run("sessions", "--json", home=wizard_home).stdout)
    by_name = {item["name"]: item for item in listed["sessions"]}
    assert by_name["farm"]["progress"] == {"settled": 1, "total": total}
    assert by_name["farm"]["mode"] == "single"
    assert "refused" in by_name["junk"]["error"]


def test_export_plan_round_trip(wizard_home: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.toml"
    result = run("export", str(DATA / "nlb.toml"), "--format", "plan", "-o", str(first), home=wizard_home)
    assert result.returncode == 0, result.stderr
    again = run("export", str(first), "--format", "plan", home=wizard_home)
    assert again.returncode == 0
    assert again.stdout == first.read_text()


def test_exchange_port_setting_is_checked(wizard_home: Path) -> None:
    env_run = os.environ | {"SPMAIL_WIZARD_HOME": str(wizard_home), "SPMAIL_WIZARD_EXCHANGE_PORT": "smtp"}
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "check", str(DATA / "nlb.toml"), "--step", "central_admin"],
        capture_output=True,
        text=True,
        env=env_run,
        timeout=60,
    )
    assert result.returncode == 2
    assert one_line_error(result) == "spmail-wizard: SPMAIL_WIZARD_EXCHANGE_PORT: 'smtp' is not a port number"
    env_run["SPMAIL_WIZARD_EXCHANGE_PORT"] = ""
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "check", str(DATA / "nlb.toml"), "--step", "central_admin"],
        capture_output=True,
        text=True,
        env=env_run,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
