"""Load and validate checklist files from ``checklists/`` into model objects."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from wizard import tomlcache
from wizard.checklist.model import (
    CHECK_TYPES,
    CONDITION_KEYS,
    SHELLS,
    STEP_CONDITION_KEYS,
    Checklist,
    Condition,
    GuiPath,
    Host,
    LaterStep,
    Script,
    Step,
    StepKind,
    TargetKind,
)
from wizard.checklist.vantages import parse_check_specs, parse_proof, verify_specs
from wizard.checklist.waits import resolve_waits
from wizard.errors import ChecklistError
from wizard.plan.model import MODES, PRODUCT_VERSIONS, WINDOWS_VERSIONS
from wizard.plan.routefields import DELIVERIES

DEFAULT_CHECKLIST = "incoming-email.toml"
_STEP_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_REQUIRED_STEP_FIELDS = (
    "id",
    "title",
    "kind",
    "modes",
    "host",
    "why",
    "before",
    "verify",
    "expected",
    "on_failure",
    "undo",
    "pitfalls",
)
"""Fields every step must give: what front ends, runbook and content checks show for each step."""
_STEP_FIELDS = {
    *_REQUIRED_STEP_FIELDS,
    *("gui", "scripts", "checks", "proof", "locks_out", "confirm_done_unless_passed", "risk", "waits_for"),
    "backout_first",
    "when",
}
"""Every field a step may have: the required ones and the optional ones."""
_TOP_FIELDS = {"id", "title", "version", "steps", "places", "sending_checks", "checks"}
_PAGE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CONDITION_VALUES = {"mode": MODES, "sharepoint": PRODUCT_VERSIONS, "exchange": PRODUCT_VERSIONS}
_CONDITION_VALUES |= {"windows": WINDOWS_VERSIONS, "delivery": DELIVERIES}
_T = TypeVar("_T")


def checklist_dir() -> Path:
    """The folder of shipped checklists (inside the installed package)."""
    return Path(str(resources.files("wizard") / "checklists"))


def load_default(*, templates: bool = True) -> Checklist:
    """The shipped incoming e-mail checklist; see :func:`load_checklist` for ``templates``."""
    return load_checklist(checklist_dir() / DEFAULT_CHECKLIST, templates=templates, shipped=True)


def load_checklist(path: Path, *, templates: bool = True, shipped: bool = False) -> Checklist:
    """Read and validate one checklist file.

    Args:
        path: the checklist file.
        templates: also render every text template against sample plans, so that a broken one is
            named now. A caller that shows no guidance (a headless check) leaves it off: rendering
            them all costs more than the rest of its start-up.
        shipped: the file is the package's own, so its parsed copy may be kept and read back
            (:mod:`wizard.tomlcache`); it is still validated whole each time.

    Raises:
        ChecklistError: naming the file, and the step and field where the defect is.
    """
    name = path.name
    try:
        data = tomlcache.load(path) if shipped else tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ChecklistError(f"{name}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ChecklistError(f"{name}: is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ChecklistError(f"{name}: not valid TOML: {exc}") from None
    checklist = parse_checklist(data, name)
    if templates:
        # Imported here: rendering pulls in jinja2, which loading alone does not need.
        from wizard.render import verify_templates

        verify_templates(checklist)
    return checklist


def parse_checklist(data: Mapping[str, Any], name: str) -> Checklist:
    """Validate checklist data already parsed from TOML."""
    unknown = set(data) - _TOP_FIELDS
    if unknown:
        raise ChecklistError(f"{name}: unknown top-level field {sorted(unknown)[0]!r}")
    for key in ("id", "title"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ChecklistError(f"{name}: field {key!r} must be a non-empty string")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ChecklistError(f"{name}: field 'version' must be a whole number from 1")
    places = _parse_places(data.get("places"), name)
    sending = _parse_sending_checks(data.get("sending_checks", []), name)
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ChecklistError(f"{name}: needs at least one [[steps]] table")
    steps: list[Step] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_steps):
        step = _parse_step(raw, name, index, places, sending)
        if step.id in seen:
            raise ChecklistError(f"{name}: step {step.id!r}: field 'id': duplicate step id")
        seen.add(step.id)
        steps.append(step)
    steps = resolve_waits(steps, name)
    specs = parse_check_specs(data.get("checks"), name)
    verify_specs(steps, specs, name)
    return Checklist(
        data["id"],
        data["title"],
        version,
        tuple(steps),
        source=name,
        places=tuple((host, place[0]) for host, place in places.items()),
        checks=specs,
    )


_Place = tuple[str, tuple[tuple[str, str], ...], str]
"""A place's heading, its console pages, and the team that works there."""


def _parse_places(raw: Any, name: str) -> dict[Host, _Place]:
    """The ``[places]`` table: a heading, the team that works there and optional named console pages."""
    if not isinstance(raw, Mapping) or not raw:
        raise ChecklistError(f"{name}: needs a [places] table naming each place steps are done in")
    places: dict[Host, _Place] = {}
    for key, value in raw.items():
        where = f"{name}: places.{key}"
        if key not in tuple(Host):
            raise ChecklistError(f"{where}: {key!r} is not one of {', '.join(Host)}")
        if not isinstance(value, Mapping) or set(value) - {"label", "team", "pages"}:
            raise ChecklistError(f"{where}: must be a table with 'label' and optional 'team' and 'pages'")
        label, team = value.get("label"), value.get("team", "")
        if not isinstance(label, str) or not label.strip():
            raise ChecklistError(f"{where}: 'label' is required and must be non-empty text")
        if not isinstance(team, str):
            raise ChecklistError(f"{where}: 'team' must be text")
        pages = value.get("pages", {})
        if not isinstance(pages, Mapping):
            raise ChecklistError(f"{where}: 'pages' must be a table of page name = path")
        for page, path in pages.items():
            if not _PAGE_NAME.match(page) or not isinstance(path, str) or not path.strip():
                raise ChecklistError(
                    f"{where}.pages.{page}: a page needs a lower-case name and a non-empty path"
                )
        places[Host(key)] = (
            label.strip(),
            tuple((page, path.strip()) for page, path in pages.items()),
            team.strip(),
        )
    return places


def _parse_sending_checks(raw: Any, name: str) -> frozenset[str]:
    """``sending_checks``: the check types that can send a real message when the operator asks."""
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ChecklistError(f"{name}: field 'sending_checks' must be a list of check types")
    for item in raw:
        if item not in CHECK_TYPES:
            raise ChecklistError(
                f"{name}: field 'sending_checks': {item!r} is not one of {', '.join(CHECK_TYPES)}"
            )
    return frozenset(raw)


class _StepReader:
    """Reads one step's fields, naming file, step and field in every error."""

    def __init__(self, raw: Mapping[str, Any], file: str, label: str):
        self.raw = raw
        self.file = file
        self.label = label

    def fail(self, field: str, reason: str) -> ChecklistError:
        return ChecklistError(f"{self.file}: step {self.label}: field {field!r}: {reason}")

    def text(self, field: str, *, required: bool = True) -> str:
        value = self.raw.get(field)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(
                field, "is required and must be non-empty text" if value is None else "must be non-empty text"
            )
        return value.strip()

    def choice(self, field: str, allowed: tuple[str, ...], convert: Callable[[str], _T]) -> _T:
        value = self.text(field)
        if value not in allowed:
            raise self.fail(field, f"{value!r} is not one of {', '.join(allowed)}")
        return convert(value)

    def strings(self, field: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = self.raw.get(field, [])
        if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
            raise self.fail(field, "must be a list of non-empty strings")
        if allowed is not None:
            for item in value:
                if item not in allowed:
                    raise self.fail(field, f"{item!r} is not one of {', '.join(allowed)}")
        if len(set(value)) != len(value):
            raise self.fail(field, "lists the same value twice")
        return tuple(x.strip() for x in value)

    def condition(self, field: str, raw: Any, keys: tuple[str, ...] = CONDITION_KEYS) -> Condition:
        if raw is None:
            return Condition()
        if not isinstance(raw, Mapping):
            raise self.fail(field, "'when' must be a table such as { exchange = [\"2013\"] }")
        values: dict[str, tuple[str, ...]] = {}
        for key, items in raw.items():
            if key not in keys:
                raise self.fail(field, f"'when' key {key!r} is not one of {', '.join(keys)}")
            if not isinstance(items, list) or not items or not all(isinstance(x, str) for x in items):
                raise self.fail(field, f"'when.{key}' must be a non-empty list of strings")
            for item in items:
                if item not in _CONDITION_VALUES[key]:
                    raise self.fail(
                        field,
                        f"'when.{key}' value {item!r} is not one of {', '.join(_CONDITION_VALUES[key])}",
                    )
            values[key] = tuple(items)
        return Condition(**values)

    def tables(self, field: str) -> list[Mapping[str, Any]]:
        value = self.raw.get(field, [])
        if not isinstance(value, list) or not all(isinstance(x, Mapping) for x in value):
            raise self.fail(field, f"must be a list of [[steps.{field}]] tables")
        return value


def _parse_step(
    raw: Any, file: str, index: int, places: Mapping[Host, _Place], sending: frozenset[str]
) -> Step:
    if not isinstance(raw, Mapping):
        raise ChecklistError(f"{file}: step #{index + 1}: must be a table")
    step_id = raw.get("id")
    label = repr(step_id) if isinstance(step_id, str) else f"#{index + 1}"
    reader = _StepReader(raw, file, label)
    for field in _REQUIRED_STEP_FIELDS:
        if field not in raw:
            raise reader.fail(field, "is required")
    unknown = sorted(set(raw) - _STEP_FIELDS)
    if unknown:
        raise reader.fail(unknown[0], "unknown field")
    if not isinstance(step_id, str) or not _STEP_ID.match(step_id):
        raise reader.fail("id", "must be lower-case letters, digits and '_', starting with a letter")
    modes = reader.strings("modes", MODES)
    if not modes:
        raise reader.fail("modes", "must name at least one mode")
    host = reader.choice("host", tuple(Host), Host)
    if host not in places:
        raise reader.fail("host", f"{host.value!r} has no entry in the [places] table")
    pitfalls = reader.strings("pitfalls")
    if not pitfalls:
        raise reader.fail("pitfalls", "must name at least one trap of this step")
    checks = reader.strings("checks", CHECK_TYPES)
    confirm = raw.get("confirm_done_unless_passed", False)
    if not isinstance(confirm, bool):
        raise reader.fail("confirm_done_unless_passed", "must be true or false")
    gui = []
    for index, item in enumerate(reader.tables("gui")):
        where = f"gui[{index}]"
        _only(reader, where, item, {"text", "label", "when", "prerequisite"})
        gui.append(
            GuiPath(
                text=_item_text(reader, where, item, "text"),
                label=_item_text(reader, where, item, "label"),
                when=reader.condition(where, item.get("when")),
                prerequisite=_item_flag(reader, where, item, "prerequisite"),
            )
        )
    scripts = []
    for index, item in enumerate(reader.tables("scripts")):
        where = f"scripts[{index}]"
        _only(reader, where, item, {"text", "label", "when", "shell", "source", "prerequisite"})
        shell = _item_text(reader, where, item, "shell")
        if shell not in SHELLS:
            raise reader.fail(where, f"shell {shell!r} is not one of {', '.join(SHELLS)}")
        scripts.append(
            Script(
                text=_item_text(reader, where, item, "text"),
                shell=shell,
                source=_item_text(reader, where, item, "source"),
                label=_item_text(reader, where, item, "label"),
                when=reader.condition(where, item.get("when")),
                prerequisite=_item_flag(reader, where, item, "prerequisite"),
            )
        )
    where, pages, team = places[host]
    return Step(
        id=step_id,
        title=reader.text("title"),
        kind=reader.choice("kind", tuple(StepKind), StepKind),
        modes=modes,
        host=host,
        why=reader.text("why"),
        verify=reader.text("verify"),
        on_failure=reader.text("on_failure"),
        undo=reader.text("undo"),
        gui=tuple(gui),
        scripts=tuple(scripts),
        checks=checks,
        before=reader.text("before"),
        pitfalls=pitfalls,
        expected=reader.text("expected"),
        where=where,
        team=team,
        risk=reader.text("risk", required=False),
        backout_first=reader.text("backout_first", required=False),
        pages=pages,
        locks_out=reader.text("locks_out", required=False),
        confirm_done_unless_passed=confirm,
        sends_mail=bool(sending & set(checks)),
        proof=parse_proof(raw.get("proof"), reader.fail),
        waits_for=_parse_waits(reader, raw.get("waits_for", {})),
        when=reader.condition("when", raw.get("when"), STEP_CONDITION_KEYS),
    )


def _parse_waits(reader: _StepReader, raw: Any) -> tuple[LaterStep, ...]:
    if not isinstance(raw, Mapping) or not all(isinstance(value, str) for value in raw.values()):
        raise reader.fail("waits_for", "must be a table of target = step id")
    kinds = {kind.value for kind in TargetKind}
    for key in raw:
        if key not in kinds:
            raise reader.fail("waits_for", f"{key!r} is not one of {', '.join(sorted(kinds))}")
    return tuple(LaterStep(TargetKind(key), step) for key, step in raw.items())


def _only(reader: _StepReader, field: str, item: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise reader.fail(field, f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")


def _item_text(
    reader: _StepReader, field: str, item: Mapping[str, Any], key: str, *, required: bool = True
) -> str:
    value = item.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise reader.fail(field, f"'{key}' is required and must be non-empty text")
    return value.strip("\n")


def _item_flag(reader: _StepReader, field: str, item: Mapping[str, Any], key: str) -> bool:
    value = item.get(key, False)
    if not isinstance(value, bool):
        raise reader.fail(field, f"'{key}' must be true or false")
    return value
