"""Golden files: the runbooks of two sessions, byte for byte. Regenerate with UPDATE_GOLDEN=1 and review the diff."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import html5lib
import pytest

from tests.runbook.conftest import GENERATED_AT, nlb_session, single_session
from wizard.checklist.model import Checklist
from wizard.plan.model import Plan
from wizard.runbook.writer import render_html, render_markdown
from wizard.session import Session

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

Renderer = Callable[..., str]
CASES: list[tuple[str, Callable[[], Session], Renderer]] = [
    ("nlb-session.md", nlb_session, render_markdown),
    ("nlb-session.html", nlb_session, render_html),
    ("single-session.md", single_session, render_markdown),
    ("single-session.html", single_session, render_html),
]


@pytest.mark.parametrize(("name", "make_session", "render"), CASES, ids=[case[0] for case in CASES])
def test_runbook_matches_its_golden_file(
    name: str, make_session: Callable[[], Session], render: Renderer, checklist: Checklist
) -> None:
    session = make_session()
    text = render(session.plan(), checklist, session, generated_at=GENERATED_AT)
    path = GOLDEN / name
    if UPDATE:
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"{name} missing; run with UPDATE_GOLDEN=1 and review it"
    assert text.encode("utf-8") == path.read_bytes(), f"{name} differs; UPDATE_GOLDEN=1 and review the diff"


@pytest.mark.parametrize("name", ["nlb-session.html", "single-session.html"])
def test_golden_html_parses_without_a_single_error(name: str) -> None:
    html5lib.HTMLParser(strict=True).parse((GOLDEN / name).read_bytes())


def test_rendering_twice_gives_the_same_bytes(checklist: Checklist, nlb_plan: Plan) -> None:
    first = render_markdown(nlb_plan, checklist, nlb_session(), generated_at=GENERATED_AT)
    assert render_markdown(nlb_plan, checklist, nlb_session(), generated_at=GENERATED_AT) == first


def test_no_wall_clock_time_leaks_in(checklist: Checklist, nlb_plan: Plan) -> None:
    for render in (render_markdown, render_html):
        text = render(nlb_plan, checklist, nlb_session(), generated_at=GENERATED_AT)
        # Every date in the runbook is the change day: the fixed clock or a recorded result.
        assert "2026-11-27 16:30:00 UTC" in text
        stamps = {line.split("2026-", 1)[1][:5] for line in text.splitlines() if "2026-" in line}
        assert stamps == {"11-27"}
