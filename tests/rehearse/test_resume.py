"""Resuming a rehearsal: its practice farm starts again as it was left, or the wizard says plainly that it cannot."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tui.helpers import screen_text, settle
from wizard import jobs, rehearse, store
from wizard.checklist.model import Checklist
from wizard.farm import actions, changes
from wizard.farm.farm import Farm
from wizard.results import Status
from wizard.tui.app import WizardApp
from wizard.tui.rehearsal import RehearsalApp
from wizard.tui.screens.start import StartScreen
from wizard.tui.screens.step import StepScreen


@pytest.fixture
def left(checklist: Checklist, wizard_home: Path) -> Iterator[str]:
    """A rehearsal session whose farm had its second node's SMTP service stopped, then the wizard quit."""
    farm = rehearse.start("complete", 2, "nlb")
    try:
        name = jobs.create_session(checklist, "rehearsal-complete", farm.plan).name
        stop = next(a for a in actions.available(farm) if a.key.startswith("stop-node") and "wfe2" in a.title)
        changes.apply(farm, stop)
        rehearse.mark_rehearsal(name, farm)
    finally:
        farm.stop()
    yield name


@pytest.fixture
def restarted(left: str) -> Iterator[Farm]:
    farm = rehearse.restart(store.load(left))
    yield farm
    farm.stop()


async def test_a_resumed_rehearsal_checks_its_farm_started_again_as_it_was_left(
    left: str, restarted: Farm, checklist: Checklist
) -> None:
    session = store.load(left)
    plan = session.plan()
    # Where the session's plan says, so every check reaches it; with the change made before the quit.
    assert restarted.addresses.node(0) == plan.nodes[0].address and restarted.port == plan.smtp_port
    assert session.rehearsal is not None and session.rehearsal["changes"] == restarted.changes
    session.go_to(checklist, "mode")
    store.save(session)
    app = RehearsalApp(checklist, restarted)
    app.open_session(left)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.session is not None
        greetings = {
            r.target: r.status for r in app.session.progress_for("mode").results if r.check == "smtp-greeting"
        }
        # The stopped node is still stopped; the rest of the farm answers: it exists again.
        assert greetings[plan.nodes[1].name] in (Status.FAIL, Status.ERROR)
        assert greetings[plan.nodes[0].name] == Status.PASS
        await pilot.press("ctrl+q")


def test_a_rehearsal_whose_farm_cannot_start_again_says_so(left: str) -> None:
    plan = store.load(left).plan()
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind((plan.nodes[0].address, plan.smtp_port))
        taken.listen()
        with pytest.raises(rehearse.RehearsalError) as said:
            rehearse.restart(store.load(left))
    message = str(said.value)
    assert f"the practice farm of rehearsal {left!r} cannot be started again" in message
    assert "its checks would reach nothing" in message and "\n" not in message


async def test_the_start_screen_does_not_open_a_rehearsal_without_its_farm(
    left: str, checklist: Checklist
) -> None:
    app = WizardApp(checklist)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen) and app.session is None
        assert f"'{left}' is a rehearsal" in " ".join(screen_text(app).split()), "said on screen"
        (said,) = [notice.message for notice in app._notifications]
        assert "its checks would reach nothing" in said and f"`spmail-wizard resume {left}`" in said
        await pilot.press("ctrl+q")
