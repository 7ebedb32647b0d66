"""Platform facts as data: which SharePoint runs on which Windows Server, support dates, delivery routes.

The facts live in ``checklists/platforms.toml``, each with its source; this
module reads them once and answers questions about a pair of versions. It is
the one home of the SharePoint-on-Windows rule: the plan, the form's choices
and the checklist texts all ask here.
"""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

from wizard.errors import ChecklistError
from wizard.record import record

PLATFORMS_FILE = "platforms.toml"
Ruling = Literal["supported", "refused", "unsettled"]


@record
class PairRule:
    """What the sources say about one SharePoint version on one Windows Server release."""

    verdict: Ruling
    """``supported`` and ``refused`` are settled by a source; ``unsettled`` is not."""
    rule: str
    """The sentence that explains the verdict (for a refusal, the rule it cites)."""
    source: str
    """Where the rule comes from."""


@record
class WindowsRelease:
    """One Windows Server release: its name, end of support, and whether it has the SMTP Server feature."""

    key: str
    name: str
    extended_end: date
    mainstream_end: date | None
    smtp: bool


@record
class Route:
    """A way mail reaches SharePoint's drop folder."""

    key: str
    title: str
    tradeoff: str
    source: str


@record
class Platforms:
    """The whole platform table."""

    pairs: dict[tuple[str, str], PairRule]
    windows: dict[str, WindowsRelease]
    routes: dict[str, Route]
    sources: dict[str, str]


def _fail(what: str) -> ChecklistError:
    return ChecklistError(f"{PLATFORMS_FILE}: {what}")


def _text(table: dict[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(f"{where}: field {key!r} must be a non-empty string")
    return value


def parse_platforms(data: dict[str, Any]) -> Platforms:
    """Validate the platform table already parsed from TOML.

    Raises:
        ChecklistError: naming the table and field that is wrong.
    """
    sources = data.get("sources")
    if not isinstance(sources, dict) or not all(isinstance(v, str) for v in sources.values()):
        raise _fail("[sources] must map names to texts")
    windows: dict[str, WindowsRelease] = {}
    for key, table in (data.get("windows") or {}).items():
        where = f"[windows.{key}]"
        end = table.get("extended_end")
        mainstream = table.get("mainstream_end")
        if not isinstance(end, date) or not (mainstream is None or isinstance(mainstream, date)):
            raise _fail(f"{where}: extended_end (and mainstream_end) must be dates")
        if not isinstance(table.get("smtp"), bool):
            raise _fail(f"{where}: field 'smtp' must be true or false")
        windows[key] = WindowsRelease(key, _text(table, "name", where), end, mainstream, table["smtp"])
    pairs: dict[tuple[str, str], PairRule] = {}
    for index, table in enumerate(data.get("pairs") or []):
        where = f"[[pairs]] {index + 1}"
        sharepoint = _text(table, "sharepoint", where)
        source_name = _text(table, "source", where)
        if source_name not in sources:
            raise _fail(f"{where}: source {source_name!r} is not in [sources]")
        rule = _text(table, "rule", where)
        for verdict in ("supported", "refused"):
            for release in table.get(verdict, []):
                if release not in windows:
                    raise _fail(f"{where}: {release!r} is not a [windows] release")
                if (sharepoint, release) in pairs:
                    raise _fail(f"{where}: SharePoint {sharepoint} on {release} is listed twice")
                pairs[sharepoint, release] = PairRule(verdict, rule, sources[source_name])
    routes: dict[str, Route] = {}
    for key, table in (data.get("routes") or {}).items():
        where = f"[routes.{key}]"
        source_name = _text(table, "source", where)
        if source_name not in sources:
            raise _fail(f"{where}: source {source_name!r} is not in [sources]")
        routes[key] = Route(
            key, _text(table, "title", where), _text(table, "tradeoff", where), sources[source_name]
        )
    return Platforms(pairs, windows, routes, dict(sources))


@cache
def platforms() -> Platforms:
    """The shipped platform table (read once)."""
    path = resources.files("wizard") / "checklists" / PLATFORMS_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _fail(f"cannot be read: {exc}") from None
    return parse_platforms(data)


def windows_name(release: str) -> str:
    """``Windows Server 2008 R2`` for ``2008r2``."""
    found = platforms().windows.get(release)
    return found.name if found else f"Windows Server {release}"


def sharepoint_name(version: str) -> str:
    """``SharePoint 2013``, ``SharePoint Subscription Edition``."""
    from wizard.plan.model import version_name

    return f"SharePoint {version_name(version)}"


def pair_rule(sharepoint: str, windows: str) -> PairRule:
    """What the sources say about this SharePoint version on this Windows Server release."""
    found = platforms().pairs.get((sharepoint, windows))
    if found is not None:
        return found
    return PairRule(
        "unsettled",
        f"no requirements page read here settles {sharepoint_name(sharepoint)} on {windows_name(windows)}; "
        "check Microsoft's current requirements for it before the change",
        "",
    )


def compatible(sharepoint: str | None, windows: str | None) -> bool:
    """False when Microsoft's requirements rule this SharePoint version out on that Windows release.

    An unknown version on either side is never ruled out.
    """
    if not sharepoint or not windows:
        return True
    return pair_rule(sharepoint, windows).verdict != "refused"


def has_smtp_server(windows: str | None) -> bool:
    """Whether that Windows Server release has the SMTP Server feature; an unknown release is given the benefit."""
    found = platforms().windows.get(windows or "")
    return found.smtp if found else True


def support_note(windows: str) -> str:
    """The release's end-of-support dates from the lifecycle data, worded so that it holds on any day."""
    release = platforms().windows.get(windows)
    if release is None:
        return ""
    dates = f"end of extended support {release.extended_end.isoformat()}"
    if release.mainstream_end is not None:
        dates = f"end of mainstream support {release.mainstream_end.isoformat()}, {dates}"
    return f"{release.name}: {dates} (source: Microsoft Lifecycle pages)."
