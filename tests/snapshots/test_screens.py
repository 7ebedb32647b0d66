"""Snapshots of the main screens at 80x24 and 120x40, from fixed sessions (no network, fixed clock)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tests.tui.helpers import settle
from tests.tui.sample import sample_app, sample_session
from wizard import store
from wizard.checklist.model import Checklist, Step
from wizard.checks.runner import CHECKS
from wizard.tui.app import WizardApp
from wizard.tui.messages import CheckStarted
from wizard.tui.screens.summary import SummaryScreen
from wizard.tui.widgets import check_panel
from wizard.tui.widgets.jobbar import JobBar

SIZES = [(80, 24), (120, 40)]

SnapCompare = Callable[..., bool]


@pytest.fixture(autouse=True)
def steady_screen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No blinking cursor and one time zone, so every run draws the same picture."""
    monkeypatch.setattr(Input.cursor_blink, "_default", False)
    monkeypatch.setattr(TextArea.cursor_blink, "_default", False)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("size", SIZES)
def test_start_screen_resume_tab(
    snap_compare: SnapCompare, checklist: Checklist, wizard_home: Path, size: tuple[int, int]
) -> None:
    store.save(sample_session())
    (wizard_home / "sessions" / "broken.json").write_text("{", encoding="utf-8")

    async def show_resume(pilot: Pilot[int]) -> None:
        # As a person would: focus the row of jobs and move right to Resume.
        await settle(pilot)
        pilot.app.screen.query_one(JobBar).focus()
        await pilot.press("right")
        await settle(pilot)

    assert snap_compare(sample_app(checklist, None), terminal_size=size, run_before=show_resume)


@pytest.mark.parametrize("size", SIZES)
def test_form_with_a_refused_value(
    snap_compare: SnapCompare, checklist: Checklist, size: tuple[int, int]
) -> None:
    session = sample_session("mode")
    session.plan_data["vip"] = "10.0.0."

    async def settle(pilot: Pilot[int]) -> None:
        await pilot.pause()

    assert snap_compare(sample_app(checklist, session), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_step_with_passing_and_failing_checks(
    snap_compare: SnapCompare, checklist: Checklist, size: tuple[int, int]
) -> None:
    async def settle(pilot: Pilot[int]) -> None:
        await pilot.pause()

    assert snap_compare(sample_app(checklist, sample_session("relay")), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_connection_control_warning(
    snap_compare: SnapCompare, checklist: Checklist, size: tuple[int, int]
) -> None:
    session = sample_session("connection_control", connection_control=True)

    async def settle(pilot: Pilot[int]) -> None:
        await pilot.pause()

    assert snap_compare(sample_app(checklist, session), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_summary(snap_compare: SnapCompare, checklist: Checklist, size: tuple[int, int]) -> None:
    async def show_summary(pilot: Pilot[int]) -> None:
        app = pilot.app
        assert isinstance(app, WizardApp)
        await settle(pilot)  # the step screen first, as the operator sees it before the summary
        app.show_summary()
        await pilot.pause()

    assert snap_compare(
        sample_app(checklist, sample_session("relay")), terminal_size=size, run_before=show_summary
    )


@pytest.mark.parametrize("size", SIZES)
def test_export_dialog(snap_compare: SnapCompare, checklist: Checklist, size: tuple[int, int]) -> None:
    assert snap_compare(sample_app(checklist, sample_session("relay")), terminal_size=size, press=["ctrl+e"])


@pytest.mark.parametrize("size", SIZES)
def test_transcript_dialog(snap_compare: SnapCompare, checklist: Checklist, size: tuple[int, int]) -> None:
    async def open_transcript(pilot: Pilot[int]) -> None:
        # The step's rows laid out first: focusing a row scrolls the panel to it.
        await settle(pilot)
        pilot.app.screen.query("CheckRow").last().focus()
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(
        sample_app(checklist, sample_session("relay")), terminal_size=size, run_before=open_transcript
    )


def test_start_screen_as_opened(snap_compare: SnapCompare, checklist: Checklist) -> None:
    store.save(sample_session())

    async def opened(pilot: Pilot[int]) -> None:
        await settle(pilot)

    assert snap_compare(sample_app(checklist, None), terminal_size=(80, 24), run_before=opened)


def test_help_screen(snap_compare: SnapCompare, checklist: Checklist) -> None:
    async def open_help(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(
        sample_app(checklist, sample_session("relay")), terminal_size=(80, 24), run_before=open_help
    )


def test_check_all_running(
    snap_compare: SnapCompare, checklist: Checklist, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rows of a Check all as they start, without their servers: the sample farm's addresses
    # are not on this machine. The spinner waits, so the caption reads the same on every run.
    monkeypatch.setattr(check_panel, "SPIN_INTERVAL", 3600.0)

    def start_rows(screen: SummaryScreen, steps: Sequence[Step], send_test: bool = False) -> None:
        plan = screen.session.plan()
        for step in steps:
            for name in step.checks:
                for target in CHECKS[name].targets(plan):
                    screen.post_message(CheckStarted(step.id, name, target.label))

    monkeypatch.setattr(SummaryScreen, "run_step_checks", start_rows)

    async def check_all(pilot: Pilot[int]) -> None:
        app = pilot.app
        assert isinstance(app, WizardApp)
        await settle(pilot)
        app.show_summary(check_all=True)
        await settle(pilot)

    assert snap_compare(
        sample_app(checklist, sample_session("relay")), terminal_size=(80, 24), run_before=check_all
    )
