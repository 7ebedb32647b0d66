"""The final summary: every step's status and note, all results, and what is still open."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Static

from wizard.checklist.model import Checklist
from wizard.proof import proof_label, session_report
from wizard.session import Session
from wizard.tui.messages import MoveRequested
from wizard.tui.options import CheckOptions
from wizard.tui.screens.checking import CheckingScreen
from wizard.tui.widgets.action import Action
from wizard.tui.widgets.check_panel import CheckPanel
from wizard.tui.widgets.keybar import KeyBar
from wizard.tui.widgets.titlebar import TitleBar

TITLE_WIDTH = 34
"""Room for a step's title in the table at 80 columns."""


class SummaryScreen(CheckingScreen):
    """All steps at a glance; check them all, export, or go back to one."""

    BINDINGS = [
        Binding(
            "ctrl+r",
            "check_all",
            "Check all",
            id="check-all",
            priority=True,
            tooltip="Run every step's live checks",
        ),
        Binding("ctrl+e", "app.export", "Export", id="export", priority=True),
        Binding(
            "ctrl+g,escape",
            "back",
            "Back to steps",
            id="back",
            priority=True,
            tooltip="The step the session is on",
        ),
    ]

    def __init__(
        self, session: Session, checklist: Checklist, options: CheckOptions, *, check_all: bool = False
    ) -> None:
        super().__init__()
        self.check_all_on_open = check_all
        """Start checking every step as soon as the screen opens."""
        self.session = session
        """The session, read here and changed only by the App."""
        self.checklist = checklist
        """The checklist the steps come from."""
        self.options = options
        """How checks run."""
        self.check_panel = CheckPanel(step_label=self._step_number, id="checks")

    def _step_number(self, step_id: str) -> str:
        number = next(
            (n for n, step in enumerate(self.session.steps(self.checklist), start=1) if step.id == step_id), 0
        )
        return f"Step {number}" if number else self.checklist.step(step_id).title

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="summary"):
            yield Static("", id="summary-head", markup=False)
            yield Static("", id="open-items", markup=False)
            yield DataTable(id="step-table", cursor_type="row", zebra_stripes=True)
            yield self.check_panel
            with Horizontal(id="actions"):
                yield Action("Check all", compact=True, id="check-all-button")
                yield Action("Export", compact=True, id="export-button")
                yield Action("Trace a message", compact=True, id="trace-button")
                yield Action("◀ Back to steps", compact=True, id="back-button")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"{self.session.name} · summary"
        table = self.query_one(DataTable)
        # "Kept": results an earlier run left that the last one did not replace, and how old they are.
        table.add_columns("#", "Step", "Status", "Proof", "Note", "Kept")
        table.focus(scroll_visible=False)
        self.update_progress()
        if self.check_all_on_open:
            self.action_check_all()

    def update_progress(self) -> None:
        """Show the session as it is now."""
        session, checklist = self.session, self.checklist
        settled, total = session.counts(checklist)
        self.query_one("#summary-head", Static).update(
            f"{session.mode.upper()} · {session.mail_host or '(no mail host)'} · {settled} of {total} steps settled"
        )
        items = session.open_items(checklist)
        numbers = {step_id: n for n, step_id in enumerate(session.step_ids(checklist), start=1)}
        if items:
            lines = [f"Open items ({len(items)}):"]
            lines += [f"  ✖ {numbers[step.id]:>2} {step.title}: {reason}" for step, reason in items]
        else:
            lines = ["✔ Nothing open: every step is settled and no check failed."]
        self.query_one("#open-items", Static).update("\n".join(lines))
        table = self.query_one(DataTable)
        table.clear()
        all_results = []
        verdicts = session_report(session, checklist)
        for step in session.steps(checklist):
            progress = session.progress_for(step.id)
            title = step.title if len(step.title) <= TITLE_WIDTH else step.title[: TITLE_WIDTH - 1] + "…"
            table.add_row(
                str(numbers[step.id]),
                title,
                progress.status.label,
                proof_label(verdicts, step.id),
                progress.note,
                progress.kept_from_earlier(),
                key=step.id,
            )
            all_results += progress.results
        if not self.checking:
            caption = "Results of the last check of each step:" if all_results else "No step checked yet."
            self.check_panel.show_results(caption, all_results)

    def action_check_all(self) -> None:
        """Run every step's live checks at once."""
        if self.session.plan_or_none() is None:
            self.notify("The farm's values are incomplete; finish them on step 1 first.", severity="error")
            return
        self.check_panel.begin("Checking every step…")
        self.run_step_checks(list(self.session.steps(self.checklist)))
        # The run's caption (spinner, count, time) is the top line of the panel doing the work:
        # bring it to the top of the view, or at 80x24 it sits below the table, out of sight.
        self.call_after_refresh(self._show_panel)

    def _show_panel(self) -> None:
        self.query_one("#summary", VerticalScroll).scroll_to_widget(self.check_panel, top=True, animate=False)

    def _leaving(self) -> None:
        """Leaving the summary ends a run of Check all: say so, and what of it is lost."""
        if self.checking:
            self.workers.cancel_group(self, "checks")
            self.notify(
                "Check all stopped when you left the summary; this run's results were not kept. "
                "The steps show their earlier results. Check all again from the summary (ctrl+r).",
                severity="warning",
                timeout=8,
            )

    @on(DataTable.RowSelected)
    def _jump(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self._leaving()
            self.post_message(MoveRequested(event.row_key.value))

    def action_back(self) -> None:
        """Back to the step the session is on."""
        self._leaving()
        self.post_message(MoveRequested(self.session.current_step))

    @on(Action.Pressed, "#check-all-button")
    def _check_all_pressed(self) -> None:
        self.action_check_all()

    @on(Action.Pressed, "#export-button")
    async def _export_pressed(self) -> None:
        await self.run_action("app.export")

    @on(Action.Pressed, "#trace-button")
    def _trace_pressed(self) -> None:
        from wizard.tui.app import WizardApp

        app = self.app
        if isinstance(app, WizardApp):
            app.show_trace()

    @on(Action.Pressed, "#back-button")
    def _back_pressed(self) -> None:
        self.action_back()
