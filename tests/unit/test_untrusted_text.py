"""Hostile text from a server or a results file reaches no terminal and no runbook as it came.

One rule (:func:`wizard.untrusted.neutral`) holds on every surface: ``check``'s
report, plain mode, the full-screen wizard's rows and transcript, and the
runbook and scripts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from tests.plain.test_prompt_flow import ScriptedAsker
from tests.runbook.conftest import GENERATED_AT, nlb_session
from wizard import store
from wizard.checklist.loader import load_default
from wizard.cli.report import format_report
from wizard.evidence import MAX_TEXT_CHARS
from wizard.plan.model import Plan
from wizard.results import CheckResult, Status
from wizard.runbook.filters import clean
from wizard.runbook.writer import render_html, render_markdown, render_scripts
from wizard.untrusted import REPLACEMENT, neutral

HOSTILE = {
    "escape sequence": "\x1b[2J\x1b[31m",
    "terminal title": "\x1b]0;owned\x07",
    "8-bit CSI": "\x9b31m",
    "carriage return": "\rPASS ",
    "backspace": "\b\b\b",
    "right-to-left override": "\u202e",
    "bidi isolate": "\u2066",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "soft hyphen": "\u00ad",
    "line separator": "\u2028",
    "line feed": "\nPASS  forged: ",
}
BAD = set("\x1b\x07\x9b\r\b\u202e\u2066\u200b\u200d\u2060\ufeff\u00ad\u2028")


def hostile_result(value: str, *, summary: str | None = None) -> CheckResult:
    return CheckResult(
        "fqdn",
        "fqdn-greeting",
        f"wfe1.foo.local{value}",
        Status.WARN,
        summary if summary is not None else f"greets as wfe1{value}.foo.local",
        hint=f"set the FQDN{value}",
        transcript=(f"S: 220 wfe1{value} ready", "C: QUIT"),
        observed_at=GENERATED_AT,
        origin=f"wfe1.foo.local{value}" if "\n" not in value else None,
    )


def assert_neutral(text: str, value: str) -> None:
    assert not BAD & set(text), repr(text)
    if "\n" in value:
        assert not any(line.lstrip().startswith("PASS  forged") for line in text.splitlines())


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_neutral_replaces_every_hidden_or_driving_character(value: str) -> None:
    shown = neutral(f"a{value}b")
    assert not BAD & set(shown) and "\n" not in shown and REPLACEMENT in shown
    assert neutral("plain text\twith a tab") == "plain text\twith a tab"
    assert neutral("two\nlines", lines=True) == "two\nlines"
    assert clean(f"x{value}y") == neutral(f"x{value}y", lines=True)  # the runbook's rule is the same one


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_check_report_shows_hostile_values_neutralised(value: str) -> None:
    result = hostile_result(value)
    report = format_report([result], load_default().steps)
    assert_neutral(report, value)
    assert report.count("\n") == 5  # step title, the result, its hint, a blank line, the counts


def test_check_report_bounds_a_summary_as_a_session_does() -> None:
    result = hostile_result("", summary="x" * 1_000_000)
    report = format_report([result], load_default().steps)
    line = next(line for line in report.splitlines() if "WARN" in line)
    assert len(line) < MAX_TEXT_CHARS + 100
    assert "characters cut" in line


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_plain_mode_shows_results_and_transcripts_neutralised(value: str, wizard_home: Path) -> None:
    from wizard.plain.flow import PromptFlow
    from wizard.plain.page import result_lines

    session = nlb_session()
    session.record_run([hostile_result(value)])
    store.save(session)
    checklist = load_default()
    asker = ScriptedAsker([])
    with store.OpenSession(session.name) as opened:
        PromptFlow(asker, checklist, opened).act(checklist.step("fqdn"), "transcripts")
    said = "\n".join(asker.said)
    assert "220 wfe1" in said
    assert_neutral(said, value)
    assert_neutral("\n".join(result_lines([hostile_result(value)])), value)


class RowApp(App[None]):
    def __init__(self, result: CheckResult) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        from wizard.tui.widgets.check_panel import CheckRow

        r = self.result
        yield CheckRow(r.step, r.check, r.target, result=r)


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
async def test_full_screen_rows_and_transcript_show_hostile_values_neutralised(value: str) -> None:
    from textual.widgets import Label, Static, TextArea

    from wizard.tui.screens.dialogs import TranscriptDialog

    app = RowApp(hostile_result(value))
    async with app.run_test() as pilot:
        shown = [str(widget.content) for widget in app.screen.query(Static)]
        assert any("greets as wfe1" in text for text in shown)
        assert_neutral("\n".join(shown), value)
        await app.push_screen(TranscriptDialog(app.result, "Step 5: Allow relay"))
        await pilot.pause()
        texts = [str(widget.content) for widget in app.screen.query(Static)]
        texts += [str(widget.content) for widget in app.screen.query(Label)]
        texts += [area.text for area in app.screen.query(TextArea)]
        assert any("220 wfe1" in text for text in texts)
        assert_neutral("\n".join(texts), value)


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_runbooks_and_scripts_hold_hostile_values_neutralised(value: str) -> None:
    session = nlb_session()
    session.record_run([hostile_result(value)])
    checklist = load_default()
    nlb_plan = session.plan_or_none()
    assert isinstance(nlb_plan, Plan)
    documents = {
        "md": render_markdown(nlb_plan, checklist, session, generated_at=GENERATED_AT),
        "html": render_html(nlb_plan, checklist, session, generated_at=GENERATED_AT),
    }
    documents |= render_scripts(nlb_plan, checklist, session, generated_at=GENERATED_AT)
    assert "greets as wfe1" in documents["md"]
    for name, text in documents.items():
        assert not BAD & set(text), name
