"""The guided session as plain questions: the same steps, saving and checks as the full screen."""

from __future__ import annotations

import asyncio
import functools

from wizard import PROG, store
from wizard.checklist.model import Checklist, Step, StepKind
from wizard.errors import StoreError
from wizard.evidence import Drift
from wizard.plain import tasks
from wizard.plain.asker import Asker
from wizard.plain.help import help_lines
from wizard.plain.menu import KEYS_LINE, MAIN, OTHER, Menu
from wizard.plain.page import ordered, result_lines, step_pages
from wizard.plain.values import ValueQuestions
from wizard.plaintext import plain_text
from wizard.proof import DONE_QUESTION, done_anyway, done_doubt, proof_label, session_report
from wizard.render import render_step
from wizard.results import CheckResult, checked_notice
from wizard.session import Session
from wizard.untrusted import neutral


class PromptFlow:
    """Walks an open session step by step with one question at a time."""

    def __init__(
        self,
        asker: Asker,
        checklist: Checklist,
        opened: store.OpenSession,
        *,
        timeout: float = 5.0,
        exchange_port: int = 25,
        outgoing_port: int = 25,
    ) -> None:
        self.asker = asker
        """Where questions go."""
        self.checklist = checklist
        """The steps."""
        self.opened = opened
        """The locked session, saved after every change."""
        self.timeout = timeout
        """Seconds per probe."""
        self.exchange_port = exchange_port
        """SMTP port of the Exchange servers, for the connector's test message."""
        self.outgoing_port = outgoing_port
        """SMTP port of the outgoing server."""
        self.last_drift = Drift()
        """What the latest run of checks changed in the session."""
        self.page = 0
        """The page of the step shown last read (0: its summary)."""
        self.menu_read = False
        """Whether the step's menu was printed in full once (it is not again unless asked for)."""

    @property
    def session(self) -> Session:
        """The open session."""
        return self.opened.session

    def save(self) -> None:
        """Save now; a failure is said, not raised."""
        try:
            self.opened.save()
        except StoreError as exc:
            self.asker.say(f"NOT SAVED: {exc}")

    # The loop -------------------------------------------------------------------

    def run(self) -> None:
        """Ask until the operator quits."""
        session = self.session
        self.asker.say(f"Session {session.name}. Answers are saved after every change.")
        while True:
            step = session.enter(self.checklist)
            self.save()
            if step.kind is StepKind.INPUT and session.plan_or_none() is None:
                self.ask_values()
            self.show(step)
            if not self.menu(step):
                return

    def number(self, step: Step) -> tuple[int, int]:
        """The step's position and the number of steps."""
        ids = self.session.step_ids(self.checklist)
        return ids.index(step.id) + 1, len(ids)

    # The farm's values ----------------------------------------------------------

    def ask_values(self) -> None:
        """Ask every answer of the plan, then again for those the plan refuses."""
        ValueQuestions(self.asker, self.session, self.save).ask_values()

    # A step ----------------------------------------------------------------------

    def show(self, step: Step) -> None:
        """Print the step's summary: its first page."""
        self.page = 0
        self.asker.say("")
        for line in step_pages(self.session, self.checklist, step, *self.number(step))[0].lines:
            self.asker.say(line)

    def read_on(self, step: Step) -> None:
        """Print the step's next page, and after the last one start again from the first after the summary."""
        pages = step_pages(self.session, self.checklist, step, *self.number(step))
        if len(pages) == 1:
            self.asker.say("This step has no more pages.")
            return
        self.page = self.page + 1 if self.page + 1 < len(pages) else 1
        page = pages[self.page]
        self.asker.say(f"Page {self.page + 1} of {len(pages)}: {page.title}.")
        for line in page.lines:
            self.asker.say(line)
        if self.page + 1 == len(pages):
            self.asker.say("That was the last page; more starts again at page 2.")

    def actions(self, step: Step) -> Menu:
        """The step's menu as it stands now (transcripts come with the first results)."""
        missing = {
            "values": step.kind is not StepKind.INPUT,
            "check": not step.checks,
            "send": not step.sends_mail,
            "transcripts": not self.session.progress_for(step.id).results,
        }
        extra = tuple(self.extra_choices(step))
        return Menu((*OTHER, *extra), frozenset(action for action, absent in missing.items() if absent))

    def say_menu(self, menu: Menu) -> None:
        """The step's seven actions, numbered."""
        self.asker.say("The step's menu (type a number or the action's word):")
        for line in menu.lines(MAIN):
            self.asker.say(line)
        self.menu_read = True

    def choose_other(self, menu: Menu) -> str | None:
        """The "other" list, then the action chosen from it (None: back to the step's question)."""
        self.asker.say("Other actions:")
        for line in menu.lines(menu.other):
            self.asker.say(line)
        answer = self.asker.text(
            f"Which other action? (1 to {len(menu.other)} or a word; Enter: back to the step)",
            validate=lambda text: True if not text.strip() else menu.reason(text, menu.other),
        )
        return menu.parse(answer, menu.other) if answer.strip() else None

    def menu(self, step: Step) -> bool:
        """Ask what to do on a step; False when the operator quits.

        The question is one line; the menu is printed in full once, then only on
        request (``m``). Every action keeps its number on every step (a screen
        reader's user learns ``2`` once); one a step does not offer is listed as
        such and refused with a line if chosen.
        """
        session = self.session
        number, total = self.number(step)
        if not self.menu_read:
            self.say_menu(self.actions(step))
        while True:
            menu = self.actions(step)
            answer = self.asker.text(
                f"Step {number} of {total}, what now? (1 to {len(MAIN)}, {KEYS_LINE})",
                validate=functools.partial(menu.reason, entries=MAIN),
            )
            action = menu.parse(answer, MAIN)
            if action == "other":
                action = self.choose_other(menu)
            if action is None or action == "other":
                continue
            if action == "menu":
                self.say_menu(menu)
                continue
            if action in menu.missing:
                self.asker.say(f"{menu.label(action)}: not on this step.")
                continue
            if action == "quit":
                self.save()
                self.asker.say(f"Saved. Resume with: {PROG} resume {session.name} --plain")
                return False
            if self.act(step, action):
                return True

    def act(self, step: Step, action: str) -> bool:
        """Carry out a menu choice; True when the step shown changes (or should be shown again)."""
        session, asker = self.session, self.asker
        if action == "values":
            self.ask_values()
            return True
        if action in ("check", "send"):
            if action == "send" and not asker.confirm(
                "This sends a real e-mail message through the farm. Send it?", default=False
            ):
                return False
            self.check([step], send_test=action == "send")
            return False
        if action == "more":
            self.read_on(step)
            return False
        if action == "help":
            for line in help_lines(self.actions(step), store.sessions_dir(self.opened.home)):
                asker.say(line)
            return False
        if action == "transcripts":
            for result in ordered(session.progress_for(step.id).results):
                asker.say(result.headline)
                for line in result.transcript or ("(no transcript)",):
                    asker.say(f"    {neutral(line)}")
            return False
        if action == "note":
            note = asker.text("Note for this step:", default=session.progress_for(step.id).note)
            session.set_note(step.id, note)
            self.save()
            asker.say("Note saved.")
            return False
        if action in ("done", "skip", "next", "goto") and session.plan_or_none() is None:
            asker.say("The farm's values are not complete yet; change them first.")
            return False
        if action == "done":
            return self.settle(step, skipped=False)
        if action == "skip":
            return self.settle(step, skipped=True)
        if action == "back":
            if not session.back(self.checklist):
                asker.say("This is the first step.")
                return False
            return True
        if action == "next":
            return self.forward()
        if action == "goto":
            steps = session.steps(self.checklist)
            choices = [(s.id, f"{s.title} ({session.progress_for(s.id).status.label})") for s in steps]
            session.go_to(self.checklist, asker.choose("Which step?", choices, default=step.id))
            return True
        if action == "summary":
            self.summary()
            return False
        if action == "export":
            self.export()
            return False
        if action == "import":
            self.import_results()
            return False
        if action == "trace":
            from wizard.plain.trace import trace_message

            trace_message(asker, session)
            return False
        return self.act_extra(step, action)

    def extra_choices(self, step: Step) -> list[tuple[str, str]]:
        """More menu lines a variant of the flow offers on ``step`` (none here)."""
        return []

    def act_extra(self, step: Step, action: str) -> bool:
        """Carry out one of :meth:`extra_choices`; True when the step shown changes."""
        return False

    def settle(self, step: Step, *, skipped: bool) -> bool:
        """Mark a step done or skipped (confirming the lock-out first) and go on."""
        session, asker = self.session, self.asker
        plan = session.plan_or_none()
        locks_out = render_step(step, plan).locks_out if plan is not None and not skipped else ""
        if locks_out:
            asker.say(plain_text(locks_out))
            if not asker.confirm("Mark the step done?", default=False):
                return False
        doubt = (
            ""
            if skipped
            else done_doubt(step, session_report(session, self.checklist).verdict(step.id), False)
        )
        if doubt:
            # The same question, in the same words, as the full-screen wizard asks.
            asker.say(f"{DONE_QUESTION} {doubt}")
            if not asker.confirm(done_anyway(step), default=False):
                return False
        note = session.progress_for(step.id).note
        if skipped:
            session.skip(step.id, note)
        else:
            session.mark_done(step.id, note)
        self.save()
        asker.say(f"{'Skipped' if skipped else 'Done'}: {step.title}. Saved.")
        return self.forward()

    def forward(self) -> bool:
        """Go to the next step; after the last, show the summary."""
        if not self.session.advance(self.checklist):
            self.save()
            self.summary()
        return True

    # Checks, summary, export -----------------------------------------------------

    def check(self, steps: list[Step], *, send_test: bool) -> list[CheckResult]:
        """Run the live checks of some steps, save them, then read the results out, most serious first.

        While the checks run only their phases are said; the results follow in one
        block, failures first, so a screen reader reads what needs doing before what passed.
        """
        from wizard.checks import run_checks

        session, say = self.session, self.asker.say
        plan = session.plan()
        say("Checking…")
        try:
            results = asyncio.run(
                run_checks(
                    plan,
                    steps,
                    timeout=self.timeout,
                    send_test=send_test,
                    exchange_port=self.exchange_port,
                    outgoing_port=self.outgoing_port,
                    on_progress=lambda phase, limit: say(f"  … {phase} (at most {limit:.0f} s)"),
                )
            )
        except asyncio.CancelledError:
            # asyncio.run turns Ctrl+C into KeyboardInterrupt only when the run's own
            # cancellation count comes back to zero; a cancellation inside (a timeout expiring in the same
            # moment) can leave it above, and the CancelledError then escaped as a traceback. Nothing
            # but the interrupt cancels the run itself, so it is said as one.
            raise KeyboardInterrupt from None
        self.last_drift = session.record_run(results, steps=[step.id for step in steps])
        self.save()
        say(checked_notice(results))
        if results:
            say("Most serious first:")
            for line in result_lines(results):
                say(f"  {line}")
        verdicts = session_report(session, self.checklist)
        for step in steps:
            say(f"Proof for {step.title}: {proof_label(verdicts, step.id)}.")
        if any(result.transcript for result in results):
            say("t reads the transcripts of these results, in the same order.")
        return results

    def summary(self) -> None:
        """Print every step's status and what is still open."""
        tasks.summary(self.asker, self.session, self.checklist)

    def import_results(self) -> None:
        """Ask for a probe kit results file and add its results with their origin."""
        drift = tasks.import_results(self.asker, self.session, self.checklist, self.save)
        if drift is not None:
            self.last_drift = drift

    def export(self) -> None:
        """Ask for a format and a path, then write the export."""
        tasks.export(self.asker, self.session, self.checklist)
