"""The FQDN check names the node's Windows Server from its greeting, only where the sources confirm the build."""

from __future__ import annotations

import pytest

from tests.farm.fixtures import FarmFactory
from wizard.checklist.loader import load_default
from wizard.checks import run_checks
from wizard.checks.banner import windows_note, windows_of
from wizard.plan.model import parse_plan

IIS = (
    "220 wfe1.foo.local Microsoft ESMTP MAIL Service, Version: {} ready at  Mon, 30 Nov 2026 10:00:00 +0000 "
)


@pytest.mark.parametrize(
    ("version", "windows"),
    [
        ("6.0.3790.3959", "2003"),
        ("7.5.7601.17514", "2008r2"),
        ("10.0.14393.0", "2016"),
        ("10.0.17763.1", "2019"),
        ("10.0.20348.1", None),  # 2022: not confirmed by a source, so nothing is said
        ("8.5.9600.16384", None),
    ],
)
def test_only_confirmed_builds_name_a_release(version: str, windows: str | None) -> None:
    assert windows_of(IIS.format(version)) == windows
    assert bool(windows_note(IIS.format(version), None)) == (windows is not None)


def test_a_deprecated_release_and_a_different_plan_are_said() -> None:
    note = windows_note(IIS.format("10.0.17763.1"), "2022")
    assert "Windows Server 2019" in note and "deprecated" in note and "removed in Windows Server 2025" in note
    assert "the plan says Windows Server 2022" in note
    assert "deprecated" not in windows_note(IIS.format("6.0.3790.3959"), "2003")
    assert windows_note("220 wfe1 ESMTP Postfix", "2019") == ""


@pytest.mark.timeout(60)
async def test_the_fqdn_check_names_the_release_of_a_real_greeting(farm: FarmFactory) -> None:
    running = farm("good", nodes=2)
    data = running.plan_data | {"windows_version": "2019"}
    plan = parse_plan(data)
    results = await run_checks(plan, [load_default().step("fqdn")], timeout=3.0)
    assert results
    for result in results:
        assert "its greeting's version 6.0.3790 is Windows Server 2003" in result.summary, result.summary
        assert "the plan says Windows Server 2019" in result.summary
