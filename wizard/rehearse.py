"""`spmail-wizard rehearse`: a practice farm on loopback, served alone or with a guided session against it."""

from __future__ import annotations

import errno
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from wizard import PROG
from wizard.errors import WizardError
from wizard.farm.apart import READY
from wizard.farm.states import STATES
from wizard.interactive import interactive_signals

if TYPE_CHECKING:
    from wizard.checklist.model import Checklist
    from wizard.farm.farm import Farm
    from wizard.session import Session

MAX_NODES = 32
WAKE_INTERVAL = 0.5
"""Seconds between the foreground's looks at whether a stop was asked, so a signal never waits unseen."""
PICKUP_DELAY = 3.0
"""Seconds the practice timer job leaves a message in Drop: long enough to see it there, short enough to wait for."""


class RehearsalError(WizardError):
    """The practice farm cannot be started as asked."""


def layout(state: str, nodes: int | None, mode: str | None) -> tuple[str, int, str]:
    """The state, node count and mode to start, from what was asked; a contradiction is one clear line.

    Without ``--mode`` one node means single mode; without ``--nodes``, single
    mode has one node and NLB two.
    """
    if state not in STATES:
        raise RehearsalError(f"--state {state!r} is not one of: {', '.join(STATES)}")
    if nodes is not None and not 1 <= nodes <= MAX_NODES:
        raise RehearsalError(f"--nodes takes 1 to {MAX_NODES}, not {nodes}")
    mode = mode or ("single" if nodes == 1 else "nlb")
    if nodes is None:
        nodes = 1 if mode == "single" else 2
    if mode == "single" and nodes != 1:
        raise RehearsalError(f"single mode has exactly one node; drop --nodes {nodes} or use --mode nlb")
    if mode == "nlb" and nodes < 2:
        raise RehearsalError(
            "an NLB cluster needs at least two nodes; use --nodes 2 or more, or --mode single"
        )
    return state, nodes, mode


def _foreign_farm(state: str, nodes: int | None, mode: str | None) -> Farm:
    """A farm on the Foreign connector route, not yet started; options that route has no use for are refused."""
    from wizard.farm.foreign import STATES as FOREIGN_STATES
    from wizard.farm.foreign import ForeignFarm

    if nodes is not None or mode is not None:
        raise RehearsalError("the foreign_connector route has no SMTP nodes; drop --nodes and --mode")
    if state not in FOREIGN_STATES:
        raise RehearsalError(
            f"--delivery foreign_connector rehearses the states {', '.join(FOREIGN_STATES)}, not {state!r}"
        )
    return ForeignFarm(state, pickup_delay=PICKUP_DELAY)


def start(state: str, nodes: int | None, mode: str | None, delivery: str = "smtp_service") -> Farm:
    """Start a practice farm in its own temporary folder; every part answers when this returns."""
    from wizard.farm.farm import Farm

    if delivery == "foreign_connector":
        farm = _foreign_farm(state, nodes, mode)
    elif delivery == "smtp_service":
        state, count, chosen_mode = layout(state, nodes, mode)
        farm = Farm(state, count, mode=chosen_mode, pickup_delay=PICKUP_DELAY)  # type: ignore[arg-type]
    else:
        raise RehearsalError(
            f"--delivery {delivery!r}: the practice farm rehearses smtp_service and foreign_connector"
        )
    try:
        farm.start()
    except OSError as exc:
        farm.stop()
        if exc.errno == errno.EADDRNOTAVAIL:
            raise RehearsalError(
                f"the practice farm needs the whole of 127.0.0.0/8 on loopback, and {farm.addresses.prefix}.x "
                "cannot be bound here (on macOS only 127.0.0.1 is, unless more are added to lo0)"
            ) from None
        raise RehearsalError(f"the practice farm could not start: {exc.strerror or exc}") from None
    missing = farm.unanswered()
    if missing:
        farm.stop()
        raise RehearsalError(f"the practice farm did not come up: {'; '.join(missing)}")
    return farm


def serve(
    state: str,
    nodes: int | None,
    mode: str | None,
    plan_out: Path,
    kit_out: Path | None = None,
    delivery: str = "smtp_service",
) -> int:
    """Run only the farm, in the foreground, until Ctrl+C or SIGTERM; the plan is written once it answers.

    With ``kit_out``, the results files the probe kit would write on the
    farm are written there too, before the plan: a reader that waits for
    the plan finds the kit's files complete.
    """
    if kit_out is not None and kit_out.exists() and not kit_out.is_dir():
        raise RehearsalError(f"--kit-out {kit_out} is a file; name a folder")
    stopping = threading.Event()
    with interactive_signals(stopping.set):
        farm = start(state, nodes, mode, delivery)
        try:
            if kit_out is not None:
                _write_kit(farm, kit_out)
            farm.write_plan(plan_out)
            for line in farm.describe():
                print(line)
            print(f"plan written to {plan_out}")
            print(f"try: spmail-wizard check {plan_out} --send-test")
            print(f"try: spmail-wizard diagnose {plan_out} --evidence {farm.root}")
            print(READY, flush=True)
            while not stopping.wait(WAKE_INTERVAL):
                pass
        finally:
            farm.stop()
    print("practice farm stopped", flush=True)
    return 0


def _write_kit(farm: Farm, folder: Path) -> None:
    from wizard.checklist.loader import load_default
    from wizard.farm import foreign, kitfiles

    try:
        if isinstance(farm, foreign.ForeignFarm):
            paths = foreign.write_kit(farm, load_default(), folder)
        else:
            paths = kitfiles.write_kit(farm, load_default(), folder)
    except OSError as exc:
        raise RehearsalError(f"--kit-out {folder}: cannot write there: {exc.strerror or exc}") from None
    print(f"probe kit results written to {folder}: {', '.join(path.name for path in paths)}")
    print(f"try: spmail-wizard import {folder / paths[0].name} ... --session NAME")


def mark_rehearsal(name: str, farm: Farm) -> None:
    """Record in the session that it belongs to a rehearsal, how its farm was started and what was changed since."""
    from wizard import store

    with store.OpenSession(name) as opened:
        opened.session.rehearsal = {
            "state": farm.state,
            "nodes": farm.count,
            "mode": farm.mode,
            "changes": list(farm.changes),
        }
        opened.save()


def restart(session: Session) -> Farm:
    """Start a rehearsal session's practice farm again where its plan says it is, in the state it was left in.

    The farm starts afresh in the recorded state on the plan's own addresses and
    port (so every check of the session reaches it), then the break and fix
    actions applied before are made again in order.

    Raises:
        RehearsalError: it cannot, said plainly (the farm is never left half started).
    """
    from wizard.farm import changes
    from wizard.farm.farm import Farm

    recorded = session.rehearsal or {}
    cannot = f"the practice farm of rehearsal {session.name!r} cannot be started again"
    plan = session.plan_or_none()
    try:
        state, count, mode = layout(str(recorded.get("state")), recorded.get("nodes"), recorded.get("mode"))
    except RehearsalError as exc:
        raise RehearsalError(f"{cannot}: the session records {exc}") from None
    if plan is None or not plan.nodes:
        raise RehearsalError(f"{cannot}: its farm's values are incomplete")
    prefix, port = plan.nodes[0].address.rpartition(".")[0], plan.smtp_port
    farm = Farm(state, count, mode=mode, pickup_delay=PICKUP_DELAY, prefix=prefix, port=port)  # type: ignore[arg-type]
    try:
        farm.start()
        changes.replay(farm, [str(change) for change in recorded.get("changes", [])])
    except (OSError, ValueError) as exc:
        farm.stop()
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise RehearsalError(
            f"{cannot} at {prefix}.x port {port} ({reason}); its checks would reach nothing. "
            f"Start a new one with `{PROG} rehearse`."
        ) from None
    return farm


def resume(name: str, *, plain: bool) -> int:
    """Reopen a rehearsal session with its practice farm started again as it was left (see ``restart``)."""
    from wizard import store
    from wizard.checklist.loader import load_default

    with interactive_signals():
        checklist = load_default()
        farm = restart(store.load(name))
        try:
            print(f"Practice farm of {name!r} started again as it was left.", file=sys.stderr)
            return _guided(checklist, name, farm, plain=plain)
        finally:
            _keep_changes(name, farm)
            farm.stop()
            print("practice farm stopped", file=sys.stderr)


def _guided(checklist: Checklist, name: str, farm: Farm, *, plain: bool) -> int:
    if plain:
        from wizard.plain import launch
        from wizard.plain.rehearsal import RehearsalFlow

        return launch.run(checklist, name, make_flow=RehearsalFlow.maker(farm))
    from wizard.tui import rehearsal

    return rehearsal.run(checklist, name, farm)


def _keep_changes(name: str, farm: Farm) -> None:
    """Record the farm's changes in its session, so the next resume leaves it as it is now."""
    from wizard.errors import StoreError

    try:
        mark_rehearsal(name, farm)
    except (StoreError, OSError) as exc:
        print(f"the practice farm's changes were not recorded in {name!r}: {exc}", file=sys.stderr)


def rehearse(state: str, nodes: int | None, mode: str | None, *, plain: bool, plan_out: Path | None) -> int:
    """Start the farm, create a session for its plan, and open the guided session against it.

    Ctrl+C and SIGTERM interrupt from the first moment, the farm's start included.
    """
    from wizard import jobs, store
    from wizard.checklist.loader import load_default

    with interactive_signals():
        checklist = load_default()
        farm = start(state, nodes, mode)
        name: str | None = None
        try:
            if plan_out is not None:
                farm.write_plan(plan_out)
            name = store.unique_name(f"rehearsal-{farm.state}")
            session = jobs.create_session(checklist, name, farm.plan)
            mark_rehearsal(session.name, farm)
            for line in farm.describe():
                print(line, file=sys.stderr)
            print(f"Session {session.name!r} saved to {store.session_path(session.name)}", file=sys.stderr)
            return _guided(checklist, session.name, farm, plain=plain)
        finally:
            if name is not None:
                _keep_changes(name, farm)
            farm.stop()
            print("practice farm stopped", file=sys.stderr)
