"""The change board's risks, its quick back-out and each place's team are the checklist's data, not code."""

from __future__ import annotations

from dataclasses import replace

from wizard.checklist.loader import load_default
from wizard.plan.model import Plan
from wizard.runbook.writer import render_markdown


def test_a_risk_and_a_team_written_in_the_checklist_reach_the_runbook(nlb_plan: Plan) -> None:
    checklist = load_default()
    steps = checklist.for_mode("nlb")
    number = next(index for index, step in enumerate(steps, start=1) if step.id == "dns")
    changed = tuple(
        replace(
            step, risk="Caching: resolvers keep the old answer{{ step }} for its TTL.", team="Network team"
        )
        if step.id == "dns"
        else step
        for step in checklist.steps
    )
    page = render_markdown(nlb_plan, replace(checklist, steps=changed))
    assert f"- Caching: resolvers keep the old answer (step {number}) for its TTL." in page
    assert "(Network team)" in page and "(DNS team)" not in page


def test_a_risk_that_renders_empty_is_no_risk(nlb_plan: Plan) -> None:
    page = render_markdown(nlb_plan, load_default())
    assert nlb_plan.connection_control is False
    assert "Connection control (step" not in page  # its risk says {% if connection_control %}
    assert "- Load balancing: a node without the alias" in page


def test_the_quick_back_out_is_the_step_the_checklist_names(nlb_plan: Plan) -> None:
    checklist = load_default()
    steps = checklist.for_mode("nlb")
    number = {step.id: index for index, step in enumerate(steps, start=1)}
    page = render_markdown(nlb_plan, checklist)
    assert f"disable the Send Connector (step {number['connector']}) on Exchange" in page
    # Given to another step instead, the back-out names that one, with the plan's values.
    moved = tuple(
        replace(step, backout_first="")
        if step.id == "connector"
        else replace(step, backout_first="Take {{ vip }} out of the balancer{{ step }} first.")
        if step.id == "nlb"
        else step
        for step in checklist.steps
    )
    page = render_markdown(nlb_plan, replace(checklist, steps=moved))
    assert f"Take {nlb_plan.vip} out of the balancer (step {number['nlb']}) first." in page
    assert "disable the Send Connector" not in page


def test_every_place_is_described_once_for_scope_procedure_and_scripts(nlb_plan: Plan) -> None:
    from wizard.checklist.model import Host
    from wizard.runbook.places import PLACES

    assert set(PLACES) == set(Host)
    for host, text in PLACES.items():
        assert text.scope(nlb_plan) and text.detail(nlb_plan), host
        if text.script is not None:
            stem, title, run_on = text.script(nlb_plan, nlb_plan.nodes[-1])
            assert stem and title and run_on, host
    node_script = PLACES[Host.NODE].script
    assert node_script is not None
    assert node_script(nlb_plan, nlb_plan.nodes[-1])[1] == f"SMTP node {nlb_plan.nodes[-1].name}"
