"""`check`: the live checks run headless, their report, the proof line and the exit code."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from wizard.cli.shared import (
    AddParser,
    Command,
    ExitCode,
    UsageError,
    add_source,
    exchange_port,
    session_plan,
    warn,
)
from wizard.errors import StoreError

if TYPE_CHECKING:
    from wizard.plan.model import Plan
    from wizard.store import OpenSession


def _hours(text: str) -> int:
    from wizard.plan.validate import hours

    try:
        return hours(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_check(add_parser: AddParser) -> None:
    check = add_parser("check", help="run the live checks headless")
    add_source(check)
    check.add_argument(
        "--step", action="append", default=[], metavar="ID", help="only this step (repeatable)"
    )
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.add_argument(
        "--timeout",
        type=float,
        default=5.0,
        metavar="S",
        help="seconds every probe of the run may take, all targets at once (default 5)",
    )
    check.add_argument(
        "--send-test", action="store_true", help="also send a real test message (library_test, connector)"
    )
    check.add_argument(
        "--require-proof",
        action="store_true",
        help="exit 1 unless every step that can be checked is proven live (skips count against it)",
    )
    check.add_argument(
        "--max-age",
        type=_hours,
        metavar="HOURS",
        help="evidence older than this is stale, never proof (default: the plan's proof_max_age_hours, 24)",
    )


def _run_check(args: argparse.Namespace) -> ExitCode:
    if not args.timeout > 0 or args.timeout > 300:
        raise UsageError("--timeout takes seconds between 0 and 300")
    if args.plan and args.session:
        raise UsageError("give either a plan file or --session NAME, not both")
    if args.plan:
        from wizard.plan.model import load_plan_file

        return _check(args, load_plan_file(args.plan), None)
    if not args.session:
        raise UsageError("name a plan file or --session NAME")
    from wizard import store

    # The lock is held from before the session is read until its results are
    # saved: a session open elsewhere is refused before any probe runs, and two
    # runs cannot both read the old results and lose one another's.
    with store.OpenSession(args.session) as opened:
        return _check(args, session_plan(opened.session), opened)


def _check(args: argparse.Namespace, plan: Plan, opened: OpenSession | None) -> ExitCode:
    import asyncio
    import json
    import time

    from wizard import proof
    from wizard.checklist.loader import load_default
    from wizard.checks import run_checks
    from wizard.cli import report
    from wizard.results import utc_now

    warn(plan)
    # A headless check shows no guidance: only the console pages its manual checks name are
    # rendered, so only their steps' templates are proven sound here.
    checklist = load_default(templates=False)
    steps = checklist.for_mode(plan.mode, plan.delivery)
    valid = [step.id for step in steps]
    unknown = [step_id for step_id in args.step if step_id not in valid]
    if unknown:
        raise UsageError(f"no step {unknown[0]!r} in {plan.mode} mode; the steps are {', '.join(valid)}")
    if args.step:
        steps = tuple(step for step in steps if step.id in args.step)
    paged = [step for step in steps if step.pages]
    if paged:
        from wizard.render import verify_templates

        verify_templates(checklist, paged)
    port = exchange_port()
    progress = report.Progress(0)

    def started(step_id: str, check: str, target: str) -> None:
        progress.total += 1
        progress.started(step_id, check, target)

    started_at = utc_now()
    clock = time.monotonic()
    try:
        results = asyncio.run(
            run_checks(
                plan,
                steps,
                timeout=args.timeout,
                send_test=args.send_test,
                exchange_port=port,
                on_start=started,
                on_result=progress.finished,
            )
        )
    finally:
        progress.clear()
    duration_ms = int((time.monotonic() - clock) * 1000)
    drift = None
    not_saved: StoreError | None = None
    if opened is not None:
        drift = opened.session.record_run(results, steps=[step.id for step in steps], at=started_at)
        try:
            opened.save()
        except StoreError as exc:  # a full disk: the run is still shown, then why it was not kept
            not_saved = exc
    # Earlier evidence of a session counts, with its age; a plan file has only this run.
    held = opened.session if opened is not None else None
    verdicts = proof.report(
        steps,
        checklist,
        plan,
        (lambda step_id: held.progress_for(step_id).results)
        if held is not None
        else (lambda step_id: [r for r in results if r.step == step_id]),
        run=results,
        max_age=proof.max_age_of(plan, args.max_age),
    )
    if args.json:
        document = report.report_json(plan, results, started_at, duration_ms, drift=drift)
        document["proof"] = verdicts.to_json()
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        colour = report.wants_colour(sys.stdout)
        sys.stdout.write(
            report.format_report(results, steps, colour=colour, duration_ms=duration_ms, drift=drift)
        )
        print(verdicts.line())
    if not_saved is not None:
        sys.stdout.flush()
        raise not_saved
    if any(result.status.failed for result in results):
        return ExitCode.FAILED
    if args.require_proof and verdicts.unproven:
        return ExitCode.FAILED
    return ExitCode.OK


COMMANDS = {"check": Command(_add_check, _run_check)}
