"""The step screen's note field, and the lines it shows about a step's last check and its proof."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from wizard.results import CheckResult, summarize
from wizard.tui.messages import NoteChanged


def results_caption(results: list[CheckResult], when: str, kept: str = "") -> str:
    """One line about a step's last check: when, how many of each outcome, and what is kept from earlier."""
    if not results:
        return "Not checked yet. Check (ctrl+r) runs this step's live checks."
    counts = summarize(results)
    parts = [f"{count} {status}" for status, count in counts.items() if count]
    earlier = f" ({kept})" if kept else ""
    return f"Last check {when}: " + ", ".join(parts) + earlier + ". Enter on a row shows its transcript."


class NoteInput(Input):
    """The note field; each edit is reported with the step it was typed on."""

    def __init__(self) -> None:
        super().__init__(
            placeholder="Note for this step (change number, who did it, what was odd)…",
            compact=True,
            id="note",
        )
        self.step_id = ""
        """The step whose note is shown."""
        self._loading = False
        self._told = False

    def show_note(self, step_id: str, note: str) -> None:
        """Show a step's saved note (not reported as an edit)."""
        self._loading = True
        try:
            self.step_id = step_id
            self.value = note
            self._told = False
        finally:
            self._loading = False

    async def _on_key(self, event: events.Key) -> None:
        # A character typed before the step on show was drawn was meant for the note of
        # the step before: it is not typed into this step's note.
        shown = getattr(self.screen, "shown_at", None)
        if event.is_printable and (shown is None or event.time < shown):
            event.stop()
            event.prevent_default()
            # One notice for the whole burst: a sentence typed on the way would otherwise
            # raise a notice per character and bury the step under them.
            if not self._told:
                self._told = True
                self.notify(
                    "Keys typed before this step was on screen were not put in its note; type them again.",
                    severity="warning",
                )
            return
        await super()._on_key(event)

    def watch_value(self, value: str) -> None:
        # Runs as the key is handled, so the note goes with the step it was typed on,
        # even when the step changes before the Changed message would be handled.
        if not self._loading and self.step_id:
            self.post_message(NoteChanged(self.step_id, value))
