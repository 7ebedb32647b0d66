"""A step added to the checklist file alone, with existing check types, runs through every path without code.

The fixture is the shipped checklist with one more step appended, as an
administrator would add it: nothing else changes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.farm.fixtures import FarmFactory
from tests.plain.test_prompt_flow import ScriptedAsker
from wizard import store
from wizard.checklist.loader import checklist_dir, load_checklist
from wizard.checklist.model import Checklist, Host
from wizard.checks import run_checks
from wizard.plain import launch
from wizard.results import Status
from wizard.runbook.writer import render_html, render_markdown, render_scripts

EXTRA_STEP = """

# ---------------------------------------------------------------------------
[[steps]]
id = "greeting_review"
title = "Review every node's greeting after the change"
kind = "action"
modes = ["single", "nlb"]
host = "node"
checks = ["smtp-greeting"]
confirm_done_unless_passed = true
why = '''
A last look at {{ node.name }}: it answers on port {{ smtp_port }} with the IIS greeting.
'''
before = '''
Do this after the restart step, on every node.
'''
verify = '''
The wizard reads the `220` greeting of every node and ends with `QUIT`.
'''
expected = '''
Every node greets with `220`.
'''
on_failure = '''
- **No answer:** start the SMTP service on that node.
'''
undo = '''
Nothing to undo.
'''
pitfalls = ['''A customised greeting hides the server's name.''']

[[steps.gui]]
label = "Any Windows Server"
text = '''
Run `telnet {{ node.address }} {{ smtp_port }}` on {{ node.name }} and read the first line.
'''
"""


@pytest.fixture(scope="module")
def extended(tmp_path_factory: pytest.TempPathFactory) -> Checklist:
    shipped = (checklist_dir() / "incoming-email.toml").read_text(encoding="utf-8")
    path = tmp_path_factory.mktemp("checklists") / "incoming-email.toml"
    path.write_text(shipped + EXTRA_STEP, encoding="utf-8")
    return load_checklist(path)


def test_the_extra_step_loads_with_its_place_and_flags(extended: Checklist, checklist: Checklist) -> None:
    step = extended.step("greeting_review")
    assert len(extended.steps) == len(checklist.steps) + 1
    assert step.host is Host.NODE and step.where == checklist.step("fqdn").where
    assert step.confirm_done_unless_passed and not step.sends_mail and not step.locks_out


@pytest.mark.timeout(120)
async def test_the_extra_step_is_checked_live(extended: Checklist, farm: FarmFactory) -> None:
    running = farm("good", nodes=2)
    results = await run_checks(running.plan, [extended.step("greeting_review")], timeout=3.0)
    assert {result.target for result in results} >= {node.name for node in running.plan.nodes}
    assert all(result.step == "greeting_review" for result in results)
    assert all(result.status is Status.PASS for result in results), [r.summary for r in results]


def test_the_extra_step_is_in_the_runbook_and_each_node_script(extended: Checklist, tmp_path: Path) -> None:
    plan_file = Path(__file__).parent.parent / "data" / "nlb.toml"
    from wizard.plan.model import load_plan_file

    plan = load_plan_file(plan_file)
    total = len(extended.for_mode("nlb"))
    markdown = render_markdown(plan, extended)
    assert "Review every node's greeting after the change" in markdown
    assert "telnet 10.0.0.12 25" in markdown or "telnet 10.0.0.11 25" in markdown
    assert "Review every node" in render_html(plan, extended)
    scripts = render_scripts(plan, extended)
    for node in plan.nodes:
        text = next(body for name, body in scripts.items() if name.endswith(f"node-{node.name}.ps1"))
        assert f"# Step {total} (greeting_review): Review every node's greeting after the change" in text
        assert f"$manualSteps.Add('Step {total} (greeting_review)" in text
        assert f"telnet {node.address} 25" in text


@pytest.mark.timeout(120)
def test_plain_mode_walks_the_extra_step_and_counts_it(extended: Checklist) -> None:
    plan_file = Path(__file__).parent.parent / "data" / "single.toml"
    steps = extended.for_mode("single")
    script = [("Plan file", str(plan_file)), ("Session name", "extra-step")]
    script += [("what now", "skip") for _ in steps]
    script += [("what now", "quit")]
    asker = ScriptedAsker(script)
    assert launch.run(extended, None, asker=asker, timeout=1.0) == 0
    assert not asker.script
    total = len(steps)
    assert any(
        line.startswith(f"Step {total} of {total}: Review every node's greeting") for line in asker.said
    )
    assert any(line.startswith(f"Step 1 of {total}:") for line in asker.said)
    saved = store.load("extra-step")
    assert saved.progress_for("greeting_review").status.label == "skipped"
    assert saved.is_complete(extended)
