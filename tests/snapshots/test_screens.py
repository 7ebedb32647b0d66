"""Snapshots of the main screens at 80x24 and 120x40, from fixed sessions (no network, fixed clock)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tests.tui.helpers import settle
from wizard import store
from wizard.model import Checklist
from wizard.plan import load_plan_file
from wizard.results import CheckResult, Status
from wizard.session import Session, StepProgress, StepStatus
from wizard.tui.app import WizardApp
from wizard.tui.widgets.jobbar import JobBar

SIZES = [(80, 24), (120, 40)]
DATA = Path(__file__).parent.parent / "data"
MOMENT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)

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


def _result(step: str, check: str, target: str, status: Status, summary: str, hint: str = "") -> CheckResult:
    return CheckResult(
        step=step,
        check=check,
        target=target,
        status=status,
        summary=summary,
        hint=hint,
        duration_ms=12,
        transcript=("S: 220 wfe1.foo.local Microsoft ESMTP MAIL Service ready", "C: EHLO probe", "C: QUIT"),
        observed_at=MOMENT,
    )


def _session(step: str = "relay", *, connection_control: bool = False) -> Session:
    data: dict[str, Any] = load_plan_file(DATA / "nlb.toml").to_data()
    data.pop("schema")
    data["connection_control"] = connection_control
    done = StepProgress(status=StepStatus.DONE, done_at=MOMENT)
    relay = [
        _result(
            "relay",
            "relay-refused",
            "wfe1.foo.local",
            Status.PASS,
            "refused to relay to example.com (550 5.7.1)",
        ),
        _result(
            "relay",
            "relay-refused",
            "wfe2.foo.local",
            Status.FAIL,
            "accepted a message for example.com: an open relay",
            "On wfe2, Access > Relay: choose Only the list below and list only the Exchange servers",
        ),
    ]
    dns = [
        _result(
            "dns", "dns-a-record", "dns:10.0.0.5", Status.WARN, "answers with 10.0.0.50 and an MX elsewhere"
        )
    ]
    session = Session(
        name="foo-farm",
        plan_data=data,
        current_step=step,
        progress={
            "mode": done,
            "dns": StepProgress(status=StepStatus.DONE, done_at=MOMENT, results=dns, checked_at=MOMENT),
            "nlb": StepProgress(status=StepStatus.SKIPPED, note="cluster built last week", done_at=MOMENT),
            "relay": StepProgress(
                status=StepStatus.IN_PROGRESS, note="CHG-1042", results=relay, checked_at=MOMENT
            ),
        },
        created_at=MOMENT,
        updated_at=MOMENT,
    )
    return session


def _app(checklist: Checklist, session: Session | None) -> WizardApp:
    app = WizardApp(checklist)
    if session is not None:
        store.save(session)
        app.open_session(session.name)
    return app


@pytest.mark.parametrize("size", SIZES)
def test_start_screen_resume_tab(
    snap_compare: SnapCompare, checklist: Checklist, wizard_home: Path, size: tuple[int, int]
) -> None:
    store.save(_session())
    (wizard_home / "sessions" / "broken.json").write_text("{", encoding="utf-8")

    async def show_resume(pilot: Pilot[int]) -> None:
        # As a person would: focus the row of jobs and move right to Resume.
        await settle(pilot)
        pilot.app.screen.query_one(JobBar).focus()
        await pilot.press("right")
        await settle(pilot)

    assert snap_compare(_app(checklist, None), terminal_size=size, run_before=show_resume)


@pytest.mark.parametrize("size", SIZES)
def test_form_with_a_refused_value(
    snap_compare: SnapCompare, checklist: Checklist, size: tuple[int, int]
) -> None:
    session = _session("mode")
    session.plan_data["vip"] = "10.0.0."

    async def settle(pilot: Pilot[int]) -> None:
        await pilot.pause()

    assert snap_compare(_app(checklist, session), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_step_with_passing_and_failing_checks(
    snap_compare: SnapCompare, checklist: Checklist, size: tuple[int, int]
) -> None:
    async def settle(pilot: Pilot[int]) -> None:
        await pilot.pause()

    assert snap_compare(_app(checklist, _session("relay")), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_connection_control_warning(
    snap_compare: SnapCompare, checklist: Checklist, size: tuple[int, int]
) -> None:
    session = _session("connection_control", connection_control=True)

    async def settle(pilot: Pilot[int]) -> None:
        await pilot.pause()

    assert snap_compare(_app(checklist, session), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_summary(snap_compare: SnapCompare, checklist: Checklist, size: tuple[int, int]) -> None:
    async def show_summary(pilot: Pilot[int]) -> None:
        app = pilot.app
        assert isinstance(app, WizardApp)
        await settle(pilot)  # the step screen first, as the operator sees it before the summary
        app.show_summary()
        await pilot.pause()

    assert snap_compare(_app(checklist, _session("relay")), terminal_size=size, run_before=show_summary)


@pytest.mark.parametrize("size", SIZES)
def test_export_dialog(snap_compare: SnapCompare, checklist: Checklist, size: tuple[int, int]) -> None:
    assert snap_compare(_app(checklist, _session("relay")), terminal_size=size, press=["ctrl+e"])


@pytest.mark.parametrize("size", SIZES)
def test_transcript_dialog(snap_compare: SnapCompare, checklist: Checklist, size: tuple[int, int]) -> None:
    async def open_transcript(pilot: Pilot[int]) -> None:
        # The step's rows laid out first: focusing a row scrolls the panel to it.
        await settle(pilot)
        pilot.app.screen.query("CheckRow").last().focus()
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(_app(checklist, _session("relay")), terminal_size=size, run_before=open_transcript)
