"""Typed fields of a table read from TOML or JSON: each value checked with a reason a user reads,
and the same description written out as JSON Schema.

The plan is described once, as :class:`Table` data, and this module both reads
it and documents it. Plain Python, so reading a plan costs microseconds and no
import of a validation library: `check` starts about as fast as a shell tool.
Values are taken strictly, as a file states them: a port is a whole number, not
the text ``"25"``; a flag is ``true`` or ``false``, not ``1``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from wizard.errors import Problem, quote
from wizard.record import record

JsonType = str
"""A JSON Schema type name: ``string``, ``integer``, ``boolean``, ``array`` or ``object``."""

_TYPE_REASONS = {
    "string": "must be a quoted string",
    "integer": "must be a whole number",
    "boolean": "must be true or false",
    "array": 'must be a list, such as ["..."]',
    "object": "must be a table",
}
_REQUIRED = object()
"""The default of a key that must be given."""


@record
class Field:
    """One key of a table: its JSON type, the rule its value must meet, and what it means."""

    name: str
    type: JsonType
    description: str = ""
    default: Any = _REQUIRED
    """The value when the key is left out; a key whose default is None may also be given as null."""
    check: Callable[[str], Any] | None = None
    """For strings: returns the value normalised, or raises ValueError with the reason. For
    integers: reads one from an answer typed as text (a file's value is taken only as a number)."""
    choices: tuple[Any, ...] = ()
    """The only values allowed, when there is such a list."""
    minimum: int | None = None
    maximum: int | None = None
    range_reason: str = ""
    """Said after the value when it is outside minimum..maximum (``is outside the port range 1-65535``)."""
    items: Field | None = None
    """For arrays: each entry's rule (its name is not used)."""
    table: Table | None = None
    """For objects, and arrays of objects: the table's keys."""
    min_items: int = 0
    too_few: str = "must not be empty"
    max_items: int | None = None
    too_many: str = "has too many entries"
    """Said when there are more than max_items; ``{count}`` is replaced by how many there are."""
    written_at_default: bool = True
    """False: the key is left out of written data while it holds its default."""

    @property
    def required(self) -> bool:
        """Whether the key must be given."""
        return self.default is _REQUIRED

    @property
    def nullable(self) -> bool:
        """Whether null stands for "not given" (every optional key without another default)."""
        return self.default is None


@record
class Table:
    """The keys of one table, in file order, and the type built from its values."""

    title: str
    description: str
    fields: tuple[Field, ...]
    build: Callable[..., Any]
    """Called with every key's value by field name; returns the table's object."""

    def names(self) -> list[str]:
        """The keys a file may give, in order."""
        return [field.name for field in self.fields]


Loc = tuple[int | str, ...]


class _Reader:
    """Collects every problem of one document, each with its key path."""

    def __init__(self) -> None:
        self.problems: list[tuple[Loc, str]] = []

    def table(self, table: Table, data: object, loc: Loc) -> Any:
        if not isinstance(data, Mapping):
            self.problems.append((loc, _TYPE_REASONS["object"]))
            return None
        before = len(self.problems)
        values: dict[str, Any] = {}
        for field in table.fields:
            if field.name in data:
                values[field.name] = self.value(field, data[field.name], (*loc, field.name))
            elif field.required:
                self.problems.append(((*loc, field.name), "is required"))
            else:
                values[field.name] = list(field.default) if isinstance(field.default, list) else field.default
        known = set(table.names())
        for key in data:
            if key not in known:
                self.problems.append(
                    ((*loc, key), f"unknown key; the keys here are {', '.join(table.names())}")
                )
        if len(self.problems) > before:
            return None
        return table.build(**values)

    def value(self, field: Field, value: object, loc: Loc) -> Any:
        if value is None and field.nullable:
            return None
        if field.choices:
            if not any(type(value) is type(choice) and value == choice for choice in field.choices):
                allowed = ", ".join(str(choice) for choice in field.choices)
                self.problems.append((loc, f"{quote(value)} is not one of: {allowed}"))
            return value
        if field.type == "object" and field.table is not None:
            return self.table(field.table, value, loc)
        if not _has_type(field.type, value):
            self.problems.append((loc, _TYPE_REASONS[field.type]))
            return value
        if isinstance(value, list):
            return self._array(field, value, loc)
        if isinstance(value, str) and field.check is not None:
            try:
                return field.check(value)
            except ValueError as exc:
                self.problems.append((loc, str(exc)))
                return value
        if isinstance(value, int) and not _within(field, value):
            self.problems.append((loc, f"{value} {field.range_reason}"))
        return value

    def _array(self, field: Field, value: list[Any], loc: Loc) -> list[Any]:
        if len(value) < field.min_items:
            self.problems.append((loc, field.too_few))
        if field.max_items is not None and len(value) > field.max_items:
            self.problems.append((loc, field.too_many.format(count=len(value))))
        if field.table is not None:
            table = field.table
            return [self.table(table, item, (*loc, index)) for index, item in enumerate(value)]
        if field.items is None:
            return value
        return [self.value(field.items, item, (*loc, index)) for index, item in enumerate(value)]


def _has_type(kind: JsonType, value: object) -> bool:
    if kind == "integer":
        return type(value) is int  # True is not a port
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, Mapping)
    return isinstance(value, str)


def _within(field: Field, value: int) -> bool:
    return (field.minimum is None or value >= field.minimum) and (
        field.maximum is None or value <= field.maximum
    )


def read_table(table: Table, data: object) -> tuple[Any, list[tuple[Loc, str]]]:
    """The table's object built from ``data``, or None and every problem with its key path."""
    reader = _Reader()
    built = reader.table(table, data, ())
    return (None if reader.problems else built), reader.problems


def key_path(loc: Loc) -> str:
    """A key path as a user writes it: ``nodes[1].address``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def problems_at(found: list[tuple[Loc, str]], locate: Callable[[Loc], int | None]) -> list[Problem]:
    """The problems found, each with its key path and line, in line order."""
    problems = [Problem(key_path(loc), reason, locate(loc)) for loc, reason in found]
    problems.sort(key=lambda p: (p.line is None, p.line or 0))
    return problems


def to_data(table: Table, obj: object) -> dict[str, Any]:
    """An object built from a table, as plain data in key order, without keys left unset (None)."""
    data: dict[str, Any] = {}
    for field in table.fields:
        value = getattr(obj, field.name)
        if value is None or (not field.written_at_default and value == field.default):
            continue
        inner = field.table
        if inner is not None and field.type == "object":
            value = to_data(inner, value)
        elif inner is not None:
            value = [to_data(inner, item) for item in value]
        elif isinstance(value, list):
            value = list(value)
        data[field.name] = value
    return data


def json_schema(table: Table, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The table as a JSON Schema (draft 2020-12), with its inner tables under ``$defs``."""
    defs: dict[str, Any] = {}
    schema = _object_schema(table, defs)
    if defs:
        schema = {"$defs": defs, **schema}
    return {**schema, **(extra or {})}


def _object_schema(table: Table, defs: dict[str, Any]) -> dict[str, Any]:
    return {
        "additionalProperties": False,
        "description": table.description,
        "properties": {field.name: _field_schema(field, defs) for field in table.fields},
        "required": [field.name for field in table.fields if field.required],
        "title": table.title,
        "type": "object",
    }


def _field_schema(field: Field, defs: dict[str, Any]) -> dict[str, Any]:
    schema = _type_schema(field, defs)
    if field.nullable:
        schema = {"anyOf": [schema, {"type": "null"}]}
    if field.description:
        schema["description"] = field.description
    if not field.required:
        schema["default"] = field.default
    return schema


def _type_schema(field: Field, defs: dict[str, Any]) -> dict[str, Any]:
    if field.table is not None:
        defs.setdefault(field.table.title, _object_schema(field.table, defs))
        ref = {"$ref": f"#/$defs/{field.table.title}"}
        if field.type == "object":
            return ref
        return _array_schema(field, ref)
    if field.type == "array":
        items = _type_schema(field.items, defs) if field.items is not None else {}
        if field.items is not None and field.items.description:
            items["description"] = field.items.description
        return _array_schema(field, items)
    schema: dict[str, Any] = {"type": field.type}
    if field.choices:
        schema["enum"] = list(field.choices)
    if field.minimum is not None:
        schema["minimum"] = field.minimum
    if field.maximum is not None:
        schema["maximum"] = field.maximum
    return schema


def _array_schema(field: Field, items: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = {"items": items, "type": "array"}
    if field.min_items:
        schema["minItems"] = field.min_items
    if field.max_items is not None:
        schema["maxItems"] = field.max_items
    return schema
