"""The runbook's prepared view: the decision page, then the procedure per place, written once."""

from __future__ import annotations

import re
from datetime import datetime

from wizard.checklist.model import Checklist, Host, Step
from wizard.plan.model import Node, Plan
from wizard.proof import session_report
from wizard.record import record
from wizard.render import RenderedStep, render_step
from wizard.results import CheckResult
from wizard.runbook.aftertrace import AfterTrace, after_trace
from wizard.runbook.board import Board, build_board
from wizard.runbook.farmfacts import PathStage, facts, mail_path, mode_label
from wizard.runbook.inside import InsideHost, seen_inside
from wizard.runbook.places import PLACES
from wizard.runbook.worded import DriftNote, Proof, ShownResult, evidence, proof, since_sign_off
from wizard.session import Session, StepStatus


@record
class EvidenceRow:
    """One target of a step: where it should answer, and what the last check found."""

    target: str
    """The node, the mail host or ``dns:ADDR``."""
    planned: str
    """Where it should answer (``10.0.0.11:25``); empty when the plan does not say."""
    evidence: ShownResult | None
    """The last result for it, or None when not yet checked."""


@record
class StepSection:
    """A step, written once: its guidance, and the evidence of every target."""

    number: int
    """Position among the mode's steps, from 1."""
    anchor: str
    """HTML id: ``step-<id>``."""
    guide: RenderedStep
    """The step filled in for the plan (node steps: written for the first node)."""
    team: str
    """Who carries it out."""
    rows: tuple[EvidenceRow, ...]
    """Per target: the planned value and the evidence."""
    proof: Proof
    """How much the evidence proves the step."""
    progress: str
    """``done``, ``skipped``, ``in progress``, ``not started``; empty for a runbook from a plan."""
    settled_at: datetime | None
    """When the step was marked done or skipped."""
    note: str
    """The operator's note."""
    drift: tuple[DriftNote, ...] = ()
    """What changed since the step was signed off, regressions first."""

    @property
    def step(self) -> Step:
        """The checklist step."""
        return self.guide.step


@record
class HostGroup:
    """Every step carried out in one place, in checklist order."""

    anchor: str
    """HTML id of the group."""
    title: str
    """Where the operator sits (``Each SMTP node``)."""
    team: str
    """Who works there."""
    detail: str
    """The address or scope of that place."""
    steps: tuple[StepSection, ...]
    """The steps done there."""
    nodes: tuple[Node, ...] = ()
    """For the node group: the nodes whose values the table lists."""


@record
class Runbook:
    """Everything a runbook template shows, prepared."""

    title: str
    checklist_title: str
    generated_at: datetime
    session_name: str
    """Empty for a runbook from a plan."""
    plan: Plan
    mode_label: str
    board: Board
    """The decision page."""
    facts: tuple[tuple[str, str], ...]
    """The farm at a glance, as label and value."""
    mail_path: tuple[PathStage, ...]
    groups: tuple[HostGroup, ...]
    contents: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]
    """Anchor, title and sub-sections (anchor, title) of each section, each once."""
    progress: str
    """``5 of 12 steps done or skipped``; empty from a plan."""
    after: AfterTrace | None = None
    """After the change: the test message's trace; None when the plan names no test recipient."""
    inside: tuple[InsideHost, ...] = ()
    """What each node and SharePoint server reported about itself (the probe kit), host by host."""


def slug(text: str) -> str:
    """Text as an HTML id or file name part: lower-case letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _planned(plan: Plan, host: Host) -> list[tuple[str, str]]:
    """The targets a step's table lists even before they are checked."""
    if host not in (Host.WORKSTATION, Host.NODE):
        return []
    port = plan.smtp_port
    planned = [(node.name, f"{node.address}:{port}") for node in plan.nodes]
    if host == Host.WORKSTATION and plan.mode == "nlb":
        planned.append((plan.mail_host, f"the VIP {plan.vip}:{port}"))
    return planned


def _rows(plan: Plan, host: Host, results: list[CheckResult]) -> tuple[EvidenceRow, ...]:
    by_target: dict[str, list[CheckResult]] = {}
    for result in results:
        by_target.setdefault(result.target, []).append(result)
    rows: list[EvidenceRow] = []
    planned = _planned(plan, host)
    for target, where in planned:
        found = by_target.pop(target, [])
        rows += [EvidenceRow(target, where, evidence(r)) for r in found] or [EvidenceRow(target, where, None)]
    through = f"the VIP {plan.vip}:{plan.smtp_port}" if plan.mode == "nlb" else ""
    for target, found in by_target.items():
        where = through if target == plan.mail_host else ""
        rows += [EvidenceRow(target, where, evidence(r)) for r in found]
    return tuple(rows)


def build_view(plan: Plan, checklist: Checklist, session: Session | None, generated_at: datetime) -> Runbook:
    """Prepare everything a runbook template shows.

    Args:
        plan: the farm's answers.
        checklist: the steps.
        session: progress, results and notes; None for a runbook from the plan alone.
        generated_at: the moment printed as the runbook's date.
    """
    steps = checklist.for_mode(plan.mode, plan.delivery)
    numbers = {step.id: index for index, step in enumerate(steps, start=1)}
    entries: dict[str, StepSection] = {}
    # The evidence is judged as of the runbook's date, so its ages read as they did when it was written.
    verdicts = session_report(session, checklist, now=generated_at, plan=plan) if session else None
    for step in steps:
        stored = session.progress_for(step.id) if session else None
        settled = stored is not None and stored.status in (StepStatus.DONE, StepStatus.SKIPPED)
        entries[step.id] = StepSection(
            number=numbers[step.id],
            anchor=f"step-{slug(step.id)}",
            guide=render_step(step, plan, plan.nodes[0] if step.host == Host.NODE else None),
            team=step.team,
            rows=_rows(plan, step.host, list(stored.results) if stored else []),
            proof=proof(verdicts.verdict(step.id) if verdicts else None, stored, generated_at),
            progress=stored.status.label if stored else "",
            settled_at=stored.done_at if stored and settled else None,
            note=stored.note if stored else "",
            drift=since_sign_off(stored),
        )
    hosts = list(dict.fromkeys(step.host for step in steps))
    groups = tuple(
        HostGroup(
            anchor=f"host-{slug(host.value)}",
            title=next(step.where for step in steps if step.host == host),
            team=next(step.team for step in steps if step.host == host),
            detail=PLACES[host].detail(plan),
            steps=tuple(entries[step.id] for step in steps if step.host == host),
            nodes=tuple(plan.nodes) if host == Host.NODE else (),
        )
        for host in hosts
    )
    progress = ""
    if session is not None:
        finished = sum(1 for step in steps if session.progress_for(step.id).status.settled)
        progress = f"{finished} of {len(steps)} steps done or skipped"
    board = build_board(plan, steps, entries, session, progress)
    places = [(group.anchor, f"{group.title} ({group.team})") for group in groups]
    contents: list[tuple[str, str, tuple[tuple[str, str], ...]]]
    contents = [(anchor, title, ()) for anchor, title in board.sections]
    contents += [("farm", "The farm at a glance", ()), ("mail-path", "Mail path", ())]
    inside = seen_inside(plan, steps, session)
    if inside:
        contents.append(("seen-inside", "Seen inside the nodes and SharePoint", ()))
    contents.append(("procedure", "Procedure", tuple(places)))
    after = after_trace(plan, session)
    if after is not None:
        contents.append(("after-change", "After the change: trace the test message", ()))
    return Runbook(
        title=board.title,
        checklist_title=checklist.title,
        generated_at=generated_at,
        session_name=session.name if session else "",
        plan=plan,
        mode_label=mode_label(plan),
        board=board,
        facts=facts(plan),
        mail_path=mail_path(plan),
        groups=groups,
        contents=tuple(contents),
        progress=progress,
        after=after,
        inside=inside,
    )
