"""Where the wizard keeps its data: one folder for sessions and settings.

A module of its own so that reading a setting at start-up (the theme, before the first paint)
does not import the session store and the models it brings.
"""

from __future__ import annotations

import os
from pathlib import Path

from wizard import PROG

HOME_ENV = "SPMAIL_WIZARD_HOME"


def home_dir() -> Path:
    """The wizard's data folder: ``$SPMAIL_WIZARD_HOME`` or the platform's user data folder."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs  # only when no folder is given: a rehearsal or test names its own

    return Path(platformdirs.user_data_dir(PROG, appauthor=False))
