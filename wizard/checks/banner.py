"""What an IIS SMTP greeting tells about the node's Windows Server, only where the sources confirm it."""

from __future__ import annotations

import re

_VERSION = re.compile(r"Microsoft ESMTP MAIL Service, Version: (\d+\.\d+\.\d+)")

CONFIRMED_BUILDS: dict[str, str] = {
    "6.0.3790": "2003",
    "7.5.7601": "2008r2",
    "10.0.14393": "2016",
    "10.0.17763": "2019",
}
"""IIS SMTP version prefixes seen in real greetings, and the Windows Server release each comes with.
Other releases (2008, 2012, 2012 R2, 2022) are not confirmed by a source, so nothing is said for them."""

_DEPRECATED = ("2012", "2012r2", "2016", "2019", "2022")


def windows_of(greeting: str) -> str | None:
    """The Windows Server release a greeting's version reveals, or None when no source confirms it."""
    match = _VERSION.search(greeting)
    return CONFIRMED_BUILDS.get(match.group(1)) if match else None


def windows_note(greeting: str, planned: str | None) -> str:
    """A clause for a check summary: the release the greeting reveals, its SMTP lifecycle, and the plan.

    Empty when the greeting's version is not one the sources tie to a release.
    """
    match = _VERSION.search(greeting)
    windows = windows_of(greeting)
    if match is None or windows is None:
        return ""
    name = "Windows Server " + windows.replace("r2", " R2")
    note = f"; its greeting's version {match.group(1)} is {name}"
    if windows in _DEPRECATED:
        note += ", where the SMTP Server feature is deprecated (removed in Windows Server 2025)"
    if planned and planned != windows:
        note += f"; the plan says Windows Server {planned.replace('r2', ' R2')}"
    return note
