"""The runbook: Markdown and HTML for the change board, PowerShell per host (``writer.py`` writes them)."""
