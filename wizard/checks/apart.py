"""The checks run in a process of their own, for a front end that draws while they run.

A thread of their own was not enough. Python runs one thread at a time, and a thread that waits
on a socket gets the interpreter back only when the busy one lets go of it (every 5 ms, and
again at each read). While the wizard drew a few hundred result rows, a node that greeted in
36 ms was recorded as greeting in 584 ms, measured against a farm in a process of its own. A
process has its own interpreter, so the times it records are the servers'.

Where the platform has it, processes come from a fork server that has already imported the
checks, so a run starts in a few milliseconds rather than after the interpreter's start.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import sys
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.context import BaseContext
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wizard.checklist.model import Step
    from wizard.checks.base import Progress
    from wizard.plan.model import Plan
    from wizard.results import CheckResult

PRELOAD = ("wizard.checks.runner", "wizard.render", "cryptography.x509")
"""What the fork server imports before it forks a run, with every check module (the runner
loads them on first use): the console pages' templates and the certificate reader. Without
them each run imported about a hundred modules itself, some of them on its event loop while its
first connections were open."""

POLL = 0.1
"""How often, in seconds, the waiting side asks whether the run was cancelled."""


@functools.cache
def _processes() -> BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        from wizard.checks.registry import REGISTRY

        modules = sorted({f"wizard.checks.{entry.module}" for entry in REGISTRY.values()})
        context.set_forkserver_preload([*PRELOAD, *modules])
        return context
    return multiprocessing.get_context("spawn")


def _run(plan: Plan, steps: tuple[Step, ...], options: dict[str, Any], events: Any) -> None:
    import asyncio

    from wizard.checks import run_checks

    try:
        results = asyncio.run(
            run_checks(
                plan,
                steps,
                **options,
                on_start=lambda *start: events.send(("start", start)),
                on_result=lambda result: events.send(("result", result)),
                on_progress=lambda *progress: events.send(("progress", progress)),
            )
        )
    except BaseException as exc:  # the other side says it as the run's error
        events.send(("error", f"{type(exc).__name__}: {exc}"))
    else:
        events.send(("done", results))
    finally:
        events.close()


@contextlib.contextmanager
def _real_stderr() -> Iterator[None]:
    # The first start also starts multiprocessing's resource tracker and the fork server, which
    # are handed this process's stderr. A full-screen app has replaced sys.stderr with a capture
    # whose fileno() is -1, and they failed to start ("bad value(s) in fds_to_keep"): for that
    # moment they get the real one.
    stderr = sys.stderr
    try:
        usable = stderr is not None and stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if not usable:
        sys.stderr = sys.__stderr__
    try:
        yield
    finally:
        sys.stderr = stderr


def run_checks_apart(
    plan: Plan,
    steps: Sequence[Step],
    *,
    on_start: Callable[[str, str, str], None],
    on_result: Callable[[CheckResult], None],
    on_progress: Progress,
    cancelled: Callable[[], bool],
    **options: Any,
) -> list[CheckResult] | None:
    """:func:`wizard.checks.run_checks` in a process of its own; None when ``cancelled()`` says so.

    The callbacks are called here, in the calling thread, as the process reports. ``options``
    are ``run_checks``'s (timeout, send_test, ports, pickup_limit).

    Raises:
        RuntimeError: the run failed, or its process ended without its results.
    """
    processes = _processes()
    # A one-way pipe, not a queue: a queue's locks are semaphores that multiprocessing's
    # resource tracker reported as leaked when the wizard closed.
    events, sender = processes.Pipe(duplex=False)
    with _real_stderr():
        process = processes.Process(  # type: ignore[attr-defined]
            target=_run, args=(plan, tuple(steps), options, sender), name="spmail-checks", daemon=True
        )
        process.start()
    sender.close()  # the process holds the only writing end: its end is the pipe's end
    try:
        while True:
            if not events.poll(POLL):
                if cancelled():
                    return None
                continue
            try:
                kind, payload = events.recv()
            except EOFError:
                process.join(5)
                raise RuntimeError(
                    f"the checks' process ended (exit code {process.exitcode}) without its results"
                ) from None
            if kind == "start":
                on_start(*payload)
            elif kind == "result":
                on_result(payload)
            elif kind == "progress":
                on_progress(*payload)
            elif kind == "error":
                raise RuntimeError(payload)
            else:
                return list(payload)
    finally:
        if process.is_alive():
            process.terminate()
        process.join(5)
        events.close()
