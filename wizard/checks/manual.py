"""The ``central-admin-manual`` check: what cannot be probed from here, named page by page."""

from __future__ import annotations

from wizard.checks.base import Finding, Sweep, Target, finding
from wizard.plan.model import Plan
from wizard.results import Status


def targets(plan: Plan) -> list[Target]:
    """The mail host, whose display address is being set."""
    return [Target(plan.mail_host, "host")]


INCOMING_PAGE = "incoming"
"""The checklist page (``[places.central_admin.pages]``) this check names."""


async def run_central_admin(sweep: Sweep, target: Target) -> Finding:
    """A skip that says exactly what to look at, and (2010 and later) how to read it in PowerShell."""
    plan = sweep.plan
    page = sweep.pages.get(INCOMING_PAGE, "Central Administration's incoming e-mail settings")
    summary = (
        f"manual: at {page}, incoming e-mail should be enabled (the Enable Incoming "
        f"E-Mail section) and the E-mail server display address should read {plan.mail_host}"
    )
    if plan.sharepoint_version == "2007":
        hint = "Open the page and compare; WSS 3.0 has no cmdlet that reads these settings."
    else:
        hint = (
            "To read it in the SharePoint Management Shell: "
            "(Get-SPServiceInstance | Where-Object { $_.GetType().FullName -eq "
            "'Microsoft.SharePoint.Administration.SPIncomingEmailServiceInstance' } | Select-Object -First 1)"
            f".Service | Format-List Enabled,ServerDisplayAddress,UseAutomaticSettings ; expect Enabled True and ServerDisplayAddress {plan.mail_host}."
        )
    return finding(Status.SKIP, summary, hint)
