"""Steps are built once, ahead of the operator, and what is kept never goes stale.

The step screen keeps each step's content and builds the steps after the one
on screen while the operator reads; the Markdown of a step is laid out once per
width. These tests hold the behaviours that speed must not cost: a kept step
follows changed answers, a resize and a new theme, and the sidebar shows every
change of status. They wait on the app's own messages, never on the clock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from rich.color import Color
from textual.app import App
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import ContentSwitcher, Static

from tests.tui.helpers import app_at_step, settle, type_into
from wizard.checklist.model import Checklist
from wizard.plan.model import load_plan_file
from wizard.tui.app import WizardApp
from wizard.tui.screens.step import StepScreen
from wizard.tui.widgets.check_panel import SPINNER, CheckPanel
from wizard.tui.widgets.guidance import StepGuidance
from wizard.tui.widgets.prose import Prose
from wizard.tui.widgets.sidebar import StepSidebar

SIZE = (120, 40)
PLAN = Path(__file__).parent.parent / "data" / "nlb.toml"
TURNS = 200
"""Event-loop turns to wait for a condition (each one waits until the app is idle)."""


def _app(checklist: Checklist, step_id: str) -> WizardApp:
    return app_at_step(checklist, load_plan_file(PLAN).to_data(), step_id, "kept")


async def _until(pilot: Pilot[int], holds: Callable[[], bool]) -> None:
    for _ in range(TURNS):
        if holds():
            return
        await pilot.pause()
    raise AssertionError(f"the condition never held; built: {sorted(_built(pilot.app))}")


def _built(app: App[int]) -> set[str]:
    switcher = app.screen.query_one("#step-content", ContentSwitcher)
    return {child.id or "" for child in switcher.children}


def _main_background(lines: list[Strip]) -> Color | None:
    """The background most of the text is drawn on."""
    backgrounds = Counter(segment.style.bgcolor for line in lines for segment in line if segment.style)
    return backgrounds.most_common(1)[0][0]


def _shown_text(app: WizardApp) -> str:
    """Every line the visible step's prose draws, as plain text."""
    guidance = app.screen.query_one("#step-content", ContentSwitcher).visible_content
    assert isinstance(guidance, StepGuidance)
    lines = []
    for prose in guidance.query(Prose):
        lines += [prose.render_line(y).text for y in range(prose.size.height)]
    return "\n".join(lines)


async def test_steps_are_built_ahead_and_rebuilt_for_changed_answers(checklist: Checklist) -> None:
    app = _app(checklist, "mode")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        # Built while the operator is still on the first step, none of them visited.
        await _until(pilot, lambda: {"guidance-dns", "guidance-alias"} <= _built(app))
        await type_into(pilot, "#f-vip Input", "10.0.0.99")
        await pilot.press("escape", "ctrl+n")
        await _until(pilot, lambda: app.session is not None and app.session.current_step == "dns")
        await settle(pilot)
        shown = _shown_text(app)
        assert "10.0.0.99" in shown
        assert "10.0.0.50" not in shown, "guidance built for the old answers was shown"
        await pilot.press("ctrl+q")


async def test_kept_prose_follows_a_resize_and_a_new_theme(checklist: Checklist) -> None:
    app = _app(checklist, "relay")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        why = app.screen.query_one("#guidance-relay .why", Prose)
        wide = [why.render_line(y) for y in range(why.size.height)]
        # Narrow enough that the text loses width even though the list of steps gives way.
        await pilot.resize_terminal(60, 40)
        await settle(pilot)
        narrow = [why.render_line(y) for y in range(why.size.height)]
        assert why.size.width < 60
        assert all(line.cell_length <= why.size.width for line in narrow)
        assert len(narrow) > len(wide), "the text was not wrapped again for the narrower terminal"
        before = _main_background(narrow)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await settle(pilot)
        after = _main_background([why.render_line(y) for y in range(why.size.height)])
        assert after != before, "the kept lines still carry the old theme's colours"
        await pilot.press("ctrl+q")


async def test_the_sidebar_shows_each_change_of_status(checklist: Checklist) -> None:
    app = _app(checklist, "dns")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one(StepSidebar)

        def mark(step_id: str) -> str:
            return str(sidebar.get_option(step_id).prompt)[0]

        assert mark("dns") == "●"
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: app.session is not None and app.session.current_step == "nlb")
        await settle(pilot)
        assert mark("dns") == "↷"
        assert mark("nlb") == "●"
        assert sidebar.highlighted == sidebar.get_option_index("nlb")
        await pilot.press("ctrl+q")


async def test_a_step_that_is_not_being_checked_shows_no_spinner(checklist: Checklist) -> None:
    app = _app(checklist, "relay")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("ctrl+n", "ctrl+g", "ctrl+n", "ctrl+g"):
            await pilot.press(key)
            await settle(pilot)
        panel = app.screen.query_one(CheckPanel)
        caption = panel.query_one("#check-caption", Static)
        shown = str(caption.content)
        # What the spinner's timer does when a late tick gets through after a step change.
        panel._tick()
        assert str(caption.content) == shown
        assert shown[0] not in SPINNER, "a spinner on a step that is not being checked"
        await pilot.press("ctrl+q")


async def test_quitting_while_steps_are_built_ahead_ends_cleanly(checklist: Checklist) -> None:
    app = _app(checklist, "mode")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StepScreen)
        # Steps left to build, and a build asked for, when the operator quits at once.
        await screen.forget_guidance()
        screen.call_after_refresh(screen._build_ahead)
        await pilot.press("ctrl+q")
    assert app.return_code == 0
