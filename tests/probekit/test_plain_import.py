"""Plain mode imports probe kit results as the full-screen wizard does: checked as typed, with their origin."""

from __future__ import annotations

from pathlib import Path

from tests.plain.test_prompt_flow import ScriptedAsker
from tests.probekit.test_import import GOOD, ORIGIN, _write
from tests.runbook.conftest import plan_data
from wizard import store
from wizard.checklist.model import Checklist
from wizard.plain import launch
from wizard.session import Session


def test_plain_mode_imports_a_results_file_checked_as_typed(checklist: Checklist, tmp_path: Path) -> None:
    session = Session(name="farm", plan_data=plan_data("nlb.toml"))
    store.save(session)
    good = _write(tmp_path, GOOD)
    broken = _write(tmp_path, "{not json", name="broken.json")
    script = [
        ("what now", "import"),
        ("Results file", ""),
        ("Results file", str(broken)),
        ("Results file", str(good)),
        ("what now", "quit"),
    ]
    asker = ScriptedAsker(script)
    assert launch.run(checklist, session.name, asker=asker, timeout=1.0) == 0
    assert not asker.script
    # Each refused path got its reason where it was typed, and nothing was imported from them.
    assert len(asker.refusals) == 2
    assert "required" in asker.refusals[0]
    assert asker.refusals[1].startswith("not a complete JSON document")
    assert any(f"imported 4 results seen from {ORIGIN}" in line for line in asker.said)
    held = store.load(session.name).progress_for("alias").results
    assert {result.origin for result in held} == {ORIGIN}
    assert {result.target for result in held} == {"wfe1.foo.local", "mossmail.foo.local"}
