"""Hostile values: whatever validation lets through stays inside its quoting in PowerShell, HTML and Markdown."""

from __future__ import annotations

import re
from typing import Any

import html5lib
import tree_sitter
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tests.runbook.conftest import GENERATED_AT, nlb_session, plan_data, result
from tests.runbook.pscheck import exposed_values, syntax_problems
from wizard.checklist.model import Checklist
from wizard.errors import PlanError
from wizard.plan.model import Plan, parse_plan
from wizard.results import Status
from wizard.runbook.filters import clean
from wizard.runbook.writer import render_html, render_markdown, render_scripts
from wizard.session import Session, StepProgress, StepStatus

FRAGMENTS = [
    "'",
    '"',
    "\u2018",
    "\u2019",
    "\u201a",
    "\u201b",
    "`",
    "$(Stop-Computer)",
    "$env:x",
    "@(1)",
    "${x}",
    "\n",
    "\r\n",
    "\u2028",
    "</script>",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<!--",
    "-->",
    "{{ mail_host }}",
    "{% raw %}",
    "\x00",
    "#>",
    "<#",
    "@'",
    "'@",
    "| x |",
    "*x*",
    "[a](javascript:alert(1))",
    "&amp;",
    "\\",
    "#",
    "~",
    " ",
    "x" * 300,
]
"""Pieces that end a string, a comment, a tag or a table cell somewhere."""

PREFIXES = {
    "mail_host": ["", "mail."],
    "nodes.0.name": ["", "wfe1"],
    "nodes.1.drop_folder": ["C:\\", "\\\\wfe2\\c$\\", "D:\\Drop "],
    "test_recipient": ["docs@mossmail.foo.local", "a"],
    "outgoing_smtp_server": ["", "smtp."],
    "exchange_servers.0": ["10.0.0.20", ""],
    "dns_zone": ["foo.local", ""],
}
"""Fields a hostile value goes into, each with starts that get it past the first check."""

ALLOWED_TAGS = {
    "html", "head", "body", "meta", "title", "style", "header", "nav", "main", "section", "article",
    "h1", "h2", "h3", "h4", "p", "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "ol",
    "ul", "li", "a", "strong", "em", "span", "div", "br", "hr", "blockquote",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"lang", "charset", "name", "content", "class", "id", "href", "scope", "colspan"}

ANCHOR = re.compile(r'<a id="[a-z0-9_-]+">')
"""The only raw HTML the Markdown runbook writes: an anchor per step and group."""

hostile_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), min_size=1, max_size=6
).map("".join)


def _set(data: dict[str, Any], field: str, value: str) -> None:
    parts = field.split(".")
    target: Any = data
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    if last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value


def _session(plan: Plan, text: str) -> Session:
    """A session whose notes, summaries, hints and targets all carry the hostile text."""
    session = nlb_session()
    session.plan_data = {k: v for k, v in plan.to_data().items() if k != "schema"}
    session.progress["alias"] = StepProgress(
        status=StepStatus.DONE,
        note=text,
        results=[
            result("alias", "wfe1.foo.local", Status.FAIL, text, 30, hint=text),
            result("alias", text, Status.WARN, "through " + text, 31),
        ],
        # Signed off while both passed: the drift notes at the top carry the hostile text too.
        signed=[
            result("alias", "wfe1.foo.local", Status.PASS, "accepted", 20),
            result("alias", text, Status.PASS, "accepted", 20),
        ],
    )
    session.progress["mode"] = StepProgress(
        status=StepStatus.DONE, note=text, results=[result("mode", text, Status.PASS, text, 1)]
    )
    return session


def _cell_text(text: str) -> str:
    """What a viewer shows for free text in one table cell: unsafe characters replaced, lines joined."""
    return " ".join(clean(text).splitlines()).strip()


def check_powershell(plan: Plan, checklist: Checklist, parser: tree_sitter.Parser, values: list[str]) -> None:
    session = _session(plan, values[0])
    # A value the scripts already hold outside quotes without it (a node named `A`, as in
    # `-RRType A`) is the script's own text there: looking for it would find the template, not a leak.
    ordinary = parse_plan(plan_data("nlb.toml") | {"schema": 1})
    own = "\n".join(
        render_scripts(ordinary, checklist, _session(ordinary, "x"), generated_at=GENERATED_AT).values()
    )
    values = [value for value in values if not exposed_values(parser, own, [value])]
    for name, script in render_scripts(plan, checklist, session, generated_at=GENERATED_AT).items():
        assert syntax_problems(parser, script) == [], name
        assert exposed_values(parser, script, values) == [], name


def check_html(plan: Plan, checklist: Checklist, text: str) -> None:
    page = render_html(plan, checklist, _session(plan, text), generated_at=GENERATED_AT)
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    document = parser.parse(page)
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue  # comments: the template writes none, so any would be injected
        assert element.tag in ALLOWED_TAGS, element.tag
        assert set(element.attrib) <= ALLOWED_ATTRIBUTES, element.attrib
        href = element.attrib.get("href")
        assert href is None or href.startswith("#"), href
    comments = [e for e in document.iter() if not isinstance(e.tag, str)]
    assert comments == []
    notes = ["".join(e.itertext()) for e in document.iter("div") if e.attrib.get("class") == "note"]
    if text.strip():
        assert clean(text) in notes


def check_markdown(plan: Plan, checklist: Checklist, text: str) -> None:
    markdown = render_markdown(plan, checklist, _session(plan, text), generated_at=GENERATED_AT)
    renderer = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    tokens = renderer.parse(markdown)
    for token in tokens:
        assert token.type != "html_block", token.content
        for child in token.children or []:
            if child.type == "html_inline":
                assert ANCHOR.fullmatch(child.content) or child.content == "</a>", child.content
            if child.type == "link_open":
                assert str(child.attrGet("href")).startswith("#"), child
            assert child.type != "image"
    page = html5lib.HTMLParser(namespaceHTMLElements=False).parse(renderer.render(markdown))
    cells = ["".join(cell.itertext()).strip() for cell in page.iter("td")]
    expected = _cell_text(text)
    if expected:
        # Whole, in one cell: a `|` in the value did not split the row.
        assert expected in cells


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(sorted(PREFIXES)), start=st.integers(0, 2), text=hostile_text)
def test_hostile_values_never_leave_their_quoting(
    field: str, start: int, text: str, scripted: Checklist, ps_parser: tree_sitter.Parser
) -> None:
    prefixes = PREFIXES[field]
    value = prefixes[start % len(prefixes)] + text
    data = plan_data("nlb.toml") | {"schema": 1}
    _set(data, field, value)
    try:
        plan = parse_plan(data)
    except PlanError:
        event(f"{field}: refused")
        plan = parse_plan(plan_data("nlb.toml") | {"schema": 1})  # refused: the free text still goes through
    else:
        event(f"{field}: accepted")
        check_powershell(plan, scripted, ps_parser, [value.strip().lower(), value.strip()])
    check_html(plan, scripted, text)
    check_markdown(plan, scripted, text)


def test_an_accepted_hostile_drop_folder_stays_quoted(
    scripted: Checklist, ps_parser: tree_sitter.Parser
) -> None:
    value = "\\\\wfe2\\c$\\$(Stop-Computer) #x @(1) ~+ (a)"
    data = plan_data("nlb.toml") | {"schema": 1}
    data["nodes"][1]["drop_folder"] = value
    plan = parse_plan(data)
    assert plan.nodes[1].drop_folder == value
    script = render_scripts(plan, scripted, generated_at=GENERATED_AT)["4-node-wfe2.foo.local.ps1"]
    assert "$drop = '\\\\wfe2\\c$\\$(Stop-Computer) #x @(1) ~+ (a)'" in script
    assert syntax_problems(ps_parser, script) == []
    assert exposed_values(ps_parser, script, [value]) == []


def test_the_checker_catches_a_value_outside_quotes(ps_parser: tree_sitter.Parser) -> None:
    assert exposed_values(ps_parser, "Write-Host 'C:\\x' C:\\x\n", ["C:\\x"]) == [
        "'C:\\\\x' outside quotes at line 1"
    ]
    assert exposed_values(ps_parser, 'Write-Host "$(evil)"\n', ["$(evil)"]) != []
    # tree-sitter ends the string at the ASCII quote only; PowerShell also at U+2019.
    assert exposed_values(ps_parser, "Write-Host 'a\u2019b'\n", ["b"]) != []
    assert exposed_values(ps_parser, "Write-Host 'a\u2019\u2019b'\n", ["b"]) == []


def test_the_validators_refuse_what_cannot_be_quoted() -> None:
    for field, value in [
        ("mail_host", "mail'.foo.local"),
        ("mail_host", "mail\u2019x.foo.local"),
        ("nodes.1.drop_folder", "C:\\Drop'; Stop-Computer; '"),
        ("nodes.1.drop_folder", "C:\\Drop\nStop-Computer"),
        ("nodes.1.drop_folder", "C:\\Drop`"),
        ("test_recipient", "a'b@mossmail.foo.local"),
    ]:
        data = plan_data("nlb.toml") | {"schema": 1}
        _set(data, field, value)
        try:
            parse_plan(data)
        except PlanError:
            continue
        raise AssertionError(f"{field} accepted {value!r}")


@settings(max_examples=40, deadline=None)
@given(tail=st.text(alphabet="aZ09 ._$()#@~+\\-", min_size=1, max_size=80), unc=st.booleans())
def test_every_drop_folder_the_validator_accepts_stays_quoted(
    tail: str, unc: bool, scripted: Checklist, ps_parser: tree_sitter.Parser
) -> None:
    value = ("\\\\wfe2\\c$\\" if unc else "C:\\") + tail
    # A '..' segment is refused for what it means, not for a character: that rule has its own test.
    assume(".." not in value.strip().split("\\"))
    data = plan_data("nlb.toml") | {"schema": 1}
    data["nodes"][1]["drop_folder"] = value
    plan = parse_plan(data)  # built from the allowed characters: always accepted
    stored = plan.nodes[1].drop_folder
    assert stored is not None
    check_powershell(plan, scripted, ps_parser, [stored])
    check_html(plan, scripted, stored)
    check_markdown(plan, scripted, stored)


CHANGE_FIELDS = ("id", "window", "implementer", "approvers")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(CHANGE_FIELDS), text=hostile_text)
def test_hostile_change_record_values_stay_text(field: str, text: str, scripted: Checklist) -> None:
    data = plan_data("nlb.toml") | {"schema": 1}
    data["change"] = {field: [text] if field == "approvers" else text}
    try:
        plan = parse_plan(data)
    except PlanError:
        event("change: refused")
        return
    event("change: accepted")
    value = text.strip()
    check_html(plan, scripted, "note")
    check_markdown(plan, scripted, "note")
    markdown = render_markdown(plan, scripted, generated_at=GENERATED_AT)
    renderer = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    page = html5lib.HTMLParser(namespaceHTMLElements=False).parse(renderer.render(markdown))
    assert value in ["".join(cell.itertext()).strip() for cell in page.iter("td")]
    document = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(
        render_html(plan, scripted, generated_at=GENERATED_AT)
    )
    assert value in ["".join(cell.itertext()) for cell in document.iter("td")]
