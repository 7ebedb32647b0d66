"""The plan of a practice farm: every answer the wizard needs to check it, with no setting outside the file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.plan.tomlfile import dump_plan

if TYPE_CHECKING:
    from wizard.farm.farm import Farm


def plan_data(farm: Farm) -> dict[str, Any]:
    """The plan for ``farm``, as data :func:`wizard.plan.model.parse_plan` accepts."""
    from wizard.farm.farm import MAIL_HOST, TEST_RECIPIENT, ZONE

    data: dict[str, Any] = {
        "schema": 1,
        "mode": farm.mode,
        "mail_host": MAIL_HOST,
        "dns_zone": ZONE,
        "exchange_servers": [farm.addresses.exchange],
        "connection_control": farm.row.plan_connection_control,
        "dns_servers": [f"{farm.addresses.dns}:{farm.dns_port}"],
        "smtp_port": farm.port,
        "exchange_port": farm.exchange_port,
        "sharepoint_version": "2010",
        "exchange_version": "2010",
        "test_recipient": TEST_RECIPIENT,
        # The nodes are also the SharePoint servers that run the Incoming E-Mail service.
        "sharepoint_servers": [f"wfe{i + 1}.{ZONE}" for i in range(farm.count)],
        "nodes": [
            {
                "name": f"wfe{i + 1}.{ZONE}",
                "address": farm.addresses.node(i),
                "drop_folder": str(farm.drop_dir(i)),
            }
            for i in range(farm.count)
        ],
    }
    if farm.mode == "nlb":
        data["vip"] = farm.addresses.vip
    return data


def write_plan(farm: Farm, path: Path) -> Path:
    """Write the plan as a TOML file, whole or not at all, so a reader never sees half a plan."""
    from wizard.atomicfile import write_text_atomic

    write_text_atomic(path, dump_plan(plan_data(farm)))
    return path
