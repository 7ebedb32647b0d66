"""The start screen: start a new session, resume a saved one, or export a runbook."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from wizard import store
from wizard.jobs import (
    default_export_path,
    name_reason,
    read_plan_path,
    refusal,
)
from wizard.model import Checklist
from wizard.plan import Plan
from wizard.tui.screens.dialogs import export_format_select

PLAN_SOURCE = "plan-file"
"""The export source value that stands for a plan file rather than a session."""


class StartScreen(Screen[None]):
    """The three jobs: new, resume, export."""

    AUTO_FOCUS = "#new-name"
    """Typing at once fills in the first field of the first job."""

    class NewRequested(Message):
        """Start a new session, blank or from a plan file."""

        def __init__(self, name: str, plan: Plan | None) -> None:
            super().__init__()
            self.name = name
            """The session name chosen, or empty for one made from the mail host."""
            self.plan = plan
            """The plan to prefill the answers with."""

    class ResumeRequested(Message):
        """Open a saved session."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name
            """The session's name."""

    class ExportRequested(Message):
        """Export a runbook from a saved session or a plan file."""

        def __init__(self, fmt: str, output: Path, session_name: str | None, plan: Plan | None) -> None:
            super().__init__()
            self.fmt = fmt
            """One of md, html, ps1, plan."""
            self.output = output
            """Where to write."""
            self.session_name = session_name
            """The session exported, or None for a plan file."""
            self.plan = plan
            """The plan file's plan, when exporting a plan file."""

    def __init__(self, checklist: Checklist) -> None:
        super().__init__()
        self.checklist = checklist
        """For the progress of each saved session."""
        self._infos: list[store.SessionInfo] = []
        self._suggested_output = ""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(
            "Set up SharePoint incoming e-mail through IIS SMTP, on one server or behind NLB, "
            "and prove each step live.",
            id="intro",
        )
        with TabbedContent(id="jobs"):
            with TabPane("New session", id="new"):
                yield from self._compose_new()
            with TabPane("Resume", id="resume"):
                yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
                yield Static("", id="refused", markup=False)
            with TabPane("Export", id="export"):
                yield from self._compose_export()
        yield Footer()

    def _compose_new(self) -> ComposeResult:
        with Vertical(classes="job"):
            with Horizontal(classes="field-row"):
                yield Label("Session name", classes="field-label")
                yield Input(placeholder="empty: from the mail host", compact=True, id="new-name")
            yield Static("", classes="reason", id="new-name-reason", markup=False)
            with Horizontal(classes="field-row"):
                yield Label("Plan file", classes="field-label")
                yield Input(placeholder="empty: a blank session", compact=True, id="new-plan")
            yield Static("", classes="reason", id="new-plan-reason", markup=False)
            yield Button("Start", variant="primary", compact=True, id="new-start")

    def _compose_export(self) -> ComposeResult:
        with Vertical(classes="job"):
            with Horizontal(classes="field-row"):
                yield Label("From", classes="field-label")
                yield Select([], prompt="Choose a session or a plan file", compact=True, id="export-source")
            with Horizontal(classes="field-row", id="export-plan-row"):
                yield Label("Plan file", classes="field-label")
                yield Input(compact=True, id="export-plan")
            yield Static("", classes="reason", id="export-plan-reason", markup=False)
            with Horizontal(classes="field-row"):
                yield Label("Format", classes="field-label")
                yield export_format_select()
            with Horizontal(classes="field-row"):
                yield Label("Write to", classes="field-label")
                yield Input(compact=True, id="export-output")
            yield Button("Export", variant="primary", compact=True, id="export-start")

    def on_mount(self) -> None:
        self.sub_title = "start"
        for line in self.query(".reason"):
            line.display = False
        self.query_one("#export-plan-row").display = False
        table = self.query_one("#sessions", DataTable)
        table.add_columns("Name", "Mode", "Mail host", "Progress", "Step", "Last change")
        self.refresh_sessions()

    def refresh_sessions(self) -> None:
        """List the saved sessions again (refused files with their reason)."""
        self._infos = store.list_sessions(self.checklist)
        table = self.query_one("#sessions", DataTable)
        table.clear()
        for info in self._infos:
            table.add_row(*info.cells(), key=info.name)
        refused = [f"✖ {info.path.name}: {refusal(info)}" for info in self._infos if info.error]
        note = self.query_one("#refused", Static)
        if not self._infos:
            note.update("No saved sessions yet. Start one on the New session tab.")
        else:
            note.update("\n".join(refused) or "Enter opens the highlighted session.")
        good = [(f"Session {info.name}", info.name) for info in self._infos if not info.error]
        self.query_one("#export-source", Select).set_options([*good, ("A plan file…", PLAN_SOURCE)])

    # New ------------------------------------------------------------------------

    def _show(self, reason_id: str, text: str) -> None:
        line = self.query_one(reason_id, Static)
        line.update(text)
        line.display = bool(text)
        line.set_class(text.startswith("✖"), "-fail")

    def _name_reason(self, text: str) -> str:
        reason = name_reason(text)
        return f"✖ {reason}" if reason else ""

    @on(Input.Changed, "#new-name")
    def _new_name_changed(self, event: Input.Changed) -> None:
        self._show("#new-name-reason", self._name_reason(event.value))

    @on(Input.Changed, "#new-plan")
    def _new_plan_changed(self, event: Input.Changed) -> None:
        self._show("#new-plan-reason", read_plan_path(event.value)[1])

    @on(Input.Submitted, "#new-name")
    @on(Input.Submitted, "#new-plan")
    @on(Button.Pressed, "#new-start")
    def _start_new(self) -> None:
        name_text = self.query_one("#new-name", Input).value
        plan_text = self.query_one("#new-plan", Input).value
        name_reason = self._name_reason(name_text)
        plan, plan_line = read_plan_path(plan_text)
        if name_reason or (plan_text.strip() and plan is None):
            self.notify(name_reason or plan_line, severity="error")
            return
        self.post_message(self.NewRequested(name_text.strip(), plan))

    # Resume ---------------------------------------------------------------------

    @on(DataTable.RowSelected, "#sessions")
    def _resume(self, event: DataTable.RowSelected) -> None:
        event.stop()
        info = next((info for info in self._infos if info.name == event.row_key.value), None)
        if info is None:
            return
        if info.error:
            self.notify(refusal(info), severity="error", title=info.path.name)
            return
        self.post_message(self.ResumeRequested(info.name))

    # Export ---------------------------------------------------------------------

    def _export_base(self) -> str:
        source = self.query_one("#export-source", Select).value
        if source == PLAN_SOURCE:
            plan, _line = read_plan_path(self.query_one("#export-plan", Input).value)
            return plan.mail_host if plan else "plan"
        return str(source) if isinstance(source, str) else "runbook"

    def _suggest_output(self) -> None:
        output = self.query_one("#export-output", Input)
        if output.value in ("", self._suggested_output):
            fmt = str(self.query_one("#export-format", Select).value)
            self._suggested_output = default_export_path(self._export_base(), fmt)
            output.value = self._suggested_output

    @on(Select.Changed, "#export-source")
    def _source_changed(self, event: Select.Changed) -> None:
        self.query_one("#export-plan-row").display = event.value == PLAN_SOURCE
        if event.value != PLAN_SOURCE:
            self._show("#export-plan-reason", "")
        self._suggest_output()

    @on(Select.Changed, "#export-format")
    def _format_changed(self) -> None:
        self._suggest_output()

    @on(Input.Changed, "#export-plan")
    def _export_plan_changed(self, event: Input.Changed) -> None:
        self._show("#export-plan-reason", read_plan_path(event.value)[1])
        self._suggest_output()

    @on(Button.Pressed, "#export-start")
    @on(Input.Submitted, "#export-output")
    def _export(self) -> None:
        source = self.query_one("#export-source", Select).value
        output = self.query_one("#export-output", Input).value.strip()
        fmt = str(self.query_one("#export-format", Select).value)
        if not isinstance(source, str):
            self.notify("Choose a session or a plan file to export.", severity="error")
            return
        if not output:
            self.notify("Name a file (or a folder, for scripts) to write to.", severity="error")
            return
        if source == PLAN_SOURCE:
            plan, line = read_plan_path(self.query_one("#export-plan", Input).value)
            if plan is None:
                self.notify(line or "Name the plan file to export.", severity="error")
                return
            self.post_message(self.ExportRequested(fmt, Path(output).expanduser(), None, plan))
            return
        self.post_message(self.ExportRequested(fmt, Path(output).expanduser(), source, None))
