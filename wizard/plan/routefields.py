"""The plan keys of the delivery route: how mail reaches SharePoint's drop folder, the share, SharePoint's release.

``checklists/platforms.toml`` describes each route with its trade-off and source.
"""

from __future__ import annotations

from typing import Literal

from wizard.plan import validate
from wizard.plan.fields import Field

Delivery = Literal["smtp_service", "foreign_connector", "relay_host"]
DELIVERIES: tuple[str, ...] = ("smtp_service", "foreign_connector", "relay_host")
"""The routes, the plan's default first."""


def route_fields(windows_versions: tuple[str, ...]) -> tuple[Field, ...]:
    """The route's keys, in file order; ``windows_versions`` are the releases the plan knows."""
    return (
        Field(
            "delivery",
            "string",
            "how mail reaches SharePoint's drop folder: 'smtp_service' (the IIS SMTP service on the nodes), "
            "'foreign_connector' (Exchange writes into drop_share), 'relay_host' (SMTP relay hosts, Drop read over UNC)",
            "smtp_service",
            choices=DELIVERIES,
            written_at_default=False,
        ),
        Field(
            "drop_share",
            "string",
            r"foreign_connector and relay_host: the UNC path SharePoint reads as its drop folder (\\sp1\SPDrop)",
            None,
            check=validate.unc_share,
        ),
        Field(
            "sharepoint_windows_version",
            "string",
            "Windows Server version of the SharePoint servers, when it differs from the nodes'",
            None,
            choices=windows_versions,
        ),
    )
