"""Fixtures shared by every test: loopback-only traffic, an isolated data folder, the checklist."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import loopback_guard
from wizard.checklist.loader import load_default
from wizard.checklist.model import Checklist

ROOT = Path(__file__).parent.parent
GUARD_SITE = Path(__file__).parent / "guard_site"

# Nothing a test runs may reach past 127.0.0.0/8: in this process, and in every
# Python process it starts (they inherit PYTHONPATH, which loads sitecustomize).
loopback_guard.install()
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(GUARD_SITE), str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
)

pytest_plugins = ["tests.farm.fixtures"]


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Snapshots are updated in one process: a worker sees only its own share of the tests,
    and would take the other workers' snapshots for unused ones."""
    if config.getoption("--snapshot-update", default=False) and getattr(config.option, "numprocesses", 0):
        config.option.numprocesses = 0


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
