"""The runbook's prepared view: the farm, the mail path, steps grouped by host, evidence and progress."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from wizard.model import Checklist, Host, Step
from wizard.plan import Node, Plan
from wizard.render import RenderedStep, render_step
from wizard.results import CheckResult, Status
from wizard.runbook.farm import Hop, facts, mail_path, mode_label, version_name
from wizard.session import Session, StepStatus

SIGN_OFF_ROLES = ("DNS team", "Exchange team", "SharePoint team", "Change manager")
"""Who signs the change, one line each."""

NOT_CHECKED = "not yet checked"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One live check result as the runbook shows it."""

    status: str
    """``pass``, ``warn``, ``fail``, ``skip`` or ``error`` (also a CSS class)."""
    label: str
    """The status in capitals (``FAIL``)."""
    target: str
    """What was checked: a node, the mail host, ``dns:ADDR``."""
    summary: str
    """What the check found."""
    hint: str
    """What to do about it; empty when nothing needs doing."""
    checked_at: datetime
    """When the check ended."""


@dataclass(frozen=True, slots=True)
class StepEntry:
    """A step inside a host group: its guidance for that host, evidence and progress."""

    number: int
    """Position among the mode's steps, from 1."""
    anchor: str
    """HTML id; ``step-<id>`` for the step's first appearance."""
    guide: RenderedStep
    """The step filled in for the plan (and for the group's node)."""
    evidence: tuple[Evidence, ...]
    """The last results that belong to this group."""
    progress: str
    """``done``, ``skipped``, ``in progress``, ``not started``; empty for a runbook from a plan."""
    settled_at: datetime | None
    """When the step was marked done or skipped."""
    note: str
    """The operator's note."""

    @property
    def step(self) -> Step:
        """The checklist step."""
        return self.guide.step


@dataclass(frozen=True, slots=True)
class HostGroup:
    """The steps carried out in one place, in checklist order."""

    anchor: str
    """HTML id of the group."""
    title: str
    """Where the operator sits (``SMTP node wfe1.foo.local``)."""
    detail: str
    """The address or scope of that place."""
    steps: tuple[StepEntry, ...]
    """The steps done there."""
    actions: bool = True
    """False for a group that only collects evidence (checks through the mail host)."""


@dataclass(frozen=True, slots=True)
class PreCheckRow:
    """One target of a pre-check: what should answer, and what did."""

    target: str
    """The node or name checked."""
    planned: str
    """Where it should answer (``10.0.0.11:25``)."""
    evidence: Evidence | None
    """The last result for it, or None when not yet checked."""


@dataclass(frozen=True, slots=True)
class PreCheck:
    """A check made from the operator's workstation before any change."""

    entry: StepEntry
    """The step the check belongs to."""
    rows: tuple[PreCheckRow, ...]
    """One row per target (and per result, when a target had several)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """A line of the go/no-go table."""

    number: int
    anchor: str
    title: str
    where: str
    checked: str
    """The worst last status in capitals, or ``not yet checked``."""
    status: str
    """The worst status as a CSS class, or ``none``."""
    counts: str
    """How many results per status (``3 pass, 1 fail``)."""
    progress: str
    """Done, skipped, ...; empty from a plan."""
    indicated: str
    """What the checks suggest: ``go``, ``no-go`` or ``check first``."""


@dataclass(frozen=True, slots=True)
class Runbook:
    """Everything a runbook template shows, prepared."""

    title: str
    checklist_title: str
    generated_at: datetime
    session_name: str
    """Empty for a runbook from a plan."""
    plan: Plan
    mode_label: str
    facts: tuple[tuple[str, str], ...]
    """The farm at a glance, as label and value."""
    mail_path: tuple[Hop, ...]
    prechecks: tuple[PreCheck, ...]
    groups: tuple[HostGroup, ...]
    verdicts: tuple[Verdict, ...]
    signoff_roles: tuple[str, ...]
    progress: str
    """``5 of 12 steps done or skipped``; empty from a plan."""


def slug(text: str) -> str:
    """Text as an HTML id or file name part: lower-case letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _evidence(result: CheckResult) -> Evidence:
    return Evidence(
        status=result.status.value,
        label=result.status.value.upper(),
        target=result.target,
        summary=result.summary,
        hint=result.hint,
        checked_at=result.checked_at,
    )


def _worst(results: Iterable[CheckResult]) -> Status | None:
    present = {result.status for result in results}
    for status in (Status.ERROR, Status.FAIL, Status.WARN, Status.PASS, Status.SKIP):
        if status in present:
            return status
    return None


def _indication(worst: Status | None, skipped: bool) -> str:
    """What the last checks suggest for the go/no-go decision."""
    if worst is None:
        return "skipped: see the note" if skipped else "check first"
    return "no-go" if worst.failed else "go"


def _progress(session: Session | None, step_id: str) -> tuple[str, datetime | None, str]:
    if session is None:
        return "", None, ""
    entry = session.progress_for(step_id)
    settled_at = entry.done_at if entry.status in (StepStatus.DONE, StepStatus.SKIPPED) else None
    return entry.status.label, settled_at, entry.note


class _Builder:
    """Builds one runbook view; keeps the anchors unique across groups."""

    def __init__(self, plan: Plan, checklist: Checklist, session: Session | None):
        self.plan = plan
        self.session = session
        self.steps = checklist.for_mode(plan.mode)
        self.numbers = {step.id: index for index, step in enumerate(self.steps, start=1)}
        self.anchors: set[str] = set()
        self.node_names = {node.name for node in plan.nodes}

    def results(self, step_id: str) -> list[CheckResult]:
        if self.session is None:
            return []
        return list(self.session.progress_for(step_id).results)

    def skipped(self, step_id: str) -> bool:
        return self.session is not None and self.session.progress_for(step_id).status == StepStatus.SKIPPED

    def anchor(self, base: str) -> str:
        candidate, counter = base, 2
        while candidate in self.anchors:
            candidate = f"{base}-{counter}"
            counter += 1
        self.anchors.add(candidate)
        return candidate

    def entry(self, step: Step, results: Iterable[CheckResult], node: Node | None = None) -> StepEntry:
        progress, settled_at, note = _progress(self.session, step.id)
        return StepEntry(
            number=self.numbers[step.id],
            anchor=self.anchor(f"step-{step.id}"),
            guide=render_step(step, self.plan, node),
            evidence=tuple(_evidence(result) for result in results),
            progress=progress,
            settled_at=settled_at,
            note=note,
        )

    def prechecks(self) -> tuple[PreCheck, ...]:
        port = self.plan.smtp_port
        planned = [(node.name, f"{node.address}:{port}") for node in self.plan.nodes]
        if self.plan.mode == "nlb":
            planned.append((self.plan.mail_host, f"the VIP {self.plan.vip}:{port}"))
        checks = []
        for step in self.steps:
            if step.host != Host.WORKSTATION:
                continue
            results = self.results(step.id)
            rows = []
            for target, where in planned:
                found = [r for r in results if r.target == target]
                rows += [PreCheckRow(target, where, _evidence(r)) for r in found]
                if not found:
                    rows.append(PreCheckRow(target, where, None))
            known = {target for target, _ in planned}
            rows += [PreCheckRow(r.target, "", _evidence(r)) for r in results if r.target not in known]
            checks.append(PreCheck(self.entry(step, ()), tuple(rows)))
        return tuple(checks)

    def groups(self) -> tuple[HostGroup, ...]:
        """Runs of consecutive steps done in the same place, so the runbook keeps the checklist's order."""
        runs: list[tuple[Host, list[Step]]] = []
        for step in self.steps:
            if step.host == Host.WORKSTATION:
                continue
            if runs and runs[-1][0] == step.host:
                runs[-1][1].append(step)
            else:
                runs.append((step.host, [step]))
        groups: list[HostGroup] = []
        for host, steps in runs:
            if host == Host.NODE:
                groups += self.node_groups(steps)
                continue
            entries = tuple(self.entry(step, self.results(step.id)) for step in steps)
            groups.append(
                HostGroup(self.anchor(f"host-{host.value}"), host.label, self.detail(host), entries)
            )
        return tuple(groups)

    def node_groups(self, steps: list[Step]) -> list[HostGroup]:
        groups = []
        for node in self.plan.nodes:
            entries = tuple(
                self.entry(step, [r for r in self.results(step.id) if r.target == node.name], node)
                for step in steps
            )
            groups.append(
                HostGroup(
                    self.anchor(f"host-node-{slug(node.name)}"),
                    f"SMTP node {node.name}",
                    f"address {node.address}",
                    entries,
                )
            )
        shared = []
        for step in steps:
            through = [r for r in self.results(step.id) if r.target not in self.node_names]
            if through:
                shared.append(self.entry(step, through))
        if shared:
            groups.append(
                HostGroup(
                    self.anchor("host-mail-host"),
                    f"Checks through {self.plan.mail_host}",
                    f"{self.plan.target_address}; evidence only, the changes are made on each node",
                    tuple(shared),
                    actions=False,
                )
            )
        return groups

    def detail(self, host: Host) -> str:
        plan = self.plan
        if host == Host.DNS:
            servers = ", ".join(plan.dns_servers) or "the domain's DNS server"
            return f"{servers}; zone {plan.zone}"
        if host == Host.NLB:
            return f"cluster address {plan.vip}; nodes " + ", ".join(node.name for node in plan.nodes)
        if host == Host.EXCHANGE:
            return f"Exchange {version_name(plan.exchange_version)}: " + ", ".join(plan.exchange_servers)
        if host == Host.CENTRAL_ADMIN:
            return f"SharePoint {version_name(plan.sharepoint_version)}"
        if host == Host.LIBRARY:
            return plan.test_recipient or "the library to mail-enable"
        return ""

    def verdicts(self, groups: tuple[HostGroup, ...], prechecks: tuple[PreCheck, ...]) -> tuple[Verdict, ...]:
        first_anchor: dict[str, str] = {}
        for check in prechecks:
            first_anchor.setdefault(check.entry.step.id, check.entry.anchor)
        for group in groups:
            for entry in group.steps:
                first_anchor.setdefault(entry.step.id, entry.anchor)
        rows = []
        for step in self.steps:
            results = self.results(step.id)
            worst = _worst(results)
            counts = {status: sum(1 for r in results if r.status == status) for status in Status}
            rows.append(
                Verdict(
                    number=self.numbers[step.id],
                    anchor=first_anchor.get(step.id, f"step-{step.id}"),
                    title=step.title,
                    where=step.host.label,
                    checked=worst.value.upper() if worst else NOT_CHECKED,
                    status=worst.value if worst else "none",
                    counts=", ".join(f"{n} {status.value}" for status, n in counts.items() if n),
                    progress=_progress(self.session, step.id)[0],
                    indicated=_indication(worst, self.skipped(step.id)),
                )
            )
        return tuple(rows)


def build_view(plan: Plan, checklist: Checklist, session: Session | None, generated_at: datetime) -> Runbook:
    """Prepare everything a runbook template shows.

    Args:
        plan: the farm's answers.
        checklist: the steps.
        session: progress, results and notes; None for a runbook from the plan alone.
        generated_at: the moment printed as the runbook's date.
    """
    builder = _Builder(plan, checklist, session)
    prechecks = builder.prechecks()
    groups = builder.groups()
    progress = ""
    if session is not None:
        settled = sum(1 for step in builder.steps if session.progress_for(step.id).status.settled)
        progress = f"{settled} of {len(builder.steps)} steps done or skipped"
    return Runbook(
        title=f"Incoming e-mail runbook: {plan.mail_host}",
        checklist_title=checklist.title,
        generated_at=generated_at,
        session_name=session.name if session else "",
        plan=plan,
        mode_label=mode_label(plan),
        facts=facts(plan),
        mail_path=mail_path(plan),
        prechecks=prechecks,
        groups=groups,
        verdicts=builder.verdicts(groups, prechecks),
        signoff_roles=SIGN_OFF_ROLES,
        progress=progress,
    )
