"""The Markdown and HTML runbooks: what an operator and a change board see in them."""

from __future__ import annotations

import re

import html5lib
import pytest
from markdown_it import MarkdownIt

from tests.runbook.conftest import GENERATED_AT, nlb_session, single_session
from wizard.model import Checklist
from wizard.plan import Plan
from wizard.runbook import render_html, render_markdown
from wizard.runbook.filters import md_code, md_fence, md_quote, md_text, ps_comment
from wizard.session import StepStatus

GFM = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _html_tree(text: str) -> object:
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def _tables(markdown: str) -> list[list[str]]:
    tables: list[list[str]] = []
    current: list[str] = []
    in_fence = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        if not in_fence and line.startswith("|"):
            current.append(line)
            continue
        if current:
            tables.append(current)
            current = []
    return tables + ([current] if current else [])


@pytest.mark.parametrize("which", ["nlb", "single"])
def test_every_markdown_table_row_has_as_many_cells_as_its_header(which: str, checklist: Checklist) -> None:
    session = nlb_session() if which == "nlb" else single_session()
    for session_or_none in (session, None):
        markdown = render_markdown(session.plan(), checklist, session_or_none, generated_at=GENERATED_AT)
        tables = _tables(markdown)
        assert len(tables) >= 5
        for table in tables:
            header = _unescaped_pipes(table[0])
            assert re.fullmatch(r"(\|-+)+\|", table[1]), table[1]
            assert all(_unescaped_pipes(row) == header for row in table), table


def test_markdown_code_fences_name_their_language(checklist: Checklist, nlb_plan: Plan) -> None:
    markdown = render_markdown(nlb_plan, checklist, generated_at=GENERATED_AT)
    fences = [token for token in GFM.parse(markdown) if token.type == "fence"]
    assert fences, "the mail path at least is a fence"
    assert all(token.info for token in fences)
    assert fences[0].info == "text"


def test_a_plan_runbook_says_nothing_is_checked_yet(checklist: Checklist, nlb_plan: Plan) -> None:
    markdown = render_markdown(nlb_plan, checklist, generated_at=GENERATED_AT)
    assert "| From plan | nothing checked yet" in markdown
    assert "Progress" not in markdown
    assert markdown.count("Not yet checked.") == len(checklist.for_mode("nlb")) - 1 + 5  # node steps twice
    assert "| `wfe1.foo.local` | 10.0.0.11:25 | not yet checked | | |" in markdown
    assert "| `mossmail.foo.local` | the VIP 10.0.0.50:25 | not yet checked | | |" in markdown
    assert "Checks through" not in markdown


def test_session_runbook_shows_evidence_notes_and_decisions(checklist: Checklist, nlb_plan: Plan) -> None:
    markdown = render_markdown(nlb_plan, checklist, nlb_session(), generated_at=GENERATED_AT)
    assert "| From session | `mossmail-change` (5 of 12 steps done or skipped) |" in markdown
    assert (
        "| **FAIL** | 2026-11-27 10:20:00 UTC | `wfe2.foo.local` | RCPT to \\<probe@example.com> accepted "
        "(250 2.1.5): open relay | On wfe2, Access > Relay: allow only the Exchange servers |"
    ) in markdown
    assert (
        "> wfe2 still has \\*all except\\* the list set;\\\n> fix planned after lunch \\| see ticket #77"
        in markdown
    )
    assert "Progress: **skipped** (2026-11-27 10:21:00 UTC)" in markdown
    # The relay result for wfe2 is under wfe2 only; the check through the VIP has its own section.
    wfe1 = markdown.split("## SMTP node wfe1.foo.local")[1].split("## SMTP node wfe2.foo.local")[0]
    assert "| **FAIL** |" not in wfe1 and "`wfe2.foo.local` | RCPT" not in wfe1
    assert "## Checks through mossmail.foo.local" in markdown
    go = markdown.split("## Go / no-go")[1]
    assert "| FAIL | 1 pass, 1 fail | in progress | no-go | ☐ Go ☐ No-go |" in go
    assert "| not yet checked |   | skipped | skipped: see the note |" in go
    assert "| WARN | 1 warn | done | go |" in go
    signoff = markdown.split("## Sign-off")[1]
    for role in ("DNS team", "Exchange team", "SharePoint team", "Change manager"):
        assert f"| {role} | | | |" in signoff


def test_steps_are_grouped_by_where_they_are_done_in_checklist_order(
    checklist: Checklist, nlb_plan: Plan
) -> None:
    markdown = render_markdown(nlb_plan, checklist, generated_at=GENERATED_AT)
    groups = re.findall(r"^## (.+)$", markdown, flags=re.M)
    assert groups[:3] == ["The farm at a glance", "Mail path", "Pre-checks"]
    assert groups[-2:] == ["Go / no-go", "Sign-off"]
    places = groups[3:-2]
    assert places[:5] == [
        "DNS server",
        "NLB Manager (any cluster node)",
        "Exchange server",
        "SMTP node wfe1.foo.local",
        "SMTP node wfe2.foo.local",
    ]
    numbers = [int(n) for n in re.findall(r"^### Step (\d+)\.", markdown, flags=re.M)]
    wfe = markdown.split("## SMTP node wfe1.foo.local")[1].split("## SMTP node wfe2.foo.local")[0]
    assert [int(n) for n in re.findall(r"^### Step (\d+)\.", wfe, flags=re.M)] == [5, 6, 7, 8, 9]
    assert numbers[:4] == [1, 2, 3, 4]


def test_single_mode_has_no_cluster(checklist: Checklist, single_plan: Plan) -> None:
    markdown = render_markdown(single_plan, checklist, generated_at=GENERATED_AT)
    assert "NLB" not in markdown.split("## Pre-checks")[0]
    assert "Single SMTP server\n    sp01.contoso.local at 192.0.2.21, TCP 25" in markdown
    assert "## SMTP node sp01.contoso.local" in markdown


@pytest.mark.parametrize("with_session", [True, False])
@pytest.mark.parametrize("which", ["nlb", "single"])
def test_html_parses_strictly(which: str, with_session: bool, checklist: Checklist) -> None:
    session = nlb_session() if which == "nlb" else single_session()
    page = render_html(
        session.plan(), checklist, session if with_session else None, generated_at=GENERATED_AT
    )
    _html_tree(page)
    assert page.startswith("<!DOCTYPE html>\n")
    assert "<script" not in page and "<link" not in page and "src=" not in page  # one file, nothing fetched


def test_html_escapes_what_the_operator_typed(checklist: Checklist, nlb_plan: Plan) -> None:
    session = nlb_session()
    session.set_note("dns", '<b onclick="x()">bold</b> & <!-- hidden -->')
    page = render_html(nlb_plan, checklist, session, generated_at=GENERATED_AT)
    assert "&lt;b onclick=&#34;x()&#34;&gt;bold&lt;/b&gt; &amp; &lt;!-- hidden --&gt;" in page
    assert "<b onclick" not in page


def test_html_prints_on_white_with_a_page_per_host(checklist: Checklist, nlb_plan: Plan) -> None:
    page = render_html(nlb_plan, checklist, nlb_session(), generated_at=GENERATED_AT)
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    printed = style.split("@media print", 1)[1]
    assert ".host-group, #go-no-go, #sign-off { break-before: page; }" in printed
    for colour in re.findall(r"background:\s*#([0-9a-fA-F]{3,6})\b", style):
        full = "".join(ch * 2 for ch in colour) if len(colour) == 3 else colour
        red, green, blue = (int(full[i : i + 2], 16) for i in (0, 2, 4))
        assert min(red, green, blue) >= 0xD0, f"{colour} is too dark to print"
    assert page.count('<section class="host-group"') == 9


def test_html_marks_status_with_classes(checklist: Checklist, nlb_plan: Plan) -> None:
    page = render_html(nlb_plan, checklist, nlb_session(), generated_at=GENERATED_AT)
    for status in ("pass", "warn", "fail", "error"):
        assert f'<span class="badge status-{status}">{status.upper()}</span>' in page
    assert '<td class="not-checked">not yet checked</td>' not in page  # every pre-check target was checked
    assert '<p class="not-checked">Not yet checked.</p>' in page


def test_skipped_and_done_steps_are_labelled(checklist: Checklist, single_plan: Plan) -> None:
    session = single_session()
    assert session.progress["outgoing"].status == StepStatus.SKIPPED
    page = render_html(single_plan, checklist, session, generated_at=GENERATED_AT)
    assert '<p class="progress">Progress: skipped (2026-11-27 10:16:00 UTC)</p>' in page
    assert '<p class="progress">Progress: done (2026-11-27 10:15:00 UTC)</p>' in page


def test_markdown_filters_escape_what_viewers_would_read_as_markup() -> None:
    assert md_text("a|b <i> *x* _y_ [l](u) `c` $m$ ~s~ &amp; \\") == (
        "a\\|b \\<i> \\*x\\* \\_y\\_ \\[l\\](u) \\`c\\` \\$m\\$ \\~s\\~ \\&amp; \\\\"
    )
    assert md_text("line one\nline two") == "line one line two"
    assert md_text("# not a heading") == "\\# not a heading"
    assert md_text("10. not a list") == "10\\. not a list"
    assert md_text("10.0.0.5") == "10.0.0.5"
    assert md_text("a\x00b") == "a\ufffdb"
    assert md_quote("one\n\n- two") == "> one\\\n>\n> \\- two"
    assert md_code("a`b") == "``a`b``"
    assert md_code("a|b") == "a\\|b"
    assert md_fence("x\n```\ny", "text") == "````text\nx\n```\ny\n````"
    assert ps_comment("a\nb\r\nc\u2028d", "#   ") == "#   a\n#   b\n#   c\n#   d"
