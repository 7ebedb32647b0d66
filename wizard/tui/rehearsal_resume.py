"""Resuming a rehearsal session from the start screen: only where its practice farm runs.

A rehearsal's farm lives in the process that started it and stops with it.
Opening its session in a wizard without that farm would check addresses where
nothing listens any more; `spmail-wizard resume NAME` starts the farm again
as it was left, so the start screen sends the operator there instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard import PROG
from wizard.errors import StoreError

if TYPE_CHECKING:
    from textual.app import App


def refuse_without_farm(app: App[int], name: str) -> bool:
    """True (and said plainly) when ``name`` is a rehearsal whose practice farm does not run in this wizard."""
    from wizard import store

    try:
        rehearsal = store.load(name).rehearsal
    except StoreError:
        return False  # opening it says why, as for any session
    if rehearsal is None or getattr(app, "farm", None) is not None:
        return False
    app.notify(
        f"{name!r} is a rehearsal: its practice farm stopped with the wizard that ran it, so its checks "
        f"would reach nothing. Quit and run `{PROG} resume {name}`: that starts the farm again as it was left.",
        title="Not opened",
        severity="warning",
        timeout=15,
        markup=False,
    )
    return True
