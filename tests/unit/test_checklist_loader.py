"""The checklist loader: a good file loads, and each defect is named by file, step and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.checklist.loader import load_checklist
from wizard.checklist.model import Host, StepKind
from wizard.errors import ChecklistError

DATA = Path(__file__).parent.parent / "data" / "checklists"

DEFECTS = {
    "bad_toml_syntax": "bad_toml_syntax.toml: not valid TOML: ",
    "bad_unknown_top_field": "bad_unknown_top_field.toml: unknown top-level field 'author'",
    "bad_missing_title": "bad_missing_title.toml: field 'title' must be a non-empty string",
    "bad_version": "bad_version.toml: field 'version' must be a whole number from 1",
    "bad_no_steps": "bad_no_steps.toml: needs at least one [[steps]] table",
    "bad_duplicate_step_id": "bad_duplicate_step_id.toml: step 'alias': field 'id': duplicate step id",
    "bad_missing_required_field": "bad_missing_required_field.toml: step 'alias': field 'why': is required",
    "bad_unknown_step_field": "bad_unknown_step_field.toml: step 'alias': field 'colour': unknown field",
    "bad_step_id_format": "bad_step_id_format.toml: step 'Alias Step': field 'id': must be lower-case",
    "bad_unknown_mode": "bad_unknown_mode.toml: step 'alias': field 'modes': 'cluster' is not one of single, nlb",
    "bad_no_modes": "bad_no_modes.toml: step 'alias': field 'modes': must name at least one mode",
    "bad_unknown_host": "bad_unknown_host.toml: step 'alias': field 'host': 'mailbox' is not one of",
    "bad_unknown_kind": "bad_unknown_kind.toml: step 'alias': field 'kind': 'quiz' is not one of",
    "bad_unknown_check": "bad_unknown_check.toml: step 'alias': field 'checks': 'ping' is not one of",
    "bad_empty_text": "bad_empty_text.toml: step 'alias': field 'undo': must be non-empty text",
    "bad_gui_missing_text": "bad_gui_missing_text.toml: step 'alias': field 'gui[0]': 'text' is required",
    "bad_script_unknown_shell": "bad_script_unknown_shell.toml: step 'alias': field 'scripts[0]': shell 'bash'",
    "bad_script_missing_source": "bad_script_missing_source.toml: step 'alias': field 'scripts[0]': 'source'",
    "bad_when_unknown_key": "bad_when_unknown_key.toml: step 'alias': field 'gui[0]': 'when' key 'office'",
    "bad_when_unknown_version": "bad_when_unknown_version.toml: step 'alias': field 'gui[0]': 'when.exchange' value '2003'",
    "bad_template_syntax": "bad_template_syntax.toml: step 'alias': field 'why': template error: ",
    "bad_template_undefined_name": "bad_template_undefined_name.toml: step 'alias': field 'verify': template error: 'mail_hots' is undefined",
    "bad_template_unsafe": "bad_template_unsafe.toml: step 'alias': field 'verify': template error: access to attribute",
    "bad_missing_before": "bad_missing_before.toml: step 'alias': field 'before': is required",
    "bad_missing_expected": "bad_missing_expected.toml: step 'alias': field 'expected': is required",
    "bad_no_pitfalls": "bad_no_pitfalls.toml: step 'alias': field 'pitfalls': must name at least one trap",
    "bad_gui_missing_label": "bad_gui_missing_label.toml: step 'alias': field 'gui[0]': 'label' is required",
    "bad_script_missing_label": "bad_script_missing_label.toml: step 'alias': field 'scripts[0]': 'label' is required",
    "bad_no_places": "bad_no_places.toml: needs a [places] table",
    "bad_host_without_place": "bad_host_without_place.toml: step 'alias': field 'host': 'node' has no entry in the [places] table",
    "bad_unknown_sending_check": "bad_unknown_sending_check.toml: field 'sending_checks': 'ping' is not one of",
    "bad_waits_for_earlier_step": "bad_waits_for_earlier_step.toml: step 'alias': field 'waits_for': 'alias' is not a later step",
    "bad_waits_for_unknown_target": "bad_waits_for_unknown_target.toml: step 'alias': field 'waits_for': 'cluster' is not one of",
    "bad_confirm_flag_not_bool": "bad_confirm_flag_not_bool.toml: step 'alias': field 'confirm_done_unless_passed': must be true or false",
}


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_each_defect_is_named(name: str) -> None:
    with pytest.raises(ChecklistError) as caught:
        load_checklist(DATA / f"{name}.toml")
    assert str(caught.value).startswith(DEFECTS[name])
    assert "\n" not in str(caught.value)


def test_every_bad_fixture_has_a_test() -> None:
    fixtures = {path.stem for path in DATA.glob("bad_*.toml")}
    assert fixtures == set(DEFECTS)


def test_good_file_loads() -> None:
    checklist = load_checklist(DATA / "good_minimal.toml")
    (step,) = checklist.steps
    assert step.id == "alias"
    assert step.kind is StepKind.ACTION
    assert step.host is Host.NODE
    assert step.gui[0].when.windows == ("2003",)
    assert step.scripts[0].source == "IIS 6 SDK"
    assert step.where == "Node" and checklist.place(Host.NODE) == "Node"
    assert step.before and step.expected and step.pitfalls and not step.sends_mail


def test_missing_file_is_a_checklist_error(tmp_path: Path) -> None:
    with pytest.raises(ChecklistError, match="nothing.toml: cannot read"):
        load_checklist(tmp_path / "nothing.toml")
