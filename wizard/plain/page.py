"""Plain mode's step page: a step's guidance, values and last results as plain lines."""

from __future__ import annotations

from collections.abc import Callable

from wizard.checklist.model import Step, StepKind
from wizard.plaintext import plain_text
from wizard.plan.model import Plan
from wizard.render import render_step
from wizard.results import CheckResult
from wizard.session import Session
from wizard.untrusted import neutral


def result_lines(results: list[CheckResult]) -> list[str]:
    """Results as plain lines: the shared headline, then the hint."""
    lines = []
    for result in results:
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


def show_step(say: Callable[[str], None], session: Session, step: Step, number: int, total: int) -> None:
    """Print the step's guidance as plain text."""
    progress = session.progress_for(step.id)
    say("")
    say(f"Step {number} of {total}: {step.title} (status: {progress.status.label})")
    say(f"Where: {step.where}")
    plan = session.plan_or_none()
    if plan is None:
        say("The farm's values are not complete yet.")
        return
    if step.kind is StepKind.INPUT:
        say(values_summary(plan))
    rendered = render_step(step, plan)
    if rendered.before:
        heading = "WARNING, read first" if rendered.locks_out else "Before you start"
        say(f"{heading}:\n{plain_text(rendered.before)}")
    if rendered.why:
        say(f"Why:\n{plain_text(rendered.why)}")
    for gui in rendered.gui:
        say(f"Click path{' (' + gui.label + ')' if gui.label else ''}:")
        say(plain_text(gui.text))
    for script in rendered.scripts:
        details = ", ".join(part for part in (script.shell, script.label, script.source) if part)
        say(f"Script ({details}), between the lines:")
        say("----- begin script -----")
        say(script.text)
        say("----- end script -----")
    for pitfall in rendered.pitfalls:
        say(f"Pitfall: {plain_text(pitfall)}")
    for title, text in (
        ("What is checked", rendered.verify),
        ("Expected", rendered.expected),
        ("If the check fails", rendered.on_failure),
        ("Undo", rendered.undo),
    ):
        if text:
            say(f"{title}:\n{plain_text(text)}")
    if progress.results:
        kept = progress.kept_from_earlier()
        say(f"Last check ({kept}):" if kept else "Last check:")
        for line in result_lines(progress.results):
            say(f"  {line}")
    if progress.note:
        say(f"Note: {progress.note}")
