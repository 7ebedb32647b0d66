"""Mail waiting in a node's Drop folder for an alias no SharePoint list has: the node's files against the inventory.

The node kit lists who the files in Drop wait for (each file's
``x-receiver:`` lines: ``for docs@mossmail.foo.local: 2 file(s), the oldest
305 min``); the SharePoint kit lists every mail-enabled list
(``docs: http://sp/Shared Documents (...)``). Only when a session holds
both can a waiting address be called unknown: SharePoint's timer job
leaves such a file in Drop and deletes it after about 24 hours, telling
no one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from wizard.plan.model import Plan
from wizard.record import record
from wizard.results import CheckResult, Status
from wizard.session import Session

LIFETIME_HOURS = 24
"""About how long SharePoint leaves a file for an unknown alias in Drop before deleting it."""
_WAITING = re.compile(
    r"^for (?P<address>[^\s:]+@[^\s:]+): (?P<files>\d+) file\(s\), the oldest (?P<minutes>\d+) min$"
)


@record
class Unknown:
    """Files in one node's Drop folder for an address whose alias no list has."""

    node: str
    address: str
    files: int
    oldest_minutes: int

    @property
    def alias(self) -> str:
        return self.address.partition("@")[0]

    def sentence(self) -> str:
        """One line for the operator: what waits, how long, and what happens to it."""
        hours, minutes = divmod(self.oldest_minutes, 60)
        age = f"{hours} h {minutes} min" if hours else f"{minutes} min"
        left = max(0, LIFETIME_HOURS - hours)
        return (
            f"{self.files} file(s) for {self.address} wait in the Drop folder of {self.node}, the oldest {age}: "
            f"no SharePoint list has the alias {self.alias}, so SharePoint deletes them after about "
            f"{LIFETIME_HOURS} hours without telling anyone (in about {left} h)"
        )


def _latest(results: Iterable[CheckResult], check: str, origins: set[str]) -> dict[str, CheckResult]:
    found: dict[str, CheckResult] = {}
    for result in results:
        if result.check != check or result.origin not in origins or result.status == Status.ERROR:
            continue
        kept = found.get(result.origin)
        if kept is None or result.observed_at > kept.observed_at:
            found[result.origin] = result
    return found


def inventory(plan: Plan, session: Session) -> set[str] | None:
    """The aliases of the mail-enabled lists, lower case, from the newest SharePoint kit result.

    None when no inventory was imported, or only a cut one.
    """
    found = _latest(
        session.progress_for("library_test").results, "sp-list-alias", set(plan.sharepoint_servers)
    )
    if not found:
        return None
    newest = max(found.values(), key=lambda result: result.observed_at)
    if any(line.startswith("...") for line in newest.transcript):
        # A long inventory was cut (by the kit or by the session): an alias missing from it may exist.
        return None
    return {line.split(":", 1)[0].strip().lower() for line in newest.transcript if ":" in line}


def unknown_aliases(plan: Plan, session: Session) -> tuple[Unknown, ...]:
    """Per node, the waiting addresses at the mail host whose alias the imported inventory lacks."""
    aliases = inventory(plan, session)
    if aliases is None:
        return ()
    drops = _latest(
        session.progress_for("central_admin").results, "drop-folder", {node.name for node in plan.nodes}
    )
    found = []
    for node in plan.nodes:
        result = drops.get(node.name)
        for line in result.transcript if result is not None else ():
            match = _WAITING.match(line.strip())
            if match is None:
                continue
            address = match["address"].lower()
            local, _, domain = address.partition("@")
            if domain != plan.mail_host.lower() or local in aliases:
                continue
            found.append(Unknown(node.name, address, int(match["files"]), int(match["minutes"])))
    return tuple(found)
