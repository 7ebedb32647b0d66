"""Driving the wizard's screens in tests the way a person does: keys, not method calls."""

from __future__ import annotations

from collections.abc import Callable

from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Input, Select
from textual.widgets._select import SelectOverlay

from wizard import store
from wizard.checklist.model import Checklist
from wizard.session import Session
from wizard.tui.app import WizardApp
from wizard.tui.options import CheckOptions


async def type_into(pilot: Pilot[int], selector: str, text: str) -> None:
    """Focus a text field, clear it with keys, and type the text."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    await pilot.pause()
    await pilot.press("end", "ctrl+u")
    if text:
        await pilot.press(*text)
    await pilot.pause()


async def choose(pilot: Pilot[int], selector: str, label_start: str) -> None:
    """Open a drop-down and pick the option whose label starts with the text, with keys."""
    select = pilot.app.screen.query_one(selector, Select)
    select.focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    overlay = select.query_one(SelectOverlay)
    for _ in range(20):
        option = overlay.highlighted_option
        if option is not None and str(option.prompt).startswith(label_start):
            break
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


async def settle(pilot: Pilot[int]) -> None:
    """Wait for every running worker and the screen updates that follow.

    A screen may start a worker a message or two after it is shown (Check all starts on the
    summary once it is mounted): the wait is taken again until a round of messages starts none.
    """
    for _ in range(100):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            break
    await pilot.pause()


async def until(
    pilot: Pilot[int], condition: Callable[[], bool], rounds: int = 200, poll: float | None = None
) -> bool:
    """Let the app handle its pending messages, round after round, until ``condition`` holds.

    Some screen updates take several rounds of messages (a layout, then a scroll, then a
    paint); waiting on the condition, not on a count of pauses or a clock, keeps a test
    independent of the machine's speed. ``poll`` spaces the rounds for work behind a timer or
    a worker (the palette's search); ``rounds`` is then only a safety net. False when it never held.
    """
    for _ in range(rounds):
        if condition():
            return True
        await pilot.pause(poll)
    return condition()


async def run_command(pilot: Pilot[int], words: str) -> None:
    """Open the command palette, type ``words`` and run the command it highlights, once the
    palette's search has highlighted a command that says them (its search runs in a worker)."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*words)

    def found() -> bool:
        commands = pilot.app.screen.query(CommandList)
        if not commands:
            return False
        listed = commands.first(CommandList)
        index = listed.highlighted
        return index is not None and words.lower() in str(listed.get_option_at_index(index).prompt).lower()

    assert await until(pilot, found, rounds=3000, poll=0.01), f"the palette never offered {words!r}"
    await pilot.press("enter")


def current_step(app: WizardApp) -> str:
    """The step the open session is on."""
    assert app.session is not None
    return app.session.current_step


def app_at_step(
    checklist: Checklist, plan_data: dict[str, object], step_id: str, name: str, timeout: float = 3.0
) -> WizardApp:
    """A wizard with a saved session of these answers open at a step (checks time out after 3 s)."""
    plan_data = dict(plan_data)
    plan_data.pop("schema", None)
    session = Session(name=name, plan_data=plan_data)
    session.go_to(checklist, step_id)
    store.save(session)
    app = WizardApp(checklist, options=CheckOptions(timeout=timeout))
    app.open_session(name)
    return app


def screen_text(app: WizardApp) -> str:
    """What the terminal shows now, as lines of text (the screen on top, with its notices)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def bottom_line(app: WizardApp) -> str:
    """The last line of the terminal: the key bar."""
    return screen_text(app).splitlines()[-1]
