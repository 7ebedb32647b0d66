"""A script or click path shown as selectable text with a Copy button."""

from __future__ import annotations

from rich.markdown import Markdown
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, TextArea

from wizard.tui.messages import CopyRequested
from wizard.tui.widgets.action import Action
from wizard.tui.widgets.prose import Prose


class ScriptBlock(Vertical):
    """One script (or click path): a caption, Copy, and the text in a read-only area."""

    def __init__(self, caption: str, text: str, what: str, *, markdown: bool = False) -> None:
        super().__init__(classes="script-block")
        self.caption = caption
        """Heading: which versions, which shell, where the syntax is documented."""
        self.text = text
        """The text to copy."""
        self.what = what
        """What the text is, for the copy notification."""
        self.markdown = markdown
        """Show the text as Markdown (a click path) rather than as code."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="script-caption"):
            yield Label(self.caption, markup=False)
            yield Action("Copy", compact=True, classes="copy", tooltip=f"Copy the {self.what}")
        if self.markdown:
            yield Prose(Markdown(self.text), classes="click-path")
        else:
            yield TextArea(
                self.text, read_only=True, soft_wrap=True, compact=True, highlight_cursor_line=False
            )

    @on(Action.Pressed, ".copy")
    def ask_to_copy(self, event: Action.Pressed) -> None:
        """Ask the App to put the text on the clipboard."""
        event.stop()
        self.post_message(CopyRequested(self.text, self.what))
