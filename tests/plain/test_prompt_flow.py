"""The plain prompt mode with a scripted asker: a whole session against the loopback farm."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from tests.farm.fixtures import FarmFactory
from wizard import store
from wizard.checklist.model import Checklist
from wizard.plain import launch
from wizard.session import StepStatus


class ScriptedAsker:
    """Answers from a script, keyed by what the question says; records every line said.

    Each script entry is (text in the question, answer). A text answer is passed
    through the question's validator, whose verdicts are recorded, as questionary
    would show them.
    """

    def __init__(self, script: list[tuple[str, str]]) -> None:
        self.script = list(script)
        self.said: list[str] = []
        self.refusals: list[str] = []
        self.asked: list[str] = []

    def _next(self, message: str) -> str:
        self.asked.append(message)
        if not self.script:
            raise AssertionError(f"unscripted question: {message}")
        expected, answer = self.script.pop(0)
        assert expected in message, f"expected a question about {expected!r}, got {message!r}"
        return answer

    def text(
        self, message: str, *, default: str = "", validate: Callable[[str], bool | str] | None = None
    ) -> str:
        answer = self._next(message)
        answer = default if answer == "<keep>" else answer
        if validate is not None:
            verdict = validate(answer)
            if verdict is not True:
                self.refusals.append(str(verdict))
                return self.text(message, default=default, validate=validate)
        return answer

    def choose(self, message: str, choices: Sequence[tuple[str, str]], *, default: str | None = None) -> str:
        answer = self._next(message)
        if answer == "<keep>":
            assert default is not None
            return default
        values = [value for value, _label in choices]
        assert answer in values, f"{answer!r} is not offered for {message!r}: {values}"
        return answer

    def confirm(self, message: str, *, default: bool = False) -> bool:
        answer = self._next(message)
        return default if answer == "<keep>" else answer == "yes"

    def say(self, text: str = "") -> None:
        self.said.extend(text.splitlines() or [""])


@pytest.mark.timeout(200)
def test_whole_single_server_session_in_plain_mode(
    farm: FarmFactory, checklist: Checklist, wizard_home: Path, tmp_path: Path
) -> None:
    running = farm("single", nodes=1)
    plan_file = running.write_plan(tmp_path / "single.toml")
    steps = [step.id for step in checklist.for_mode("single")]
    script = [
        ("Plan file", str(tmp_path / "missing.toml")),
        ("Plan file", str(plan_file)),
        ("Session name", "bad name!"),
        ("Session name", "plain-one"),
        # Step 1: change one value, refusing a bad one with its reason first.
        ("what now", "values"),
        ("Mode", "<keep>"),
        ("Mail host", "mossmail..foo.local"),
        ("Mail host", "<keep>"),
        ("DNS zone", "<keep>"),
        ("Node 1 name", "<keep>"),
        ("Node 1 address", "<keep>"),
        ("Node 1 drop folder", "<keep>"),
        ("Exchange servers", "<keep>"),
        ("DNS servers", "<keep>"),
        ("SMTP port", "<keep>"),
        ("Connection control", "<keep>"),
        ("SharePoint version", "<keep>"),
        ("Exchange version", "<keep>"),
        ("Windows version", "<keep>"),
        ("Test recipient", "<keep>"),
        ("Outgoing server", "<keep>"),
        ("SharePoint servers", "<keep>"),
        ("Proof age limit", "<keep>"),
    ]
    for _ in steps[:4]:
        script += [("what now", "check"), ("what now", "done")]
    script += [("what now", "note"), ("Note", "CHG-7 half way"), ("what now", "quit")]
    asker = ScriptedAsker(script)
    assert launch.run(checklist, None, asker=asker, timeout=3.0) == 0
    assert not asker.script
    assert "no such file" in asker.refusals[0]
    assert "is not a session name" in asker.refusals[1]
    assert "empty label" in asker.refusals[2]
    assert any(line.strip().startswith("PASS  wfe1.foo.local:") for line in asker.said)

    saved = store.load("plain-one")
    assert saved.current_step == steps[4]
    assert saved.progress_for(steps[4]).note == "CHG-7 half way"
    assert all(saved.progress_for(s).status is StepStatus.DONE for s in steps[:4])

    # Resume at the same step, finish, export.
    script = []
    for _ in steps[4:]:
        script += [("what now", "check"), ("what now", "done")]
    output = tmp_path / "plain-one.md"
    script += [("what now", "export"), ("format", "md"), ("Write to", str(output)), ("what now", "quit")]
    asker = ScriptedAsker(script)
    assert (
        launch.run(checklist, "plain-one", asker=asker, timeout=3.0, exchange_port=running.exchange_port) == 0
    )
    assert not asker.script
    assert any(f"Step 5 of {len(steps)}" in line for line in asker.said[:5])
    assert any("Nothing open" in line for line in asker.said)
    assert output.exists() and "mossmail.foo.local" in output.read_text(encoding="utf-8")
    assert store.load("plain-one").is_complete(checklist)


def test_plain_mode_refuses_a_locked_session(
    checklist: Checklist, capsys: pytest.CaptureFixture[str]
) -> None:
    from wizard.session import Session

    store.save(Session(name="held", plan_data={}))
    with store.OpenSession("held"):
        code = launch.run(checklist, "held", asker=ScriptedAsker([]))
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "open in another spmail-wizard" in err[0]


def test_connection_control_done_is_confirmed_in_plain_mode(farm: FarmFactory, checklist: Checklist) -> None:
    from wizard.session import Session

    running = farm("connection-control", nodes=2)
    data = running.plan_data
    data.pop("schema")
    session = Session(name="cc", plan_data=data)
    session.go_to(checklist, "connection_control")
    store.save(session)
    asker = ScriptedAsker(
        [
            ("what now", "done"),
            ("Mark the step done?", "no"),
            ("what now", "done"),
            ("Mark the step done?", "yes"),
            # Never checked: plain mode asks as the full-screen wizard does, in the same words.
            ("'Restrict connections to the Exchange servers' done anyway?", "no"),
            ("what now", "done"),
            ("Mark the step done?", "yes"),
            ("done anyway?", "yes"),
            ("what now", "quit"),
        ]
    )
    assert launch.run(checklist, "cc", asker=asker) == 0
    from wizard.proof import DONE_QUESTION

    assert DONE_QUESTION == "Mark done without proof?"
    doubts = [line for line in asker.said if line.startswith(DONE_QUESTION)]
    assert (
        doubts
        == [f"{DONE_QUESTION} Its live checks have not proven it: no pass on the targets it needs."] * 2
    )
    assert any(line.startswith("WARNING, read first:") for line in asker.said)
    assert any("this machine's checks will be refused" in line for line in asker.said)
    saved = store.load("cc")
    assert saved.progress_for("connection_control").status is StepStatus.DONE
    assert saved.current_step == "fqdn"


def test_the_plain_summary_tells_proof_from_ticks(checklist: Checklist) -> None:
    from dataclasses import replace
    from datetime import timedelta

    from wizard.plain.flow import PromptFlow
    from wizard.plan.model import load_plan_file
    from wizard.results import CheckResult, Status, utc_now
    from wizard.session import Session

    plan = load_plan_file(Path(__file__).parent.parent / "data" / "single.toml").to_data()
    plan.pop("schema")
    session = Session(name="proof", plan_data=plan)
    session.mark_done("dns")  # by hand, never checked
    earlier = utc_now() - timedelta(hours=3)
    connector = CheckResult(
        "connector",
        "connector-send-test",
        "sp01.contoso.local",
        Status.PASS,
        "picked up",
        transcript=("S: 250 2.6.0 queued", "-- picked up 1.20 s after arrival"),
    )
    session.record_run([replace(connector, observed_at=earlier)])
    session.record_run(
        [CheckResult("connector", "connector-send-test", "sp01.contoso.local", Status.SKIP, "-")]
    )
    session.record_run(
        [
            CheckResult("relay", "relay-refused", "sp01.contoso.local", Status.PASS, "refused"),
            CheckResult("relay", "relay-refused", "sp02.contoso.local", Status.SKIP, "-"),
        ]
    )
    store.save(session)
    asker = ScriptedAsker([])
    with store.OpenSession("proof") as opened:
        PromptFlow(asker, checklist, opened).summary()
        assert (
            "1 kept from an earlier run (oldest 3 h ago)"
            in opened.session.progress_for("connector").kept_from_earlier()
        )
    by_step = {
        step.id: next(line for line in asker.said if f". {step.title}: " in line)
        for step in session.steps(checklist)
    }
    assert by_step["dns"].endswith("done, done by hand: not proven live")  # done by hand, never checked
    # A skip after a pass keeps the pass: the connector is still proven (within the age limit).
    assert by_step["connector"].endswith("in progress, proven live")
    # A pass that shows no conversation is no proof.
    assert by_step["relay"].endswith("in progress, not proven live")
    assert by_step["alias"].endswith("not started, not proven live")
