"""The kit's SMTP conversations are the wizard's written dialogue, move by move, in every script."""

from __future__ import annotations

import re

import pytest

from tests.runbook.conftest import GENERATED_AT, plan_data
from wizard.checks import dialogue
from wizard.plan.model import parse_plan
from wizard.probekit.kit import render_kit
from wizard.probekit.kitmoves import CONVERSATIONS

ROW = re.compile(
    r"^    @\{ Name = '(?P<name>[^']*)'; Command = '(?P<command>[^']*)'; Fallback = '(?P<fallback>[^']*)'; "
    r"Then = @\{ (?P<then>[^}]*) \}; Stage = '(?P<stage>[^']*)'; Expects = @\((?P<expects>[\d, ]*)\) \},?$"
)
PAIR = re.compile(r"'(?P<reply>[^']+)' = '(?P<then>[^']+)'")


Row = tuple[str, str, str, dict[str, str], str, tuple[int, ...]]


def _table(script: str, variable: str) -> list[Row]:
    """The rows of one ``$Variable = @( ... )`` table as the script holds it."""
    block = script.split(f"\n${variable} = @(\n", 1)[1].split("\n)\n", 1)[0]
    rows = []
    for line in block.splitlines():
        match = ROW.match(line)
        assert match, line
        then = {pair["reply"]: pair["then"] for pair in PAIR.finditer(match["then"])}
        expects = tuple(int(code) for code in match["expects"].split(", ") if code)
        rows.append((match["name"], match["command"], match["fallback"], then, match["stage"], expects))
    return rows


def _expected(moves: tuple[dialogue.Move, ...]) -> list[Row]:
    return [
        (
            move.name,
            move.command,
            move.fallback,
            {reply: move.rule(reply).then for reply in ("2xx", "3xx", "4xx", "5xx", "none")},
            move.stage,
            move.expects,
        )
        for move in moves
    ]


@pytest.mark.parametrize("plan_file", ["nlb.toml", "single.toml"])
def test_every_script_holds_the_written_dialogue(plan_file: str) -> None:
    plan = parse_plan(plan_data(plan_file) | {"schema": 1})
    for name, script in render_kit(plan, generated_at=GENERATED_AT).items():
        for variable, moves in CONVERSATIONS.items():
            assert _table(script, variable) == _expected(moves), (name, variable)
        assert f"$Closing = '{dialogue.CLOSE.command}'" in script


def test_the_probe_never_reaches_data_and_the_send_test_does() -> None:
    plan = parse_plan(plan_data("nlb.toml") | {"schema": 1})
    script = render_kit(plan, generated_at=GENERATED_AT)["probe-exchange-1.ps1"]
    probe = [row[1] for row in _table(script, "ProbeMoves")]
    assert "DATA" not in probe and probe[-1] == "RSET"
    assert [row[1] for row in _table(script, "SendTestMoves")][-2:] == ["DATA", ""]
    # The probe's lines are the ones the Python probe sends on the happy path.
    values = dialogue.probe_values(
        helo="{helo}", zone="zone", mail_host="mail", node_name="node", node_address="10.0.0.11"
    )
    python_lines = dialogue.commands(dialogue.PROBE, values)
    kit_lines = []
    for command in filter(None, probe):
        for name, value in values.items():
            if name != "helo":
                command = command.replace(f"{{{name}}}", value)
        kit_lines.append(command)
    assert [*kit_lines, "QUIT"] == python_lines


def test_every_placeholder_the_dialogue_uses_is_filled_by_the_kit() -> None:
    plan = parse_plan(plan_data("nlb.toml") | {"schema": 1})
    script = render_kit(plan, generated_at=GENERATED_AT)["probe-exchange-1.ps1"]
    expand = script.split("function Expand-Command", 1)[1].split("\n}\n", 1)[0]
    for placeholder in dialogue.PLACEHOLDERS:
        assert f"'{{{placeholder}}}'" in expand, placeholder
