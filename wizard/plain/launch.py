"""Opening plain mode: choose or create a session, then walk it with the flow."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from wizard import PROG, store
from wizard.checklist.model import Checklist
from wizard.errors import StoreError
from wizard.interactive import interactive_signals
from wizard.jobs import create_session, name_reason, read_plan_path, refusal
from wizard.plain.asker import Asker, terminal_asker
from wizard.plain.flow import PromptFlow


def choose_session(asker: Asker, checklist: Checklist, home: Path | None = None) -> str | None:
    """Ask whether to start a new session or resume one; returns its name (None: nothing to open)."""
    infos = store.list_sessions(checklist, home)
    good = [info for info in infos if not info.error]
    job = "new"
    if good:
        job = asker.choose(
            "Start a new session or resume a saved one?",
            [("new", "Start a new session"), ("resume", "Resume a saved session")],
            default="resume",
        )
    if job == "resume":
        for info in infos:
            if info.error:
                asker.say(f"Refused: {info.path.name}: {refusal(info)}")
        choices = [
            (
                info.name,
                f"{info.name}: {info.mode}, {info.mail_host or 'no mail host'}, "
                f"{info.settled} of {info.total} settled, at {info.current_step}",
            )
            for info in good
        ]
        return asker.choose("Which session?", choices, default=good[0].name)

    def check_plan(text: str) -> bool | str:
        plan, line = read_plan_path(text)
        return True if plan is not None or not text.strip() else line.removeprefix("✖ ")

    plan_text = asker.text("Plan file to prefill from (empty: a blank session):", validate=check_plan)
    plan, line = read_plan_path(plan_text)
    if line:
        asker.say(line.removeprefix("✔ "))
    name = asker.text(
        "Session name (empty: from the mail host):",
        validate=lambda text: name_reason(text, home) or True,
    )
    session = create_session(checklist, name, plan, home)
    asker.say(f"Session {session.name} created.")
    return session.name


def run(
    checklist: Checklist,
    session_name: str | None,
    *,
    asker: Asker | None = None,
    home: Path | None = None,
    timeout: float = 5.0,
    exchange_port: int = 25,
    outgoing_port: int = 25,
    make_flow: Callable[..., PromptFlow] = PromptFlow,
) -> int:
    """Run the guided session with plain prompts.

    Args:
        checklist: the steps.
        session_name: the session to open, or None to ask (new or resume).
        asker: where questions go (default: the terminal's, see :func:`terminal_asker`).
        home: the data folder (None: the default one).
        timeout: seconds per probe.
        exchange_port: SMTP port of the Exchange servers, for the connector's test message.
        outgoing_port: SMTP port of the outgoing server.
        make_flow: builds the flow (a rehearsal's flow also offers to break and fix its farm).

    Returns:
        0, 2 when the session cannot be opened (locked or refused), 130 when interrupted.
    """
    asker = asker or terminal_asker()
    with interactive_signals():
        try:
            name = session_name or choose_session(asker, checklist, home)
            if name is None:
                return 0
            try:
                opened = store.OpenSession(name, home)
                opened.__enter__()
            except StoreError as exc:
                print(f"{PROG}: {exc}", file=sys.stderr)
                return 2
            try:
                make_flow(
                    asker,
                    checklist,
                    opened,
                    timeout=timeout,
                    exchange_port=exchange_port,
                    outgoing_port=outgoing_port,
                ).run()
            finally:
                try:
                    opened.save()
                finally:
                    opened.__exit__(None, None, None)
        except (KeyboardInterrupt, EOFError):
            print(f"\n{PROG}: interrupted; everything answered so far is saved", file=sys.stderr)
            return 130
        except StoreError as exc:
            print(f"{PROG}: {exc}", file=sys.stderr)
            return 2
        return 0
