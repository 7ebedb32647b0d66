"""Plain mode's questions for the farm's values: every answer of the plan, one at a time, saved as given."""

from __future__ import annotations

from collections.abc import Callable

from wizard.plain.asker import Asker
from wizard.plan import questions as fields
from wizard.plan.asking import FieldKind, Question
from wizard.plan.routes import route_of
from wizard.session import Session


def _validator(question: Question) -> Callable[[str], bool | str]:
    def check(text: str) -> bool | str:
        return fields.reason(question, text) or True

    return check


class ValueQuestions:
    """Asks the plan's answers of one session, saving after each."""

    def __init__(self, asker: Asker, session: Session, save: Callable[[], None]) -> None:
        self.asker = asker
        """Where questions go."""
        self.session = session
        """The session whose plan data the answers change."""
        self.save = save
        """Saves the session (a failure is said, not raised)."""

    def ask_values(self) -> None:
        """Ask every answer of the plan, then again for those the plan refuses."""
        asker, session = self.asker, self.session
        asker.say("The farm's values. Press Enter to keep the value shown.")
        for question in fields.PLAN_QUESTIONS:
            # Asked against the answers so far: choosing the Foreign connector drops the SMTP nodes' questions.
            if question.asks(session.plan_data):
                self.ask_one(question)
            if question.key == fields.NODES_AFTER and route_of(session.plan_data) != "foreign_connector":
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

    def ask_one(self, question: Question) -> None:
        """Ask one top-level answer and save it."""
        session = self.session
        current = fields.to_text(question, session.plan_data.get(question.key))
        label = f"{question.label} ({question.help})"
        if question.kind is FieldKind.CHOICE:
            choices = fields.choices_for(question, session.plan_data)
            default = current or (None if question.required else choices[0][0])
            text = self.asker.choose(label, choices, default=default)
        elif question.kind is FieldKind.FLAG:
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

    def ask_node_one(self, index: int, question: Question) -> None:
        """Ask one answer of one node and save it."""
        session = self.session
        nodes = fields.nodes_of(session.plan_data)
        current = fields.to_text(question, nodes[index].get(question.key) if index < len(nodes) else None)
        label = f"Node {index + 1} {question.label.lower()} ({question.help})"
        text = self.asker.text(label, default=current, validate=_validator(question))
        session.set_answers(fields.with_node_answer(session.plan_data, index, question.key, text))
        self.save()
