"""One question of the farm's form: label, control and the reason a value is refused."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from wizard.plan import questions as fields
from wizard.plan.asking import FieldKind, Question


def show_text(line: Static, text: str) -> None:
    """Put text on a line, leaving it be when it already says that.

    Every edit re-states each field's reason; an update lays the whole form out again,
    so one that changes nothing would cost a layout per key typed.
    """
    if str(line.content) != text:
        line.update(text)


class ReasonValidator(Validator):
    """Textual validation through the same validator and reason the prompts use."""

    def __init__(self, question: Question) -> None:
        super().__init__()
        self.question = question
        """The question whose answers are checked."""

    def validate(self, value: str) -> ValidationResult:
        reason = fields.reason(self.question, value)
        return self.failure(reason) if reason else self.success()


class FormField(Vertical):
    """A labelled control with its reason line; edits are reported as :class:`Edited`."""

    class Edited(Message):
        """The operator changed the answer."""

        def __init__(self, field: FormField, text: str) -> None:
            super().__init__()
            self.field = field
            """The field edited."""
            self.text = text
            """The answer as typed (``yes``/``no`` for a flag, the value for a choice)."""

    def __init__(
        self,
        question: Question,
        value: Any,
        problem_key: str,
        *,
        node_index: int | None = None,
        placeholder: str | None = None,
    ):
        classes = "form-field" if question.asked_in("single") else "form-field nlb-only"
        # Which delivery routes ask this question, for the form to hide it on the others.
        if "foreign_connector" not in question.routes:
            classes += " smtp-only"
        if "smtp_service" not in question.routes:
            classes += " relay-only" if question.routes == ("relay_host",) else " share-only"
        if question.key == "delivery":
            classes += " route-choice"
        super().__init__(classes=classes, id="f-" + problem_key.replace("[", "-").replace("].", "-"))
        self.question = question
        """What is asked."""
        self.problem_key = problem_key
        """The key plan problems name this answer by (``nodes[0].address``)."""
        self.node_index = node_index
        """The node the answer belongs to, or None for a top-level answer."""
        self.text = fields.to_text(question, value)
        """The answer as typed."""
        self.placeholder = question.placeholder if placeholder is None else placeholder
        """The example shown while the field is empty."""
        self.choices = question.choices
        """The choices offered (for a choice question); see :meth:`offer`."""

    def compose(self) -> ComposeResult:
        question = self.question
        with Horizontal(classes="field-row"):
            yield Label(question.label, classes="field-label", markup=False)
            yield self._control()
        yield Static("", classes="reason", markup=False)

    def _control(self) -> Widget:
        question = self.question
        if question.kind is FieldKind.FLAG:
            on = self.text == "yes"
            return Checkbox("on" if on else "off", value=on, compact=True, tooltip=question.help)
        if question.kind is FieldKind.CHOICE:
            values = [value for value, _label in self.choices]
            current = self.text if self.text in values else Select.NULL
            if current is Select.NULL and not question.required:
                current = values[0]
            return Select(
                [(label, value) for value, label in self.choices],
                value=current,
                allow_blank=current is Select.NULL,
                prompt="Choose…",
                compact=True,
                tooltip=question.help,
            )
        return Input(
            self.text,
            placeholder=self.placeholder,
            validators=[ReasonValidator(question)],
            compact=True,
            tooltip=question.help,
        )

    def offer(self, choices: tuple[tuple[str, str], ...]) -> None:
        """Offer only these choices; an answer no longer offered falls back to the first (or blank)."""
        if choices == self.choices or self.question.kind is not FieldKind.CHOICE:
            return
        self.choices = choices
        select = self.query_one(Select)
        # Replacing the options resets the selection before the answer is put back. Those
        # passing values are nobody's edit: answered, each would narrow the other version
        # field's choices again, and the two fields would reset each other without end.
        with select.prevent(Select.Changed):
            select.set_options([(label, value) for value, label in choices])
            if any(value == self.text for value, _label in choices):
                select.value = self.text
        self._edited("" if select.value is Select.NULL else str(select.value))

    @property
    def own_reason(self) -> str | None:
        """Why the answer as typed is refused on its own, if it is."""
        return fields.reason(self.question, self.text)

    def show_reason(self, reason: str | None) -> None:
        """Show (or clear) the reason beside the control."""
        line = self.query_one(".reason", Static)
        show_text(line, f"✖ {reason}" if reason else "")
        line.display = bool(reason)
        self.set_class(bool(reason), "-invalid")

    def _edited(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.post_message(self.Edited(self, text))

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._edited(event.value)

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        # Enter moves on to the next field, as in a paper form.
        event.stop()
        self.screen.focus_next()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._edited("" if event.value is Select.NULL else str(event.value))

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        # The box's mark looks alike either way without colour; the word says it.
        event.checkbox.label = "on" if event.value else "off"
        self._edited("yes" if event.value else "no")
