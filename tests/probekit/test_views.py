"""Imported results show where they were seen from: in the wizard (palette import, summary) and in the runbook."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Static

from tests.probekit.test_import import GOOD, ORIGIN
from tests.runbook.conftest import GENERATED_AT, plan_data
from tests.tui.helpers import run_command, settle, type_into
from wizard import store
from wizard.checklist.model import Checklist
from wizard.runbook.writer import render_html, render_markdown
from wizard.session import Session
from wizard.tui.app import WizardApp
from wizard.tui.options import CheckOptions
from wizard.tui.screens.summary import SummaryScreen
from wizard.tui.widgets.action import Action
from wizard.tui.widgets.check_panel import CheckRow

SIZE = (110, 36)


def _session() -> None:
    store.save(Session(name="farm", plan_data=plan_data("nlb.toml")))


async def test_the_palette_imports_a_results_file_and_the_summary_shows_its_origin(
    checklist: Checklist, tmp_path: Path
) -> None:
    _session()
    good = tmp_path / "results.json"
    good.write_text(json.dumps(GOOD), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    app = WizardApp(checklist, options=CheckOptions(timeout=1.0))
    app.open_session("farm")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_command(pilot, "Import probe kit")
        await settle(pilot)
        # A damaged file is refused as it is typed, with its reason; Import stays off.
        await type_into(pilot, "#results-path", str(bad))
        verdict = str(app.screen.query_one("#results-verdict", Static).render())
        assert "not a complete JSON document" in verdict
        assert app.screen.query_one("#import", Action).disabled
        await type_into(pilot, "#results-path", str(good))
        assert f"4 results seen from {ORIGIN}" in str(
            app.screen.query_one("#results-verdict", Static).render()
        )
        await pilot.press("enter")
        await settle(pilot)
        app.show_summary()
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        rows = [str(row.query_one(".headline", Static).render()) for row in app.screen.query(CheckRow)]
        assert any("wfe1.foo.local" in row and f"seen from {ORIGIN}" in row for row in rows), rows
        await pilot.press("ctrl+q")
        await pilot.pause()
    held = store.load("farm").progress_for("alias").results
    assert {r.origin for r in held} == {ORIGIN}


def test_the_runbook_says_where_each_result_was_seen_from(checklist: Checklist, tmp_path: Path) -> None:
    from wizard.cli import run
    from wizard.cli.shared import ExitCode

    _session()
    path = tmp_path / "results.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    assert run(["import", str(path), "--session", "farm"]) == ExitCode.OK
    session = store.load("farm")
    markdown = render_markdown(session.plan(), checklist, session, generated_at=GENERATED_AT)
    html = render_html(session.plan(), checklist, session, generated_at=GENERATED_AT)
    seen = f"seen from {ORIGIN} at 2026-11-27 10:00:00 UTC"
    assert seen in markdown.replace("\\", "")
    assert seen in html


def test_a_target_skipped_here_but_proven_by_the_kit_is_proven_in_the_runbook(
    checklist: Checklist, tmp_path: Path
) -> None:
    from wizard.proof import session_report
    from wizard.results import CheckResult, Status, utc_now
    from wizard.runbook.worded import Proof
    from wizard.runbook.worded import proof as worded
    from wizard.session import StepProgress

    def proof(progress: StepProgress) -> Proof:
        judged = session_report(session, checklist).verdict("alias")
        return worded(judged, progress, utc_now())

    _session()
    session = store.load("farm")
    turned_away = [
        CheckResult("alias", "alias-accepted", name, Status.SKIP, "turned this machine away")
        for name in ("wfe1.foo.local", "wfe2.foo.local")
    ]
    session.record_run(turned_away)
    assert proof(session.progress_for("alias")).label == "not proven live: checks skipped"
    from_kit = CheckResult(
        "alias", "alias-domain", "wfe1.foo.local", Status.PASS, "an Alias domain", origin="wfe1.foo.local"
    )
    session.record_run([from_kit])
    # wfe2 is still unchecked by anyone: only partly proven.
    assert (
        proof(session.progress_for("alias")).label
        == "partly proven live: no proof yet for alias-domain on wfe2.foo.local"
    )
    session.record_run(
        [CheckResult("alias", "alias-domain", "wfe2.foo.local", Status.PASS, "ok", origin="wfe2.foo.local")]
    )
    assert proof(session.progress_for("alias")).label == "proven live"


async def test_the_palette_drops_one_hosts_evidence_after_asking(
    checklist: Checklist, tmp_path: Path
) -> None:
    from wizard.cli import run
    from wizard.cli.shared import ExitCode
    from wizard.tui.screens.dialogs import ConfirmDialog

    _session()
    path = tmp_path / "results.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    assert run(["import", str(path), "--session", "farm"]) == ExitCode.OK
    app = WizardApp(checklist, options=CheckOptions(timeout=1.0))
    app.open_session("farm")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.commands.drop_imported(ORIGIN)
        await settle(pilot)
        assert (
            isinstance(app.screen, ConfirmDialog)
            and app.screen.title_text == f"Drop the evidence from {ORIGIN}?"
        )
        await pilot.press("escape")  # Cancel: nothing taken
        await settle(pilot)
        assert app.session is not None
        assert any(r.origin == ORIGIN for p in app.session.progress.values() for r in p.results)
        app.commands.drop_imported(ORIGIN)
        await settle(pilot)
        await pilot.click("#yes")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    held = [r for p in store.load("farm").progress.values() for r in p.results]
    assert held and ORIGIN not in {r.origin for r in held}
