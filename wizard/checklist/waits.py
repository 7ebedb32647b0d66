"""Steps that wait for a later one: naming and numbering the later step on every route it is on.

Kept apart from the loader because the numbering is a rule of its own: a step's number differs
per mode and per delivery route, and the hint "this comes in step N" must use the operator's own.
"""

from __future__ import annotations

from dataclasses import replace

from wizard.checklist.model import Step
from wizard.errors import ChecklistError


def resolve_waits(steps: list[Step], name: str) -> list[Step]:
    """Name and number the later steps that ``waits_for`` points to; a step may only wait for a later one."""
    order = {step.id: index for index, step in enumerate(steps)}
    # Every route some step names: a step's number depends on the route, as each has steps of its own.
    # A checklist that names no route numbers its steps once, under the empty route.
    routes = sorted({route for step in steps for route in step.when.delivery}) or [""]
    resolved = []
    for index, step in enumerate(steps):
        waits = []
        for later in step.waits_for:
            if order.get(later.step, -1) <= index:
                raise ChecklistError(
                    f"{name}: step {step.id!r}: field 'waits_for': {later.step!r} is not a later step"
                )
            maker = steps[order[later.step]]
            numbers = tuple(
                ((mode, route), [s.id for s in steps if s.on_route(mode, route)].index(maker.id) + 1)
                for mode in maker.modes
                for route in routes
                if maker.on_route(mode, route)
            )
            waits.append(replace(later, title=maker.title, numbers=numbers))
        resolved.append(replace(step, waits_for=tuple(waits)) if waits else step)
    return resolved
