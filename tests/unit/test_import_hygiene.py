"""Domain modules never load the terminal UI, the prompt library or the network stacks they do not own."""

from __future__ import annotations

import subprocess
import sys

import pytest

DOMAIN_MODULES = [
    "wizard.plan",
    "wizard.validate",
    "wizard.checklist",
    "wizard.render",
    "wizard.session",
    "wizard.store",
    "wizard.results",
    "wizard.cli",
]


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_domain_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "bad = [m for m in ('textual', 'questionary', 'dns', 'smtplib') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
