"""House rule: small modules. No module of the package is over 400 lines."""

from __future__ import annotations

from pathlib import Path

import wizard

LIMIT = 400


def test_no_module_is_over_400_lines() -> None:
    root = Path(wizard.__file__).parent
    long = {
        str(path.relative_to(root)): lines
        for path in sorted(root.rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert not long, f"modules over {LIMIT} lines: {long}"
