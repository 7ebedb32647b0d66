"""How a question is asked and checked, derived from the plan key it fills.

A question's kind (text, list, choice, flag, number), its validator, whether
it may be left empty and which values a choice allows are the plan key's,
read from its :class:`~wizard.plan.fields.Field`; the caller adds only what
the form says about it. Both front ends ask through these questions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from wizard.plan.fields import Field, Table
from wizard.plan.routefields import DELIVERIES
from wizard.plan.routes import route_choices, route_of
from wizard.record import record


class FieldKind(StrEnum):
    """How an answer is entered and stored."""

    TEXT = "text"
    """One value, stored as typed."""
    LIST = "list"
    """Several values separated by commas or spaces, stored as a list."""
    CHOICE = "choice"
    """One of a fixed set of values."""
    FLAG = "flag"
    """Yes or no."""
    PORT = "port"
    """A whole number (a port, an age limit in hours), stored as a number once it is one."""


@record
class Question:
    """One answer the wizard asks for."""

    key: str
    """The plan key (``mail_host``), or the node key (``address``) for node questions."""
    label: str
    """Short label shown before the field."""
    help: str
    """One sentence saying what the value is for."""
    kind: FieldKind = FieldKind.TEXT
    """How the answer is entered."""
    check: Callable[[str], object] | None = None
    """Validator from :mod:`wizard.plan.validate`; raises ValueError with the reason."""
    required: bool = True
    """False when an empty answer is fine (the key is then left out)."""
    choices: tuple[tuple[str, str], ...] = ()
    """(value, label) pairs for choice questions; value ``""`` means not set."""
    modes: tuple[str, ...] = ("single", "nlb")
    """Modes in which the question is asked."""
    placeholder: str = ""
    """An example value shown in an empty field."""
    routes: tuple[str, ...] = DELIVERIES
    """Delivery routes on which the question is asked (the SMTP nodes' questions: not on the Foreign connector)."""

    def asked_in(self, mode: str) -> bool:
        """True when the question applies to the mode."""
        return mode in self.modes

    def asks(self, plan_data: Mapping[str, Any]) -> bool:
        """True when the question applies to the answers given so far: their mode and delivery route.

        The route itself is asked only when the versions leave more than one.
        """
        route = route_of(plan_data)
        if route != "foreign_connector" and not self.asked_in(str(plan_data.get("mode") or "nlb")):
            return False
        if route not in self.routes:
            return False
        return self.key != "delivery" or len(route_choices(plan_data)) > 1


_SPLIT = re.compile(r"[,;\s]+")
NOT_KNOWN = "Not known"
"""The label of an optional choice's unset value."""


def split_list(text: str) -> list[str]:
    """The items of a list answer (commas, semicolons or spaces between them)."""
    return [item for item in _SPLIT.split(text.strip()) if item]


def _each(check: Callable[[str], object]) -> Callable[[str], object]:
    """A validator for a list answer that names the item at fault."""

    def check_items(text: str) -> list[object]:
        items = split_list(text)
        values = []
        for number, item in enumerate(items, start=1):
            try:
                values.append(check(item))
            except ValueError as exc:
                where = f"item {number} " if len(items) > 1 else ""
                raise ValueError(f"{where}{exc}") from None
        return values

    return check_items


def _at_least_one(check: Callable[[str], object], reason: str) -> Callable[[str], object]:
    def check_list(text: str) -> object:
        if not split_list(text):
            raise ValueError(reason)
        return check(text)

    return check_list


def _list_check(field: Field) -> Callable[[str], object] | None:
    """A list answer's validator: each item by the key's item rule, and as many as the key needs."""
    item = field.items
    if item is None or item.check is None:
        return None
    check = _each(item.check)
    return _at_least_one(check, field.too_few) if field.min_items else check


def ask(
    table: Table,
    key: str,
    label: str,
    help: str,
    *,
    placeholder: str = "",
    labels: Mapping[str, str] | None = None,
    modes: tuple[str, ...] = ("single", "nlb"),
    required: bool | None = None,
    routes: tuple[str, ...] = DELIVERIES,
) -> Question:
    """The question for ``key`` of ``table``, its rules taken from the key.

    ``labels`` names some or all of a choice's values; they are offered in the
    plan key's order, or in the labels' order when the labels name every value
    (the modes, whose form order is not the file's); ``required`` is given only where the form needs an answer the file
    may leave out (a key asked in one mode only, which that mode must have).
    """
    field = next(field for field in table.fields if field.name == key)
    check = field.check
    if field.type == "boolean":
        kind = FieldKind.FLAG
    elif field.choices:
        kind = FieldKind.CHOICE
    elif field.type == "array":
        kind, check = FieldKind.LIST, _list_check(field)
    elif field.type == "integer":
        kind = FieldKind.PORT
    else:
        kind = FieldKind.TEXT
    choices: tuple[tuple[str, str], ...] = ()
    if field.choices:
        named = dict(labels or {})
        unknown = set(named) - set(field.choices)
        if unknown:
            raise KeyError(f"{key}: labels for values the plan does not allow: {sorted(unknown)}")
        values = [str(value) for value in field.choices]
        if set(named) == set(values):
            values = list(named)
        choices = tuple((value, named.get(value, value)) for value in values)
        # The unset value is offered only where the form may leave the answer out.
        if not (field.required if required is None else required):
            choices = (("", NOT_KNOWN), *choices)
    return Question(
        key,
        label,
        help,
        kind,
        check=check,
        required=field.required if required is None else required,
        choices=choices,
        modes=modes,
        placeholder=placeholder,
        routes=routes,
    )
