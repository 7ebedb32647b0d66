"""The import dialog: a path to a probe kit results file, checked as it is typed."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from wizard.checklist.model import Checklist
from wizard.probekit.importer import preview
from wizard.session import Session
from wizard.tui.widgets.action import Action


class ImportDialog(ModalScreen[Path | None]):
    """Ask for a results file the probe kit wrote; returns its path, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Import nothing")]

    def __init__(self, session: Session, checklist: Checklist) -> None:
        super().__init__(classes="dialog")
        self.session = session
        """The session the results would join (read here, changed only by the App)."""
        self.checklist = checklist

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box wide"):
            yield Label("Import probe kit results", classes="dialog-title", markup=False)
            yield Static(
                "The results file a probe kit script wrote on an Exchange server or a node "
                "(probe-...-results-....json). Each result keeps the host it was seen from.",
                classes="dialog-body",
                markup=False,
            )
            yield Input(placeholder="path to the results file", id="results-path")
            yield Static("", id="results-verdict", classes="dialog-body", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Action("Import", variant="primary", id="import", disabled=True)
                yield Action("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed, "#results-path")
    def _typed(self, event: Input.Changed) -> None:
        found, line = preview(event.value, session=self.session, checklist=self.checklist)
        self.query_one("#results-verdict", Static).update(line)
        self.query_one("#import", Action).disabled = found is None

    @on(Input.Submitted, "#results-path")
    def _submitted(self) -> None:
        if not self.query_one("#import", Action).disabled:
            self._finish()

    @on(Action.Pressed, "#import")
    def _import_pressed(self, event: Action.Pressed) -> None:
        event.stop()
        self._finish()

    @on(Action.Pressed, "#cancel")
    def _cancel_pressed(self, event: Action.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def _finish(self) -> None:
        self.dismiss(Path(self.query_one(Input).value.strip()).expanduser())

    def action_cancel(self) -> None:
        """Close without importing."""
        self.dismiss(None)
