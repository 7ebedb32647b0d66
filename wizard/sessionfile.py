"""A session's file format: the JSON document, its version and migrations, and decoding it whole or not at all."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from wizard.errors import StoreError
from wizard.plan import validate
from wizard.session import Session, StepProgress

FORMAT = "spmail-wizard-session"
"""Marker that tells our files from anything else named *.json."""
SCHEMA_VERSION = 2
"""Version of the session file layout; older files are migrated on load."""


def to_json(session: Session) -> dict[str, Any]:
    """The session as the data of its file."""
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "name": session.name,
        "checklist": {"id": session.checklist_id, "version": session.checklist_version},
        "current_step": session.current_step,
        "created_at": session.created_at.isoformat(),
        "updated_at": session.updated_at.isoformat(),
        "plan": session.plan_data,
        "progress": {step: entry.to_json() for step, entry in session.progress.items()},
    } | _optional_json(session)


def _optional_json(session: Session) -> dict[str, Any]:
    """Keys a session has only once they are set, so older files and goldens stay as they were."""
    extra: dict[str, Any] = {}
    if session.steps_hidden is not None:
        extra["view"] = {"steps_hidden": session.steps_hidden}
    if session.rehearsal is not None:
        extra["rehearsal"] = session.rehearsal
    return extra


def from_json(data: Any) -> Session:
    """Rebuild a session from its file's data (already migrated).

    Raises:
        KeyError, TypeError, ValueError: the data is not a well-formed session.
    """
    if not isinstance(data, dict):
        raise TypeError("the file does not hold a JSON object")
    checklist = data["checklist"]
    plan = data["plan"]
    progress = data["progress"]
    if not isinstance(plan, dict) or not isinstance(progress, dict) or not isinstance(checklist, dict):
        raise TypeError("plan, progress and checklist must be objects")
    name = validate.session_name(data["name"])
    current = data["current_step"]
    if not isinstance(current, str):
        raise TypeError("current_step must be text")
    created = datetime.fromisoformat(data["created_at"])
    updated = datetime.fromisoformat(data["updated_at"])
    view = data.get("view", {})
    hidden = view.get("steps_hidden") if isinstance(view, dict) else None
    if hidden is not None and not isinstance(hidden, bool):
        raise TypeError("view.steps_hidden must be true or false")
    rehearsal = data.get("rehearsal")
    if rehearsal is not None and not isinstance(rehearsal, dict):
        raise TypeError("rehearsal must be an object")
    version = checklist["version"]
    if not isinstance(version, int) or isinstance(version, bool) or not 0 < version < 1_000_000:
        raise TypeError("checklist version must be a small whole number")
    return Session(
        name=name,
        plan_data=plan,
        checklist_id=str(checklist["id"]),
        checklist_version=version,
        current_step=current,
        progress={str(step): StepProgress.from_json(entry) for step, entry in progress.items()},
        created_at=created,
        updated_at=updated,
        steps_hidden=hidden,
        rehearsal=rehearsal,
    )


def _results_observed_at(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 called a result's time ``checked_at``; the contract calls it ``observed_at``."""
    progress = data.get("progress")
    for entry in progress.values() if isinstance(progress, dict) else ():
        results = entry.get("results") if isinstance(entry, dict) else None
        for result in results if isinstance(results, list) else ():
            if isinstance(result, dict) and "checked_at" in result:
                result["observed_at"] = result.pop("checked_at")
    return data | {"schema_version": 2}


# Migrations: _MIGRATIONS[n] turns a version-n document into version n+1.
_MIGRATIONS: dict[int, Any] = {1: _results_observed_at}


def _migrate(data: dict[str, Any], path: Path) -> dict[str, Any]:
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise StoreError(f"{path}: refused: no valid schema_version; the file was left as it is")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: refused: written by a newer spmail-wizard (session schema {version}, "
            f"this one reads up to {SCHEMA_VERSION}); the file was left as it is"
        )
    while version < SCHEMA_VERSION:
        data = _MIGRATIONS[version](data)
        version += 1
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a session holds")


def decode(raw: bytes, path: Path) -> Session:
    """A session from a file's bytes, or one line saying why not."""
    left = "; the file was left as it is"
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise StoreError(
            f"{path}: refused: not a complete session file (corrupt or truncated){left}"
        ) from None
    except RecursionError:
        raise StoreError(f"{path}: refused: nested too deeply to be a session file{left}") from None
    except ValueError as exc:  # NaN or Infinity, or an integer of thousands of digits
        raise StoreError(f"{path}: refused: damaged session ({_short(exc)}){left}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StoreError(f"{path}: refused: not an spmail-wizard session file{left}")
    data = _migrate(data, path)
    try:
        return from_json(data)
    except (KeyError, TypeError, ValueError, OverflowError, RecursionError, AttributeError) as exc:
        detail = f"missing {_short(exc)}" if isinstance(exc, KeyError) else _short(exc)
        raise StoreError(f"{path}: refused: damaged session ({detail}){left}") from None


def _short(exc: BaseException) -> str:
    """An exception's message on one line, cut to a readable length."""
    text = " ".join(str(exc).split())
    return text if len(text) <= 80 else text[:77] + "..."
