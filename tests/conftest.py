"""Fixtures shared by every test: an isolated data folder, the checklist, sample plans."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from wizard.checklist import load_default
from wizard.model import Checklist

pytest_plugins = ["tests.farm.fixtures"]


@pytest.fixture(autouse=True)
def wizard_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own SPMAIL_WIZARD_HOME, so no test touches real sessions."""
    home = tmp_path / "home"
    monkeypatch.setenv("SPMAIL_WIZARD_HOME", str(home))
    yield home


@pytest.fixture(scope="session")
def checklist() -> Checklist:
    """The shipped checklist."""
    return load_default()
