"""Live check rows: one per check and target, filling in as results arrive."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from wizard.results import CheckResult
from wizard.untrusted import neutral

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
"""Frames of the spinner in the caption of a running check."""
SPIN_INTERVAL = 0.25
"""Seconds per spinner frame (the caption's time is in whole seconds)."""


class CheckRow(Vertical, can_focus=True):
    """One check against one target: a spinner while it runs, then its headline and hint."""

    BINDINGS = [Binding("enter,t", "show_transcript", "Transcript", tooltip="Show the conversation")]

    class TranscriptRequested(Message):
        """The operator asked to see a result's transcript."""

        def __init__(self, result: CheckResult) -> None:
            super().__init__()
            self.result = result
            """The result whose transcript is wanted."""

    def __init__(
        self,
        step_id: str,
        check: str,
        target: str,
        *,
        prefix: str = "",
        result: CheckResult | None = None,
    ) -> None:
        super().__init__(classes=f"-{result.status.value}" if result is not None else "-running")
        self.step_id = step_id
        """The step the check belongs to."""
        self.check = check
        """The check's name."""
        self.target = target
        """The target checked."""
        self.prefix = prefix
        """Put before the headline: the step's number, when rows of many steps share a panel."""
        self.result: CheckResult | None = None
        """The result, once it arrived."""
        # Built here rather than queried later: a row can be filled in (or removed)
        # before its children are mounted.
        self._headline = Static(self._running_text(), classes="headline", markup=False)
        self._hint = Static("", classes="hint", markup=False)
        self._hint.display = False
        if result is not None:
            self.show_result(result)

    def compose(self) -> ComposeResult:
        yield self._headline
        yield self._hint

    def _prefix(self) -> str:
        return self.prefix

    def _running_text(self) -> str:
        return f"{self._prefix()}RUN   {self.target}: {self.check}…"

    def show_result(self, result: CheckResult) -> None:
        """Fill the row in with a result (once the row is mounted, if it is not yet)."""
        self.result = result
        # One change of classes, so one restyle of the row rather than six.
        self.set_classes(f"-{result.status.value}")
        seen = f" · seen from {neutral(result.origin)}" if result.origin else ""
        self._headline.update(Content(self._prefix() + result.headline + seen))
        self._hint.update(Content(f"  ↳ {neutral(result.hint)}" if result.hint else ""))
        self._hint.display = bool(result.hint)

    def action_show_transcript(self) -> None:
        """Ask for the transcript of this row's result."""
        if self.result is not None:
            self.post_message(self.TranscriptRequested(self.result))

    def on_click(self) -> None:
        self.action_show_transcript()


def failures_first(results: Iterable[CheckResult]) -> list[CheckResult]:
    """Failures and errors first, then warnings, then the rest; each group in step order as given."""
    rank = {"fail": 0, "error": 0, "warn": 1}
    return sorted(results, key=lambda result: rank.get(result.status.value, 2))


class CheckPanel(VerticalScroll):
    """The rows of the last or running check of a step (or of every step, on the summary).

    Rows of a run are mounted in batches and the running ones do not animate one
    by one: the caption carries the spinner, the count and the time, so sixty-four
    checks starting at once cost one layout, not sixty-four.
    """

    def __init__(
        self,
        *,
        step_label: Callable[[str], str] | None = None,
        footer: Widget | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.step_label = step_label
        """Names a row's step (the summary's check-all run); None: rows of one step, unnamed."""
        self.footer = footer
        """Shown after the rows (a step's "Seen inside"), or None."""
        self._timer: Timer | None = None
        self._open_rows: dict[tuple[str, str, str], CheckRow] = {}
        self._pending: list[CheckRow] = []
        self._what = ""
        self._phase = ""
        self._limit: float | None = None
        self._started = 0.0
        self._done = 0
        self._frame = 0
        self._running = False

    def compose(self) -> ComposeResult:
        yield Static("Not checked yet.", id="check-caption", markup=False)
        if self.footer is not None:
            yield self.footer

    def on_mount(self) -> None:
        self._timer = self.set_interval(SPIN_INTERVAL, self._tick, pause=True)

    def _prefix(self, step_id: str) -> str:
        return f"{self.step_label(step_id)} · " if self.step_label is not None else ""

    def _caption(self, text: str) -> None:
        self.query_one("#check-caption", Static).update(text)

    def _tick(self) -> None:
        if not self._running:
            return
        self._frame += 1
        total = self._done + len(self._open_rows)
        elapsed = time.monotonic() - self._started
        limit = f" of at most {self._limit:.0f} s" if self._limit else ""
        counts = f"{self._done} of {total} done · " if total else ""
        spinner = SPINNER[self._frame % len(SPINNER)]
        phase = f" {self._phase} ·" if self._phase else ""
        self._caption(f"{spinner} {self._what}{phase} {counts}{elapsed:.0f} s{limit}")

    def _add(self, row: CheckRow) -> None:
        if not self._pending:
            self.call_later(self._flush)
        self._pending.append(row)

    def _flush(self) -> None:
        rows, self._pending = self._pending, []
        if rows:
            self.mount_all(
                rows, before=self.footer if self.footer is not None and self.footer.parent else None
            )

    def _clear(self, caption: str, limit: float | None = None) -> None:
        self.query(CheckRow).remove()
        self._pending.clear()
        self._open_rows.clear()
        self._what, self._phase, self._limit, self._done = caption, "", limit, 0
        self._started = time.monotonic()
        self._caption(caption)

    def begin(self, caption: str, *, limit: float | None = None) -> None:
        """Clear the rows for a new run; the caption counts and times it (up to ``limit`` seconds)."""
        self._clear(caption, limit)
        self._running = True
        if self._timer is not None:
            self._timer.resume()

    def phase(self, phase: str, limit: float) -> None:
        """A long check entered a phase: the caption names it and times it against its limit."""
        self._phase, self._limit = phase, limit
        self._started = time.monotonic()
        self._tick()

    def start(self, step_id: str, check: str, target: str) -> None:
        """Add a running row."""
        key = (step_id, check, target)
        if key not in self._open_rows:
            row = CheckRow(step_id, check, target, prefix=self._prefix(step_id))
            self._open_rows[key] = row
            self._add(row)

    def finish(self, result: CheckResult) -> None:
        """Fill in the row of a result (adding one if its start was never seen)."""
        self._done += 1
        row = self._open_rows.pop((result.step, result.check, result.target), None)
        if row is None:
            self._add(
                CheckRow(
                    result.step, result.check, result.target, prefix=self._prefix(result.step), result=result
                )
            )
        else:
            row.show_result(result)

    def show_results(self, caption: str, results: Iterable[CheckResult]) -> None:
        """Show saved results, failures first (no running rows)."""
        # Not begin(): resuming and pausing the spinner's timer here let one late tick
        # through, which put a spinner on a step that was not being checked.
        self._clear(caption)
        self._running = False
        if self._timer is not None:
            self._timer.pause()
        for result in failures_first(results):
            self._add(
                CheckRow(
                    result.step, result.check, result.target, prefix=self._prefix(result.step), result=result
                )
            )
