"""The checklist's ``[checks]`` table: per check name, who may prove it, about which targets.

Proof is data: a check name says which vantages (this machine, an Exchange
server, the node about itself, a SharePoint server) may report it, which
targets its results may name, which of those a pass is needed on, and whether
a pass must carry its transcript. A step's ``proof`` lists the ways to prove
it, each a set of check names. Adding a check or a vantage for a step is an
edit of the checklist, not of the code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from wizard.checklist.model import CheckSpec, Step, TargetKind, Vantage
from wizard.errors import ChecklistError
from wizard.plan.model import Plan

SYSTEM_RESOLVER = "dns:system"
"""The target of a DNS check when the plan names no DNS server (this host's resolver)."""
_SPEC_KEYS = {"steps", "vantages", "targets", "required", "transcript", "farm_wide"}


def parse_check_specs(raw: Any, name: str) -> tuple[CheckSpec, ...]:
    """The ``[checks]`` table, each entry checked and named in any error."""
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        raise ChecklistError(f"{name}: field 'checks' must be a table of [checks.<name>] tables")
    specs = []
    for check, value in raw.items():
        where = f"{name}: checks.{check}"
        if not isinstance(value, Mapping):
            raise ChecklistError(f"{where}: must be a table")
        unknown = sorted(set(value) - _SPEC_KEYS)
        if unknown:
            raise ChecklistError(
                f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(_SPEC_KEYS))})"
            )
        vantages = _choices(value, "vantages", tuple(Vantage), where, Vantage)
        targets = _choices(value, "targets", tuple(TargetKind), where, TargetKind)
        if not targets:
            raise ChecklistError(f"{where}: 'targets' must name at least one kind of target")
        required = (
            _choices(value, "required", tuple(TargetKind), where, TargetKind)
            if "required" in value
            else targets
        )
        if set(required) - set(targets):
            raise ChecklistError(f"{where}: 'required' may only name kinds listed in 'targets'")
        steps = value.get("steps", [])
        if not isinstance(steps, list) or not all(isinstance(step, str) for step in steps):
            raise ChecklistError(f"{where}: 'steps' must be a list of step ids")
        transcript = value.get("transcript", False)
        if not isinstance(transcript, bool):
            raise ChecklistError(f"{where}: 'transcript' must be true or false")
        farm_wide = value.get("farm_wide", False)
        if not isinstance(farm_wide, bool):
            raise ChecklistError(f"{where}: 'farm_wide' must be true or false")
        specs.append(CheckSpec(check, tuple(steps), vantages, targets, required, transcript, farm_wide))
    return tuple(specs)


def _choices(
    value: Mapping[str, Any], key: str, allowed: tuple[str, ...], where: str, kind: Any
) -> tuple[Any, ...]:
    items = value.get(key, [])
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ChecklistError(f"{where}: {key!r} must be a list of text")
    for item in items:
        if item not in allowed:
            raise ChecklistError(f"{where}: {key!r}: {item!r} is not one of {', '.join(allowed)}")
    if len(set(items)) != len(items):
        raise ChecklistError(f"{where}: {key!r} lists the same value twice")
    return tuple(kind(item) for item in items)


def parse_proof(raw: Any, fail: Any) -> tuple[tuple[str, ...], ...]:
    """A step's ``proof``: a list of ways, each a non-empty list of check names."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(
        isinstance(way, list) and way and all(isinstance(check, str) and check for check in way)
        for way in raw
    ):
        raise fail(
            "proof", 'must be a list of ways, each a list of check names, such as [["alias-accepted"]]'
        )
    return tuple(tuple(way) for way in raw)


def verify_specs(steps: Sequence[Step], specs: Sequence[CheckSpec], name: str) -> None:
    """Every check a step runs or is proven by has a ``[checks]`` entry; every entry names real steps."""
    declared = {spec.name for spec in specs}
    ids = {step.id for step in steps}
    for step in steps:
        for check in {*step.checks, *(check for way in step.proof for check in way)}:
            if check not in declared:
                raise ChecklistError(
                    f"{name}: step {step.id!r}: check {check!r} has no [checks.{check}] entry saying who may prove it"
                )
    for spec in specs:
        for step_id in spec.steps:
            if step_id not in ids:
                raise ChecklistError(
                    f"{name}: checks.{spec.name}: 'steps': {step_id!r} is not a step of this checklist"
                )


def reports_under(spec: CheckSpec, step: Step) -> bool:
    """Whether results of this check may be filed under the step."""
    return step.id in spec.steps or spec.name in step.checks or any(spec.name in way for way in step.proof)


def targets_of(kinds: Sequence[TargetKind], plan: Plan) -> tuple[str, ...]:
    """The plan's targets of these kinds, in plan order, each once."""
    found: list[str] = []
    for kind in kinds:
        if kind is TargetKind.NODES:
            found += [node.name for node in plan.nodes]
        elif kind is TargetKind.MAIL_HOST or (kind is TargetKind.VIP and plan.mode == "nlb"):
            found.append(plan.mail_host)
        elif kind is TargetKind.DNS_SERVERS:
            found += [f"dns:{server}" for server in plan.dns_servers] or [SYSTEM_RESOLVER]
        elif kind is TargetKind.RESOLVER:
            found.append(SYSTEM_RESOLVER)
        elif kind is TargetKind.SHAREPOINT_SERVERS:
            found += list(plan.sharepoint_servers)
        elif kind is TargetKind.CONTROLLED_NODES and plan.connection_control:
            found += [node.name for node in plan.nodes]
        elif kind is TargetKind.OUTGOING_SERVER and plan.outgoing_smtp_server:
            found.append(plan.outgoing_smtp_server)
    return tuple(dict.fromkeys(found))


def roles_of(origin: str | None, plan: Plan) -> frozenset[Vantage]:
    """The roles an origin has in the plan (a node may also be a SharePoint server); empty: no host of it.

    Exchange servers are named by their address as the plan lists them; nodes and
    SharePoint servers by name.
    """
    if origin is None:
        return frozenset({Vantage.WORKSTATION})
    roles = set()
    if origin in plan.exchange_servers:
        roles.add(Vantage.EXCHANGE)
    if any(node.name == origin for node in plan.nodes):
        roles.add(Vantage.NODE)
    if origin in plan.sharepoint_servers:
        roles.add(Vantage.SHAREPOINT)
    return frozenset(roles)


def may_prove(spec: CheckSpec, origin: str | None, target: str, plan: Plan) -> bool:
    """Whether a result of this check, from this origin about this target, counts as evidence.

    A node reports only about itself: its own settings say nothing of another node.
    """
    allowed = roles_of(origin, plan) & set(spec.vantages)
    if not allowed:
        return False
    return allowed != {Vantage.NODE} or origin == target
