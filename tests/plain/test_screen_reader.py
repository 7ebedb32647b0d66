"""Plain mode as a screen reader reads it: short pages, a short menu said once, help on ?, results worst first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.farm.fixtures import FarmFactory
from tests.plain.test_prompt_flow import ScriptedAsker
from tests.probekit.test_import import GOOD, _write
from tests.runbook.conftest import plan_data
from wizard import store
from wizard.checklist.model import Checklist
from wizard.helptext import MARKS
from wizard.plain import launch
from wizard.plain.flow import PromptFlow
from wizard.plain.page import PAGE_LINES
from wizard.plaintext import plain_text
from wizard.render import render_step
from wizard.session import Session, StepStatus

NUMBERED = re.compile(r"^  \d+\) ")
"""A line of a numbered list as plain mode prints it."""


class Reader(ScriptedAsker):
    """A scripted asker that keeps one stream, as a screen reader hears it: ``? question`` between the lines said."""

    def __init__(self, script: list[tuple[str, str]]) -> None:
        super().__init__(script)
        self.heard: list[str] = []

    def _next(self, message: str) -> str:
        self.heard.append(f"? {message}")
        return super()._next(message)

    def say(self, text: str = "") -> None:
        super().say(text)
        self.heard.extend(text.splitlines() or [""])


def _blocks(heard: list[str]) -> list[list[str]]:
    """What was said before each question, one block per question."""
    blocks: list[list[str]] = [[]]
    for line in heard:
        if line.startswith("? "):
            blocks.append([])
        else:
            blocks[-1].append(line)
    return blocks[:-1]


def _session(name: str) -> Session:
    session = Session(name=name, plan_data=plan_data("nlb.toml"))
    store.save(session)
    return session


def _run(checklist: Checklist, name: str, script: list[tuple[str, str]]) -> Reader:
    reader = Reader(script)
    assert launch.run(checklist, name, asker=reader, timeout=1.0) == 0
    assert not reader.script
    return reader


def test_the_menu_has_seven_entries_said_once_and_again_only_on_request(checklist: Checklist) -> None:
    _session("menu")
    reader = _run(
        checklist,
        "menu",
        [
            ("what now", "note"),
            ("Note for this step", "CHG-7"),
            ("what now", "m"),
            ("what now", "6"),  # other
            ("Which other action", "2"),  # skip: this step's skip goes on to the next
            ("what now", "quit"),
        ],
    )
    blocks = _blocks(reader.heard)
    menus = [[line for line in block if NUMBERED.match(line)] for block in blocks]
    first = menus[0]
    assert len(first) == 7 and first[0] == "  1) Run the live checks" and first[-1] == "  7) Save and quit"
    assert "Note saved." in blocks[2] and not menus[2], "the menu was said again after an action"
    assert menus[3] == first, "m says the menu again"
    assert "Other actions:" in blocks[4] and "  2) Skip and go on" in menus[4]
    assert any(line.startswith("Skipped: Choose single server or load balanced") for line in blocks[5])
    questions = [line for line in reader.heard if line.startswith("? Step ")]
    assert all("what now? (1 to 7, m: the menu, ?: help)" in line for line in questions)


def test_every_action_keeps_its_number_on_every_step(checklist: Checklist) -> None:
    steps = checklist.for_mode("nlb")
    _session("numbers")
    # 3 is Next step on every step; Send test is not offered on the last step and is refused with a line.
    script = [("what now", "3")] * (len(steps) - 1) + [("what now", "send"), ("what now", "7")]
    reader = _run(checklist, "numbers", script)
    headers = [line for line in reader.heard if re.match(r"Step \d+ of \d+: ", line)]
    assert [line.split(":")[0] for line in headers] == [
        f"Step {n} of {len(steps)}" for n in range(1, len(steps) + 1)
    ]
    assert "Send a real test message and check: not on this step." in reader.heard
    assert store.load("numbers").current_step == steps[-1].id


def test_help_says_the_keys_the_verdicts_and_where_sessions_live(
    checklist: Checklist, wizard_home: Path
) -> None:
    _session("helped")
    reader = _run(checklist, "helped", [("what now", "?"), ("what now", "quit")])
    said = "\n".join(_blocks(reader.heard)[1])
    assert "1 or check: Run the live checks" in said and "skip: Skip and go on" in said
    for _glyph, meaning in MARKS:  # the full screen's help words, from their one home
        assert meaning in said
    assert str(wizard_home / "sessions") in said


def test_a_step_opens_with_a_short_summary_and_reads_the_rest_page_by_page(checklist: Checklist) -> None:
    session = _session("pages")
    step = checklist.step("alias")
    session.go_to(checklist, step.id)
    store.save(session)
    rendered = render_step(step, session.plan())
    script = [("what now", "more")] * 12 + [("what now", "quit")]
    reader = _run(checklist, "pages", script)
    blocks = _blocks(reader.heard)
    opened = blocks[0][next(i for i, line in enumerate(blocks[0]) if line.startswith("Step ")) :]
    summary = [line for line in opened if line and not NUMBERED.match(line) and "menu" not in line]
    ids = session.step_ids(checklist)
    assert summary[0].startswith(f"Step {ids.index(step.id) + 1} of {len(ids)}: {step.title}")
    assert len(summary) <= 8, summary
    assert "Type more to read on" in summary[-1]
    pages = blocks[1:13]
    assert all(len(page) <= PAGE_LINES + 2 for page in pages), [len(page) for page in pages]
    read = "\n".join(line for page in pages for line in page)
    # Everything the step's guidance says is somewhere in its pages.
    for part in (rendered.why, rendered.verify, rendered.on_failure, rendered.undo, *rendered.pitfalls):
        for line in plain_text(part).splitlines():
            assert line in read, line
    for script_text in rendered.scripts:
        assert all(line in read for line in script_text.text.splitlines())
    assert "That was the last page; more starts again at page 2." in read


def test_what_the_probe_kit_saw_inside_is_on_the_step_page(checklist: Checklist, tmp_path: Path) -> None:
    _session("inside")
    results = _write(tmp_path, GOOD)
    script = [
        ("what now", "import"),
        ("Results file", str(results)),
        ("what now", "goto"),
        ("Which step", "restart"),
    ]
    script += [("what now", "more"), ("what now", "more"), ("what now", "quit")]
    reader = _run(checklist, "inside", script)
    blocks = _blocks(reader.heard)
    summary = blocks[-3]
    assert any("Seen inside, as each host reported it through the probe kit" in line for line in summary)
    assert blocks[-2][0].startswith("Page 2 of ") and "Last check" in blocks[-2][0]
    page = blocks[-1]
    assert page[0].startswith("Page 3 of ") and "Seen inside" in page[0]
    assert "wfe1.foo.local (SMTP node):" in page
    assert any(
        line.startswith("  PASS service-start-type: ") and "seen from wfe1.foo.local" in line for line in page
    )


@pytest.mark.timeout(120)
def test_after_a_check_the_results_are_read_worst_first_with_the_transcripts_offered(
    farm: FarmFactory, checklist: Checklist
) -> None:
    running = farm("partial", nodes=2)  # the last node lacks its alias domain
    data = running.plan_data
    data.pop("schema")
    session = Session(name="worst", plan_data=data)
    session.mark_done("mode")
    session.go_to(checklist, "alias")
    store.save(session)
    reader = _run(checklist, "worst", [("what now", "check"), ("what now", "t"), ("what now", "quit")])
    blocks = _blocks(reader.heard)
    after = blocks[1]
    start = after.index("Most serious first:")
    statuses = [
        line.split()[0] for line in after[start + 1 :] if re.match(r"  (FAIL|ERROR|WARN|PASS|SKIP) ", line)
    ]
    assert statuses[0] == "FAIL" and "PASS" in statuses
    assert statuses == sorted(statuses, key=["ERROR", "FAIL", "WARN", "PASS", "SKIP"].index)
    assert any(line.startswith("Proof for Add the mail host as an Alias domain: failing") for line in after)
    assert after[-1] == "t reads the transcripts of these results, in the same order."
    transcripts = blocks[2]
    assert transcripts[0].startswith("FAIL ")
    assert store.load("worst").progress_for("alias").status is StepStatus.IN_PROGRESS


@pytest.mark.parametrize("plan", ["nlb.toml", "single.toml"])
def test_every_step_opens_with_a_few_lines(checklist: Checklist, plan: str) -> None:
    session = Session(name="few", plan_data=plan_data(plan))
    store.save(session)
    with store.OpenSession("few") as opened:
        flow = PromptFlow(Reader([]), checklist, opened)
        for step in session.steps(checklist):
            reader = Reader([])
            flow.asker = reader
            flow.show(step)
            lines = [line for line in reader.heard if line]
            assert lines[0].startswith("Step ") and len(lines) <= 8, (step.id, lines)


@pytest.mark.timeout(120)
def test_the_unknown_alias_the_kit_found_inside_is_read_on_the_step(
    farm: FarmFactory, checklist: Checklist, tmp_path: Path
) -> None:
    from wizard.cli import run
    from wizard.cli.shared import ExitCode
    from wizard.farm import kitfiles

    running = farm("unknown-alias", nodes=2, pickup_delay=0.2)  # no list has the test library's alias
    data = running.plan_data
    data.pop("schema")
    session = Session(name="unknown", plan_data=data)
    session.go_to(checklist, "library_test")
    store.save(session)
    for path in kitfiles.write_kit(running, checklist, tmp_path / "kit"):
        assert run(["import", str(path), "--session", "unknown"]) == ExitCode.OK, path.name
    reader = _run(checklist, "unknown", [("what now", "more")] * 20 + [("what now", "quit")])
    pages = ["\n".join(block) for block in _blocks(reader.heard)[1:]]
    inside = next(page for page in pages if "Seen inside" in page.splitlines()[0])
    assert "wfe1.foo.local (SMTP node and SharePoint server):" in inside
    assert "  FAIL sp-list-alias: no list has the alias docs" in inside
    assert re.search(
        r"  Unknown alias: \d file\(s\) for docs@mossmail\.foo\.local wait in the Drop folder of wfe\d\.foo\.local",
        inside,
    )
