"""The form's questions take their rules from the plan's keys: a key's rule changed is the question's too."""

from __future__ import annotations

import dataclasses

import pytest

from wizard.plan import questions
from wizard.plan.asking import NOT_KNOWN, FieldKind, Question, ask
from wizard.plan.fields import Table
from wizard.plan.model import NODE_TABLE, PLAN_TABLE


def _with_field(table: Table, key: str, **changes: object) -> Table:
    fields = tuple(
        dataclasses.replace(field, **changes) if field.name == key else field  # type: ignore[arg-type]
        for field in table.fields
    )
    return dataclasses.replace(table, fields=fields)


def test_a_question_refuses_by_its_plan_keys_validator() -> None:
    def refuse(_text: str) -> str:
        raise ValueError("is not a host this farm knows")

    table = _with_field(PLAN_TABLE, "mail_host", check=refuse)
    asked = ask(table, "mail_host", "Mail host", "The name Exchange routes to.")
    assert questions.reason(asked, "mossmail.foo.local") == "is not a host this farm knows"


def test_a_list_questions_items_and_count_follow_the_plan_key() -> None:
    field = next(field for field in PLAN_TABLE.fields if field.name == "exchange_servers")
    table = _with_field(PLAN_TABLE, "exchange_servers", too_few="name an Exchange server")
    asked = ask(table, "exchange_servers", "Exchange servers", "Who may relay.")
    assert asked.kind is FieldKind.LIST
    assert questions.reason(asked, " , ") == "name an Exchange server"
    assert field.items is not None and field.items.check is not None
    with pytest.raises(ValueError) as item_reason:
        field.items.check("10.0.0")
    assert questions.reason(asked, "10.0.0.1, 10.0.0") == f"item 2 {item_reason.value}"


def test_a_value_the_plan_key_allows_is_offered() -> None:
    field = next(field for field in PLAN_TABLE.fields if field.name == "windows_version")
    table = _with_field(PLAN_TABLE, "windows_version", choices=(*field.choices, "2028"))
    asked = ask(
        table, "windows_version", "Windows version", "Of the SMTP servers.", labels={"2012r2": "2012 R2"}
    )
    assert asked.choices[0] == ("", NOT_KNOWN), "an optional key may stay unknown"
    assert ("2028", "2028") in asked.choices and ("2012r2", "2012 R2") in asked.choices


def test_a_label_for_a_value_the_plan_refuses_is_an_error() -> None:
    with pytest.raises(KeyError, match="2001"):
        ask(PLAN_TABLE, "windows_version", "Windows version", "", labels={"2001": "2001"})


@pytest.mark.parametrize(
    ("table", "asked"),
    [(PLAN_TABLE, item) for item in questions.PLAN_QUESTIONS]
    + [(NODE_TABLE, item) for item in questions.NODE_QUESTIONS],
    ids=lambda value: getattr(value, "key", ""),
)
def test_every_question_keeps_its_plan_keys_rules(table: Table, asked: Question) -> None:
    field = next(field for field in table.fields if field.name == asked.key)
    one_mode_only = len(asked.modes) == 1
    # The mode may be left out of a file only on the Foreign connector route, where the form does not ask it.
    smtp_route_only = asked.key == "mode" and "foreign_connector" not in asked.routes
    assert asked.required == (field.required or one_mode_only or smtp_route_only)
    if field.choices:
        offered = [value for value, _label in asked.choices if value]
        if asked.key == "mode":  # the form offers load balancing first
            assert offered == ["nlb", "single"]
        else:
            assert offered == [str(choice) for choice in field.choices], "in the plan key's order"
    elif asked.kind in (FieldKind.TEXT, FieldKind.PORT):
        assert asked.check is field.check
