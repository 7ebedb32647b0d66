"""What an operator notices in the full-screen wizard: confirmations, refusals, locks, responsiveness, colour."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from textual.message import Message
from textual.widgets import ContentSwitcher, DataTable, Input, Static

from tests.farm.fixtures import FarmFactory
from tests.tui.helpers import current_step, run_command, settle, type_into
from wizard import store
from wizard.checklist.model import Checklist
from wizard.farm import Farm
from wizard.session import Session, StepStatus
from wizard.tui import running as tui_running
from wizard.tui.app import WizardApp
from wizard.tui.messages import CheckProgress
from wizard.tui.options import CheckOptions
from wizard.tui.screens.dialogs import ConfirmDialog
from wizard.tui.screens.start import StartScreen
from wizard.tui.screens.step import StepScreen
from wizard.tui.widgets.check_panel import CheckPanel, CheckRow
from wizard.tui.widgets.jobbar import JobBar

SIZE = (100, 32)


def _open_at(checklist: Checklist, running: Farm, step_id: str, *, timeout: float = 3.0) -> WizardApp:
    data = running.plan_data
    data.pop("schema")
    session = Session(name="farm-b", plan_data=data)
    session.go_to(checklist, step_id)
    store.save(session)
    app = WizardApp(
        checklist,
        options=CheckOptions(timeout=timeout, exchange_port=running.exchange_port, pickup_limit=10.0),
    )
    app.open_session("farm-b")
    return app


async def test_plain_check_never_sends_data_and_the_test_message_is_confirmed_first(
    farm: FarmFactory, checklist: Checklist
) -> None:
    running = farm("good", nodes=2)
    app = _open_at(checklist, running, "library_test")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert not any("DATA" in node.commands() for node in running.nodes)

        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert not any(node.delivered for node in running.nodes), "cancelled: nothing sent"

        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.click("#yes")
        await settle(pilot)
        assert sum(len(node.delivered) for node in running.nodes) == 1
        assert app.session is not None
        results = app.session.progress_for("library_test").results
        assert [result.status.value for result in results] == ["pass"]
        await pilot.press("ctrl+q")


async def test_a_send_test_shows_each_phase_with_its_limit(
    farm: FarmFactory, checklist: Checklist, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = farm("good", nodes=2)
    app = _open_at(checklist, running, "library_test")
    phases: list[CheckProgress] = []
    captions: list[str] = []
    show_caption = CheckPanel._caption

    def seen_caption(panel: CheckPanel, text: str) -> None:
        captions.append(text)
        show_caption(panel, text)

    monkeypatch.setattr(CheckPanel, "_caption", seen_caption)

    def hook(message: Message) -> None:
        # The hook sees a message as it is posted and again as it is handled: keep it once.
        if isinstance(message, CheckProgress) and not any(message is seen for seen in phases):
            phases.append(message)

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.click("#yes")
        await settle(pilot)
        await pilot.press("ctrl+q")

    assert [phase.phase.split(" ")[0:3] for phase in phases] == [
        ["submitting", "the", "test"],
        ["waiting", "for", "the"],
        ["waiting", "for", "SharePoint"],
    ], [phase.phase for phase in phases]
    assert "Drop folder" in phases[1].phase
    assert phases[1].limit == 10.0, "the pickup limit of the run"
    assert 0 < phases[2].limit <= 10.0, "what is left of it once the message arrived"
    for phase in phases:
        shown = [caption for caption in captions if phase.phase in caption]
        assert shown, f"{phase.phase!r} never shown"
        assert f"of at most {phase.limit:.0f} s" in shown[0]
    assert running.nodes[0].delivered or running.nodes[1].delivered


async def test_connection_control_stands_out_and_done_is_confirmed(
    farm: FarmFactory, checklist: Checklist
) -> None:
    running = farm("connection-control", nodes=2)
    app = _open_at(checklist, running, "connection_control")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        warning = app.screen.query_one(".before")
        assert warning.has_class("-danger")
        assert "locked out" in str(warning.border_title)

        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#no")
        await settle(pilot)
        assert app.session is not None
        assert app.session.progress_for("connection_control").status is not StepStatus.DONE
        assert current_step(app) == "connection_control"

        await pilot.press("ctrl+d")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        # Its live check never ran (it would be refused now): that is asked too.
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.title_text == "Mark done without proof?"
        await pilot.click("#yes")
        await settle(pilot)
        assert app.session.progress_for("connection_control").status is StepStatus.DONE
        assert current_step(app) == "fqdn"
        await pilot.press("ctrl+q")


async def test_a_session_open_elsewhere_is_refused_with_one_line(
    checklist: Checklist, wizard_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store.save(Session(name="held", plan_data={}))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from wizard import store\nwith store.lock('held'):\n"
            "    print('held', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert tui_running.run(checklist, "held") == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "open in another spmail-wizard" in err[0]

        # From the start screen, the same refusal is a notification and the list stays.
        app = WizardApp(checklist)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.screen.post_message(StartScreen.ResumeRequested("held"))
            await settle(pilot)
            assert isinstance(app.screen, StartScreen)
            assert any("open in another spmail-wizard" in str(n.message) for n in app._notifications)
    finally:
        holder.communicate("")


async def test_start_screen_lists_refused_files_and_checks_a_plan_path_as_typed(
    checklist: Checklist, wizard_home: Path, tmp_path: Path
) -> None:
    store.save(Session(name="good-one", plan_data={"mode": "single", "mail_host": "sp.foo.local"}))
    (wizard_home / "sessions" / "broken.json").write_text('{"format": "spmail-wiz', encoding="utf-8")
    bad_plan = tmp_path / "bad.toml"
    bad_plan.write_text('schema = 1\nmode = "nlb"\nmail_host = "not a host"\n', encoding="utf-8")
    app = WizardApp(checklist)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_into(pilot, "#new-plan", str(tmp_path / "missing.toml"))
        assert "no such file" in str(app.screen.query_one("#new-plan-reason", Static).content)
        await type_into(pilot, "#new-plan", str(bad_plan))
        reason = str(app.screen.query_one("#new-plan-reason", Static).content)
        assert "line 3: mail_host:" in reason
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen), "a refused plan starts nothing"

        table = app.screen.query_one("#sessions", DataTable)
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert sorted(names) == ["broken", "good-one"]
        refused = str(app.screen.query_one("#refused", Static).content)
        assert "broken.json: refused: not a complete session file" in refused
        assert str(wizard_home) not in refused


async def test_start_screen_jobs_switch_with_the_arrow_keys_and_a_click(checklist: Checklist) -> None:
    app = WizardApp(checklist)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panes = app.screen.query_one("#job-panes", ContentSwitcher)
        assert panes.current == "new"
        assert app.focused is not None and app.focused.id == "new-name", "typing goes to the first field"
        await pilot.press("shift+tab", "right")
        assert panes.current == "resume"
        await pilot.press("left", "left")
        assert panes.current == "export", "left from the first job wraps to the last"
        # A click on a job's name: the bar reads " New session    Resume    Export ".
        bar = app.screen.query_one(JobBar)
        text = bar.render().plain
        await pilot.click(JobBar, offset=(bar.styles.padding.left + text.index("Resume") + 1, 0))
        assert panes.current == "resume"
        await pilot.press("ctrl+q")


@pytest.mark.timeout(180)
async def test_typing_lands_while_many_checks_are_in_flight(farm: FarmFactory, checklist: Checklist) -> None:
    # Silent nodes hold every probe open until the sweep's deadline, far beyond the typing below:
    # the checks are still in flight when the keys are handled, unless they block the screen.
    running = farm("silent", nodes=8)
    app = _open_at(checklist, running, "mode", timeout=30.0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StepScreen)
        await pilot.press("ctrl+r")
        for _ in range(100):
            rows = list(screen.query(CheckRow))
            if len(rows) >= 8:
                break
            await pilot.pause()
        assert len(rows) >= 8, "a row per node, each with its spinner"
        assert all(row.result is None for row in rows)

        await type_into(pilot, "#note", "CHG-4711 by Ann")

        assert screen.query_one("#note", Input).value == "CHG-4711 by Ann"
        assert app.session is not None
        assert app.session.progress_for("mode").note == "CHG-4711 by Ann"
        assert screen.checking, "the keys were handled while the checks ran, not after them"
        assert all(row.result is None for row in screen.query(CheckRow))
        await pilot.press("ctrl+q")


def _colours(svg: str) -> set[str]:
    """Non-grey colours in a screenshot, leaving out the window frame the SVG draws around it."""
    frame = {"ff5f57", "febc2e", "28c840", "c5c8c6"}
    found = set(re.findall(r"#([0-9a-f]{6})", svg)) - frame
    return {c for c in found if len({c[0:2], c[2:4], c[4:6]}) > 1}


async def _start_screenshot(checklist: Checklist) -> tuple[WizardApp, str]:
    app = WizardApp(checklist)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        return app, app.export_screenshot()


async def test_no_color_is_honoured(checklist: Checklist, monkeypatch: pytest.MonkeyPatch) -> None:
    _app, in_colour = await _start_screenshot(checklist)
    assert _colours(in_colour), "the start screen has colours normally"
    monkeypatch.setenv("NO_COLOR", "1")
    app, plain = await _start_screenshot(checklist)
    assert app.no_color
    assert not _colours(plain), f"colours left with NO_COLOR: {sorted(_colours(plain))[:5]}"


async def test_command_palette_jumps_to_a_step(farm: FarmFactory, checklist: Checklist) -> None:
    running = farm("good", nodes=2)
    app = _open_at(checklist, running, "dns")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        fqdn_number = [step.id for step in checklist.for_mode("nlb")].index("fqdn") + 1
        await run_command(pilot, f"Go to step {fqdn_number}")
        await settle(pilot)
        assert current_step(app) == "fqdn"
        await pilot.press("escape", "ctrl+c")
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.return_value == 130, "Ctrl+C twice outside a text field leaves as interrupted"
    assert store.load("farm-b").current_step == "fqdn"
