"""Frozen records: frozen, slotted dataclasses whose common methods are written once.

``@dataclass(frozen=True, slots=True)`` compiles six methods for each class it makes
(``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``),
and on Python 3.11 each compile costs about a quarter of a millisecond. A headless `check`
makes 31 such classes as it starts: about 50 ms of its 290, more than anything else of its
own. :func:`record` compiles one: the ``__init__``, which sets each field past the frozen
``__setattr__`` as a frozen dataclass's does. The others are the functions below, shared by
every record; they read the class's fields, found once when the class is made.

A record behaves as a frozen dataclass does: fields compare, hash and show in order (those
with ``compare=False`` or ``repr=False`` left out); ``dataclasses.replace``, ``fields`` and
``asdict``, pickling and copying work; assigning or deleting a field raises
``FrozenInstanceError``; ``__post_init__`` runs after ``__init__``. Keyword-only fields are
not supported (no record has one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, dataclass, field, fields
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")


class _Shape:
    """What the shared methods need of one record class, worked out once when it is made."""

    __slots__ = ("compared", "hashed", "names", "shown")

    def __init__(self, every: tuple[Field[Any], ...]) -> None:
        self.names = tuple(f.name for f in every)
        self.compared = _getter(tuple(f.name for f in every if f.compare))
        self.hashed = _getter(tuple(f.name for f in every if (f.compare if f.hash is None else f.hash)))
        self.shown = tuple(f.name for f in every if f.repr)


def _getter(names: tuple[str, ...]) -> Callable[[Any], Any]:
    if not names:
        return lambda _: ()
    return attrgetter(*names)


def _shape(self: Any) -> _Shape:
    shape: _Shape = type(self).__record_shape__
    return shape


def _eq(self: Any, other: object) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    compared = _shape(self).compared
    return compared(self) == compared(other)


def _hash(self: Any) -> int:
    return hash(_shape(self).hashed(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _shape(self).shown)
    return f"{type(self).__qualname__}({shown})"


def _setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: Any) -> list[Any]:
    return [getattr(self, name) for name in _shape(self).names]


def _setstate(self: Any, state: list[Any]) -> None:
    # Unpickling and copying set the fields past the frozen __setattr__, as __init__ does.
    for name, value in zip(_shape(self).names, state, strict=True):
        object.__setattr__(self, name, value)


def _init(cls: type, every: tuple[Field[Any], ...]) -> Callable[..., None]:
    """The class's ``__init__``, compiled once: each field set past the frozen ``__setattr__``."""
    env: dict[str, Any] = {"__record_set__": object.__setattr__, "__record_missing__": MISSING}
    params, body = ["__record_self__"], []
    for f in every:
        if f.kw_only:
            raise TypeError(f"{cls.__qualname__}.{f.name}: a record's fields are not keyword-only")
        default, factory = f"__record_default_{f.name}__", f"__record_factory_{f.name}__"
        has_default, has_factory = f.default is not MISSING, f.default_factory is not MISSING
        if has_default:
            env[default] = f.default
        if has_factory:
            env[factory] = f.default_factory
        if not f.init:  # not a parameter: its default, or left to __post_init__
            if not (has_default or has_factory):
                continue
            value = default if has_default else f"{factory}()"
        elif has_default:
            params.append(f"{f.name}={default}")
            value = f.name
        elif has_factory:
            params.append(f"{f.name}=__record_missing__")
            value = f"{factory}() if {f.name} is __record_missing__ else {f.name}"
        else:
            params.append(f.name)
            value = f.name
        body.append(f"__record_set__(__record_self__, {f.name!r}, {value})")
    if hasattr(cls, "__post_init__"):
        body.append("__record_self__.__post_init__()")
    source = f"def __init__({', '.join(params)}):\n" + "".join(f"    {line}\n" for line in body or ["pass"])
    made: dict[str, Any] = {}
    exec(source, env, made)  # noqa: S102 - our own source, made of field names
    init: Callable[..., None] = made["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def record(cls: type[T]) -> type[T]:
    """Make ``cls`` a frozen, slotted dataclass (see the module's docstring)."""
    shared = {
        "__eq__": _eq,
        "__hash__": _hash,
        "__repr__": _repr,
        "__setattr__": _setattr,
        "__delattr__": _delattr,
        "__getstate__": _getstate,
        "__setstate__": _setstate,
    }
    for name, method in shared.items():
        setattr(cls, name, method)
    # Dataclasses compile nothing here (no init, repr, eq or frozen methods asked of them):
    # they find the fields, make the slots and the dataclass bookkeeping.
    made = dataclass(slots=True, init=False, eq=False, repr=False)(cls)
    every = fields(made)  # type: ignore[arg-type]
    made.__record_shape__ = _Shape(every)  # type: ignore[attr-defined]
    made.__init__ = _init(made, every)  # type: ignore[method-assign]
    return made
