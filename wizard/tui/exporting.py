"""Exports from the full-screen wizard: the dialog, the start screen's tab, and asking before replacing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from wizard.errors import PlanError, StoreError, WizardError

if TYPE_CHECKING:
    from wizard.plan.model import Plan
    from wizard.session import Session
    from wizard.tui.app import WizardApp
    from wizard.tui.screens.dialogs import ExportChoice
    from wizard.tui.screens.start import StartScreen


def would_replace(output: Path) -> str:
    """What writing to ``output`` would replace, in words; empty when nothing is there yet."""
    if output.is_dir():
        count = sum(1 for _ in output.iterdir())
        return (
            f"The folder {output} already holds {count} file(s); files of the same names are replaced."
            if count
            else ""
        )
    if output.exists():
        return f"{output} already exists and would be replaced."
    return ""


class Exporter:
    """The App's exports: asks for the format and path, asks before replacing, writes, and says what."""

    def __init__(self, app: WizardApp) -> None:
        self.app = app

    def ask(self) -> None:
        """Export the open session (format and path in a dialog)."""
        app = self.app
        session = app.session
        if session is None:
            app.notify("Open a session first, or use the Export tab.")
            return
        plan = session.plan_or_none()
        if plan is None:
            app.plan_ready(session)
            return

        def chosen(choice: ExportChoice | None) -> None:
            if choice is not None:
                self.write(choice, plan, session)

        from wizard.tui.screens.dialogs import ExportDialog

        app.push_screen(ExportDialog(session.name), chosen)

    def from_start(self, event: StartScreen.ExportRequested) -> None:
        """Export a saved session or a plan file, as the start screen's Export tab asked."""
        from wizard import store

        app = self.app
        session: Session | None = None
        try:
            if event.session_name is not None:
                session = store.load(event.session_name, app.home)
                plan = session.plan()
            elif event.plan is not None:
                plan = event.plan
            else:
                return
        except PlanError as exc:
            app.notify(f"The session's values are incomplete: {exc}", severity="error", timeout=10)
            return
        except StoreError as exc:
            app.notify(str(exc), severity="error", timeout=10)
            return
        from wizard.tui.screens.dialogs import ExportChoice

        self.write(ExportChoice(event.fmt, event.output), plan, session)

    def write(self, choice: ExportChoice, plan: Plan, session: Session | None) -> None:
        """Write the export, asking first when it would replace what is there."""
        replaced = would_replace(choice.output)
        if not replaced:
            self._write(choice, plan, session)
            return
        from wizard.tui.screens.dialogs import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(choice, plan, session)
            else:
                self.app.notify("Nothing exported; the file is as it was.", timeout=4)

        self.app.push_screen(
            ConfirmDialog("Replace the earlier export?", f"{replaced} Replace it?", "Replace", danger=True),
            answered,
        )

    def _write(self, choice: ExportChoice, plan: Plan, session: Session | None) -> None:
        from wizard.jobs import export

        app = self.app
        try:
            written = export(choice.fmt, plan, app.checklist, session, choice.output)
        except (WizardError, OSError, ValueError) as exc:
            app.notify(str(exc), title="Export failed", severity="error", timeout=10)
            return
        if len(written) == 1:
            app.notify(f"Wrote {written[0]}", title="Exported", timeout=6)
        else:
            app.notify(f"Wrote {len(written)} files into {choice.output}", title="Exported", timeout=6)
