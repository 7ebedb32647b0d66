"""Text that would read differently from what it holds never reaches a document, and quotes stay quotes."""

from __future__ import annotations

import pytest

from tests.runbook.conftest import GENERATED_AT, nlb_session
from wizard.checklist.loader import load_default
from wizard.plan.model import Plan
from wizard.results import CheckResult, Status
from wizard.runbook.filters import ps_quote
from wizard.runbook.writer import render_html, render_markdown, render_scripts

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize("quote", ["'", "\u2018", "\u2019", "\u201a", "\u201b"])
def test_every_single_quote_powershell_knows_is_doubled(quote: str) -> None:
    assert ps_quote(f"O{quote}Brien") == f"'O{quote}{quote}Brien'"


def test_a_value_of_quotes_only_stays_one_string() -> None:
    assert ps_quote("\u2018\u2019'") == "'\u2018\u2018\u2019\u2019'''"


@pytest.mark.parametrize("char", list(BIDI) + ["\x1b", "\x07"])
def test_bidi_and_control_characters_are_neutralised_in_every_document(char: str, nlb_plan: Plan) -> None:
    session = nlb_session()
    session.set_note("dns", f"ok{char}exe.txt note")
    reply = f"S: 220 wfe1.foo.local {char}gnp.exe ready"
    session.record_run(
        [
            CheckResult(
                "fqdn",
                "fqdn-greeting",
                "wfe1.foo.local",
                Status.WARN,
                f"greets as wfe1{char}.foo.local",
                transcript=(reply,),
                observed_at=GENERATED_AT,
            )
        ]
    )
    checklist = load_default()
    documents = {
        "md": render_markdown(nlb_plan, checklist, session, generated_at=GENERATED_AT),
        "html": render_html(nlb_plan, checklist, session, generated_at=GENERATED_AT),
    }
    documents |= render_scripts(nlb_plan, checklist, session, generated_at=GENERATED_AT)
    assert "exe.txt note" in documents["md"] and "exe.txt note" in documents["html"]
    for name, text in documents.items():
        assert char not in text, name
