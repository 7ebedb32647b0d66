"""A per-host script never claims what it did not do: manual steps are listed, the end says what happened."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
import tree_sitter

from tests.runbook.conftest import GENERATED_AT, plan_data
from tests.runbook.pscheck import method_calls, syntax_problems
from wizard.checklist.model import Checklist
from wizard.errors import PlanError
from wizard.plan.model import PRODUCT_VERSIONS, WINDOWS_VERSIONS, Plan, parse_plan
from wizard.runbook.writer import render_scripts


def _plans() -> list[Plan]:
    """The two-node NLB plan for every SharePoint, Exchange and Windows version the plan accepts."""
    plans = []
    for sharepoint, exchange, windows in itertools.product(
        PRODUCT_VERSIONS, PRODUCT_VERSIONS, (None, *WINDOWS_VERSIONS)
    ):
        data: dict[str, Any] = plan_data("nlb.toml") | {
            "schema": 1,
            "sharepoint_version": sharepoint,
            "exchange_version": exchange,
        }
        if windows is not None:
            data["windows_version"] = windows
        try:
            plans.append(parse_plan(data))
        except PlanError:
            continue  # a combination the plan refuses has no scripts
    return plans


PLANS = _plans()


def _section(script: str, step_id: str) -> tuple[int, int]:
    """Byte range of one step's part of a host script (from its marker to the next step's)."""
    data = script.encode("utf-8")
    marker = b"$currentStep = 'Step "
    start = next(
        i for i in _find_all(data, marker) if data[i:].split(b"\n", 1)[0].find(f"({step_id})".encode()) > 0
    )
    following = [i for i in _find_all(data, marker) if i > start]
    end = following[0] if following else data.index(b"$finished = $true")
    return start, end


def _find_all(data: bytes, needle: bytes) -> list[int]:
    found, start = [], data.find(needle)
    while start != -1:
        found.append(start)
        start = data.find(needle, start + 1)
    return found


@pytest.mark.parametrize(
    "plan", PLANS, ids=lambda p: f"{p.sharepoint_version}-{p.exchange_version}-{p.windows_version}"
)
def test_every_node_script_restricts_relay_by_adding_exchange_or_lists_it_as_manual(
    plan: Plan, checklist: Checklist, ps_parser: tree_sitter.Parser
) -> None:
    scripts = render_scripts(plan, checklist, generated_at=GENERATED_AT)
    nodes = [text for name, text in scripts.items() if "-node-" in name]
    assert len(nodes) == len(plan.nodes)
    for text in nodes:
        assert syntax_problems(ps_parser, text) == []
        start, end = _section(text, "relay")
        relay_code = text.encode()[start:end].decode()
        listed = [
            (offset, argument, branch)
            for offset, argument, branch in method_calls(ps_parser, text, "manualSteps", "Add")
            if start <= offset < end
        ]
        # The relay list is set through ADSI, adding the Exchange servers to what is there: the
        # only list ever written is the merged one, so no entry another server relies on is removed.
        assert "DirectoryEntry('IIS://localhost/SMTPSVC/1')" in relay_code
        assert "$merged = @($current) + @($missing" in relay_code
        assert re.findall(r"InvokeMember\('IPGrant', \$set[^)]*\)", relay_code) == [
            "InvokeMember('IPGrant', $set, $null, $relay, @(,[object[]]$merged)"
        ]
        assert any("Access > Relay also lists" in a for _, a, _ in listed), listed


@pytest.mark.parametrize("plan", PLANS[:: max(1, len(PLANS) // 12)], ids=lambda p: p.windows_version or "any")
def test_dry_run_lists_the_same_manual_steps_and_reports_every_change(
    plan: Plan, checklist: Checklist, ps_parser: tree_sitter.Parser
) -> None:
    for name, text in render_scripts(plan, checklist, generated_at=GENERATED_AT).items():
        manual = method_calls(ps_parser, text, "manualSteps", "Add")
        assert all(branch == "both" for _, _, branch in manual), name
        changes = method_calls(ps_parser, text, "changes", "Add")
        real = [argument for _, argument, branch in changes if branch == "real"]
        dry = [argument for _, argument, branch in changes if branch == "dry"]
        # Each change the script makes is reported as a change it would make in a dry run.
        assert len(dry) >= len(real), name
        assert all(
            any(part in d for d in dry)
            for r in real
            for part in [r.split("'")[1][:12] if "'" in r else r[:12]]
        ), name


def test_the_end_says_what_changed_what_was_left_and_what_is_still_to_do(
    checklist: Checklist, ps_parser: tree_sitter.Parser
) -> None:
    for name, text in render_scripts(PLANS[0], checklist, generated_at=GENERATED_AT).items():
        body, _, closing = text.partition("} finally {")
        assert closing, name
        assert "$finished = $true" in body.rsplit("\n", 3)[-2], name
        for phrase in (
            "Stopped during $currentStep; the steps after it did not run.",
            "Dry run: nothing was changed.",
            "Changed by this script:",
            "Left as it was (already as planned):",
            "Still to do by hand (this script did not do these):",
        ):
            assert phrase in closing, (name, phrase)
        # The lists are declared once, before any step adds to them.
        for ledger in ("changes", "kept", "manualSteps"):
            declared = text.index(f"${ledger} = New-Object 'System.Collections.Generic.List[string]'")
            first = min(
                (offset for offset, _, _ in method_calls(ps_parser, text, ledger, "Add")), default=len(text)
            )
            assert declared < first, (name, ledger)
