"""Domain modules never load the terminal UI; only the checks load the DNS library."""

from __future__ import annotations

import subprocess
import sys

import pytest

NOT_TUI = [
    "wizard.plan",
    "wizard.validate",
    "wizard.checklist",
    "wizard.render",
    "wizard.session",
    "wizard.store",
    "wizard.results",
    "wizard.questions",
    "wizard.jobs",
    "wizard.cli",
    "wizard.runbook",
    "wizard.checks",
    "wizard.checkreport",
    "wizard.prompt",
]
NOT_NETWORK = [
    "wizard.plan",
    "wizard.checklist",
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


HEAVY = ("pydantic", "jinja2", "textual", "dns", "rich", "questionary")


def test_version_loads_no_heavy_library() -> None:
    """`--version` answers from the command line module alone, so it stays instant."""
    code = (
        "import sys\n"
        "from wizard.cli import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("spmail-wizard ")
    assert result.stderr.strip() == ""


def test_start_screen_path_loads_no_domain_library() -> None:
    """The full-screen wizard's modules paint the start screen before pydantic, jinja2 or the checklist load."""
    loaded = loaded_after_import(
        "wizard.cli, wizard.tui.app", ("pydantic", "jinja2", "wizard.checklist", "wizard.store", "dns")
    )
    assert loaded == []
