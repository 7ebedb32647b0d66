"""The wheel carries the package data: an installed copy works from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from wizard.checklist.loader import load_default

ROOT = Path(__file__).parent.parent.parent


def test_installed_wheel_works_from_any_folder(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("spmail_wizard-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "wizard/checklists/incoming-email.toml" in names
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = os.environ | {"PYTHONPATH": str(target), "SPMAIL_WIZARD_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import wizard.checklist.loader as c; print(c.__file__); print(len(c.load_default().steps))",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    module_file, count = result.stdout.split()
    assert module_file.startswith(str(target))
    assert int(count) == len(load_default().steps)
