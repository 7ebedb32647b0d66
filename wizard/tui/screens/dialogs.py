"""Modal dialogs: confirm, transcript, export."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static, TextArea

from wizard.exportnames import EXPORT_FORMATS, default_export_path
from wizard.record import record
from wizard.results import CheckResult
from wizard.tui.widgets.action import Action
from wizard.tui.widgets.keybar import KeyBar
from wizard.untrusted import neutral


class ConfirmDialog(ModalScreen[bool]):
    """Ask a yes/no question about something that cannot be taken back."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="close", tooltip="Do nothing"),
    ]

    def __init__(self, title: str, body: str, confirm: str, *, danger: bool = False) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        """The question."""
        self.body = body
        """What happens if the operator says yes."""
        self.confirm = confirm
        """The label of the yes button."""
        self.danger = danger
        """Show the yes button as a warning."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-scroll"):
                yield Static(self.body, classes="dialog-body", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Action(self.confirm, variant="error" if self.danger else "primary", id="yes")
                yield Action("Cancel", id="no")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#no", Action).focus()

    @on(Action.Pressed)
    def _answer(self, event: Action.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_cancel(self) -> None:
        """Close without doing anything."""
        self.dismiss(False)


class QuitDialog(ConfirmDialog):
    """Ctrl+C's question: leave the wizard? A second ctrl+c says yes."""

    BINDINGS = [Binding("ctrl+c", "leave", "Leave", id="leave", priority=True, tooltip="Leave at once")]

    def __init__(self, note: str) -> None:
        body = (
            f"Everything is saved; the session resumes where it stopped.{note} Press ctrl+c again to leave."
        )
        super().__init__("Leave the wizard?", body, "Leave")

    def action_leave(self) -> None:
        """Leave, as the yes button does."""
        self.dismiss(True)


class TranscriptDialog(ModalScreen[None]):
    """A result in full: headline, hint and the conversation, as selectable text.

    The whole body scrolls (arrows, page keys, the mouse), so a long
    conversation is read to its end at 80x24 with Close still in view.
    """

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="close", tooltip="Back to the results"),
        Binding("pageup", "scroll('page_up')", "Page up", id="page-up", priority=True),
        Binding("pagedown", "scroll('page_down')", "Page down", id="page-down", priority=True),
    ]

    def __init__(self, result: CheckResult, step_title: str) -> None:
        super().__init__(classes="dialog")
        self.result = result
        """The result shown."""
        self.step_title = step_title
        """The title of the result's step, as the operator knows it."""

    def compose(self) -> ComposeResult:
        result = self.result
        with Vertical(classes="dialog-box wide tall"):
            yield Label(
                neutral(f"{self.step_title} · {result.check} · {result.target}"),
                classes="dialog-title",
                markup=False,
            )
            with VerticalScroll(classes="dialog-scroll", id="transcript-scroll"):
                yield Static(result.headline, classes=f"dialog-body -{result.status.value}", markup=False)
                if result.hint:
                    yield Static(f"Hint: {neutral(result.hint)}", classes="dialog-body", markup=False)
                transcript = "\n".join(map(neutral, result.transcript)) or "(no transcript)"
                yield TextArea(transcript, read_only=True, soft_wrap=True, compact=True, id="transcript")
            with Horizontal(classes="dialog-buttons"):
                yield Action("Close", id="close", variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#transcript-scroll", VerticalScroll).focus()

    def action_scroll(self, where: str) -> None:
        """Page through the conversation, whatever has the focus."""
        scroll = self.query_one("#transcript-scroll", VerticalScroll)
        scroll.scroll_page_up() if where == "page_up" else scroll.scroll_page_down()

    @on(Action.Pressed, "#close")
    def action_close(self) -> None:
        """Close the transcript."""
        self.dismiss(None)


@record
class ExportChoice:
    """What the operator asked to export, and where."""

    fmt: str
    """One of md, html, ps1, plan."""
    output: Path
    """The file (or folder, for ps1) to write."""


def export_format_select() -> Select[str]:
    """The export format choice, Markdown first, as the dialog and the start screen offer it."""
    return Select(
        [(label, fmt) for fmt, label in EXPORT_FORMATS],
        value="md",
        allow_blank=False,
        compact=True,
        id="export-format",
    )


class ExportDialog(ModalScreen[ExportChoice | None]):
    """Pick the format and the path of an export."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="close", tooltip="Close without exporting")]
    AUTO_FOCUS = "#export-path"
    """Typing right after ctrl+e goes into the path, the field most often changed."""

    def __init__(self, name: str) -> None:
        super().__init__(classes="dialog")
        self.base_name = name
        """The session's name, the stem of the suggested paths."""
        self._suggested = default_export_path(name, "md")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label("Export a runbook", classes="dialog-title")
            with Horizontal(classes="field-row"):
                yield Label("Format", classes="field-label")
                yield export_format_select()
            with Horizontal(classes="field-row"):
                yield Label("Write to", classes="field-label")
                yield Input(self._suggested, compact=True, id="export-path")
            yield Static("", classes="reason", id="export-reason", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Action("Export", variant="primary", id="export")
                yield Action("Cancel", id="cancel")
        yield KeyBar()

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        path = self.query_one("#export-path", Input)
        if path.value == self._suggested:
            self._suggested = default_export_path(self.base_name, str(event.value))
            path.value = self._suggested

    @on(Input.Changed, "#export-path")
    def _path_changed(self, event: Input.Changed) -> None:
        reason = self.query_one("#export-reason", Static)
        message = "" if event.value.strip() else "a file or folder to write to is required"
        reason.update(message)
        reason.display = bool(message)

    @on(Input.Submitted, "#export-path")
    @on(Action.Pressed, "#export")
    def _export(self) -> None:
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            return
        fmt = str(self.query_one("#export-format", Select).value)
        self.dismiss(ExportChoice(fmt, Path(path).expanduser()))

    @on(Action.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close without exporting."""
        self.dismiss(None)
