"""The guided session as plain questions: the same steps, saving and checks as the full screen."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from wizard import questions as fields
from wizard import store
from wizard.errors import PlanError, StoreError, WizardError
from wizard.evidence import Drift
from wizard.jobs import EXPORT_FORMATS, default_export_path, export
from wizard.model import Checklist, Step, StepKind
from wizard.plaintext import plain_text
from wizard.plan import Plan
from wizard.prompting.asker import Asker
from wizard.proof import DONE_QUESTION, done_anyway, done_doubt, proof_label, session_report
from wizard.render import render_step
from wizard.results import CheckResult, checked_notice
from wizard.session import Session
from wizard.untrusted import neutral


def _validator(question: fields.Question) -> Callable[[str], bool | str]:
    def check(text: str) -> bool | str:
        return fields.reason(question, text) or True

    return check


def result_lines(results: list[CheckResult]) -> list[str]:
    """Results as plain lines: the shared headline, then the hint."""
    lines = []
    for result in results:
        lines.append(result.headline)
        if result.hint:
            lines.append(f"      hint: {neutral(result.hint)}")
    return lines


MENU: tuple[tuple[str, str], ...] = (
    ("check", "Run the live checks"),
    ("send", "Send a real test message and check"),
    ("done", "Mark done and go on"),
    ("skip", "Skip and go on"),
    ("note", "Write a note"),
    ("transcripts", "Show the last check's transcripts"),
    ("values", "Change the farm's values"),
    ("next", "Next step"),
    ("back", "Previous step"),
    ("goto", "Go to another step"),
    ("summary", "Summary"),
    ("export", "Export a runbook"),
    ("import", "Import probe kit results"),
    ("trace", "Trace a message"),
    ("quit", "Save and quit"),
)
"""Every step's menu, in one fixed order: an action's number never changes between steps."""


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
        asker, session = self.asker, self.session
        asker.say("The farm's values. Press Enter to keep the value shown.")
        for question in fields.PLAN_QUESTIONS:
            if question.asked_in(session.mode):
                self.ask_one(question)
            if question.key == fields.NODES_AFTER:
                self.ask_nodes()
        while True:
            problems = fields.plan_problems(session.plan_data)
            if not problems:
                asker.say("These values make a complete plan.")
                return
            asker.say(f"{len(problems)} value(s) to fix:")
            for problem in problems:
                asker.say(f"  {fields.problem_line(problem)}")
            if not asker.confirm("Fix them now?", default=True):
                return
            for problem in problems:
                self.ask_for_key(problem.key)

    def ask_for_key(self, key: str) -> None:
        """Ask again the question a problem names."""
        if key.startswith("nodes["):
            index_text, _, node_key = key[len("nodes[") :].partition("].")
            if node_key:
                self.ask_node_one(int(index_text), fields.node_question(node_key))
                return
        if key == "nodes" or key.startswith("nodes"):
            self.ask_nodes()
            return
        try:
            self.ask_one(fields.question(key))
        except KeyError:
            self.asker.say(f"  ({key} cannot be asked here; edit the plan file)")

    def ask_one(self, question: fields.Question) -> None:
        """Ask one top-level answer and save it."""
        session = self.session
        current = fields.to_text(question, session.plan_data.get(question.key))
        label = f"{question.label} ({question.help})"
        if question.kind is fields.FieldKind.CHOICE:
            choices = fields.choices_for(question, session.plan_data)
            default = current or (None if question.required else choices[0][0])
            text = self.asker.choose(label, choices, default=default)
        elif question.kind is fields.FieldKind.FLAG:
            text = "yes" if self.asker.confirm(label, default=current == "yes") else "no"
        else:
            text = self.asker.text(label, default=current, validate=_validator(question))
        session.set_answers(fields.with_answer(session.plan_data, question.key, text))
        self.save()

    def ask_nodes(self) -> None:
        """Ask how many nodes, then each node's answers."""
        session = self.session
        nodes = fields.nodes_of(session.plan_data)
        if session.mode == "single":
            count = 1
        else:

            def check_count(text: str) -> bool | str:
                if not text.strip().isdigit() or not 2 <= int(text) <= 32:
                    return "an NLB cluster has 2 to 32 nodes"
                return True

            count = int(
                self.asker.text(
                    "How many SMTP servers (nodes)?", default=str(max(len(nodes), 2)), validate=check_count
                )
            )
        kept = nodes[:count]
        session.set_answers(
            dict(session.plan_data) | {"nodes": kept + [{} for _ in range(count - len(kept))]}
        )
        self.save()
        for index in range(count):
            self.asker.say(f"Node {index + 1} of {count}:")
            for question in fields.NODE_QUESTIONS:
                self.ask_node_one(index, question)

    def ask_node_one(self, index: int, question: fields.Question) -> None:
        """Ask one answer of one node and save it."""
        session = self.session
        nodes = fields.nodes_of(session.plan_data)
        current = fields.to_text(question, nodes[index].get(question.key) if index < len(nodes) else None)
        label = f"Node {index + 1} {question.label.lower()} ({question.help})"
        text = self.asker.text(label, default=current, validate=_validator(question))
        session.set_answers(fields.with_node_answer(session.plan_data, index, question.key, text))
        self.save()

    # A step ----------------------------------------------------------------------

    def show(self, step: Step) -> None:
        """Print the step's guidance as plain text."""
        say = self.asker.say
        number, total = self.number(step)
        progress = self.session.progress_for(step.id)
        say("")
        say(f"Step {number} of {total}: {step.title} (status: {progress.status.label})")
        say(f"Where: {step.where}")
        plan = self.session.plan_or_none()
        if plan is None:
            say("The farm's values are not complete yet.")
            return
        if step.kind is StepKind.INPUT:
            say(self.values_summary(plan))
        rendered = render_step(step, plan)
        if rendered.before:
            heading = "WARNING, read first" if rendered.locks_out else "Before you start"
            say(f"{heading}:\n{plain_text(rendered.before)}")
        if rendered.why:
            say(f"Why:\n{plain_text(rendered.why)}")
        for gui in rendered.gui:
            say(f"Click path{' (' + gui.label + ')' if gui.label else ''}:")
            say(plain_text(gui.text))
        for script in rendered.scripts:
            details = ", ".join(part for part in (script.shell, script.label, script.source) if part)
            say(f"Script ({details}), between the lines:")
            say("----- begin script -----")
            say(script.text)
            say("----- end script -----")
        for pitfall in rendered.pitfalls:
            say(f"Pitfall: {plain_text(pitfall)}")
        for title, text in (
            ("What is checked", rendered.verify),
            ("Expected", rendered.expected),
            ("If the check fails", rendered.on_failure),
            ("Undo", rendered.undo),
        ):
            if text:
                say(f"{title}:\n{plain_text(text)}")
        if progress.results:
            kept = progress.kept_from_earlier()
            say(f"Last check ({kept}):" if kept else "Last check:")
            for line in result_lines(progress.results):
                say(f"  {line}")
        if progress.note:
            say(f"Note: {progress.note}")

    def values_summary(self, plan: Plan) -> str:
        """The farm's values on a few lines."""
        nodes = ", ".join(f"{node.name} ({node.address})" for node in plan.nodes)
        vip = f", VIP {plan.vip}" if plan.vip else ""
        return (
            f"Plan: {plan.mode} mode, mail host {plan.mail_host}{vip}; nodes {nodes}; "
            f"Exchange {', '.join(plan.exchange_servers)}; SMTP port {plan.smtp_port}; "
            f"connection control {'on' if plan.connection_control else 'off'}."
        )

    def menu(self, step: Step) -> bool:
        """Ask what to do on a step; False when the operator quits.

        Every action keeps its place, so its number is the same on every step (a
        screen reader's user learns ``3`` once); one a step does not offer is
        listed as such and refused with a line if chosen.
        """
        session = self.session
        offered = {
            "values": step.kind is StepKind.INPUT,
            "check": bool(step.checks),
            "send": step.sends_mail,
            "transcripts": bool(session.progress_for(step.id).results),
        }
        choices = [
            (value, label if offered.get(value, True) else f"{label} (not on this step)")
            for value, label in MENU
        ]
        choices += self.extra_choices(step)
        while True:
            action = self.asker.choose(
                f"{step.title}: what now?", choices, default="check" if step.checks else "done"
            )
            if not offered.get(action, True):
                self.asker.say(f"{dict(MENU)[action]}: not on this step.")
                continue
            if action == "quit":
                self.save()
                self.asker.say(f"Saved. Resume with: spmail-wizard resume {session.name} --plain")
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
        if action == "transcripts":
            for result in session.progress_for(step.id).results:
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
            from wizard.prompting.trace import trace_message

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
        """Run the live checks of some steps, printing each result as it arrives, and save them."""
        from wizard.checks import run_checks

        session, say = self.session, self.asker.say
        plan = session.plan()
        say("Checking…")

        def arrived(result: CheckResult) -> None:
            for line in result_lines([result]):
                say(f"  {line}")

        results = asyncio.run(
            run_checks(
                plan,
                steps,
                timeout=self.timeout,
                send_test=send_test,
                exchange_port=self.exchange_port,
                outgoing_port=self.outgoing_port,
                on_result=arrived,
                on_progress=lambda phase, limit: say(f"  … {phase} (at most {limit:.0f} s)"),
            )
        )
        self.last_drift = session.record_run(results, steps=[step.id for step in steps])
        self.save()
        say(checked_notice(results))
        return results

    def summary(self) -> None:
        """Print every step's status and what is still open."""
        session, say = self.session, self.asker.say
        settled, total = session.counts(self.checklist)
        verdicts = session_report(session, self.checklist)
        say("")
        say(f"Summary of {session.name}: {settled} of {total} steps settled.")
        for number, step in enumerate(session.steps(self.checklist), start=1):
            progress = session.progress_for(step.id)
            note = f"; note: {progress.note}" if progress.note else ""
            proof = proof_label(verdicts, step.id)
            say(f"  {number:>2}. {step.title}: {progress.status.label}, {proof}{note}")
        items = session.open_items(self.checklist)
        if items:
            say(f"Open items ({len(items)}):")
            for step, reason in items:
                say(f"  {step.title}: {reason}")
        else:
            say("Nothing open: every step is settled and no check failed.")

    def import_results(self) -> None:
        """Ask for a probe kit results file, checked as typed, and add its results with their origin."""
        from wizard.probekit.importer import import_into, preview

        session, asker = self.session, self.asker
        if session.plan_or_none() is None:
            asker.say("The farm's values are not complete yet; results are checked against them.")
            return

        def check(text: str) -> bool | str:
            if not text.strip():
                return "the path of a results file (probe-...-results-....json) is required"
            found, line = preview(text, session=session, checklist=self.checklist)
            return True if found is not None else line.removeprefix("✖ ")

        path = asker.text("Results file written by a probe kit script:", validate=check)
        try:
            report = import_into(session, Path(path.strip()).expanduser(), self.checklist)
        except WizardError as exc:
            asker.say(f"Import failed: {exc}")
            return
        self.last_drift = report.drift
        if report.added:
            self.save()
        for line in report.lines():
            asker.say(line)

    def export(self) -> None:
        """Ask for a format and a path, then write the export."""
        session, asker = self.session, self.asker
        plan = session.plan_or_none()
        if plan is None:
            asker.say("The farm's values are not complete yet; nothing to export.")
            return
        fmt = asker.choose("Export which format?", list(EXPORT_FORMATS), default="md")
        output = asker.text(
            "Write to (a folder for scripts):",
            default=default_export_path(session.name, fmt),
            validate=lambda text: True if text.strip() else "a file or folder to write to is required",
        )
        try:
            written = export(fmt, plan, self.checklist, session, Path(output.strip()).expanduser())
        except (WizardError, PlanError, OSError, ValueError) as exc:
            asker.say(f"Export failed: {exc}")
            return
        for path in written:
            asker.say(f"Wrote {path}")
