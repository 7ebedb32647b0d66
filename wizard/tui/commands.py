"""The palette's commands (ctrl+p) and what they run: import, screenshot, check all, each step."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.screen import Screen

from wizard import PROG
from wizard.errors import WizardError
from wizard.plaintext import plain_text
from wizard.results import utc_now
from wizard.untrusted import neutral

if TYPE_CHECKING:
    from wizard.tui.app import WizardApp


class Commands:
    """What the palette offers on a screen, and the App's commands that only it reaches."""

    def __init__(self, app: WizardApp) -> None:
        self.app = app

    def for_screen(self, screen: Screen[object], base: Iterable[SystemCommand]) -> Iterable[SystemCommand]:
        """Textual's own commands (``base``, Screenshot replaced), then the session's."""
        app = self.app
        for command in base:
            if command.title != "Screenshot":
                yield command
        yield SystemCommand(
            "Screenshot", "Save the screen as an SVG file in the working folder", self.save_screen_svg
        )
        yield SystemCommand(
            "Help", "Keys of this screen, what the marks mean, where sessions live", app.action_help
        )
        session = app.session
        if session is None:
            return
        from wizard.tui.screens.step import StepScreen

        if isinstance(screen, StepScreen):
            yield SystemCommand("Check this step", "Run the live checks of this step", screen.action_check)
            yield SystemCommand(
                "Show or hide the steps", "The list of steps beside the step", screen.action_toggle_steps
            )
        yield SystemCommand("Check all steps", "Run every step's live checks on the summary", self.check_all)
        yield SystemCommand(
            "Export a runbook", "Write Markdown, HTML, scripts or the plan", app.action_export
        )
        yield SystemCommand("Summary", "Every step's status, the results and what is open", app.show_summary)
        yield SystemCommand(
            "Trace a message",
            "Follow one message along the path and name the first hop without evidence",
            app.show_trace,
        )
        yield SystemCommand(
            "Import probe kit results",
            "Add the results a probe kit script recorded on Exchange or a node, with their origin",
            self.import_results,
        )
        from wizard.imported import imported

        for found in imported(session):
            yield SystemCommand(
                f"Drop evidence from {neutral(found.origin)}",
                f"Take the {len(found.results)} imported results seen from there back out of the session (asks first)",
                lambda origin=found.origin: self.drop_imported(origin),
            )
        for number, step in enumerate(session.steps(app.checklist), start=1):
            yield SystemCommand(
                f"Go to step {number}: {step.title}",
                f"{session.progress_for(step.id).status.label}; done on: {step.where}",
                lambda step_id=step.id: app.go_to(step_id),
                discover=False,
            )

    def copy(self, text: str, what: str) -> None:
        """Put a script or click path on the clipboard, as plain text."""
        text = plain_text(text)
        self.app.copy_to_clipboard(text)
        lines = text.count("\n") + 1
        # The terminal's clipboard escape (OSC 52) gets no answer: whether it worked cannot be known.
        self.app.notify(
            f"Sent the {what} ({lines} line{'s' if lines > 1 else ''}) to the clipboard. "
            "Some terminals ignore this (OSC 52); if nothing pastes, select the text with the mouse.",
            timeout=6,
        )

    def check_all(self) -> None:
        """Check every step, on the summary."""
        app = self.app
        session = app.session
        if session is not None and app.plan_ready(session):
            app.show_summary(check_all=True)

    def import_results(self) -> None:
        """Ask for a probe kit results file and add its results to the session."""
        from wizard.tui.screens.import_results import ImportDialog

        app = self.app
        session = app.session
        if session is None:
            return

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.import_file(path)

        app.push_screen(ImportDialog(session, app.checklist), chosen)

    def import_file(self, path: Path) -> None:
        """Add the results of a probe kit results file to the session, and say what changed."""
        from wizard.probekit.importer import import_into

        app = self.app
        session = app.session
        if session is None:
            return
        try:
            report = import_into(session, path, app.checklist)
        except WizardError as exc:
            app.notify(str(exc), severity="error")
            return
        app.last_drift = report.drift
        if report.added:
            app.save_now()
        app.notify("\n".join(report.lines()[:8]), title="Imported")
        app.refresh_screen()

    def drop_imported(self, origin: str) -> None:
        """Take one origin's imported evidence out of the session, after asking."""
        from wizard.imported import drop, imported, listing
        from wizard.tui.screens.dialogs import ConfirmDialog

        app = self.app
        session = app.session
        if session is None:
            return
        found = imported(session, origin)
        if not found:
            app.notify(f"No imported evidence from {neutral(origin)}.")
            return
        body = (
            f"{neutral(listing(found)[0])}\n\nThese results leave the session and no longer count as evidence; "
            "this machine's own results stay. Import the file again to bring them back."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                taken = drop(session, origin)
                app.save_now()
                app.notify(f"Dropped {len(taken)} results seen from {neutral(origin)}.", title="Evidence")
                app.refresh_screen()

        app.push_screen(
            ConfirmDialog(f"Drop the evidence from {neutral(origin)}?", body, "Drop", danger=True), answered
        )

    def save_screen_svg(self) -> None:
        """Write the screen as an SVG in the working folder and say where."""
        app = self.app
        stem = app.session.name if app.session is not None else PROG
        name = f"{stem}-{utc_now():%Y%m%d-%H%M%S}.svg"
        try:
            written = app.save_screenshot(filename=name, path=str(Path.cwd()))
        except OSError as exc:
            app.notify(f"Screenshot not saved: {exc.strerror or exc}", severity="error", timeout=10)
            return
        app.notify(f"Screenshot saved to {written}", title="Screenshot", timeout=8)
