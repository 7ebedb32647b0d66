"""The wizard on a default 80x24 console: nothing the operator needs is cut off or unreachable.

Each test drives the wizard with keys at 80x24 (and 120x40 where the layout
differs) and reads what the terminal shows.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from textual import events
from textual.widgets import Label

from tests.tui.helpers import bottom_line, screen_text, settle
from tests.tui.sample import sample_app, sample_result, sample_session
from wizard import store
from wizard.checklist.model import Checklist
from wizard.errors import Problem
from wizard.plan.questions import problem_line
from wizard.results import Status
from wizard.session import StepProgress, StepStatus
from wizard.tui.screens.dialogs import ConfirmDialog, TranscriptDialog
from wizard.tui.screens.help import HelpScreen
from wizard.tui.screens.step import StepScreen
from wizard.tui.widgets.script_block import ScriptBlock

SMALL = (80, 24)
LARGE = (120, 40)


async def test_the_key_bar_keeps_export_help_and_the_palette_at_80_columns(checklist: Checklist) -> None:
    app = sample_app(checklist, sample_session("relay"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        keys = bottom_line(app)
        for shown in ("^r Check", "^n Next", "^e Export", "^q Quit", "f1 Help", "^p palette"):
            assert shown in keys, f"{shown!r} missing from {keys!r}"
        await pilot.press("ctrl+q")
    app = sample_app(checklist, sample_session("relay"))
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        keys = bottom_line(app)
        for shown in ("^g Back", "^y Copy", "^e Export", "^p palette"):
            assert shown in keys, f"{shown!r} missing at 120 columns: {keys!r}"
        await pilot.press("ctrl+q")


async def test_the_steps_list_gives_way_under_100_columns_and_is_remembered(checklist: Checklist) -> None:
    # A send-test step has the most buttons: at 80 columns beside the list, "Next ▶" was cut.
    app = sample_app(checklist, sample_session("library_test"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StepScreen)
        assert "Next ▶" in screen_text(app)
        assert "Send test" in screen_text(app)
        assert not screen.query_one("#sidebar").display
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert screen.query_one("#sidebar").display, "ctrl+b shows the steps"
        await pilot.press("ctrl+q")
    assert store.load("foo-farm").steps_hidden is False
    app = sample_app(checklist, None)
    app.open_session("foo-farm")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#sidebar").display, "shown again, as the operator left it"
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert not app.screen.query_one("#sidebar").display
        await pilot.press("ctrl+q")
    assert store.load("foo-farm").steps_hidden is True
    app = sample_app(checklist, sample_session("relay"))
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#sidebar").display, "room enough at 120 columns"
        await pilot.press("ctrl+q")


async def test_script_captions_keep_the_windows_version(checklist: Checklist) -> None:
    app = sample_app(checklist, sample_session("relay"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        blocks = [block for block in app.screen.query(ScriptBlock) if block.region.width]
        assert blocks
        for block in blocks:
            label = block.query_one(Label)
            assert label.size.width * label.size.height >= len(block.caption), (
                f"caption cut: {block.caption!r} in {label.size}"
            )
        await pilot.press("ctrl+q")


async def test_the_transcript_dialog_scrolls_to_its_end_with_close_in_view(checklist: Checklist) -> None:
    session = sample_session("relay")
    long = sample_result("relay", "relay-refused", "wfe3.foo.local", Status.FAIL, "accepted", "close relay")
    lines = tuple(f"C: line {n:02}" for n in range(60))
    session.progress["relay"] = StepProgress(
        status=StepStatus.IN_PROGRESS,
        results=[dataclasses.replace(long, transcript=lines)],
        checked_at=long.observed_at,
    )
    app = sample_app(checklist, session)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.screen.query("CheckRow").first().focus()
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TranscriptDialog)
        text = screen_text(app)
        assert "Close" in text
        assert "C: line 00" in text
        assert "esc Close" in bottom_line(app), "the dialog's own keys, not the step's"
        assert "^r Check" not in bottom_line(app)
        assert "relay-refused" in text and "Step 5: Allow relay" in text, "named as the operator knows it"
        for _ in range(8):
            await pilot.press("pagedown")
        await settle(pilot)
        text = screen_text(app)
        assert "C: line 59" in text, "the last line can be scrolled to"
        assert "Close" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        await pilot.press("ctrl+q")


async def test_typing_before_a_step_is_shown_gives_one_notice(checklist: Checklist) -> None:
    app = sample_app(checklist, sample_session("relay"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.screen.query_one("#note").focus()
        await settle(pilot)
        # Keys pressed now, delivered once the next step is on screen: a burst the terminal held.
        typed = [events.Key(character, character) for character in "the quick brown"]
        await pilot.press("ctrl+n")
        await settle(pilot)
        app.screen.query_one("#note").focus()
        await settle(pilot)
        before = len(app._notifications)
        for key in typed:
            app.screen.query_one("#note").post_message(key)
        await settle(pilot)
        dropped = [n for n in list(app._notifications)[before:] if "not" in str(n.message)]
        assert len(dropped) == 1, [str(n.message) for n in dropped]
        assert app.session is not None
        assert app.session.progress_for(app.session.current_step).note == ""
        await pilot.press("ctrl+q")


async def test_help_opens_on_f1_and_question_mark_on_every_screen(
    checklist: Checklist, wizard_home: Path
) -> None:
    app = sample_app(checklist, None)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Keys on this screen" in text and "Close" in text
        assert "esc Close" in bottom_line(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+q")
    app = sample_app(checklist, sample_session("relay"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        help_text = str(app.screen.query_one(".help-body").render())
        assert "^r" in help_text and "Check" in help_text
        for meaning in ("proven", "partly proven", "done by hand", "skipped"):
            assert meaning in help_text
        assert str(wizard_home / "sessions") in help_text.replace("\n", "")
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen), "F1 again closes help"
        app.show_summary()
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen), "reachable from the summary"
        assert "Check all" in str(app.screen.query_one(".help-body").render())
        await pilot.press("escape")
        await pilot.press("ctrl+q")


async def test_ctrl_c_asks_before_leaving(checklist: Checklist) -> None:
    app = sample_app(checklist, sample_session("relay"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog), "ctrl+c asks first"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen) and app.is_running
        await pilot.press("ctrl+c")
        await settle(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.return_value == 130


async def test_export_asks_before_replacing_a_runbook(checklist: Checklist, tmp_path: Path) -> None:
    target = tmp_path / "runbook.md"
    target.write_text("kept\n", encoding="utf-8")
    app = sample_app(checklist, sample_session("relay"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        for answer in ("escape", "enter"):
            await pilot.press("ctrl+e")
            await settle(pilot)
            await pilot.press("ctrl+u", *str(target), "enter")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog), "asked before replacing"
            assert "already exists" in screen_text(app)
            if answer == "enter":
                app.screen.query_one("#yes").focus()
                await settle(pilot)
            await pilot.press(answer)
            await settle(pilot)
            if answer == "escape":
                assert target.read_text(encoding="utf-8") == "kept\n"
        assert target.read_text(encoding="utf-8").startswith("#")
        await pilot.press("ctrl+q")


def test_problems_name_the_field_not_the_plan_key() -> None:
    assert problem_line(Problem("mail_host", "is required")) == "Mail host: is required"
    line = problem_line(Problem("nodes[1].address", "is not an IPv4 address"))
    assert line.startswith("Node 2 ") and "address" in line.lower() and "nodes[" not in line
    assert "connection_control" not in problem_line(Problem("connection_control", "must be true or false"))
