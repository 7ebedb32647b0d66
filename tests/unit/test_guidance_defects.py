"""The ten ranked guidance defects of the audit, each rendered for the versions it affects."""

from __future__ import annotations

import re

import pytest

from tests.unit.test_checklist_content import make_plan, plain, reader_text, render
from wizard.checklist.model import Checklist
from wizard.plan.model import PRODUCT_VERSIONS, WINDOWS_VERSIONS

IIS6_WMI_WINDOWS = ("2008", "2008r2", "2012", "2012r2", "2016", "2019", "2022")
DEPRECATED_WINDOWS = ("2012", "2012r2", "2016", "2019", "2022")
NODE_STEPS = ("relay", "connection_control", "fqdn", "alias", "restart")


# 1. IIS 6 WMI Compatibility (Web-WMI) wherever the WMI snippets are shown ---------------------


@pytest.mark.parametrize("windows", ["2008", "2008r2"])
def test_2008_prerequisite_names_web_wmi_instead_of_claiming_smtp_pulls_it_in(
    checklist: Checklist, windows: str
) -> None:
    relay = render(checklist, "relay", make_plan("single", windows=windows))
    text = reader_text(relay)
    assert "pulls in the IIS 6 management compatibility" not in text
    assert "IIS 6 WMI Compatibility" in text and "Web-WMI" in text


@pytest.mark.parametrize("windows", [*IIS6_WMI_WINDOWS, None])
def test_every_wmi_snippet_stops_with_the_web_wmi_instruction(
    checklist: Checklist, windows: str | None
) -> None:
    seen = 0
    for step_id in NODE_STEPS:
        for script in render(checklist, step_id, make_plan("single", windows=windows)).scripts:
            if "Get-WmiObject -Namespace 'root\\MicrosoftIISv2'" in script.text:
                seen += 1
                assert "Web-WMI" in script.text, (step_id, script.label)
                assert "-ErrorAction Stop" in script.text, (step_id, script.label)
    assert seen >= 4


def test_2008_r2_prerequisite_script_installs_web_wmi(checklist: Checklist) -> None:
    scripts = render(checklist, "relay", make_plan("single", windows="2008r2")).scripts
    install = [s for s in scripts if s.shell == "powershell"]
    assert install and install[0].prerequisite
    assert "'Web-WMI'" in install[0].text and "Add-WindowsFeature" in install[0].text


# 2. Central Administration per version --------------------------------------------------------


@pytest.mark.parametrize("sharepoint", ["2019", "se"])
def test_2019_and_se_are_told_advanced_mode_with_a_drop_folder(checklist: Checklist, sharepoint: str) -> None:
    rendered = render(checklist, "central_admin", make_plan("single", sharepoint, windows="2019"))
    gui = "\n".join(g.text for g in rendered.gui)
    assert "**Automatic** (or Advanced" not in gui
    assert "**Advanced**" in gui and "E-mail drop folder" in gui
    assert "not available in SharePoint 2019 and SE" in gui
    assert "no automatic" in plain(rendered.before) and "advanced" in plain(rendered.before)
    script = rendered.scripts[0].text
    assert "$service.UseAutomaticSettings -or -not $service.DropFolder" in script
    assert "$manualSteps.Add('Central Administration" in script and "Advanced" in script


@pytest.mark.parametrize("sharepoint", ["2010", "2016"])
def test_earlier_versions_keep_the_automatic_choice_except_on_2025(
    checklist: Checklist, sharepoint: str
) -> None:
    local = render(
        checklist,
        "central_admin",
        make_plan("single", sharepoint, windows="2016" if sharepoint == "2016" else "2008r2"),
    )
    assert "**Automatic** (or Advanced" in "\n".join(g.text for g in local.gui)
    remote = render(checklist, "central_admin", make_plan("single", sharepoint, windows="2025"))
    gui = "\n".join(g.text for g in remote.gui)
    # SharePoint on 2025 reads a drop share (here the plan's, written by a Foreign connector).
    assert "**Automatic**" not in gui and "\\\\sp1\\SPDrop" in gui


def test_unc_drop_folder_needs_share_and_ntfs_rights(checklist: Checklist) -> None:
    pitfalls = plain("\n".join(render(checklist, "central_admin", make_plan("single", "se")).pitfalls))
    assert "unc share" in pitfalls and "share permissions" in pitfalls and "ntfs" in pitfalls
    assert "application pool identities" in pitfalls


# 3. NLB port rule: filtering mode checked, nothing reported fixed that was not read back ----------


def test_port_rule_script_checks_filtering_mode_before_changing_affinity(checklist: Checklist) -> None:
    rendered = render(checklist, "nlb", make_plan("nlb", windows="2019"))
    script = next(s.text for s in rendered.scripts if "Get-NlbClusterPortRule" in s.text)
    mode_check = script.index("$mode -ne 'Multiple'")
    change = script.index("Set-NlbClusterPortRule -NewAffinity None")
    assert mode_check < change
    # The branch for a rule in Single host or Disabled mode asks for the GUI and changes nothing.
    branch = script[mode_check : script.index("} elseif", mode_check)]
    assert "Set-NlbClusterPortRule" not in branch and "Filtering mode Multiple host" in branch
    # "Changed" is said only after the rule was read back.
    after_change = script[change:]
    assert after_change.index("Get-NlbClusterPortRule") < after_change.index("Changed the affinity")
    assert "$after.FilteringMode" in after_change


# 4. Hop count / mail loop ---------------------------------------------------------------------


def test_mail_loop_trap_is_told_where_it_is_caused_and_where_it_shows(checklist: Checklist) -> None:
    plan = make_plan("nlb")
    connector = render(checklist, "connector", plan)
    text = plain(reader_text(connector))
    assert "554 5.4.14" in text and "subdomain" in text and "foo.local" in text
    alias = plain(reader_text(render(checklist, "alias", plan)))
    assert "554 5.4.14" in alias and "maximum hop count" in alias and "without" in alias
    relay = plain(render(checklist, "relay", plan).before)
    assert "mail loop" in relay and "554 5.4.14" in relay
    library = plain(render(checklist, "library_test", plan).on_failure)
    assert "554 5.4.14" in library


# 5. Windows Server 2025 told consistently ------------------------------------------------------


def test_2025_never_offers_smtp_or_the_nlb_feature_as_if_present(checklist: Checklist) -> None:
    plan = make_plan("nlb", windows="2025")
    restart = plain(reader_text(render(checklist, "restart", plan)))
    assert "installs the service" not in restart and "has no smtp server feature" in restart
    nlb = render(checklist, "nlb", plan)
    gui = plain("\n".join(g.text for g in nlb.gui))
    assert "install the network load balancing feature" not in gui and "deprecated" in gui
    for step_id in NODE_STEPS:
        rendered = render(checklist, step_id, plan)
        assert rendered.scripts == (), step_id
        assert "2025" in "\n".join(g.label for g in rendered.gui), step_id
    mode = plain(render(checklist, "mode", plan).before)
    assert "foreign connector" in mode and "relay hosts outside the farm" in mode


# 6. The SharePoint scripts load the snap-in or say which shell ---------------------------------


@pytest.mark.parametrize("sharepoint", PRODUCT_VERSIONS[1:])
def test_sharepoint_script_loads_the_snap_in_before_its_first_cmdlet(
    checklist: Checklist, sharepoint: str
) -> None:
    script = render(checklist, "central_admin", make_plan("single", sharepoint)).scripts[0].text
    load = script.index("Add-PSSnapin -Name Microsoft.SharePoint.PowerShell -ErrorAction SilentlyContinue")
    assert load < script.index("Get-SPServiceInstance |")
    assert re.search(r"throw 'The SharePoint cmdlets cannot be loaded here: run this on a server", script)


# 7. No claim about SMTPSVC's default start type that the sources contradict ---------------------


@pytest.mark.parametrize("windows", [None, *WINDOWS_VERSIONS])
def test_no_step_claims_the_feature_installs_smtpsvc_as_manual(
    checklist: Checklist, windows: str | None
) -> None:
    for step_id in ("restart", "mode", "relay"):
        text = plain(reader_text(render(checklist, step_id, make_plan("single", windows=windows))))
        assert not re.search(r"install\w*[^.]*\bas manual|with start type manual", text), (step_id, windows)
    if windows not in ("2003", "2025"):
        restart = plain(render(checklist, "restart", make_plan("single", windows=windows)).why)
        assert "automatic" in restart and "check it" in restart


# 9. MinRole roles as the sources list them -----------------------------------------------------


@pytest.mark.parametrize("sharepoint", ["2016", "2019", "se"])
def test_minrole_names_the_roles_that_run_the_instance_and_custom_as_manual(
    checklist: Checklist, sharepoint: str
) -> None:
    text = plain(reader_text(render(checklist, "mode", make_plan("nlb", sharepoint))))
    assert "single-server farm" in text and "front-end with distributed cache" in text
    assert "single-server and custom roles" not in text
    assert "custom role provisions nothing" in text


# 10. SMTP Server deprecated since 2012, where it matters --------------------------------------


@pytest.mark.parametrize("windows", DEPRECATED_WINDOWS)
def test_deprecation_since_2012_is_said_on_the_mode_and_install_steps(
    checklist: Checklist, windows: str
) -> None:
    plan = make_plan("single", windows=windows)
    assert "deprecated since windows server 2012" in plain(render(checklist, "mode", plan).before)
    assert "deprecated since windows server 2012" in plain(render(checklist, "relay", plan).before)
    assert "removes them" in plain(render(checklist, "mode", plan).before)
    old = plain(render(checklist, "mode", make_plan("single", windows="2003")).before)
    assert "deprecated" not in old
