"""The wizard's "Trace a message" screen: from the palette and the summary, a chain with a mark per hop."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Static

from tests.diagnose.farmtrace import deliver, fresh_logs
from tests.tui.helpers import run_command, settle, type_into
from wizard import store
from wizard.checklist.model import Checklist
from wizard.farm import Farm, kitfiles
from wizard.session import Session
from wizard.tui.app import WizardApp
from wizard.tui.options import CheckOptions
from wizard.tui.screens.trace import TraceScreen

SIZE = (100, 40)


def open_app(checklist: Checklist, farm: Farm, name: str) -> WizardApp:
    data = farm.plan_data
    data.pop("schema")
    session = Session(name=name, plan_data=data)
    session.go_to(checklist, "dns")
    store.save(session)
    app = WizardApp(checklist, options=CheckOptions(timeout=2.0))
    app.open_session(name)
    return app


def chain(app: WizardApp) -> list[tuple[str, set[str]]]:
    rows = app.screen.query(".trace-hop").results(Static)
    return [(str(row.render()), set(row.classes)) for row in rows]


async def test_palette_opens_the_trace_and_the_chain_follows_the_logs(
    farm: Farm, checklist: Checklist
) -> None:
    fresh_logs(farm)
    await asyncio.to_thread(deliver, farm)
    app = open_app(checklist, farm, "trace-palette")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_command(pilot, "Trace a message")
        await settle(pilot)
        assert isinstance(app.screen, TraceScreen)
        # With only the session (no checks run, no logs), nothing is known of the message.
        first = chain(app)
        assert len(first) == 8 and all("-missing" in classes for _text, classes in first)
        assert "Cause:" in str(app.screen.query(".trace-cause").first(Static).render())
        await type_into(pilot, "#trace-logs", str(farm.root))
        await pilot.press("ctrl+r")
        await settle(pilot)
        rows = chain(app)
        assert [text.split("  (")[0] for text, _ in rows][:2] == [
            "✔ 1. Exchange accepted",
            "✔ 2. connector routed",
        ]
        assert all("-seen" in classes for _text, classes in rows)
        assert not app.screen.query(".trace-cause")
        verdict = str(app.screen.query_one("#trace-verdict", Static).render())
        assert verdict.startswith("Traced to the list")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, TraceScreen)


async def test_the_summary_offers_the_trace_and_names_the_broken_hop(
    farm: Farm, checklist: Checklist
) -> None:
    fresh_logs(farm)
    assert farm.timer is not None
    farm.run(farm.timer.stop)
    try:
        await asyncio.to_thread(deliver, farm)
        await summary_trace(checklist, farm)
    finally:

        async def restart() -> None:
            assert farm.timer is not None
            farm.timer.start()

        farm.run(restart)


async def summary_trace(checklist: Checklist, farm: Farm) -> None:
    """With the timer job stopped: the trace stops at the timer job, cause and next command under it."""
    app = open_app(checklist, farm, "trace-summary")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.show_summary()
        await settle(pilot)
        await pilot.click("#trace-button")
        await settle(pilot)
        assert isinstance(app.screen, TraceScreen)
        await type_into(pilot, "#trace-logs", str(farm.root))
        await pilot.press("enter")
        await settle(pilot)
        rows = chain(app)
        assert rows[6][0].startswith("○ 7. timer job picked up") and "-missing" in rows[6][1]
        cause = str(app.screen.query_one(".trace-cause", Static).render())
        assert "Drop folder" in cause
        assert "Get-SPServiceInstance" in str(app.screen.query_one(".trace-next", Static).render())


async def test_the_trace_follows_evidence_imported_while_it_is_shown(
    farm: Farm, checklist: Checklist, tmp_path: Path
) -> None:
    app = open_app(checklist, farm, "trace-import")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.show_trace()
        await settle(pilot)
        before = chain(app)
        assert not any("imported check" in text for text, _ in before)
        data = await asyncio.to_thread(kitfiles.node_results, farm, 0)
        results = kitfiles.write(data, tmp_path / "probe-node-results.json")
        app.commands.import_file(results)
        await settle(pilot)
        after = chain(app)
        assert any("imported check" in text for text, _ in after), after
