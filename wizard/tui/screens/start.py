"""The start screen: start a new session, resume a saved one, or export a runbook."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import (
    ContentSwitcher,
    Input,
    Static,
)

from wizard.exportnames import default_export_path
from wizard.tui.screens.fresh import FreshScreen
from wizard.tui.widgets.action import Action
from wizard.tui.widgets.jobbar import JobBar
from wizard.tui.widgets.keybar import KeyBar
from wizard.tui.widgets.titlebar import TitleBar

# The session store, plans and the checklist pull in the checklist and the templates: they
# load in a thread after the first paint (see ``_load_sessions``), or when a job needs them.
if TYPE_CHECKING:
    from textual.widgets import DataTable, Select

    from wizard import store
    from wizard.checklist.model import Checklist
    from wizard.plan.model import Plan

PLAN_SOURCE = "plan-file"
"""The export source value that stands for a plan file rather than a session."""
PLAN_OPTION = ("A plan file…", PLAN_SOURCE)
JOBS = [("new", "New session"), ("resume", "Resume"), ("export", "Export")]
"""The start screen's jobs: the id of each one's pane, and its name in the job bar."""
LOADING = "Reading the saved sessions…"
"""The Resume tab's line until the saved sessions are listed."""


def _reason(line_id: str) -> Static:
    """The line under a field that says why its value is refused: hidden until there is a reason."""
    line = Static("", classes="reason", id=line_id, markup=False)
    line.display = False
    return line


class StartScreen(FreshScreen):
    """The three jobs: new, resume, export."""

    BINDINGS = [
        # Priority, so they work from a text field too; the App's export takes ctrl+e once a session is open.
        Binding("ctrl+n", "job('new')", "New", id="job-new", priority=True, tooltip="Start a new session"),
        Binding(
            "ctrl+o",
            "job('resume')",
            "Resume",
            id="job-resume",
            priority=True,
            tooltip="Open a saved session",
        ),
        Binding("ctrl+e", "job('export')", "Export", id="export", priority=True, tooltip="Write a runbook"),
        Binding("delete", "delete_session", "Delete", id="delete", tooltip="Delete the highlighted session"),
    ]
    FIRST_FIELDS = {"new": "#new-name", "resume": "#sessions", "export": "#export-source"}

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

    def __init__(self, checklist: Callable[[], Checklist]) -> None:
        super().__init__()
        self.checklist = checklist
        """Gives the steps, for the progress of each saved session (loading them the first time)."""
        self._infos: list[store.SessionInfo] = []
        self._suggested_output = ""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(
            "Set up SharePoint incoming e-mail through IIS SMTP, on one server or behind NLB, "
            "and prove each step live. ctrl+o: Resume a saved session; ctrl+e: Export a runbook; F1: help.",
            id="intro",
        )
        yield JobBar(JOBS, id="jobs")
        with ContentSwitcher(initial="new", id="job-panes"):
            with Vertical(id="new", classes="job-pane job"):
                yield from self._compose_new()
            # Filled after the first paint (see ``_fill_hidden_tabs``): they start hidden.
            yield Vertical(id="resume", classes="job-pane")
            yield Vertical(id="export", classes="job-pane job")
        yield KeyBar()

    def _compose_resume(self) -> ComposeResult:
        from textual.widgets import DataTable

        table: DataTable[object] = DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        table.add_columns("Name", "Mode", "Mail host", "Progress", "Step", "Last change")
        yield table
        yield Static(LOADING, id="refused", markup=False)

    def _compose_new(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Static("Session name", classes="field-label")
            yield Input(placeholder="empty: from the mail host", compact=True, id="new-name")
        yield _reason("new-name-reason")
        with Horizontal(classes="field-row"):
            yield Static("Plan file", classes="field-label")
            yield Input(placeholder="empty: a blank session", compact=True, id="new-plan")
        yield _reason("new-plan-reason")
        yield Action("Start", variant="primary", compact=True, id="new-start")

    def _compose_export(self) -> ComposeResult:
        from textual.widgets import Select

        from wizard.tui.screens.dialogs import export_format_select

        with Horizontal(classes="field-row"):
            yield Static("From", classes="field-label")
            yield Select(
                [PLAN_OPTION], prompt="Choose a session or a plan file", compact=True, id="export-source"
            )
        plan_row = Horizontal(classes="field-row", id="export-plan-row")
        plan_row.display = False
        with plan_row:
            yield Static("Plan file", classes="field-label")
            yield Input(compact=True, id="export-plan")
        yield _reason("export-plan-reason")
        with Horizontal(classes="field-row"):
            yield Static("Format", classes="field-label")
            yield export_format_select()
        with Horizontal(classes="field-row"):
            yield Static("Write to", classes="field-label")
            yield Input(compact=True, id="export-output")
        yield Action("Export", variant="primary", compact=True, id="export-start")

    def on_mount(self) -> None:
        self.sub_title = "start"
        self.call_after_refresh(self._fill_hidden_tabs)

    async def _fill_hidden_tabs(self) -> None:
        """The Resume and Export tabs' widgets, then the saved sessions, after the first paint."""
        await self.query_one("#resume", Vertical).mount_compose(self._compose_resume())
        await self.query_one("#export", Vertical).mount_compose(self._compose_export())
        # Started now, not at mount: the thread's imports would hold the interpreter lock during the paint.
        self._load_sessions()

    @work(thread=True, exclusive=True, group="sessions", exit_on_error=False)
    def _load_sessions(self) -> None:
        """Read the saved sessions off the event loop, so the screen paints before that work."""
        from wizard import store

        infos = store.list_sessions(self.checklist())
        self.app.call_from_thread(self.show_sessions, infos)

    def show_sessions(self, infos: list[store.SessionInfo]) -> None:
        """Fill the Resume table and the export sources with ``infos``."""
        from textual.widgets import DataTable, Select

        from wizard.jobs import refusal

        self._infos = infos
        table = self.query_one("#sessions", DataTable)
        table.clear()
        for info in self._infos:
            table.add_row(*info.cells(), key=info.name)
        refused = [f"✖ {info.path.name}: {refusal(info)}" for info in self._infos if info.error]
        note = self.query_one("#refused", Static)
        if not self._infos:
            note.update("No saved sessions yet. Start one on the New session tab.")
        else:
            note.update(
                "\n".join(refused) or "Enter opens the highlighted session; Delete removes it (asks first)."
            )
        good = [(f"Session {info.name}", info.name) for info in self._infos if not info.error]
        source = self.query_one("#export-source", Select)
        chosen = source.value
        source.set_options([*good, PLAN_OPTION])
        # A plan file chosen while the list was read stays chosen.
        if chosen == PLAN_SOURCE:
            source.value = chosen

    # Jobs -------------------------------------------------------------------------

    def show_job(self, job: str) -> None:
        """Show one job's pane (``new``, ``resume`` or ``export``)."""
        self.query_one(JobBar).choose(job)

    @on(JobBar.Chosen)
    def _job_chosen(self, event: JobBar.Chosen) -> None:
        self.query_one("#job-panes", ContentSwitcher).current = event.job
        self.refresh_bindings()

    def action_job(self, job: str) -> None:
        """Show a job and put the cursor in its first field (ctrl+n, ctrl+o, ctrl+e)."""
        self.show_job(job)
        field = self.query(self.FIRST_FIELDS[job])
        if field:
            field.first().focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete_session":
            return self.query_one("#job-panes", ContentSwitcher).current == "resume" and bool(self._infos)
        return True

    def action_delete_session(self) -> None:
        """Delete the highlighted session, after asking."""
        from textual.widgets import DataTable

        from wizard.tui.screens.dialogs import ConfirmDialog

        table = self.query_one("#sessions", DataTable)
        if not self._infos or table.cursor_row >= len(self._infos):
            return
        info = self._infos[table.cursor_row]
        kind = "the rehearsal session" if info.rehearsal else "the session"
        body = f"This deletes {kind} {info.name!r} ({info.path}): its answers, results and notes. It cannot be undone."

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(info.name)

        self.app.push_screen(ConfirmDialog(f"Delete {info.name!r}?", body, "Delete", danger=True), answered)

    def _delete(self, name: str) -> None:
        from wizard import store
        from wizard.errors import StoreError

        try:
            store.delete(name, getattr(self.app, "home", None))
        except StoreError as exc:
            self.notify(str(exc), title="Not deleted", severity="error", timeout=10)
            return
        self.notify(f"Deleted session {name!r}.", timeout=4)
        self._load_sessions()

    # New ------------------------------------------------------------------------

    def _show(self, reason_id: str, text: str) -> None:
        line = self.query_one(reason_id, Static)
        line.update(text)
        line.display = bool(text)
        line.set_class(text.startswith("✖"), "-fail")

    def _name_reason(self, text: str) -> str:
        from wizard.jobs import name_reason

        reason = name_reason(text)
        return f"✖ {reason}" if reason else ""

    @on(Input.Changed, "#new-name")
    def _new_name_changed(self, event: Input.Changed) -> None:
        self._show("#new-name-reason", self._name_reason(event.value))

    @on(Input.Changed, "#new-plan")
    def _new_plan_changed(self, event: Input.Changed) -> None:
        from wizard.jobs import read_plan_path

        self._show("#new-plan-reason", read_plan_path(event.value)[1])

    @on(Input.Submitted, "#new-name")
    @on(Input.Submitted, "#new-plan")
    @on(Action.Pressed, "#new-start")
    def _start_new(self) -> None:
        from wizard.jobs import read_plan_path

        name_text = self.query_one("#new-name", Input).value
        plan_text = self.query_one("#new-plan", Input).value
        name_reason = self._name_reason(name_text)
        plan, plan_line = read_plan_path(plan_text)
        if name_reason or (plan_text.strip() and plan is None):
            self.notify(name_reason or plan_line, severity="error")
            return
        self.post_message(self.NewRequested(name_text.strip(), plan))

    # Resume ---------------------------------------------------------------------

    # Handlers by name rather than @on(DataTable...): the table and the selects are
    # built after the first paint, and so are their modules imported.
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id != "sessions":
            return
        event.stop()
        info = next((info for info in self._infos if info.name == event.row_key.value), None)
        if info is None:
            return
        if info.error:
            from wizard.jobs import refusal

            self.notify(refusal(info), severity="error", title=info.path.name)
            return
        self.post_message(self.ResumeRequested(info.name))

    # Export ---------------------------------------------------------------------

    def _export_base(self) -> str:
        from textual.widgets import Select

        source = self.query_one("#export-source", Select).value
        if source == PLAN_SOURCE:
            from wizard.jobs import read_plan_path

            plan, _line = read_plan_path(self.query_one("#export-plan", Input).value)
            return plan.mail_host if plan else "plan"
        return str(source) if isinstance(source, str) else "runbook"

    def _suggest_output(self) -> None:
        from textual.widgets import Select

        output = self.query_one("#export-output", Input)
        if output.value in ("", self._suggested_output):
            fmt = str(self.query_one("#export-format", Select).value)
            self._suggested_output = default_export_path(self._export_base(), fmt)
            output.value = self._suggested_output

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "export-source":
            self._source_changed(event)
        elif event.select.id == "export-format":
            self._suggest_output()

    def _source_changed(self, event: Select.Changed) -> None:
        self.query_one("#export-plan-row").display = event.value == PLAN_SOURCE
        if event.value != PLAN_SOURCE:
            self._show("#export-plan-reason", "")
        self._suggest_output()

    @on(Input.Changed, "#export-plan")
    def _export_plan_changed(self, event: Input.Changed) -> None:
        from wizard.jobs import read_plan_path

        self._show("#export-plan-reason", read_plan_path(event.value)[1])
        self._suggest_output()

    @on(Action.Pressed, "#export-start")
    @on(Input.Submitted, "#export-output")
    def _export(self) -> None:
        from textual.widgets import Select

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
            from wizard.jobs import read_plan_path

            plan, line = read_plan_path(self.query_one("#export-plan", Input).value)
            if plan is None:
                self.notify(line or "Name the plan file to export.", severity="error")
                return
            self.post_message(self.ExportRequested(fmt, Path(output).expanduser(), None, plan))
            return
        self.post_message(self.ExportRequested(fmt, Path(output).expanduser(), source, None))
