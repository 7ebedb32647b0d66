"""Rules whose breaking nothing else would notice: each test here fails when its rule is broken.

Quote doubling in PowerShell arrays, the session's transcript bound at its
exact edge, which status outranks which, plain mode saving what it says it
saved, and HTML written with its markup escaped exactly once.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

from tests.farm.fixtures import FarmFactory
from tests.plain.test_prompt_flow import ScriptedAsker
from wizard import store
from wizard.checklist.model import Checklist
from wizard.evidence import MAX_TRANSCRIPT_LINES, bounded
from wizard.results import SEVERITY, CheckResult, Status, worst
from wizard.runbook.environments import environment
from wizard.runbook.filters import ps_list
from wizard.session import Session


def test_a_powershell_array_doubles_every_quote_in_its_strings() -> None:
    assert ps_list(["O'Brien", "a\u2019b", "plain"]) == "@('O''Brien', 'a\u2019\u2019b', 'plain')"
    assert ps_list([]) == "@()"


def _result(transcript: list[str]) -> CheckResult:
    return CheckResult("fqdn", "fqdn-greeting", "wfe1", Status.PASS, "ok", transcript=tuple(transcript))


def test_the_session_keeps_a_transcript_of_exactly_its_bound_and_cuts_one_more() -> None:
    at_bound = [f"S: 250-line {n}" for n in range(MAX_TRANSCRIPT_LINES)]
    assert bounded(_result(at_bound)).transcript == tuple(at_bound)
    one_more = [*at_bound, "S: 250 last"]
    kept = bounded(_result(one_more)).transcript
    assert len(kept) == MAX_TRANSCRIPT_LINES
    assert kept[0] == one_more[0] and kept[-1] == "S: 250 last"
    # The marker takes one line's place, so two lines are cut and it says so.
    markers = [line for line in kept if line.startswith("... [")]
    assert markers == [
        f"... [2 lines, {sum(len(line) for line in one_more if line not in kept):,} characters cut]"
    ]


def test_worst_ranks_error_fail_warn_pass_skip() -> None:
    ranked = [Status.ERROR, Status.FAIL, Status.WARN, Status.PASS, Status.SKIP]
    assert list(SEVERITY) == ranked
    for graver, lighter in combinations(ranked, 2):
        assert worst([_status(lighter), _status(graver)]) is graver, (graver, lighter)
    assert worst([_status(Status.PASS), _status(Status.WARN)]) is Status.WARN  # a warning is never hidden
    assert worst([]) is None


def _status(status: Status) -> CheckResult:
    return CheckResult("fqdn", "fqdn-greeting", "wfe1", status, "x")


def test_plain_mode_has_saved_a_run_when_it_says_saved(
    farm: FarmFactory, checklist: Checklist, wizard_home: Path
) -> None:
    running = farm("complete", nodes=2)
    data = running.plan_data
    data.pop("schema")
    store.save(Session(name="saved", plan_data=data))
    from wizard.plain.flow import PromptFlow

    asker = ScriptedAsker([])
    step = checklist.step("fqdn")
    with store.OpenSession("saved") as opened:
        PromptFlow(asker, checklist, opened).check([step], send_test=False)
        on_disk = store.read_file(store.session_path("saved"))  # as another reader sees it, lock still held
    assert any("Saved." in line for line in asker.said)
    kept = on_disk.progress_for("fqdn").results
    assert {r.target for r in kept} == {"wfe1.foo.local", "wfe2.foo.local"}
    assert all(r.status is Status.PASS for r in kept)


def test_html_escapes_each_value_once_and_keeps_the_template_markup() -> None:
    template = environment("html").from_string(
        "{% macro cell(v) %}<td>{{ v }}</td>{% endmacro %}"
        "{% set row %}<tr>{{ cell(value) }}</tr>{% endset %}"
        "{{ row }}|{{ value }}"
    )
    assert template.render(value="<b>&") == "<tr><td>&lt;b&gt;&amp;</td></tr>|&lt;b&gt;&amp;"
