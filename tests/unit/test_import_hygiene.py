"""Domain modules never load the terminal UI; only the checks load the DNS library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

NOT_TUI = [
    "wizard.plan.model",
    "wizard.plan.validate",
    "wizard.checklist.loader",
    "wizard.render",
    "wizard.session",
    "wizard.store",
    "wizard.results",
    "wizard.plan.questions",
    "wizard.jobs",
    "wizard.cli",
    "wizard.runbook",
    "wizard.checks",
    "wizard.cli.report",
    "wizard.plain.launch",
]
NOT_NETWORK = [
    "wizard.plan.model",
    "wizard.checklist.loader",
    "wizard.render",
    "wizard.session",
    "wizard.store",
    "wizard.cli",
]


def loaded_after_import(module: str, candidates: tuple[str, ...]) -> list[str]:
    code = f"import sys, {module}; print(','.join(m for m in {candidates!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [name for name in result.stdout.strip().split(",") if name]


@pytest.mark.parametrize("module", NOT_TUI)
def test_module_does_not_load_textual(module: str) -> None:
    assert loaded_after_import(module, ("textual",)) == []


@pytest.mark.parametrize("module", NOT_NETWORK)
def test_module_does_not_load_network_libraries(module: str) -> None:
    assert loaded_after_import(module, ("dns", "smtplib", "questionary")) == []


HEAVY = ("jinja2", "textual", "dns", "rich", "questionary")
NOT_FOR_CHECK = ("wizard.exportnames", "wizard.checklist.platforms", "wizard.farm.states")
"""Modules a headless `check` (of a plan naming no Windows release) and `--version` never need:
the export formats, the platform table, the practice farm's states (only `rehearse`'s help)."""


def test_version_loads_no_heavy_library() -> None:
    """`--version` answers from the command line module alone, so it stays instant."""
    code = (
        "import sys\n"
        "from wizard.cli import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(','.join(m for m in {HEAVY + NOT_FOR_CHECK!r} if m in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("spmail-wizard ")
    assert result.stderr.strip() == ""


def test_headless_smtp_check_loads_no_template_or_dns_library(tmp_path: Path) -> None:
    """`check` of the SMTP steps renders no page and asks no DNS server: jinja2 and dnspython stay out."""
    plan = tmp_path / "farm.toml"
    plan.write_text(
        'schema = 1\nmode = "single"\nmail_host = "mossmail.foo.local"\nexchange_servers = ["127.0.0.20"]\n'
        'sharepoint_version = "2016"\nexchange_version = "2016"\nsmtp_port = 9\n'
        '[[nodes]]\nname = "wfe1.foo.local"\naddress = "127.0.0.1"\n'
    )
    code = (
        "import sys\n"
        "from wizard.cli import main\n"
        f"code = main(['check', {str(plan)!r}, '--step', 'relay', '--step', 'alias', '--json', '--timeout', '5'])\n"
        f"print(code, ','.join(m for m in {HEAVY + NOT_FOR_CHECK!r} if m in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert '"check": "relay-refused"' in result.stdout
    assert result.stderr.strip().splitlines()[-1] == "1"


def test_start_screen_path_loads_no_domain_library() -> None:
    """The full-screen wizard's modules paint the start screen before jinja2 or the checklist load."""
    loaded = loaded_after_import(
        "wizard.cli, wizard.tui.app", ("jinja2", "wizard.checklist.loader", "wizard.store", "dns")
    )
    assert loaded == []
