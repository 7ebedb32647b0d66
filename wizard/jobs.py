"""The jobs both front ends share: start a session, name it, read a plan path, export (no Textual here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wizard import store
from wizard.checklist.model import Checklist
from wizard.errors import PlanError
from wizard.exportnames import EXPORT_FORMATS as EXPORT_FORMATS
from wizard.exportnames import default_export_path as default_export_path
from wizard.plan import validate
from wizard.plan.model import Plan, load_plan_file
from wizard.results import utc_now
from wizard.session import Session


def read_plan_path(text: str) -> tuple[Plan | None, str]:
    """Load the plan a typed path names, for a field validated as typed.

    Returns:
        The plan (or None) and a line to show: what the plan is, or why it is refused
        (empty for an empty path).
    """
    if not text.strip():
        return None, ""
    path = Path(text.strip()).expanduser()
    if not path.exists():
        return None, "✖ no such file"
    if path.is_dir():
        return None, "✖ is a folder; name the plan file (TOML)"
    try:
        plan = load_plan_file(path)
    except PlanError as exc:
        first = exc.problems[0].describe()
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        return None, f"✖ {first}{more}"
    nodes = len(plan.nodes)
    return plan, f"✔ {plan.mode.upper()} plan for {plan.mail_host}, {nodes} node{'s' if nodes > 1 else ''}"


def name_reason(text: str, home: Path | None = None) -> str:
    """Why a typed session name cannot be used (empty: fine, or empty to choose one)."""
    if not text.strip():
        return ""
    try:
        name = validate.session_name(text)
    except ValueError as exc:
        return str(exc)
    if store.exists(name, home):
        return f"a session named {name!r} exists; resume it or choose another name"
    return ""


def create_session(checklist: Checklist, name: str, plan: Plan | None, home: Path | None = None) -> Session:
    """Create and save a session, blank or prefilled from a plan, as `spmail-wizard new` does.

    Raises:
        StoreError: the session cannot be saved.
    """
    plan_data: dict[str, Any] = {}
    if plan is not None:
        plan_data = plan.to_data()
        plan_data.pop("schema", None)
    base = str(plan_data.get("mail_host") or f"farm-{utc_now():%Y%m%d-%H%M}")
    chosen = validate.session_name(name) if name.strip() else store.unique_name(base, home)
    session = Session(name=chosen, plan_data=plan_data, checklist_version=checklist.version)
    store.save(session, home)
    return session


def refusal(info: store.SessionInfo) -> str:
    """A refused file's reason without its folder (the list already says where sessions live)."""
    return info.error.removeprefix(f"{info.path}: ")


def export(fmt: str, plan: Plan, checklist: Checklist, session: Session | None, output: Path) -> list[Path]:
    """Write a runbook, the scripts or the plan; returns the files written.

    Raises:
        WizardError, OSError, ValueError: the export cannot be written.
    """
    from wizard.runbook.writer import write_export

    return write_export(fmt, plan, checklist, session, output)
