"""Keys land on the step that was on screen when they were pressed, or are dropped with a notice.

Keys "pressed during" a step change, a check or a save are posted together,
before the app has handled the first: exactly what a terminal delivers when the
operator presses twice while the wizard is busy. The tests wait on the app's
own messages and workers, never on the clock.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from textual import events
from textual.widgets import ContentSwitcher, Static
from textual.worker import WorkerCancelled

from tests.farm.fixtures import FarmFactory
from tests.tui.helpers import app_at_step, current_step, settle
from wizard import store
from wizard.checklist.model import Checklist
from wizard.plan.model import load_plan_file
from wizard.session import StepStatus
from wizard.tui.app import WizardApp
from wizard.tui.screens.dialogs import ConfirmDialog
from wizard.tui.screens.step import StepScreen
from wizard.tui.widgets.check_panel import CheckRow

SIZE = (100, 32)
PLAN = Path(__file__).parent.parent / "data" / "nlb.toml"


def _app(checklist: Checklist, plan_data: dict[str, object], step_id: str) -> WizardApp:
    return app_at_step(checklist, plan_data, step_id, "landing")


def _press_at_once(app: WizardApp, *keys: str) -> None:
    """Deliver keys as one burst from the terminal: all pressed before the first is handled."""
    for key in keys:
        character = key if len(key) == 1 else None
        app.post_message(events.Key(key, character))


def _notices(app: WizardApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_a_second_skip_pressed_during_the_step_change_is_dropped_with_a_notice(
    checklist: Checklist,
) -> None:
    app = _app(checklist, load_plan_file(PLAN).to_data(), "dns")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _press_at_once(app, "ctrl+s", "ctrl+s")
        await settle(pilot)
        assert app.session is not None
        assert app.session.progress_for("dns").status is StepStatus.SKIPPED
        assert app.session.progress_for("nlb").status is not StepStatus.SKIPPED, "a step never seen"
        assert current_step(app) == "nlb"
        assert any("not applied" in notice.lower() for notice in _notices(app))
        # Pressed again now that the step is on screen, it applies.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.session.progress_for("nlb").status is StepStatus.SKIPPED
        await pilot.press("ctrl+q")


async def test_keys_during_a_check_ask_first_and_never_run_on_an_unseen_step(
    farm: FarmFactory, checklist: Checklist
) -> None:
    running = farm("silent", nodes=2)
    # The probes run in a thread of their own: a long timeout keeps the run under way however
    # long the machine takes to deliver the keys; leaving the step ends it in any case.
    app = app_at_step(checklist, running.plan_data, "relay", "landing", timeout=60.0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StepScreen) and screen.checking
        # Done while the check runs: asked first, not recorded behind the operator's back.
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert app.session is not None
        assert app.session.progress_for("relay").status is not StepStatus.DONE
        # Next and Check in one burst: Check acts on the step on screen when it was pressed (or is
        # dropped), never on the step shown after it.
        _press_at_once(app, "ctrl+n", "ctrl+r")
        # Leaving the step cancels its run: its results belong to the step it was started on.
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()  # the cancelled run leaves the app's list of workers
        await settle(pilot)
        assert current_step(app) == "connection_control"
        assert not screen.checking
        assert app.session.progress_for("connection_control").results == []
        # The step now shown says it is not checked: no rows or spinner of the cancelled run.
        assert not list(screen.check_panel.query(CheckRow)), "rows of the cancelled run on the next step"
        caption = str(screen.check_panel.query_one("#check-caption", Static).content)
        assert "Not checked yet" in caption, caption
        await pilot.press("ctrl+q")


async def test_a_note_is_saved_with_the_step_it_was_typed_on_across_a_step_change(
    checklist: Checklist, wizard_home: Path
) -> None:
    app = _app(checklist, load_plan_file(PLAN).to_data(), "dns")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#note").focus()
        await pilot.pause()
        # Typed, then Next and more typing in one burst, while the typed note waits to be saved:
        # every key was pressed while "dns" was on screen, so every character is its note.
        _press_at_once(app, "C", "H", "G", "ctrl+n", "x", "y")
        await settle(pilot)
        await app.until_saved()
        assert app.session is not None
        assert current_step(app) == "nlb"
        assert app.session.progress_for("dns").note == "CHGxy"
        assert app.session.progress_for("nlb").note == "", "nothing typed on a step not yet shown"
        assert store.load("landing").progress_for("dns").note == "CHGxy"
        # Typed on the step now shown, the note goes with it.
        await pilot.press("o", "k")
        await app.until_saved()
        assert store.load("landing").progress_for("nlb").note == "ok"
        await pilot.press("ctrl+q")


async def test_a_key_pressed_after_the_step_is_drawn_applies_however_late_the_app_reaches_it(
    checklist: Checklist,
) -> None:
    app = _app(checklist, load_plan_file(PLAN).to_data(), "dns")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StepScreen)
        switcher = screen.query_one("#step-content", ContentSwitcher)
        pressed: list[str] = []

        def drawn(_screen: object) -> None:
            # The frame showing step "nlb" whole has just been drawn; the operator presses
            # Skip at once, while the app is still busy with the step change.
            title = str(screen.query_one("#step-title", Static).content)
            if not pressed and switcher.current == "guidance-nlb" and screen.step.title in title:
                pressed.append(screen.step.id)
                app.post_message(events.Key("ctrl+s", None))

        screen.screen_layout_refresh_signal.subscribe(screen, drawn, immediate=True)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert pressed == ["nlb"]
        assert app.session is not None
        assert app.session.progress_for("nlb").status is StepStatus.SKIPPED
        assert not any("not applied" in notice for notice in _notices(app))
        await pilot.press("ctrl+q")
