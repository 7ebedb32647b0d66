"""The proof rule: when a step is proven live, and otherwise what it is. Every surface asks here.

A step is *proven* when one of its ways of proof (the checklist's ``proof``)
holds: for every target each check of that way requires on this plan, the
newest ``pass`` from a vantage allowed for the check is no older than the age
limit, carries its transcript where the check needs one, and no ``fail`` or
``error`` for the same check and target came after it, from anywhere.
Otherwise the step is *failing* (a fail or error that no later pass answered),
*stale* (proof exists but is too old), *partly proven* (some required passes,
not all) or *not proven*. A ``warn`` and a ``skip`` are never proof. A step
with no way of proof on this plan (a manual step) has no verdict at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from wizard.checklist.model import Checklist, Step
from wizard.checklist.vantages import may_prove, targets_of
from wizard.evidence import age
from wizard.plan.model import Plan
from wizard.record import record
from wizard.results import CheckResult, Status, utc_now

if TYPE_CHECKING:
    from wizard.session import Session

FUTURE_SKEW = timedelta(minutes=5)
"""How far ahead of this machine's clock a result may be dated (other hosts' clocks drift a little)."""

DONE_QUESTION = "Mark done without proof?"
"""The question both front ends ask before a failing or unproven step is marked done."""


class Verdict(StrEnum):
    """What the evidence says about a step that live checks can prove."""

    PROVEN = "proven"
    FAILING = "failing"
    STALE = "stale"
    PARTLY_PROVEN = "partly_proven"
    NOT_PROVEN = "not_proven"


@record
class StepProof:
    """One step's verdict, with what it rests on and what it lacks."""

    step: str
    verdict: Verdict | None
    """None: nothing proves this step live on this plan (a manual step)."""
    missing: tuple[tuple[str, str], ...] = ()
    """(check, target) pairs without proof, of the way closest to proof."""
    failing: tuple[CheckResult, ...] = ()
    """Fails and errors no later pass answered."""
    oldest: datetime | None = None
    """The oldest pass the proof rests on (proven and stale)."""
    max_age: timedelta = timedelta(hours=24)
    """The age limit the verdict was judged with."""
    done_by_hand: bool = False
    """The operator marked the step done."""

    @property
    def provable(self) -> bool:
        """Whether live checks can prove the step on this plan."""
        return self.verdict is not None

    @property
    def proven(self) -> bool:
        """Whether the step is proven live."""
        return self.verdict is Verdict.PROVEN

    def gaps(self, limit: int = 4) -> str:
        """The missing proof in words: ``alias-domain on wfe2.foo.local, wfe3.foo.local``."""
        by_check: dict[str, list[str]] = {}
        for check, target in self.missing:
            by_check.setdefault(check, []).append(target)
        parts = []
        for check, targets in by_check.items():
            shown = ", ".join(targets[:limit]) + (
                f" and {len(targets) - limit} more" if len(targets) > limit else ""
            )
            parts.append(f"{check} on {shown}")
        return "; ".join(parts)

    def label(self, now: datetime | None = None) -> str:
        """The verdict as every view words it, never more than the evidence shows."""
        now = now or utc_now()
        hours = int(self.max_age.total_seconds() // 3600)
        if self.verdict is Verdict.FAILING:
            return "failing"
        if self.verdict is Verdict.PROVEN:
            return "proven live"
        if self.verdict is Verdict.STALE:
            assert self.oldest is not None
            return f"stale: proof from {age(self.oldest, now)}, older than {hours} h"
        if self.verdict is Verdict.PARTLY_PROVEN:
            done = "done by hand, " if self.done_by_hand else ""
            return f"{done}partly proven live: no proof yet for {self.gaps()}"
        if self.done_by_hand:
            return "done by hand: not proven live"
        if self.verdict is Verdict.NOT_PROVEN:
            return "not proven live"
        return "no live proof (manual step)"


def targets_on(checklist: Checklist, check: str, plan: Plan) -> tuple[str, ...]:
    """The targets a pass of this check is needed on for proof; empty when no vantage can prove it."""
    spec = checklist.check_spec(check)
    if spec is None or not spec.vantages:
        return ()
    return targets_of(spec.required, plan)


def _provable(checklist: Checklist, check: str) -> bool:
    spec = checklist.check_spec(check)
    return spec is not None and bool(spec.vantages)


def max_age_of(plan: Plan, hours: int | None = None) -> timedelta:
    """The age limit: ``--max-age`` when given, else the plan's ``proof_max_age_hours``."""
    return timedelta(hours=hours if hours is not None else plan.proof_max_age_hours)


def _standing_failures(
    results: Sequence[CheckResult], passes: Callable[[str, str], list[CheckResult]]
) -> list[CheckResult]:
    return [
        result
        for result in results
        if result.status.failed
        and not any(p.observed_at > result.observed_at for p in passes(result.check, result.target))
    ]


def judge(
    step: Step,
    checklist: Checklist,
    plan: Plan,
    results: Sequence[CheckResult],
    *,
    now: datetime | None = None,
    max_age: timedelta | None = None,
    done_by_hand: bool = False,
) -> StepProof:
    """The one rule: how much a step's evidence proves it."""
    now = now or utc_now()
    limit = max_age if max_age is not None else max_age_of(plan)

    # Each question below is about one check on one target: asked of every result, it made a step's
    # judgement grow with the square of the farm (a 32-node export spent most of its time here).
    by_pair: dict[tuple[str, str], list[CheckResult]] = {}
    for result in results:
        by_pair.setdefault((result.check, result.target), []).append(result)

    def passes(check: str, target: str) -> list[CheckResult]:
        spec = checklist.check_spec(check)
        if spec is None:
            return []
        return [
            r
            for r in by_pair.get((check, target), ())
            if r.status == Status.PASS
            and r.observed_at <= now + FUTURE_SKEW
            and (r.transcript or not spec.transcript)
            and may_prove(spec, r.origin, target, plan)
        ]

    def later_failure(check: str, target: str, moment: datetime) -> bool:
        return any(r.status.failed and r.observed_at > moment for r in by_pair.get((check, target), ()))

    ways: list[list[tuple[str, tuple[str, ...]]]] = []
    for way in step.proof:
        needed = [(check, targets_on(checklist, check, plan)) for check in way]
        # A way with a check nobody can prove proves nothing; nor does one with nothing to prove on
        # this plan. A check that needs no target on this plan only (a node's grant list where the
        # plan leaves connections open) drops out of its way.
        if any(not _provable(checklist, check) for check, _ in needed) or not any(t for _, t in needed):
            continue
        groups: list[tuple[str, tuple[str, ...]]] = []
        for check, targets in needed:
            spec = checklist.check_spec(check)
            if spec is not None and spec.farm_wide and targets:
                groups.append((check, targets))
            else:
                groups += [(check, (target,)) for target in targets]
        ways.append(groups)
    if not ways:
        return StepProof(step.id, None, max_age=limit, done_by_hand=done_by_hand)
    failing = _standing_failures(results, passes)
    if failing:
        return StepProof(
            step.id, Verdict.FAILING, failing=tuple(failing), max_age=limit, done_by_hand=done_by_hand
        )
    judged = []
    for pairs in ways:
        fresh: list[datetime] = []
        stale: list[datetime] = []
        missing = []
        for check, group in pairs:
            found = max(
                (r for target in group for r in passes(check, target)),
                key=lambda r: r.observed_at,
                default=None,
            )
            if found is None or later_failure(check, found.target, found.observed_at):
                missing.append((check, group[0] if len(group) == 1 else "one of " + " / ".join(group)))
            elif now - found.observed_at > limit:
                stale.append(found.observed_at)
            else:
                fresh.append(found.observed_at)
        judged.append((missing, stale, fresh))
    for missing, stale, fresh in judged:
        if not missing and not stale:
            return StepProof(
                step.id, Verdict.PROVEN, oldest=min(fresh), max_age=limit, done_by_hand=done_by_hand
            )
    for missing, stale, _ in judged:
        if not missing:
            return StepProof(
                step.id, Verdict.STALE, oldest=min(stale), max_age=limit, done_by_hand=done_by_hand
            )
    missing, stale, fresh = min(judged, key=lambda item: (len(item[0]), -len(item[1]) - len(item[2])))
    verdict = Verdict.PARTLY_PROVEN if stale or fresh else Verdict.NOT_PROVEN
    return StepProof(step.id, verdict, missing=tuple(missing), max_age=limit, done_by_hand=done_by_hand)


@record
class ProofReport:
    """The verdict of every step judged, and how many checks could not run this time."""

    steps: tuple[StepProof, ...]
    unchecked: int = 0
    """Skips of this run among checks that could prove their step from here."""

    @property
    def unproven(self) -> tuple[str, ...]:
        """Ids of steps live checks could prove that are not proven: what ``--require-proof`` refuses."""
        return tuple(proof.step for proof in self.steps if proof.provable and not proof.proven)

    def verdict(self, step_id: str) -> StepProof | None:
        """One step's verdict, or None when it was not judged."""
        return next((proof for proof in self.steps if proof.step == step_id), None)

    def line(self, now: datetime | None = None) -> str:
        """The closing line of a check: what is proven, and what is not and why."""
        provable = [proof for proof in self.steps if proof.provable]
        could = f"{self.unchecked} check{'s' if self.unchecked != 1 else ''} could not be run from here"
        if not provable:
            return "Nothing proven live: no step checked here has a live check on this plan."
        if not self.unproven:
            if not self.unchecked:
                return (
                    f"Proven live: all {len(provable)} steps that can be checked have a pass on every target."
                )
            return f"Proven live: every step that can be checked has proof in the session, though {could} this time."
        steps = ", ".join(
            proof.step if proof.verdict is Verdict.NOT_PROVEN else f"{proof.step} ({proof.label(now)})"
            for proof in provable
            if not proof.proven
        )
        if self.unchecked:
            return f"Not proven live: {could}; steps without live proof: {steps}"
        return f"Not proven live: steps without live proof: {steps}"

    def to_json(self) -> dict[str, Any]:
        """The contract's ``proof`` object."""
        return {
            "unchecked": self.unchecked,
            "unproven_steps": list(self.unproven),
            "steps": {proof.step: proof.verdict.value for proof in self.steps if proof.verdict is not None},
        }


def unchecked(run: Iterable[CheckResult], checklist: Checklist, plan: Plan) -> int:
    """Skips of a run among checks that could prove their step from here (manual checks do not count)."""
    return sum(
        1
        for result in run
        if result.status == Status.SKIP and result.target in targets_on(checklist, result.check, plan)
    )


def report(
    steps: Sequence[Step],
    checklist: Checklist,
    plan: Plan,
    evidence: Callable[[str], Sequence[CheckResult]],
    *,
    run: Sequence[CheckResult] = (),
    now: datetime | None = None,
    max_age: timedelta | None = None,
    done: Callable[[str], bool] = lambda step_id: False,
) -> ProofReport:
    """The verdict of each step from its evidence, and what this run could not check."""
    judged = tuple(
        judge(step, checklist, plan, evidence(step.id), now=now, max_age=max_age, done_by_hand=done(step.id))
        for step in steps
    )
    return ProofReport(judged, unchecked(run, checklist, plan))


def session_report(
    session: Session,
    checklist: Checklist,
    *,
    now: datetime | None = None,
    max_age: timedelta | None = None,
    plan: Plan | None = None,
) -> ProofReport:
    """Every step of a session judged on the evidence it holds; empty while the plan is incomplete.

    ``plan`` is the session's plan when the caller has parsed it already (an export has).
    """
    from wizard.session import StepStatus

    plan = plan or session.plan_or_none()
    if plan is None:
        return ProofReport(())
    return report(
        session.steps(checklist),
        checklist,
        plan,
        lambda step_id: session.progress_for(step_id).results,
        now=now,
        max_age=max_age,
        done=lambda step_id: session.progress_for(step_id).status == StepStatus.DONE,
    )


def proof_label(report: ProofReport, step_id: str, now: datetime | None = None) -> str:
    """A step's verdict in words, as the summaries of both front ends show it."""
    found = report.verdict(step_id)
    return found.label(now) if found is not None else "not judged: the farm's values are incomplete"


def done_anyway(step: Step) -> str:
    """The question after the doubt, in both front ends."""
    return f"Mark {step.title!r} done anyway?"


def done_doubt(step: Step, proof: StepProof | None, checking: bool, *, now: datetime | None = None) -> str:
    """Why marking a step done needs a second thought (empty: it does not); both front ends ask with it."""
    if not step.confirm_done_unless_passed:
        return ""
    if checking:
        return "Its live check is still running."
    if proof is None or proof.verdict in (None, Verdict.PROVEN):
        return ""
    if proof.verdict is Verdict.FAILING:
        return f"Its checks are failing ({len(proof.failing)} results failed or errored, none passed since)."
    if proof.verdict is Verdict.STALE:
        return f"Its proof is {proof.label(now)}."
    if proof.verdict is Verdict.PARTLY_PROVEN:
        return f"It is only partly proven: no proof yet for {proof.gaps()}."
    return "Its live checks have not proven it: no pass on the targets it needs."
