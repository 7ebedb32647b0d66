"""The break and fix actions applied to a running farm, kept so that a farm started again can be left as it was.

A rehearsal's session records the farm's state and these changes; resuming
it starts the farm afresh in that state and replays them in order.
"""

from __future__ import annotations

from wizard.farm import actions
from wizard.farm.farm import Farm

FIX = "fix:"
"""How a step's remedy is named among the changes (``fix:alias``)."""


def apply(farm: Farm, action: actions.Action) -> str:
    """Apply one break or fix action and keep it among the farm's changes; returns what changed."""
    said = action.apply(farm)
    farm.changes.append(action.key)
    return said


def fix(farm: Farm, step_id: str) -> list[str]:
    """Apply a step's remedy (see ``actions.fix``) and keep it among the farm's changes when it changed anything."""
    done = actions.fix(farm, step_id)
    if done:
        farm.changes.append(f"{FIX}{step_id}")
    return done


def replay(farm: Farm, changes: list[str]) -> None:
    """Make the changes again, in order, on a farm started afresh in the same state.

    Raises:
        ValueError: a change the farm does not offer at that point, named.
    """
    for change in changes:
        if change.startswith(FIX):
            fix(farm, change.removeprefix(FIX))
            continue
        offered = next((action for action in actions.available(farm) if action.key == change), None)
        if offered is None:
            raise ValueError(f"the change {change!r} is not one the practice farm offers")
        apply(farm, offered)
