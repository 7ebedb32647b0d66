"""Trace a message: the path as a vertical chain, a mark per hop, the cause and next command under the broken hop."""

from __future__ import annotations

import asyncio

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input, Label, Static

from wizard.diagnose.trace import Trace
from wizard.errors import PlanError, WizardError
from wizard.session import Session
from wizard.tui.messages import MoveRequested
from wizard.tui.screens.fresh import FreshScreen
from wizard.tui.widgets.action import Action
from wizard.tui.widgets.titlebar import TitleBar

MARKS = {"seen": "✔", "contrary": "✖", "no_evidence": "○"}
STATE_CLASSES = {"seen": "-seen", "contrary": "-contrary", "no_evidence": "-missing"}


class TraceScreen(FreshScreen):
    """Asks for the recipient, the time and log folders, and shows where the message's evidence ends.

    The trace runs again whenever the session gains evidence (an import)
    while the screen is shown, so the chain follows what is known.
    """

    BINDINGS = [
        Binding("ctrl+r", "trace", "Trace", id="trace", priority=True),
        Binding("ctrl+g,escape", "back", "Back to steps", id="back", priority=True),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        """The session whose plan and evidence are traced (read here, changed only by the App)."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="trace"):
            yield Label("Recipient", markup=False)
            yield Input(str(self.session.plan_data.get("test_recipient", "") or ""), id="trace-to")
            yield Label("Sent at or after (ISO 8601; empty: any time)", markup=False)
            yield Input(placeholder="2026-12-03T10:00", id="trace-since")
            yield Label("Log folders or files, separated by ; (optional)", markup=False)
            yield Input(placeholder="C:\\logs\\wfe1; tracking.csv", id="trace-logs")
            with Horizontal(id="actions"):
                yield Action("Trace", compact=True, id="trace-button")
                yield Action("◀ Back to steps", compact=True, id="back-button")
            yield Static("", id="trace-verdict", markup=False)
            yield Vertical(id="trace-chain")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.session.name} · trace a message"
        self.query_one("#trace-to", Input).focus()
        self.action_trace()

    def update_progress(self) -> None:
        """The session changed (evidence imported): trace again."""
        self.action_trace()

    def action_trace(self) -> None:
        """Trace the message with the values typed."""
        values = [self.query_one(f"#trace-{name}", Input).value for name in ("to", "since", "logs")]
        self._run_trace(*values)

    @work(exclusive=True, group="trace", exit_on_error=False)
    async def _run_trace(self, to: str, since: str, logs: str) -> None:
        from wizard.diagnose.run import trace_session

        try:
            # Reading logs is file work: off the event loop.
            trace = await asyncio.to_thread(trace_session, self.session, to, since, logs)
        except (WizardError, PlanError) as exc:
            self.query_one("#trace-verdict", Static).update(f"Not traced: {exc}")
            return
        await self.show_trace(trace)

    async def show_trace(self, trace: Trace) -> None:
        """Lay out the chain: one line per hop, and the cause and next command under the broken one."""
        from wizard.diagnose.report import verdict

        chain = self.query_one("#trace-chain", Vertical)
        await chain.remove_children()
        rows: list[Static] = []
        for number, hop in enumerate(trace.hops, 1):
            shown = [e for e in hop.evidence if e.verdict != "context"] or list(hop.evidence)
            text = f"{MARKS[hop.status]} {number}. {hop.title}"
            if shown:
                text += f"  ({shown[0].source}, {shown[0].origin})"
            rows.append(Static(text, classes=f"trace-hop {STATE_CLASSES[hop.status]}", markup=False))
            if hop.id == trace.broken_hop:
                rows.append(Static(f"Cause: {trace.cause}", classes="trace-cause", markup=False))
                rows.append(Static(f"Next: {trace.next}", classes="trace-next", markup=False))
            if number < len(trace.hops):
                rows.append(Static("│", classes="trace-link", markup=False))
        await chain.mount_all(rows)
        self.query_one("#trace-verdict", Static).update(
            " ".join([verdict(trace), *(f"Warning: {w}" for w in trace.warnings)])
            + (f" ({len(trace.notes)} notes on what was read)" if trace.notes else "")
        )

    def action_back(self) -> None:
        """Back to the step the session is on."""
        self.post_message(MoveRequested(self.session.current_step))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_trace()

    @on(Action.Pressed, "#trace-button")
    def _trace_pressed(self, event: Action.Pressed) -> None:
        event.stop()
        self.action_trace()

    @on(Action.Pressed, "#back-button")
    def _back_pressed(self, event: Action.Pressed) -> None:
        event.stop()
        self.action_back()
