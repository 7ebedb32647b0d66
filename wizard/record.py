"""Frozen records: frozen, slotted dataclasses whose common methods are written once.

``@dataclass(frozen=True, slots=True)`` compiles six methods for each class it makes
(``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``),
and on Python 3.11 each compile costs about a quarter of a millisecond. A headless `check`
makes 31 such classes as it starts: about 50 ms of its 290, more than anything else of its
own. :func:`record` has dataclasses compile only ``__init__``; the five others are the
functions below, shared by every record, which read the class's fields when called.

A record behaves as a frozen dataclass does: fields compare, hash and show in order (those
with ``compare=False`` or ``repr=False`` left out), ``dataclasses.replace``, ``fields`` and
``asdict`` work, and assigning or deleting a field raises ``FrozenInstanceError``. The one
difference: ``__init__`` (and unpickling) may set each field once, as a frozen dataclass's
``__init__`` does behind the scenes.
"""

from __future__ import annotations

from dataclasses import Field, FrozenInstanceError, dataclass, field, fields
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")

_NAMES = "__record_names__"
"""Class attribute: the field names that (compare, show, hash), worked out once per class."""


def _names(self: Any) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    names: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] = getattr(type(self), _NAMES)
    return names


def _eq(self: Any, other: object) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    compared = _names(self)[0]
    return all(getattr(self, name) == getattr(other, name) for name in compared)


def _hash(self: Any) -> int:
    return hash(tuple(getattr(self, name) for name in _names(self)[2]))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _names(self)[1])
    return f"{type(self).__qualname__}({shown})"


def _setattr(self: Any, name: str, value: Any) -> None:
    try:
        object.__getattribute__(self, name)
    except AttributeError:  # not set yet: __init__, __post_init__ or unpickling
        object.__setattr__(self, name, value)
        return
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def record(cls: type[T]) -> type[T]:
    """Make ``cls`` a frozen, slotted dataclass (see the module's docstring)."""
    for name, method in (
        ("__eq__", _eq),
        ("__hash__", _hash),
        ("__repr__", _repr),
        ("__setattr__", _setattr),
        ("__delattr__", _delattr),
    ):
        setattr(cls, name, method)
    made = dataclass(slots=True, eq=False, repr=False)(cls)
    every = fields(made)  # type: ignore[arg-type]
    compared = tuple(f.name for f in every if f.compare)
    shown = tuple(f.name for f in every if f.repr)
    hashed = tuple(f.name for f in every if (f.compare if f.hash is None else f.hash))
    setattr(made, _NAMES, (compared, shown, hashed))
    return made
