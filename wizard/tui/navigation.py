"""Moving through the session: next, back, a step by id, the summary; refused while the answers are incomplete."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.session import Session
    from wizard.tui.app import WizardApp


class Navigator:
    """The App's moves between steps."""

    def __init__(self, app: WizardApp) -> None:
        self.app = app

    def plan_ready(self, session: Session) -> bool:
        """True when the answers make a plan; otherwise say so and show the problems."""
        if session.plan_or_none() is not None:
            return True
        from wizard.tui.screens.step import StepScreen

        screen = self.app.screen
        if isinstance(screen, StepScreen):
            screen.reveal_problems()
        self.app.notify(
            "Finish the farm's values on step 1 first; each problem is shown beside its field.",
            severity="error",
        )
        return False

    async def go(self, target: str) -> None:
        """Go to ``next``, ``back``, ``summary`` or a step id, and show it."""
        app = self.app
        session = app.keeper.need()
        if target == "summary":
            app.show_summary()
            return
        if target == "back":
            if not session.back(app.checklist):
                app.notify("This is the first step.")
                return
        elif target == "next":
            if not self.plan_ready(session):
                return
            if not session.advance(app.checklist):
                app.save_now()
                app.show_summary()
                return
        else:
            first = session.step_ids(app.checklist)[0]
            if target != first and not self.plan_ready(session):
                return
            try:
                session.go_to(app.checklist, target)
            except KeyError:
                app.notify(f"There is no step {target!r} in {session.mode} mode.", severity="error")
                return
        await app.show_step()
