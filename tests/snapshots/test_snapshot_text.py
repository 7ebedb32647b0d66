"""The 80x24 snapshots read as text: each shows what the operator needs on that screen, within 80x24."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.snapshots.svgtext import svg_lines

SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_screens"
KEY_BAR = ("^e Export", "f1 Help", "^p palette")
"""What the key bar of a main screen never drops at 80 columns."""

# Snapshot file, then the words its screen must show at 80x24.
SCREENS = {
    "test_start_screen_as_opened.svg": [
        "New session    Resume    Export",
        "ctrl+o: Resume a saved session; ctrl+e: Export",
        "Session name",
        "^o Resume",
        *KEY_BAR,
    ],
    "test_start_screen_resume_tab[size0].svg": ["foo-farm  nlb", "del Delete", *KEY_BAR],
    "test_step_with_passing_and_failing_checks[size0].svg": [
        "Step 5 of 12 · in progress · Allow relay only for the Exchange servers",
        "Proof: failing.",
        "FAIL  wfe2.foo.local: accepted a message for example.com: an open relay",
        "PASS  wfe1.foo.local: refused to relay",
        "Next ▶",
        *KEY_BAR,
    ],
    "test_transcript_dialog[size0].svg": [
        "Step 5: Allow relay only for the Exchange servers · relay-refused",
        "S: 220 wfe1.foo.local Microsoft ESMTP MAIL Service ready",
        "C: QUIT",
        "Close",
        "esc Close",
    ],
    "test_check_all_running.svg": [
        "Checking every step…",
        "Step 1 · RUN   wfe1.foo.local: smtp-greeting…",
        "^r Check all",
        *KEY_BAR,
    ],
    "test_summary[size0].svg": [
        "3 of 12 steps settled",
        "Open items (9):",
        "Status",
        "Proof",
        "^g Back to steps",
        *KEY_BAR,
    ],
    "test_help_screen.svg": [
        "Keys on this screen",
        "^r       Check: Run this step's live checks",
        "^e       Export: Write a runbook of this session",
        "Close",
        "esc Close",
    ],
}


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_an_80x24_snapshot_shows_what_its_screen_is_for(name: str) -> None:
    lines = svg_lines(SNAPSHOTS / name)
    assert len(lines) <= 24 and all(len(line) <= 80 for line in lines), name
    text = "\n".join(lines)
    missing = [words for words in SCREENS[name] if words not in text]
    assert not missing, f"{name} lacks {missing}:\n{text}"


def test_check_all_shows_its_progress_at_the_top() -> None:
    """At 80x24 the running caption is in view, not below the fold."""
    lines = svg_lines(SNAPSHOTS / "test_check_all_running.svg")
    assert any("Checking every step…" in line for line in lines[:3])


def test_dialogs_show_their_own_keys() -> None:
    """The transcript and help dialogs' key bars say Esc closes them, not the step's keys."""
    for name in ("test_transcript_dialog[size0].svg", "test_help_screen.svg"):
        bar = svg_lines(SNAPSHOTS / name)[-1]
        assert "esc Close" in bar and "^r" not in bar, name
