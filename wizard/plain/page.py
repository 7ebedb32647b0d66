"""Plain mode's step page: a short summary first, then the rest of the guidance in pages read on request.

A screen reader reads every line it is given, so a step does not open with
its whole guidance (a hundred lines on some steps): it opens with a few lines
(title, status, the proof rule's verdict, where, what to read first, the last
check in one line) and the names of the pages that follow, each at most
:data:`PAGE_LINES` lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from wizard.checklist.model import Checklist, Step, StepKind
from wizard.plaintext import plain_text
from wizard.plan.model import Plan
from wizard.proof import proof_label, session_report
from wizard.record import record
from wizard.render import render_step
from wizard.results import SEVERITY, CheckResult
from wizard.runbook.inside import seen_inside
from wizard.runbook.worded import counts
from wizard.session import Session
from wizard.untrusted import neutral

PAGE_LINES = 16
"""The most lines one page of guidance holds; a longer part is cut into numbered parts."""


@record
class Page:
    """One page of a step's guidance."""

    title: str
    """What the page is, with its part when its topic takes several pages."""
    lines: tuple[str, ...]
    topic: str = ""
    """The page's topic, shared by all its parts (the contents name each topic once)."""


def ordered(results: Sequence[CheckResult]) -> list[CheckResult]:
    """Results in reading order: failures and errors first, then warnings, passes and skips."""
    return sorted(results, key=lambda result: SEVERITY.index(result.status))


def result_lines(results: Sequence[CheckResult]) -> list[str]:
    """Results as plain lines, most serious first: the shared headline, then the hint."""
    lines = []
    for result in ordered(results):
        lines.append(result.headline)
        if result.hint:
            lines.append(f"      hint: {neutral(result.hint)}")
    return lines


def values_summary(plan: Plan) -> str:
    """The farm's values on a few lines."""
    nodes = ", ".join(f"{node.name} ({node.address})" for node in plan.nodes)
    vip = f", VIP {plan.vip}" if plan.vip else ""
    return (
        f"Plan: {plan.mode} mode, mail host {plan.mail_host}{vip}; nodes {nodes}; "
        f"Exchange {', '.join(plan.exchange_servers)}; SMTP port {plan.smtp_port}; "
        f"connection control {'on' if plan.connection_control else 'off'}."
    )


def _split(title: str, lines: list[str]) -> list[Page]:
    """One part as pages of at most PAGE_LINES lines, numbered when there are several."""
    chunks = [lines[start : start + PAGE_LINES] for start in range(0, len(lines), PAGE_LINES)] or [[]]
    if len(chunks) == 1:
        return [Page(title, tuple(chunks[0]), title)]
    return [
        Page(f"{title}, part {number} of {len(chunks)}", tuple(chunk), title)
        for number, chunk in enumerate(chunks, start=1)
    ]


def contents(pages: Sequence[Page]) -> str:
    """The pages' topics in order, each once, with how many pages a long one takes."""
    topics: dict[str, int] = {}
    for page in pages:
        topics[page.topic] = topics.get(page.topic, 0) + 1
    return "; ".join(f"{topic} ({count} pages)" if count > 1 else topic for topic, count in topics.items())


def _text(markdown: str) -> list[str]:
    """Markdown as plain lines, without the blank ones (a screen reader says each as "blank")."""
    return [line for line in plain_text(markdown).splitlines() if line.strip()]


def _inside_lines(plan: Plan, step: Step, session: Session) -> list[str]:
    """What the probe kit saw inside each node and SharePoint server for this step, as each host reported it."""
    lines = []
    for host in seen_inside(plan, [step], session):
        lines.append(f"{neutral(host.name)} ({host.role}):")
        for row in host.rows:
            found = row.evidence
            hint = f" What to do: {neutral(found.hint)}" if found.hint else ""
            lines.append(
                f"  {found.label} {neutral(row.check)}: {neutral(found.summary)}; {neutral(found.seen)}.{hint}"
            )
        lines += [f"  Unknown alias: {neutral(sentence)}" for sentence in host.unknown]
    return lines


def _before_heading(locks_out: str) -> str:
    """What the step's first words are called: a warning when marking it done cuts this machine off."""
    return "WARNING, read first" if locks_out else "Before you start"


def later_pages(session: Session, step: Step, plan: Plan) -> list[Page]:
    """The pages after the summary, in reading order."""
    progress = session.progress_for(step.id)
    rendered = render_step(step, plan)
    pages: list[Page] = []
    before = _text(rendered.before)
    if len(before) > 1:
        pages += _split(f"{_before_heading(rendered.locks_out)}, in full", before)
    if progress.results:
        kept = progress.kept_from_earlier()
        heading = [f"Kept: {kept}."] if kept else []
        pages += _split("Last check, most serious first", heading + result_lines(progress.results))
    inside = _inside_lines(plan, step, session)
    if inside:
        pages += _split("Seen inside, as each host reported it through the probe kit", inside)
    if rendered.why:
        pages += _split("Why", _text(rendered.why))
    for gui in rendered.gui:
        pages += _split(f"Click path{' (' + gui.label + ')' if gui.label else ''}", _text(gui.text))
    for number, script in enumerate(rendered.scripts, start=1):
        details = ", ".join(part for part in (script.shell, script.label, script.source) if part)
        body = [
            f"({details})",
            "----- begin script -----",
            *script.text.splitlines(),
            "----- end script -----",
        ]
        which = f" {number} of {len(rendered.scripts)}" if len(rendered.scripts) > 1 else ""
        pages += _split(f"Script{which} ({script.shell})", body)
    if rendered.pitfalls:
        pages += _split("Pitfalls", [f"- {plain_text(pitfall)}" for pitfall in rendered.pitfalls])
    checked = _text(rendered.verify) + (["Expected:", *_text(rendered.expected)] if rendered.expected else [])
    if checked:
        pages += _split("What is checked", checked)
    if rendered.on_failure:
        pages += _split("If the check fails", _text(rendered.on_failure))
    if rendered.undo:
        pages += _split("Undo", _text(rendered.undo))
    return pages


def step_pages(session: Session, checklist: Checklist, step: Step, number: int, total: int) -> list[Page]:
    """The step's summary (the first page) and the pages that follow it."""
    progress = session.progress_for(step.id)
    lines = [f"Step {number} of {total}: {step.title} (status: {progress.status.label})"]
    plan = session.plan_or_none()
    if plan is None:
        lines += [f"Where: {step.where}", "The farm's values are not complete yet."]
        return [Page("Summary", tuple(lines))]
    lines.append(f"Proof: {proof_label(session_report(session, checklist), step.id)}.")
    lines.append(f"Where: {step.where}")
    if step.kind is StepKind.INPUT:
        lines.append(values_summary(plan))
    rendered = render_step(step, plan)
    before = _text(rendered.before)
    if before:
        heading = _before_heading(rendered.locks_out)
        lines.append(f"{heading}: {before[0]}")
        if len(before) > 1:
            lines.append(f"({heading} goes on, on page 2.)")
    if progress.results:
        lines.append(f"Last check: {counts(progress.results)}.")
    if progress.note:
        lines.append(f"Note: {progress.note}")
    rest = later_pages(session, step, plan)
    if rest:
        lines.append(
            f"{len(rest)} more page{'s' if len(rest) > 1 else ''}: {contents(rest)}. Type more to read on."
        )
    return [Page("Summary", tuple(lines)), *rest]
