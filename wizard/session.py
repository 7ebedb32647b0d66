"""A session: one farm's plan plus the progress through its steps, and the rules to move on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from wizard.checklist.model import Checklist, Step
from wizard.errors import PlanError
from wizard.evidence import Change, Drift, age, merge, sort_changes
from wizard.plan.model import Plan, parse_plan
from wizard.plan.routefields import DELIVERIES
from wizard.results import CheckResult, Status, utc_now, worst


class StepStatus(StrEnum):
    """How far the operator is with a step."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"

    @property
    def label(self) -> str:
        """The status as people read it."""
        return self.value.replace("_", " ")

    @property
    def settled(self) -> bool:
        """Done or skipped: nothing more is expected of the operator here."""
        return self in (StepStatus.DONE, StepStatus.SKIPPED)


@dataclass(slots=True)
class StepProgress:
    """The operator's progress on one step."""

    status: StepStatus = StepStatus.NOT_STARTED
    """Where the step stands."""
    note: str = ""
    """The operator's own note (change number, who did it, what was odd)."""
    done_at: datetime | None = None
    """When the step was marked done or skipped."""
    results: list[CheckResult] = field(default_factory=list)
    """The step's evidence: per check, target and origin, the newest real result (see ``record_run``)."""
    checked_at: datetime | None = None
    """When the step was last checked."""
    signed: list[CheckResult] = field(default_factory=list)
    """The evidence as it stood when the step was marked done: what later drift is measured against."""

    @property
    def worst(self) -> Status | None:
        """The worst status among the last results, or None if never checked."""
        return worst(self.results)

    def kept_from_earlier(self, now: datetime | None = None) -> str:
        """How old the oldest result kept from an earlier run is, or "" when all are from the last one."""
        if self.checked_at is None:
            return ""
        older = [
            r.observed_at for r in self.results if r.observed_at < self.checked_at - timedelta(minutes=1)
        ]
        if not older:
            return ""
        return f"{len(older)} kept from an earlier run (oldest {age(min(older), now or utc_now())})"

    def to_json(self) -> dict[str, Any]:
        """The progress as JSON data."""
        return {
            "status": self.status.value,
            "note": self.note,
            "done_at": self.done_at.isoformat() if self.done_at else None,
            "checked_at": self.checked_at.isoformat() if self.checked_at else None,
            "results": [r.to_json() for r in self.results],
            "signed": [r.to_json() for r in self.signed],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StepProgress:
        """Rebuild progress saved with :meth:`to_json`."""
        if not isinstance(data, dict):
            raise TypeError("step progress must be an object")
        note = data.get("note", "")
        results = data.get("results", [])
        signed = data.get("signed", [])
        if not isinstance(note, str) or not isinstance(results, list) or not isinstance(signed, list):
            raise TypeError("note must be text, results and signed lists")
        return cls(
            status=StepStatus(data.get("status", "not_started")),
            note=note,
            done_at=_time(data.get("done_at")),
            results=[CheckResult.from_json(r) for r in results],
            checked_at=_time(data.get("checked_at")),
            signed=[CheckResult.from_json(r) for r in signed],
        )


def _time(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("a time must be an ISO 8601 string")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("a time must carry its time zone")
    return moment


@dataclass(slots=True)
class Session:
    """A plan plus progress. Navigation lives here, not in any screen.

    ``plan_data`` holds the answers as entered, which may still be incomplete
    while the operator fills in the farm's values; :meth:`plan` validates them.
    """

    name: str
    """The session's name, also its file name."""
    plan_data: dict[str, Any]
    """The answers, as plan-file data."""
    checklist_id: str = "incoming-email"
    """Which checklist the steps come from."""
    checklist_version: int = 1
    """That checklist's version when the session was created."""
    current_step: str = "mode"
    """The step the operator is on."""
    progress: dict[str, StepProgress] = field(default_factory=dict)
    """Progress per step id; absent means not started."""
    created_at: datetime = field(default_factory=utc_now)
    """When the session was created."""
    updated_at: datetime = field(default_factory=utc_now)
    """When anything in the session last changed."""
    steps_hidden: bool | None = None
    """The full-screen wizard's list of steps hidden (True) or shown (False) by the operator;
    None: shown when the terminal is wide enough."""
    rehearsal: dict[str, Any] | None = None
    """For a rehearsal's session, how its practice farm was started (state, nodes, mode); None otherwise."""

    def plan(self) -> Plan:
        """The validated plan.

        Raises:
            PlanError: the answers are incomplete or invalid.
        """
        return parse_plan({"schema": 1} | self.plan_data)

    def plan_or_none(self) -> Plan | None:
        """The validated plan, or None while the answers are incomplete."""
        try:
            return self.plan()
        except PlanError:
            return None

    @property
    def mode(self) -> str:
        """The chosen mode; NLB until the operator says otherwise."""
        mode = self.plan_data.get("mode")
        return mode if mode in ("single", "nlb") else "nlb"

    @property
    def mail_host(self) -> str:
        """The mail host as entered, or empty."""
        value = self.plan_data.get("mail_host", "")
        return value if isinstance(value, str) else ""

    @property
    def delivery(self) -> str:
        """The delivery route as entered; the IIS SMTP service on the nodes until the operator says otherwise."""
        route = self.plan_data.get("delivery")
        return route if isinstance(route, str) and route in DELIVERIES else "smtp_service"

    def steps(self, checklist: Checklist) -> tuple[Step, ...]:
        """The steps of the session's mode and delivery route, in order."""
        return checklist.for_mode(self.mode, self.delivery)

    def progress_for(self, step_id: str) -> StepProgress:
        """The progress on a step (a fresh, unsaved one if never touched)."""
        return self.progress.get(step_id) or StepProgress()

    def _touch(self, step_id: str) -> StepProgress:
        entry = self.progress.setdefault(step_id, StepProgress())
        self.updated_at = utc_now()
        return entry

    # Navigation -----------------------------------------------------------------

    def step_ids(self, checklist: Checklist) -> list[str]:
        """Ids of the session's steps, in order."""
        return [step.id for step in self.steps(checklist)]

    def current(self, checklist: Checklist) -> Step:
        """The current step; if the mode changed and it no longer applies, the first step."""
        ids = self.step_ids(checklist)
        if self.current_step not in ids:
            self.current_step = ids[0]
        return checklist.step(self.current_step)

    def enter(self, checklist: Checklist) -> Step:
        """The step to show now, marked in progress.

        While the farm's values are incomplete no later step can be done, so
        the operator is brought back to the first step.
        """
        step = self.current(checklist)
        first = self.step_ids(checklist)[0]
        if step.id != first and self.plan_or_none() is None:
            self.go_to(checklist, first)
            step = self.current(checklist)
        self.start(step.id)
        return step

    def go_to(self, checklist: Checklist, step_id: str) -> None:
        """Make a step current.

        Raises:
            KeyError: the step is not one of this mode's steps.
        """
        if step_id not in self.step_ids(checklist):
            raise KeyError(step_id)
        self.current_step = step_id
        self.updated_at = utc_now()

    def next_step(self, checklist: Checklist) -> str | None:
        """The id after the current step, or None at the end."""
        ids = self.step_ids(checklist)
        index = ids.index(self.current(checklist).id)
        return ids[index + 1] if index + 1 < len(ids) else None

    def previous_step(self, checklist: Checklist) -> str | None:
        """The id before the current step, or None at the start."""
        ids = self.step_ids(checklist)
        index = ids.index(self.current(checklist).id)
        return ids[index - 1] if index > 0 else None

    def advance(self, checklist: Checklist) -> bool:
        """Move to the next step; False when already at the last one."""
        following = self.next_step(checklist)
        if following is None:
            return False
        self.go_to(checklist, following)
        return True

    def back(self, checklist: Checklist) -> bool:
        """Move to the previous step; False when already at the first one."""
        before = self.previous_step(checklist)
        if before is None:
            return False
        self.go_to(checklist, before)
        return True

    # Changes -----------------------------------------------------------------

    def set_answers(self, plan_data: dict[str, Any]) -> None:
        """Replace the answers (validated or not) with new ones."""
        self.plan_data = dict(plan_data)
        self.updated_at = utc_now()

    def start(self, step_id: str) -> None:
        """Mark a step in progress unless it is already settled."""
        entry = self._touch(step_id)
        if entry.status == StepStatus.NOT_STARTED:
            entry.status = StepStatus.IN_PROGRESS

    def mark_done(self, step_id: str, note: str | None = None) -> None:
        """Mark a step done, keeping or replacing its note; its evidence now is what it was signed off on."""
        entry = self._touch(step_id)
        entry.status = StepStatus.DONE
        entry.done_at = utc_now()
        entry.signed = list(entry.results)
        if note is not None:
            entry.note = note

    def skip(self, step_id: str, note: str | None = None) -> None:
        """Mark a step skipped, keeping or replacing its note."""
        entry = self._touch(step_id)
        entry.status = StepStatus.SKIPPED
        entry.done_at = utc_now()
        if note is not None:
            entry.note = note

    def reopen(self, step_id: str) -> None:
        """Put a settled step back in progress."""
        entry = self._touch(step_id)
        entry.status = StepStatus.IN_PROGRESS
        entry.done_at = None

    def set_note(self, step_id: str, note: str) -> None:
        """Replace a step's note."""
        self._touch(step_id).note = note

    def record_run(
        self,
        results: Sequence[CheckResult],
        *,
        steps: Iterable[str] = (),
        at: datetime | None = None,
    ) -> Drift:
        """Record one run of checks: the only way results enter a session.

        Per step, check, target and origin the newest real result is kept; a
        skip never replaces an earlier pass, warn, fail or error (see
        :mod:`wizard.evidence`). Every step that was run, or has results in
        the run, counts as checked at ``at``; an untouched one is now in progress.

        Args:
            results: the run's results, any steps.
            steps: ids of the steps that were run, also those that gave no result.
            at: when the run happened (default: its newest result, or now).

        Returns:
            What changed since the previous run, regressions first.
        """
        when = at or max((r.observed_at for r in results), default=utc_now())
        by_step: dict[str, list[CheckResult]] = {step_id: [] for step_id in steps}
        for result in results:
            by_step.setdefault(result.step, []).append(result)
        changes: list[Change] = []
        kept: list[CheckResult] = []
        for step_id, run in by_step.items():
            entry = self._touch(step_id)
            entry.results, step_changes, step_kept = merge(entry.results, run)
            changes += step_changes
            kept += step_kept
            entry.checked_at = when
            if entry.status == StepStatus.NOT_STARTED:
                entry.status = StepStatus.IN_PROGRESS
        return Drift(changes=sort_changes(changes), kept=tuple(kept))

    # Summaries -----------------------------------------------------------------

    def counts(self, checklist: Checklist) -> tuple[int, int]:
        """(settled steps, all steps) for the session's mode."""
        ids = self.step_ids(checklist)
        settled = sum(1 for step_id in ids if self.progress_for(step_id).status.settled)
        return settled, len(ids)

    def open_items(self, checklist: Checklist) -> list[tuple[Step, str]]:
        """Steps that still need attention, each with the reason."""
        items: list[tuple[Step, str]] = []
        for step in self.steps(checklist):
            entry = self.progress_for(step.id)
            if entry.worst is not None and entry.worst.failed:
                items.append((step, f"last check {entry.worst.value}"))
            elif not entry.status.settled:
                items.append((step, entry.status.label))
        return items

    def is_complete(self, checklist: Checklist) -> bool:
        """Every step settled and no failing result left."""
        return not self.open_items(checklist)
