"""The practice farm's states come from one table: help, README, the farm's parts and its plan all follow it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wizard import cli, rehearse
from wizard.farm.farm import Farm
from wizard.farm.node import NodeSetup
from wizard.farm.states import DEFAULT, STATES, TABLE, adjust_node, markdown_table

README = Path(__file__).parent.parent.parent / "README.md"


def test_readme_table_is_the_states_table() -> None:
    text = README.read_text(encoding="utf-8")
    if os.environ.get("UPDATE_GOLDEN") and markdown_table() not in text:
        # Regenerated with the goldens: the table from its header to the blank line after it.
        start = text.index("| `--state` | the farm starts as |")
        end = text.index("\n\n", start) + 1
        text = text[:start] + markdown_table() + text[end:]
        README.write_text(text, encoding="utf-8")
    assert markdown_table() in text, (
        "README.md's --state table differs from wizard/farm/states.py; replace it with:\n" + markdown_table()
    )


def test_rehearse_offers_every_state_with_its_description() -> None:
    sub = next(a for a in cli.build_parser()._subparsers._group_actions)  # type: ignore[union-attr]
    parser = sub.choices["rehearse"]  # type: ignore[index]
    helptext = parser.format_help()
    for row in TABLE:
        assert row.name in helptext and row.description in helptext
        assert rehearse.layout(row.name, None, None)[0] == row.name
    assert parser.get_default("state") == DEFAULT


def test_unknown_state_names_every_state() -> None:
    with pytest.raises(rehearse.RehearsalError) as caught:
        rehearse.layout("broken", None, None)
    assert ", ".join(STATES) in str(caught.value)
    with pytest.raises(ValueError, match="choose one of fresh"):
        Farm("broken")


@pytest.mark.parametrize("row", TABLE, ids=[row.name for row in TABLE])
def test_each_state_changes_the_nodes_and_plan_its_row_says(row: object, tmp_path: Path) -> None:
    from wizard.farm.states import FarmState

    assert isinstance(row, FarmState)
    farm = Farm(row.name, 3, root=tmp_path)  # not started: layout and plan only
    assert farm.plan_data["connection_control"] is row.plan_connection_control
    records = farm._records()
    assert ("mossmail.foo.local" in records) is (row.dns != "none")
    changed = []
    for index in range(3):
        setup = NodeSetup(
            name=f"wfe{index + 1}", address=f"127.0.0.{index + 1}", fqdn="mail", alias_domains={"mail"}
        )
        before = repr(setup)
        adjust_node(row.name, setup, last=index == 2, exchange="127.0.0.60")
        changed.append(repr(setup) != before)
    expected = {None: [False] * 3, "every": [True] * 3, "last": [False, False, True]}
    assert changed == expected[None if row.nodes is None else row.nodes.which]
