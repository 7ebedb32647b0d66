"""One session, every surface: the check line, --json, --require-proof, the wizard, plain mode and the runbook agree.

The session holds one step of each verdict. No probe runs: ``check`` judges
the session's evidence with an empty run, so what each surface shows comes
from the proof rule alone.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable

from tests.plain.test_prompt_flow import ScriptedAsker
from tests.runbook.conftest import plan_data
from tests.tui.helpers import settle
from wizard import store
from wizard.checklist.model import Checklist
from wizard.cli import run
from wizard.cli.shared import ExitCode
from wizard.plain import launch
from wizard.proof import Verdict, session_report
from wizard.results import CheckResult, Status, utc_now
from wizard.runbook.writer import render_markdown
from wizard.session import Session
from wizard.tui.app import WizardApp
from wizard.tui.options import CheckOptions
from wizard.tui.screens.summary import SummaryScreen

NODES = ("wfe1.foo.local", "wfe2.foo.local")
VIP = "mossmail.foo.local"
EXPECTED = {
    "mode": Verdict.PROVEN,
    "dns": Verdict.STALE,
    "nlb": Verdict.NOT_PROVEN,
    "connector": Verdict.NOT_PROVEN,
    "relay": Verdict.FAILING,
    "connection_control": Verdict.NOT_PROVEN,
    "fqdn": Verdict.NOT_PROVEN,
    "alias": Verdict.PARTLY_PROVEN,
    "restart": Verdict.NOT_PROVEN,
    "library_test": Verdict.NOT_PROVEN,
}
"""What the rule says of the session below; central_admin and outgoing have no live proof on this plan."""


def _seen(
    step: str, check: str, target: str, status: Status, ago: timedelta, origin: str | None = None
) -> CheckResult:
    return CheckResult(
        step,
        check,
        target,
        status,
        f"{check} on {target}: {status.value}",
        transcript=(f"S: 220 {target} ready",),
        observed_at=utc_now() - ago,
        origin=origin,
    )


def _session() -> Session:
    session = Session(name="agree", plan_data=plan_data("nlb.toml"))
    fresh, old = timedelta(minutes=10), timedelta(days=3)
    session.record_run(
        [_seen("mode", "smtp-greeting", target, Status.PASS, fresh) for target in (*NODES, VIP)]
    )
    session.record_run([_seen("dns", "dns-a-record", "dns:10.0.0.5", Status.PASS, old)])
    session.record_run([_seen("nlb", "nlb-distribution", VIP, Status.WARN, fresh)])
    session.record_run([_seen("relay", "relay-refused", name, Status.FAIL, fresh) for name in NODES])
    session.record_run(
        [_seen("alias", "alias-domain", "wfe1.foo.local", Status.PASS, fresh, "wfe1.foo.local")]
    )
    session.mark_done("fqdn", "checked by hand on both nodes")
    store.save(session)
    return session


@pytest.fixture
def no_probes(monkeypatch: pytest.MonkeyPatch) -> None:
    """``check`` runs nothing new: its verdict is the session's evidence alone."""
    import wizard.checks

    async def nothing(*args: object, **kwargs: object) -> list[CheckResult]:
        return []

    monkeypatch.setattr(wizard.checks, "run_checks", nothing)


async def _wizard_summary(checklist: Checklist) -> dict[str, str]:
    """The Proof column of the wizard's summary, driven through Pilot."""
    app = WizardApp(checklist, options=CheckOptions(timeout=1.0))
    app.open_session("agree")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        app.show_summary()
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        table = app.screen.query_one(DataTable)
        shown = {str(row.value): str(table.get_row(row)[3]) for row in table.rows}
        await pilot.press("ctrl+q")
        await pilot.pause()
    return shown


def test_every_surface_gives_the_one_verdict(
    checklist: Checklist, no_probes: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = _session()
    verdicts = session_report(session, checklist)
    assert {p.step: p.verdict for p in verdicts.steps if p.provable} == EXPECTED
    labels = {p.step: p.label() for p in verdicts.steps}
    unproven = [step for step, verdict in EXPECTED.items() if verdict is not Verdict.PROVEN]

    # check --json: the contract's proof object.
    assert run(["check", "--session", "agree", "--json"]) == ExitCode.OK
    proof = json.loads(capsys.readouterr().out)["proof"]
    assert proof == {
        "unchecked": 0,
        "unproven_steps": unproven,
        "steps": {step: verdict.value for step, verdict in EXPECTED.items()},
    }
    # --require-proof refuses exactly when steps are unproven.
    assert run(["check", "--session", "agree", "--require-proof"]) == ExitCode.FAILED
    # The closing line names every unproven step with the rule's words.
    line = capsys.readouterr().out.rstrip().splitlines()[-1]
    assert line.startswith("Not proven live: steps without live proof: ")
    for step in unproven:
        shown = step if EXPECTED[step] is Verdict.NOT_PROVEN else f"{step} ({labels[step]})"
        assert shown in line, (step, line)
    assert "mode" not in line.split(": ", 1)[1].split(", ")

    # The runbook's go/no-go table.
    markdown = render_markdown(session.plan(), checklist, session, generated_at=utc_now())
    go = markdown.split("## Go / no-go", 1)[1].split("## ", 1)[0]
    rows = {
        line.split("](#step-", 1)[1].split(")", 1)[0]: line for line in go.splitlines() if "](#step-" in line
    }
    for step, verdict in EXPECTED.items():
        row = rows[step.replace("_", "-")]
        if verdict is Verdict.PROVEN:
            assert "**proven live**" in row and "| go |" in row
        else:
            assert "| go |" not in row and "go, after" not in row, row
        if verdict in (Verdict.FAILING, Verdict.STALE, Verdict.PARTLY_PROVEN):
            assert f"**{labels[step]}**" in row, row

    # Plain mode's summary.
    asker = ScriptedAsker([("what now", "summary"), ("what now", "quit")])
    assert launch.run(checklist, "agree", asker=asker, timeout=1.0) == 0
    for number, each in enumerate(session.steps(checklist), start=1):
        (said,) = [text for text in asker.said if text.lstrip().startswith(f"{number}. {each.title}:")]
        assert f", {labels[each.id]}" in said, said

    # The wizard's summary, through Pilot.
    assert asyncio.run(_wizard_summary(checklist)) == labels
