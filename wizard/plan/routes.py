"""Which delivery routes a farm's versions leave, for the question that asks for the route.

The routes themselves, their trade-offs and sources are data in ``checklists/platforms.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.checklist.platforms import has_smtp_server, platforms
from wizard.plan.routefields import DELIVERIES


def route_of(plan_data: Mapping[str, Any]) -> str:
    """The delivery route answered so far; the IIS SMTP service on the nodes until another is chosen."""
    route = plan_data.get("delivery")
    return route if isinstance(route, str) and route in DELIVERIES else "smtp_service"


def routes_allowed(sharepoint: str, windows: str) -> tuple[str, ...]:
    """The delivery routes these versions leave, in the order the wizard offers them.

    The SMTP service on the farm's own servers needs a Windows release that has the SMTP
    Server feature. The Foreign connector is Microsoft's route for SharePoint 2019 and
    Subscription Edition (they read mail only from a drop folder) and for a farm whose
    servers have no SMTP service. Relay hosts outside the farm are for SharePoint on a
    release without the feature.
    """
    routes = []
    smtp = not windows or has_smtp_server(windows)
    if smtp:
        routes.append("smtp_service")
    if sharepoint in ("2019", "se") or not smtp:
        routes.append("foreign_connector")
    if not smtp:
        routes.append("relay_host")
    return tuple(routes)


def route_choices(plan_data: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The routes the versions answered so far leave, each with its trade-off and the SharePoint release's support."""
    sharepoint = str(plan_data.get("sharepoint_version") or "")
    windows = str(plan_data.get("sharepoint_windows_version") or plan_data.get("windows_version") or "")
    table = platforms().routes
    return tuple(
        (key, f"{table[key].title}: {table[key].tradeoff}") for key in routes_allowed(sharepoint, windows)
    )
