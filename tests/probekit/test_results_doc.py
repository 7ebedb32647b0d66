"""The results format as documented: its hand-written example imports, and its tables say what the checklist says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wizard import store
from wizard.checklist.model import Checklist
from wizard.cli import run
from wizard.cli.shared import ExitCode
from wizard.plan.model import load_plan_text
from wizard.proof import Verdict, session_report
from wizard.session import Session

ROOT = Path(__file__).parent.parent.parent
DOC = (ROOT / "docs" / "results-format.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(text: str, after: str, language: str) -> str:
    start = text.index(after)
    match = re.search(rf"```{language}\n(.*?)```", text[start:], re.S)
    assert match, f"no {language} block after {after!r}"
    return match.group(1)


def test_the_readme_links_the_format() -> None:
    assert "(docs/results-format.md)" in README
    # Several files at once, as the kit writes them.
    assert "spmail-wizard import kit/*-results-*.json --session farm" in README


def test_the_hand_written_example_imports_for_the_readme_plan(
    checklist: Checklist, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = load_plan_text(_block(README, "## The plan file", "toml"))
    data = plan.to_data()
    data.pop("schema")
    store.save(Session(name="farm", plan_data=data))
    example = tmp_path / "wfe1.json"
    example.write_text(_block(DOC, "## A complete example", "json"), encoding="utf-8")
    assert run(["import", str(example), "--session", "farm"]) == ExitCode.OK, capsys.readouterr().err
    assert "imported 2 results seen from wfe1.foo.local, 10.0.0.20" in capsys.readouterr().out
    session = store.load("farm")
    alias = session_report(session, checklist).verdict("alias")
    # As the page says: partly proven until wfe2 reports too.
    assert alias is not None and alias.verdict in (Verdict.PARTLY_PROVEN, Verdict.STALE)


def test_the_vantage_table_is_the_checklist(checklist: Checklist) -> None:
    section = DOC.split("## Who may send which check", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split(" | ") for line in section.splitlines() if line.startswith("| `")]
    assert [row[0].strip(" `") for row in rows] == [spec.name for spec in checklist.checks]
    for row, spec in zip(rows, checklist.checks, strict=True):
        vantages = ", ".join(v.value for v in spec.vantages) or "none (manual)"
        assert row[2] == vantages, spec.name
        assert row[3] == ", ".join(t.value for t in spec.targets), spec.name
        assert row[4] == ", ".join(t.value for t in spec.required), spec.name
        assert row[5].strip() == ("yes" if spec.transcript else "no"), spec.name


def test_the_proof_table_is_the_checklist(checklist: Checklist) -> None:
    section = DOC.split("## What proves a step", 1)[1].split("\n## ", 1)[0]
    rows = {
        line.strip("|").split(" | ")[0].strip(): line
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith("| Step")
    }
    for step in checklist.steps:
        for way in step.proof:
            for check in way:
                assert f"`{check}`" in rows[step.id], (step.id, check)
