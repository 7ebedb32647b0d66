"""The wizard's own settings (the theme chosen), kept apart from sessions.

A session file holds a farm's values and results; a setting of the operator's
terminal has no place there. ``settings.json`` sits in the data folder beside
``sessions/``. A damaged, foreign or huge file is ignored (the defaults apply)
and left as it is until a setting is changed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from wizard.atomicfile import RefusedFile, read_bounded, write_atomic
from wizard.datahome import home_dir

FILE_NAME = "settings.json"
MAX_BYTES = 64 * 1024
"""A settings file is a few dozen bytes; anything larger is not ours."""
_THEME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
"""A theme's name as Textual spells them (``textual-light``), nothing else."""


def settings_path(home: Path | None = None) -> Path:
    """Where the settings live: ``settings.json`` in the data folder."""
    return (home or home_dir()) / FILE_NAME


def _read(path: Path) -> dict[str, object]:
    try:
        data = json.loads(read_bounded(path, MAX_BYTES).decode("utf-8"))
    except (OSError, RefusedFile, UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def saved_theme(home: Path | None = None) -> str | None:
    """The theme chosen last, or None (never chosen, or the file is not usable)."""
    theme = _read(settings_path(home)).get("theme")
    return theme if isinstance(theme, str) and _THEME.match(theme) else None


def save_theme(theme: str, home: Path | None = None) -> None:
    """Remember the theme chosen (other settings kept); an unwritable folder is not an error worth a stop."""
    if not _THEME.match(theme):
        return
    path = settings_path(home)
    settings = _read(path)
    settings["theme"] = theme
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, (json.dumps(settings, indent=2) + "\n").encode("utf-8"), private=True)
    except (OSError, RefusedFile):
        return
