"""Export formats and the output each suggests: light enough for the start screen's first paint."""

from __future__ import annotations

EXPORT_FORMATS = (
    ("md", "Markdown runbook"),
    ("html", "HTML runbook"),
    ("ps1", "PowerShell scripts, one per host (a folder)"),
    ("plan", "Plan file (TOML)"),
    ("probe", "Probe kit: read-only checks to run on Exchange and each node (a folder)"),
    ("monitor", "Monitoring: blackbox_exporter, Prometheus and Nagios files (a folder)"),
)
"""Export formats with their labels, as ``spmail-wizard export --format`` takes them."""


def default_export_path(name: str, fmt: str) -> str:
    """The suggested output for a session or plan name and a format (relative to the working folder)."""
    if fmt == "ps1":
        return f"{name}-scripts"
    if fmt == "probe":
        return f"{name}-probe-kit"
    if fmt == "monitor":
        return f"{name}-monitor"
    if fmt == "plan":
        return f"{name}-plan.toml"
    return f"{name}-runbook.{fmt}"
