"""The runbook is domain code: importing it loads no front end and no network stack."""

from __future__ import annotations

import subprocess
import sys


def test_runbook_imports_no_front_end_or_network_module() -> None:
    code = (
        "import sys, wizard.runbook, wizard.runbook.view, wizard.runbook.scripts; "
        "print(','.join(m for m in ('textual', 'questionary', 'dns', 'smtplib') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == ""
