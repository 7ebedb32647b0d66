"""A record behaves as the frozen, slotted dataclass it stands for."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from wizard.record import record


@record
class Reading:
    """A record with every kind of field the product uses."""

    node: str
    code: int = 220
    lines: tuple[str, ...] = field(default_factory=tuple)
    cache: dict[str, int] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Twin:
    """The same fields as a frozen dataclass: what a record must behave like."""

    node: str
    code: int = 220
    lines: tuple[str, ...] = field(default_factory=tuple)
    cache: dict[str, int] = field(default_factory=dict, repr=False, compare=False)


def both(*args: object, **kwargs: object) -> tuple[Reading, Twin]:
    return Reading(*args, **kwargs), Twin(*args, **kwargs)  # type: ignore[arg-type]


def test_a_record_shows_compares_and_hashes_as_a_frozen_dataclass() -> None:
    one, twin = both("wfe1", lines=("ready",), cache={"a": 1})
    assert repr(one).replace("Reading", "Twin") == repr(twin)
    assert repr(one) == "Reading(node='wfe1', code=220, lines=('ready',))"
    other, other_twin = both("wfe1", lines=("ready",), cache={"b": 2})
    assert (one == other) is (twin == other_twin) is True  # the cache is not compared
    assert hash(one) == hash(other)
    assert hash(one) != hash(Reading("wfe2", lines=("ready",)))
    assert one != Reading("wfe1", code=421, lines=("ready",))
    assert one != twin  # type: ignore[comparison-overlap]  # another class, as between two dataclasses
    assert len({one, other, Reading("wfe2")}) == 2


def test_a_record_cannot_be_changed() -> None:
    one, twin = both("wfe1")
    for thing in (one, twin):
        with pytest.raises(dataclasses.FrozenInstanceError):
            thing.code = 421  # type: ignore[misc]
        with pytest.raises(dataclasses.FrozenInstanceError):
            del thing.code
        with pytest.raises((AttributeError, TypeError)):
            thing.extra = 1  # type: ignore[union-attr]
    assert one.code == 220


def test_a_record_works_with_the_dataclass_functions_and_pickle() -> None:
    one = Reading("wfe1", lines=("a", "b"))
    assert dataclasses.is_dataclass(one)
    assert [f.name for f in dataclasses.fields(one)] == ["node", "code", "lines", "cache"]
    changed = dataclasses.replace(one, code=421)
    assert (changed.code, changed.node, one.code) == (421, "wfe1", 220)
    assert dataclasses.asdict(one) == {"node": "wfe1", "code": 220, "lines": ("a", "b"), "cache": {}}
    assert pickle.loads(pickle.dumps(one)) == one
    assert copy.deepcopy(one) == one and copy.copy(one) == one
    assert not hasattr(one, "__dict__")
    assert Reading.__match_args__ == ("node", "code", "lines", "cache")


@record
class Indexed:
    """A record that builds a field of its own after __init__, as the checklist does."""

    names: tuple[str, ...]
    kind: str = field(default="node", init=False)
    index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {name: n for n, name in enumerate(self.names)})


def test_a_record_runs_post_init_and_fills_fields_it_does_not_take() -> None:
    made = Indexed(("wfe1", "wfe2"))
    assert made.index == {"wfe1": 0, "wfe2": 1}
    assert made.kind == "node"
    assert repr(made) == "Indexed(names=('wfe1', 'wfe2'), kind='node')"
    with pytest.raises(TypeError):
        Indexed(("wfe1",), "vip")  # type: ignore[call-arg]
    assert pickle.loads(pickle.dumps(made)).index == made.index
