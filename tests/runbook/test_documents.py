"""The Markdown and HTML runbooks: what an operator and a change board see in them."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import html5lib
import pytest
from markdown_it import MarkdownIt

from tests.runbook.conftest import GENERATED_AT, at, nlb_session, plan_data, progress, result, single_session
from wizard import sessionfile
from wizard.checklist.model import Checklist
from wizard.plan.model import Plan, parse_plan
from wizard.results import Status
from wizard.runbook.filters import md_code, md_fence, md_quote, md_text, ps_comment
from wizard.runbook.writer import render_html, render_markdown
from wizard.session import Session, StepStatus

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


def _section(markdown: str, heading: str) -> str:
    """The text under a heading, up to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    body = markdown.split(f"\n{heading}\n", 1)[1]
    stop = re.search(rf"^#{{1,{len(level)}}} ", body, flags=re.M)
    return body[: stop.start()] if stop else body


def _plan_with(nodes: int, change: dict[str, object] | None = None) -> Plan:
    data = plan_data("nlb.toml") | {"schema": 1}
    data["nodes"] = [{"name": f"wfe{i + 1}.foo.local", "address": f"10.0.1.{i + 1}"} for i in range(nodes)]
    if change is not None:
        data["change"] = change
    return parse_plan(data)


def test_a_plan_runbook_says_nothing_is_checked_yet(checklist: Checklist, nlb_plan: Plan) -> None:
    markdown = render_markdown(nlb_plan, checklist, generated_at=GENERATED_AT)
    assert "| Evidence | none yet (from the plan) |" in markdown
    assert "Progress" not in markdown
    assert "Nothing has been checked yet: this document was prepared from the plan alone." in markdown
    steps = checklist.for_mode("nlb")
    assert markdown.count("Evidence: **not checked yet**.") == len(steps)
    assert "| `wfe1.foo.local` | 10.0.0.11:25 | not yet checked | | | |" in markdown
    assert "| `mossmail.foo.local` | the VIP 10.0.0.50:25 | not yet checked | | | |" in markdown
    precheck = _section(markdown, "## Pre-checks")
    assert "**not checked yet**, not checked yet:" in precheck
    assert "   - `wfe2.foo.local`: not yet checked" in precheck


def test_session_runbook_shows_evidence_notes_and_decisions(checklist: Checklist, nlb_plan: Plan) -> None:
    markdown = render_markdown(nlb_plan, checklist, nlb_session(), generated_at=GENERATED_AT)
    total = len(checklist.for_mode("nlb"))
    assert f"| Evidence | session mossmail-change: 5 of {total} steps done or skipped |" in markdown
    assert (
        "| `wfe2.foo.local` | 10.0.0.12:25 | **FAIL** | seen from this workstation at 2026-11-27 10:20:00 UTC | "
        "RCPT to \\<probe@example.com> accepted (250 2.1.5): open relay | "
        "On wfe2, Access > Relay: allow only the Exchange servers |"
    ) in markdown
    assert (
        "> wfe2 still has \\*all except\\* the list set;\\\n> fix planned after lunch \\| see ticket #77"
        in markdown
    )
    assert "Progress: **skipped** (2026-11-27 10:21:00 UTC)" in markdown
    go = _section(markdown, "## Go / no-go")
    assert "| **failing** (1 fail, 1 pass) | in progress | no-go | ☐ Go ☐ No-go |" in go
    assert "| **skipped: not proven live** | skipped | skipped: see the note |" in go
    # A warning is never proof: the NLB step marked done on a warning is done by hand, not "go".
    assert "| **done by hand: not proven live** (1 warn) | done | decide on the implementer's note |" in go
    standing = _section(markdown, "## Risk and impact")
    assert (
        "**Standing at the time of writing:** Failing now: step 5 (Allow relay only for the Exchange "
        f"servers), step 8 (Add the mail host as an Alias domain); 3 of {total} steps proven live; "
        f"1 done by hand, not proven live; {total - 6} neither proven nor done."
    ) in standing
    signoff = _section(markdown, "## Sign-off")
    for role in ("Implementer", "Approver", "DNS team (lead)", "Exchange team (lead)", "Change manager"):
        assert f"| {role} |   | ☐ Go ☐ No-go | | |" in signoff


def test_the_first_page_is_what_a_board_reads_in_order(checklist: Checklist, nlb_plan: Plan) -> None:
    markdown = render_markdown(nlb_plan, checklist, nlb_session(), generated_at=GENERATED_AT)
    headings = re.findall(r"^## (.+)$", markdown, flags=re.M)
    assert headings == [
        "Purpose",
        "Scope",
        "Risk and impact",
        "Pre-checks",
        "Go / no-go",
        "Back-out plan",
        "Sign-off",
        "The farm at a glance",
        "Mail path",
        "Procedure",
        "After the change: trace the test message",
    ]
    scope = _section(markdown, "## Scope")
    assert "| Exchange team | Exchange server | Exchange 10.0.0.20 | [4](#step-connector) |" in scope
    assert "| SharePoint team | Each SMTP node | wfe1.foo.local, wfe2.foo.local | [5](#step-relay), " in scope
    backout = _section(markdown, "## Back-out plan")
    last = len(checklist.for_mode("nlb"))
    assert backout.index(f"Step {last}.") < backout.index("Step 8.") < backout.index("Step 1.")
    assert "disable the Send Connector (step 4)" in backout
    assert "(SharePoint team): Delivery > Advanced... > Fully-qualified domain name: set it back" in backout


def test_the_change_record_heads_the_document_and_the_sign_off(checklist: Checklist) -> None:
    change = {"id": "CHG0012345", "window": "2026-12-05 22:00/02:00", "implementer": "J. Admin"}
    plan = _plan_with(2, change | {"approvers": ["CAB", "Head of IT"]})
    markdown = render_markdown(plan, checklist, generated_at=GENERATED_AT)
    assert markdown.startswith("# Change CHG0012345: Incoming e-mail for mossmail.foo.local\n")
    assert "| Window | 2026-12-05 22:00/02:00 |" in markdown
    assert "| Approvers | CAB, Head of IT |" in markdown
    signoff = _section(markdown, "## Sign-off")
    assert "| Implementer | J. Admin |" in signoff
    assert "| Approver | CAB |" in signoff and "| Approver | Head of IT |" in signoff
    page = render_html(plan, checklist, generated_at=GENERATED_AT)
    assert "<title>Change CHG0012345: Incoming e-mail for mossmail.foo.local</title>" in page
    without = render_markdown(_plan_with(2), checklist, generated_at=GENERATED_AT)
    assert "| Change | not given (add a \\[change\\] table to the plan) |" in without


def test_contents_list_each_section_once_and_every_link_lands(checklist: Checklist, nlb_plan: Plan) -> None:
    markdown = render_markdown(nlb_plan, checklist, nlb_session(), generated_at=GENERATED_AT)
    contents = markdown.split("**Contents**", 1)[1].split("<a id=", 1)[0]
    titles = re.findall(r"\[([^\]]+)\]\(#", contents)
    assert len(titles) == len(set(titles)) == 18
    anchors = re.findall(r'<a id="([a-z0-9-]+)"></a>', markdown)
    assert len(anchors) == len(set(anchors))
    for target in re.findall(r"\]\(#([a-z0-9-]+)\)", markdown):
        assert target in anchors, target
    page = render_html(nlb_plan, checklist, nlb_session(), generated_at=GENERATED_AT)
    nav = page.split("<nav>", 1)[1].split("</nav>", 1)[0]
    assert re.findall(r">([^<]+)</a>", nav) == titles
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert all(target in ids for target in re.findall(r'href="#([^"]+)"', page))


def test_the_procedure_is_written_once_whatever_the_node_count(checklist: Checklist) -> None:
    plan = _plan_with(32)
    markdown = render_markdown(plan, checklist, generated_at=GENERATED_AT)
    steps = checklist.for_mode("nlb")
    for number, step in enumerate(steps, start=1):
        assert markdown.count(f"#### Step {number}. ") == 1, step.id
    node_steps = [step for step in steps if step.host.value == "node"]
    for node in plan.nodes:
        # Once in the node table, once per node step's evidence table, once among the pre-check targets.
        assert markdown.count(f"| `{node.name}` |") == 1 + len(node_steps) + 1, node.name
    assert "32 SMTP nodes, wfe1.foo.local to wfe32.foo.local (listed in the procedure)" in markdown


def test_proof_is_never_overstated(checklist: Checklist, nlb_plan: Plan) -> None:
    session = nlb_session()
    session.mark_done("central_admin")
    session.progress["restart"] = progress(
        StepStatus.DONE, [result("restart", "wfe1.foo.local", Status.SKIP, "connection control", 40)], done=41
    )
    session.progress["outgoing"] = progress(
        StepStatus.IN_PROGRESS, [result("outgoing", "mossmail.foo.local", Status.SKIP, "not given", 42)]
    )
    markdown = render_markdown(nlb_plan, checklist, session, generated_at=GENERATED_AT)
    go = _section(markdown, "## Go / no-go")
    row = {line.split(" | ")[0].strip("| "): line for line in go.splitlines() if line.startswith("| ")}
    assert (
        "| **done by hand: not proven live** | done | decide on the implementer's note |"
        in row[str(_number(checklist, "central_admin"))]
    )
    assert "| **done by hand: not proven live** (1 skip) | done |" in row[str(_number(checklist, "restart"))]
    assert (
        "| **not proven live: checks skipped** (1 skip) | in progress | check first |"
        in row[str(_number(checklist, "outgoing"))]
    )
    assert "| **proven live** (2 pass) | done | go |" in row[str(_number(checklist, "fqdn"))]
    assert "| **SKIP (not proven)** |" in _section(
        markdown, "#### Step 9. Set SMTP to start automatically and restart it"
    )


def test_single_mode_has_no_cluster(checklist: Checklist, single_plan: Plan) -> None:
    markdown = render_markdown(single_plan, checklist, generated_at=GENERATED_AT)
    assert "NLB" not in markdown.split("## Procedure")[0].split("## The farm at a glance")[0]
    assert "Single SMTP server\n    sp01.contoso.local at 192.0.2.21, TCP 25" in markdown
    assert "### Each SMTP node (SharePoint team)\n\nthe server sp01.contoso.local\n" in markdown


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


def test_markdown_renders_cleanly(checklist: Checklist, nlb_plan: Plan) -> None:
    markdown = render_markdown(nlb_plan, checklist, nlb_session(), generated_at=GENERATED_AT)
    tokens = GFM.parse(markdown)
    assert not [t for t in tokens if t.type == "html_block"]
    raw = [c.content for t in tokens for c in t.children or [] if c.type == "html_inline"]
    assert raw and all(re.fullmatch(r'<a id="[a-z0-9-]+">|</a>', piece) for piece in raw), raw
    page = _html_tree("<!DOCTYPE html><title>x</title>" + GFM.render(markdown))
    assert len(list(page.iter("table"))) == len(_tables(markdown))  # type: ignore[attr-defined]
    assert "|" not in "".join("".join(h.itertext()) for h in page.iter("h4"))  # type: ignore[attr-defined]


def test_html_escapes_what_the_operator_typed(checklist: Checklist, nlb_plan: Plan) -> None:
    session = nlb_session()
    session.set_note("dns", '<b onclick="x()">bold</b> & <!-- hidden -->')
    page = render_html(nlb_plan, checklist, session, generated_at=GENERATED_AT)
    assert "&lt;b onclick=&#34;x()&#34;&gt;bold&lt;/b&gt; &amp; &lt;!-- hidden --&gt;" in page
    assert "<b onclick" not in page


def test_html_prints_on_white_on_a4_and_letter(checklist: Checklist, nlb_plan: Plan) -> None:
    page = render_html(nlb_plan, checklist, nlb_session(), generated_at=GENERATED_AT)
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert re.search(r"@page \{ margin: [^}]*\}", style)
    assert "size:" not in style.split("@page", 1)[1].split("}", 1)[0], "the printer's paper size decides"
    printed = style.split("@media print", 1)[1]
    assert "#farm, .host-group { break-before: page; }" in printed
    assert "thead { display: table-header-group; }" in printed
    for colour in re.findall(r"background:\s*#([0-9a-fA-F]{3,6})\b", style):
        full = "".join(ch * 2 for ch in colour) if len(colour) == 3 else colour
        red, green, blue = (int(full[i : i + 2], 16) for i in (0, 2, 4))
        assert min(red, green, blue) >= 0xD0, f"{colour} is too dark to print"
    assert page.count('<section class="host-group"') == len({s.host for s in checklist.for_mode("nlb")})


def test_html_marks_status_with_classes(checklist: Checklist, nlb_plan: Plan) -> None:
    page = render_html(nlb_plan, checklist, nlb_session(), generated_at=GENERATED_AT)
    for status in ("pass", "warn", "fail", "error"):
        assert f'<span class="badge status-{status}">{status.upper()}</span>' in page
    assert '<span class="badge status-fail">failing</span>' in page
    assert '<td class="not-checked" colspan="3">not yet checked</td>' in page  # restart was never checked
    assert '<p class="not-checked">Not yet checked.</p>' in page


def test_skipped_and_done_steps_are_labelled(checklist: Checklist, single_plan: Plan) -> None:
    session = single_session()
    assert session.progress["outgoing"].status == StepStatus.SKIPPED
    page = render_html(single_plan, checklist, session, generated_at=GENERATED_AT)
    assert "Progress: skipped (2026-11-27 10:16:00 UTC)</p>" in page
    assert "Progress: done (2026-11-27 10:15:00 UTC)</p>" in page


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
    assert (
        ps_comment("a\nb\r\nc\u2028d", "#   ") == "#   a\n#   b\n#   c\ufffdd"
    )  # U+2028 shown, never a line break


def _drifted_session() -> Session:
    """The alias step signed off with both nodes passing; since then wfe2 fails and wfe1 greets as another name."""
    session = nlb_session()
    greeting = (
        "S: 220 mossmail.foo.local Microsoft ESMTP MAIL Service ready",
        "C: EHLO x",
        "S: 250 mossmail.foo.local",
    )
    renamed = (
        "S: 220 wfe1.foo.local Microsoft ESMTP MAIL Service ready",
        "C: EHLO x",
        "S: 250 wfe1.foo.local",
    )
    signed = [
        replace(result("alias", "wfe1.foo.local", Status.PASS, "accepted (250)", 30), transcript=greeting),
        replace(result("alias", "wfe2.foo.local", Status.PASS, "accepted (250)", 30), transcript=greeting),
    ]
    session.progress["alias"] = progress(StepStatus.IN_PROGRESS, signed)
    session.mark_done("alias")
    session.progress["alias"].done_at = at(31)
    session.record_run(
        [
            replace(result("alias", "wfe1.foo.local", Status.PASS, "accepted (250)", 90), transcript=renamed),
            result("alias", "wfe2.foo.local", Status.FAIL, "refused (550 5.7.1)", 90),
        ]
    )
    return session


def test_a_node_that_passed_at_sign_off_and_fails_now_heads_the_runbook(
    checklist: Checklist, nlb_plan: Plan
) -> None:
    session = _drifted_session()
    markdown = render_markdown(nlb_plan, checklist, session, generated_at=GENERATED_AT)
    first = re.findall(r"^## (.+)$", markdown, flags=re.M)[0]
    assert first == "Changed since sign-off"
    drift = _section(markdown, "## Changed since sign-off")
    bullets = [line for line in drift.splitlines() if line.startswith("- ")]
    assert bullets[0] == (
        "- **REGRESSED** `wfe2.foo.local`, [step 8. Add the mail host as an Alias domain](#step-alias): "
        "PASS at sign-off (2026-11-27 10:30:00 UTC), FAIL now (2026-11-27 11:30:00 UTC): refused (550 5.7.1)"
    )
    assert bullets[1].startswith("- **CHANGED** `wfe1.foo.local`, ")
    assert bullets[1].endswith(
        "greeting / EHLO name mossmail.foo.local / mossmail.foo.local at sign-off, wfe1.foo.local / wfe1.foo.local now"
    )
    assert "**2 pieces of evidence changed since sign-off; 1 passed then and fails now.**" in drift
    step = markdown.split("#### Step 8. ", 1)[1].split("#### Step 9. ", 1)[0]
    assert "Changed since sign-off:\n\n- **REGRESSED** `wfe2.foo.local`: PASS at sign-off" in step
    page = render_html(nlb_plan, checklist, session, generated_at=GENERATED_AT)
    header = page.split("</header>", 1)[0]
    assert '<section id="drift" class="drift">' in header
    assert header.index("REGRESSED") < header.index("CHANGED")
    _html_tree(page)


def test_no_drift_section_without_a_change_since_sign_off(checklist: Checklist, nlb_plan: Plan) -> None:
    markdown = render_markdown(nlb_plan, checklist, nlb_session(), generated_at=GENERATED_AT)
    assert "Changed since sign-off" not in markdown


def test_marking_done_keeps_the_evidence_it_was_signed_off_on() -> None:
    session = nlb_session()
    session.mark_done("alias")
    assert session.progress["alias"].signed == session.progress["alias"].results != []
    again = sessionfile.from_json(json.loads(json.dumps(sessionfile.to_json(session))))
    assert again.progress["alias"].signed == session.progress["alias"].signed


def _number(checklist: Checklist, step_id: str) -> int:
    """A step's number in NLB mode, as the runbook prints it."""
    return [step.id for step in checklist.for_mode("nlb")].index(step_id) + 1
