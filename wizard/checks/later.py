"""Failures on a target that a later step makes: the hint says which step, not the check's usual remedy.

On a farm being built, step 1 greets the VIP before the NLB step has made it;
"start the SMTP service" would then send the operator the wrong way. Which
targets wait for which step is the checklist's data (``waits_for``).
"""

from __future__ import annotations

from dataclasses import replace

from wizard.checklist.model import Step, TargetKind
from wizard.checklist.vantages import targets_of
from wizard.plan.model import Plan
from wizard.results import CheckResult, Status

FAILED = (Status.FAIL, Status.ERROR)


def _naming(kind: TargetKind, result: CheckResult, plan: Plan) -> str:
    if kind is TargetKind.VIP and plan.vip:
        return f"The VIP {plan.vip}"
    return result.target


def waiting_hint(step: Step, result: CheckResult, plan: Plan) -> CheckResult:
    """The result, its hint saying which later step makes its target when that target waits for one."""
    if result.status not in FAILED:
        return result
    for later in step.waits_for:
        number = later.number(plan.mode, plan.delivery)
        if number is None or result.target not in targets_of((later.target,), plan):
            continue
        hint = (
            f"{_naming(later.target, result, plan)} comes with step {number} ({later.title}): until that step "
            f"is done nothing answers there, so this is expected. Check this step again after step {number}; "
            f"if step {number} is done, its own check says what is wrong."
        )
        return replace(result, hint=hint)
    return result
