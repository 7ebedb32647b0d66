"""The farm's values as a form: every field validated as typed, cross-field rules beside their keys."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import DescendantFocus
from textual.widgets import Label, Static

from wizard.errors import Problem
from wizard.plan import questions as fields
from wizard.plan.routes import route_of
from wizard.tui.messages import AnswersChanged
from wizard.tui.widgets.action import Action
from wizard.tui.widgets.form_field import FormField, show_text


class NodeGroup(Vertical):
    """The three answers of one node, with a Remove button."""

    def __init__(self, index: int, node: dict[str, Any]) -> None:
        super().__init__(classes="node-group")
        self.index = index
        """The node's position in the plan."""
        self.node = node
        """The node's answers as entered."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="node-heading"):
            yield Label(f"Node {self.index + 1}", classes="node-title")
            yield Action("Remove", compact=True, classes="remove-node", tooltip="Remove this node")
        for question in fields.NODE_QUESTIONS:
            yield FormField(
                question,
                self.node.get(question.key),
                fields.node_key(self.index, question.key),
                node_index=self.index,
                placeholder=question.placeholder.replace("wfe1", f"wfe{self.index + 1}"),
            )


class PlanForm(Vertical):
    """Every answer the plan needs; posts :class:`AnswersChanged` after each edit."""

    def __init__(self, plan_data: dict[str, Any], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.plan_data = dict(plan_data)
        """The answers as entered, possibly incomplete."""
        self.revealed = False
        """Show every problem, also for fields not filled in yet (after Next was refused)."""
        self.problems: list[Problem] = []
        """What parse_plan found wrong with the answers, as of the last edit."""
        self._touched: set[str] = set()

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form-fields"):
            for question in fields.PLAN_QUESTIONS:
                field = FormField(question, self.plan_data.get(question.key), question.key)
                field.choices = fields.choices_for(question, self.plan_data)
                yield field
                if question.key == fields.NODES_AFTER:
                    yield from self._nodes_section()
        yield Static("", id="form-status", markup=False)
        yield Static("", id="field-help", markup=False)

    def _nodes_section(self) -> ComposeResult:
        with Vertical(id="nodes"):
            yield Label("Servers running the SMTP service", classes="section-title")
            for index, node in enumerate(fields.nodes_of(self.plan_data)):
                yield NodeGroup(index, node)
            yield Static("", id="nodes-reason", classes="reason", markup=False)
            yield Action("Add node", compact=True, id="add-node", tooltip="Add a server running SMTP")

    def on_mount(self) -> None:
        self._show_mode()
        self.refresh_problems()

    def _show_mode(self) -> None:
        route = route_of(self.plan_data)
        self.set_class(self.plan_data.get("mode") == "single", "-single")
        self.set_class(route == "foreign_connector", "-foreign")
        self.set_class(route != "smtp_service", "-share")
        self.set_class(route == "relay_host", "-relay")
        self.set_class(not fields.question("delivery").asks(self.plan_data), "-one-route")

    def _changed(self, plan_data: dict[str, Any]) -> None:
        if plan_data == self.plan_data:
            return
        self.plan_data = plan_data
        self._show_mode()
        for field in self.query(FormField):
            if field.node_index is None:
                field.offer(fields.choices_for(field.question, plan_data))
        self.refresh_problems()
        self.post_message(AnswersChanged(dict(plan_data)))

    @on(FormField.Edited)
    def _field_edited(self, event: FormField.Edited) -> None:
        event.stop()
        field = event.field
        self._touched.add(field.problem_key)
        if field.node_index is None:
            self._changed(fields.with_answer(self.plan_data, field.question.key, event.text))
        else:
            self._changed(
                fields.with_node_answer(self.plan_data, field.node_index, field.question.key, event.text)
            )

    @on(Action.Pressed, "#add-node")
    async def _add_node(self, event: Action.Pressed) -> None:
        event.stop()
        nodes = fields.nodes_of(self.plan_data)
        await self._rebuild_nodes(dict(self.plan_data) | {"nodes": [*nodes, {}]})
        self.query(NodeGroup).last().query_one("Input").focus()

    @on(Action.Pressed, ".remove-node")
    async def _remove_node(self, event: Action.Pressed) -> None:
        event.stop()
        group = next(node for node in event.button.ancestors if isinstance(node, NodeGroup))
        await self._rebuild_nodes(fields.without_node(self.plan_data, group.index))
        self.query_one("#add-node").focus()

    async def _rebuild_nodes(self, plan_data: dict[str, Any]) -> None:
        # Rows are renumbered, so their fields get new ids: build them again.
        await self.query(NodeGroup).remove()
        container = self.query_one("#nodes", Vertical)
        reason_line = self.query_one("#nodes-reason")
        for index, node in enumerate(fields.nodes_of(plan_data)):
            await container.mount(NodeGroup(index, node), before=reason_line)
        self._changed(plan_data)

    @on(DescendantFocus)
    def _show_help(self, event: DescendantFocus) -> None:
        field = next((node for node in event.widget.ancestors_with_self if isinstance(node, FormField)), None)
        if field is not None:
            self.query_one("#field-help", Static).update(f"{field.question.label}: {field.question.help}")

    def reveal(self) -> list[Problem]:
        """Show every problem, including fields still empty; returns them."""
        self.revealed = True
        self.refresh_problems()
        return self.problems

    def refresh_problems(self) -> None:
        """Show each field's own reason, or the plan's problem for its key."""
        self.problems = fields.plan_problems(self.plan_data)
        by_key: dict[str, str] = {}
        for problem in self.problems:
            by_key.setdefault(problem.key, problem.reason)
        shown: set[str] = set()
        for field in self.query(FormField):
            reason = field.own_reason or by_key.get(field.problem_key)
            if not (self.revealed or field.problem_key in self._touched or field.text.strip()):
                reason = None
            if field.node_index is None and not field.question.asks(self.plan_data):
                reason = None
            field.show_reason(reason)
            shown.add(field.problem_key)
        nodes_line = self.query_one("#nodes-reason", Static)
        nodes_reason = by_key.get("nodes", "")
        show_text(nodes_line, f"✖ {nodes_reason}" if nodes_reason else "")
        nodes_line.display = bool(nodes_reason)
        shown.add("nodes")
        others = [p for p in self.problems if p.key not in shown and p.key.split(".")[0] not in shown]
        status = self.query_one("#form-status", Static)
        status.set_class(bool(self.problems), "-fail")
        status.set_class(not self.problems, "-pass")
        if not self.problems:
            show_text(status, "✔ These values make a complete plan.")
        elif others and self.revealed:
            show_text(status, "✖ " + "; ".join(fields.problem_line(p) for p in others))
        else:
            count = len(self.problems)
            first = fields.problem_line(self.problems[0])
            show_text(status, f"{count} value{'s' if count > 1 else ''} to fix; first {first}")
