"""Version combinations that cannot exist are refused with a reason, and never offered."""

from __future__ import annotations

from typing import Any

import pytest

from wizard import questions
from wizard.errors import PlanError
from wizard.plan import IMPOSSIBLE_VERSIONS, PRODUCT_VERSIONS, WINDOWS_VERSIONS, parse_plan


def _data(sharepoint: str, windows: str | None, exchange: str = "2016") -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema": 1,
        "mode": "single",
        "mail_host": "sp01.contoso.local",
        "exchange_servers": ["192.0.2.10"],
        "sharepoint_version": sharepoint,
        "exchange_version": exchange,
        "nodes": [{"name": "sp01.contoso.local", "address": "192.0.2.21"}],
    }
    if windows is not None:
        data["windows_version"] = windows
    return data


@pytest.mark.parametrize(
    ("sharepoint", "windows", "reason"),
    [
        ("se", "2003", "SharePoint Subscription Edition does not run on Windows Server 2003"),
        ("2007", "2025", "SharePoint 2007 does not run on Windows Server 2025"),
    ],
)
def test_a_farm_that_cannot_exist_is_refused_naming_the_key_and_why(
    sharepoint: str, windows: str, reason: str
) -> None:
    with pytest.raises(PlanError) as raised:
        parse_plan(_data(sharepoint, windows))
    problems = raised.value.problems
    assert [p.key for p in problems] == ["windows_version"]
    assert reason in problems[0].reason and "SMTP nodes" in problems[0].reason


def test_every_other_combination_and_an_unknown_windows_is_accepted() -> None:
    for sharepoint in PRODUCT_VERSIONS:
        parse_plan(_data(sharepoint, None))
        for windows in WINDOWS_VERSIONS:
            for exchange in PRODUCT_VERSIONS:
                if (sharepoint, windows) in IMPOSSIBLE_VERSIONS:
                    continue
                parse_plan(_data(sharepoint, windows, exchange))


def test_the_form_offers_only_windows_versions_the_sharepoint_version_runs_on() -> None:
    windows = questions.question("windows_version")
    offered = [value for value, _ in questions.choices_for(windows, {"sharepoint_version": "se"})]
    assert "2003" not in offered and "2022" in offered and "" in offered
    offered = [value for value, _ in questions.choices_for(windows, {"sharepoint_version": "2007"})]
    assert "2025" not in offered and "2003" in offered
    sharepoint = questions.question("sharepoint_version")
    offered = [value for value, _ in questions.choices_for(sharepoint, {"windows_version": "2025"})]
    assert "2007" not in offered and "se" in offered
    assert questions.choices_for(windows, {}) == windows.choices
