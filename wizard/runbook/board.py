"""The decision page: what a change board reads to decide, built from the plan, the steps and the evidence."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from wizard.checklist.model import Host, Step
from wizard.plan.model import Plan, version_name
from wizard.record import record
from wizard.render import render_board_text
from wizard.runbook.places import PLACES
from wizard.runbook.worded import DriftNote, Proof, ShownResult, counts
from wizard.session import Session

if TYPE_CHECKING:
    from wizard.runbook.view import StepSection

NOT_GIVEN = "not given"


@record
class ScopeRow:
    """One team's part of the change."""

    team: str
    place: str
    """Where they work (``Each SMTP node``)."""
    hosts: str
    """Which hosts, in words."""
    steps: tuple[tuple[int, str, str], ...]
    """Number, anchor and title of each of their steps."""


@record
class PreCheckLine:
    """A pre-check in one line: how many targets answered as they should, and which did not."""

    number: int
    anchor: str
    title: str
    proof: Proof
    tally: str
    """``3 of 3 targets pass`` or ``not checked yet``."""
    exceptions: tuple[ShownResult | str, ...]
    """Every target that did not pass: its evidence, or its name when never checked."""


@record
class GoNoGoRow:
    """A line of the go/no-go table."""

    number: int
    anchor: str
    title: str
    team: str
    proof: Proof
    counts: str
    """How many results per status (``1 fail, 1 pass``)."""
    progress: str
    """Done, skipped, ...; empty from a plan."""


@record
class BackoutLine:
    """One step's undo, in a sentence."""

    number: int
    anchor: str
    title: str
    team: str
    brief: str
    """The undo's first sentence (checklist Markdown)."""


@record
class Board:
    """The decision page."""

    title: str
    change: tuple[tuple[str, str], ...]
    """Change id, window, implementer, approvers: label and value."""
    purpose: str
    scope: tuple[ScopeRow, ...]
    risks: tuple[str, ...]
    standing: str
    """The evidence at the time of writing, in one sentence."""
    prechecks: tuple[PreCheckLine, ...]
    criteria: tuple[str, ...]
    verdicts: tuple[GoNoGoRow, ...]
    backout_first: str
    """The quickest way to stop incoming mail."""
    backout: tuple[BackoutLine, ...]
    signoff: tuple[tuple[str, str], ...]
    """Role and name (empty: to fill in by hand)."""
    drift: tuple[tuple[int, str, str, DriftNote], ...]
    """Step number, anchor and title of every change since sign-off, regressions first."""
    drift_line: str
    """The changes since sign-off in one sentence; empty when there are none."""
    sections: tuple[tuple[str, str], ...]
    """Anchor and title of each part of the page, in order."""


# A sentence ends at a full stop that is not part of an ellipsis ("Advanced...")
# and is followed by the end or by a capital letter.
_SENTENCE_END = re.compile(r"(?<!\.)[.!?](?=$|\s+[A-Z])")


def first_sentence(markdown: str) -> str:
    """The first sentence of a text's first paragraph, not cut inside a code span."""
    paragraph = " ".join(markdown.strip().split("\n\n", 1)[0].split())
    in_code = False
    for index, char in enumerate(paragraph):
        if char == "`":
            in_code = not in_code
        elif not in_code and _SENTENCE_END.match(paragraph, index):
            return paragraph[: index + 1]
    return paragraph


def _purpose(plan: Plan) -> str:
    if not plan.smtp_nodes:
        return (
            f"Let people e-mail documents to SharePoint {version_name(plan.sharepoint_version)} libraries "
            f"at addresses @{plan.mail_host}: Exchange {version_name(plan.exchange_version)} writes that mail "
            f"through a Foreign connector into {plan.drop_share}, where SharePoint's timer job files it in the library."
        )
    if plan.mode == "nlb":
        entry = f"the IIS SMTP service of {len(plan.nodes)} servers behind the NLB address {plan.vip}"
    else:
        entry = f"the IIS SMTP service of {plan.nodes[0].name}"
    return (
        f"Let people e-mail documents to SharePoint {version_name(plan.sharepoint_version)} libraries "
        f"at addresses @{plan.mail_host}: Exchange {version_name(plan.exchange_version)} sends that mail to "
        f"{entry}, which drops it where SharePoint's timer job files it in the library."
    )


def _risks(plan: Plan, steps: Sequence[Step], numbers: Mapping[str, int]) -> tuple[str, ...]:
    """Each step's risk for this plan, in step order, as the checklist words it."""
    risks = (
        render_board_text(step, step.risk, plan, numbers[step.id]) for step in steps if step.id in numbers
    )
    return tuple(risk for risk in risks if risk)


def _standing(entries: Sequence[StepSection], session: Session | None) -> str:
    if session is None:
        return "Nothing has been checked yet: this document was prepared from the plan alone."
    failing = [f"step {e.number} ({e.step.title})" for e in entries if e.proof.css == "fail"]
    proven = sum(1 for e in entries if e.proof.indicated.startswith("go"))
    by_hand = sum(1 for e in entries if e.proof.label.startswith("done by hand"))
    open_steps = len(entries) - proven - by_hand - len(failing)
    parts = [f"{proven} of {len(entries)} steps proven live"]
    if by_hand:
        parts.append(f"{by_hand} done by hand, not proven live")
    if open_steps:
        parts.append(f"{open_steps} neither proven nor done")
    if failing:
        parts.insert(0, "Failing now: " + ", ".join(failing))
    return "; ".join(parts) + "."


def _precheck(entry: StepSection) -> PreCheckLine:
    checked = [row for row in entry.rows if row.evidence is not None]
    passed = [row for row in checked if row.evidence is not None and row.evidence.status == "pass"]
    exceptions: list[ShownResult | str] = []
    for row in entry.rows:
        if row.evidence is None:
            exceptions.append(row.target)
        elif row.evidence.status != "pass":
            exceptions.append(row.evidence)
    tally = f"{len(passed)} of {len(entry.rows)} targets pass" if checked else "not checked yet"
    return PreCheckLine(entry.number, entry.anchor, entry.step.title, entry.proof, tally, tuple(exceptions))


def build_board(
    plan: Plan,
    steps: Sequence[Step],
    entries: Mapping[str, StepSection],
    session: Session | None,
    progress: str,
) -> Board:
    """The decision page for a plan and what the session has proven."""
    numbers = {step.id: entries[step.id].number for step in steps}
    ordered = [entries[step.id] for step in steps]
    change = plan.change
    title = f"Incoming e-mail for {plan.mail_host}"
    if change is not None and change.id:
        title = f"Change {change.id}: {title}"
    change_rows = (
        ("Change", change.id if change and change.id else f"{NOT_GIVEN} (add a [change] table to the plan)"),
        ("Window", change.window if change and change.window else NOT_GIVEN),
        ("Implementer", change.implementer if change and change.implementer else NOT_GIVEN),
        ("Approvers", ", ".join(change.approvers) if change and change.approvers else NOT_GIVEN),
        ("Evidence", f"session {session.name}: {progress}" if session else "none yet (from the plan)"),
    )
    places: list[Host] = []
    for step in steps:
        if step.host not in places:
            places.append(step.host)
    scope = tuple(
        ScopeRow(
            entries[step_ids[0]].team,
            next(step.where for step in steps if step.host == host),
            PLACES[host].scope(plan),
            tuple((e.number, e.anchor, e.step.title) for e in ordered if e.step.host == host),
        )
        for host in places
        for step_ids in [[step.id for step in steps if step.host == host]]
    )
    teams = list(dict.fromkeys(row.team for row in scope))
    prechecks = tuple(_precheck(e) for e in ordered if e.step.host == Host.WORKSTATION)
    verdicts = tuple(
        GoNoGoRow(
            e.number,
            e.anchor,
            e.step.title,
            e.team,
            e.proof,
            counts(session.progress_for(e.step.id).results) if session else "",
            e.progress,
        )
        for e in ordered
    )
    criteria = (
        "Go: no step is failing, and every step is proven live, or done by hand with a note that says how "
        "it was verified.",
        (
            "No-go: any FAIL or ERROR, above all an open relay; or a node that does not accept mail for "
            f"{plan.mail_host}."
            if plan.smtp_nodes
            else f"No-go: any FAIL or ERROR, above all a test message for {plan.mail_host} that does not reach "
            "the library."
        ),
        "A skipped step or a skipped check proves nothing: it needs the implementer's reason in its note.",
    )
    # The step whose undo stops the new route at once (the connector that routes the mail host) is
    # the checklist's to say, on each route.
    backout_first = next(
        (
            text
            for step in steps
            if step.id in numbers
            and (text := render_board_text(step, step.backout_first, plan, numbers[step.id]))
        ),
        "",
    )
    backout = tuple(
        BackoutLine(e.number, e.anchor, e.step.title, e.team, first_sentence(e.guide.undo))
        for e in reversed(ordered)
    )
    signoff: list[tuple[str, str]] = [("Implementer", (change.implementer or "") if change else "")]
    signoff += [("Approver", name) for name in (change.approvers if change else [])] or [("Approver", "")]
    signoff += [(f"{team} (lead)", "") for team in teams if team != "Implementer"]
    signoff.append(("Change manager", ""))
    drift = sorted(
        ((e.number, e.anchor, e.step.title, note) for e in ordered for note in e.drift),
        key=lambda item: not item[3].regression,
    )
    regressed = sum(1 for item in drift if item[3].regression)
    drift_line = ""
    if drift:
        drift_line = f"{len(drift)} piece{'s' if len(drift) > 1 else ''} of evidence changed since sign-off"
        if regressed:
            drift_line += f"; {regressed} passed then and fail{'s' if regressed == 1 else ''} now"
        drift_line += "."
    sections: tuple[tuple[str, str], ...] = (("drift", "Changed since sign-off"),) if drift else ()
    sections += (
        ("purpose", "Purpose"),
        ("scope", "Scope"),
        ("risk", "Risk and impact"),
        ("pre-checks", "Pre-checks"),
        ("go-no-go", "Go / no-go"),
        ("back-out", "Back-out plan"),
        ("sign-off", "Sign-off"),
    )
    return Board(
        title=title,
        change=change_rows,
        purpose=_purpose(plan),
        scope=scope,
        risks=_risks(plan, steps, numbers),
        standing=_standing(ordered, session),
        prechecks=prechecks,
        criteria=criteria,
        verdicts=verdicts,
        backout_first=backout_first,
        backout=backout,
        signoff=tuple(signoff),
        drift=tuple(drift),
        drift_line=drift_line,
        sections=sections,
    )
