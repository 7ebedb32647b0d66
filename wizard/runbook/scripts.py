"""PowerShell per host: the checklist's snippets for each place, assembled into one script each."""

from __future__ import annotations

from wizard.checklist.model import Checklist, Host
from wizard.plaintext import plain_text
from wizard.plan.model import Node, Plan, version_name
from wizard.record import record
from wizard.render import RenderedGui, RenderedScript, render_step
from wizard.runbook.farmfacts import mode_label
from wizard.runbook.places import PLACES
from wizard.session import Session

SHELL = "powershell"


@record
class ScriptStep:
    """One step inside a host's script."""

    number: int
    """Position among the mode's steps, from 1, as in the runbook."""
    step_id: str
    title: str
    scripts: tuple[RenderedScript, ...]
    """The step's PowerShell snippets for the plan's versions; empty when there are none."""
    gui: tuple[RenderedGui, ...]
    """Click paths, written as comments when there is no snippet."""
    other_shells: tuple[str, ...]
    """Other languages the runbook shows a command in (``cmd``)."""
    progress: str
    """The step's status in the session; empty from a plan."""

    @property
    def label(self) -> str:
        """How the script names the step in its messages: ``Step 5 (relay)``."""
        return f"Step {self.number} ({self.step_id})"

    @property
    def manual(self) -> bool:
        """True when no PowerShell here does the step for these versions (at most a prerequisite does).

        The script then cannot claim the step: it lists it among the steps still to do by hand.
        """
        return all(snippet.prerequisite for snippet in self.scripts)

    @property
    def by_hand(self) -> str:
        """The step as a line of the closing list of work left to the operator, with its click paths."""
        paths = [
            (f"[{path.label}] " if path.label else "") + " ".join(plain_text(path.text).split())
            for path in self.gui
            if not path.prerequisite
        ]
        how = " | ".join(paths) if paths else "see this step in the runbook"
        return f"{self.label} {self.title}: not scripted for these versions; by hand: {how}"


@record
class HostScript:
    """The script for one place."""

    file_name: str
    title: str
    run_on: str
    """Where and how to run it, in words."""
    steps: tuple[ScriptStep, ...]


def _script_host(host: Host) -> Host | None:
    """The script a host's steps go into; None for steps done from this workstation."""
    if host == Host.WORKSTATION:
        return None
    # Central Administration and the library are both reached from a SharePoint server.
    return Host.CENTRAL_ADMIN if host == Host.LIBRARY else host


def host_scripts(plan: Plan, checklist: Checklist, session: Session | None) -> tuple[HostScript, ...]:
    """One script per place where steps are done, in checklist order, nodes by name."""
    steps = checklist.for_mode(plan.mode, plan.delivery)
    numbers = {step.id: index for index, step in enumerate(steps, start=1)}
    order: list[Host] = []
    for step in steps:
        target = _script_host(step.host)
        if target is not None and target not in order:
            order.append(target)
    scripts: list[HostScript] = []
    for position, host in enumerate(order, start=1):
        host_steps = [step for step in steps if _script_host(step.host) == host]
        nodes: list[Node | None] = list(plan.nodes) if host == Host.NODE else [None]
        for node in nodes:
            entries = []
            for step in host_steps:
                rendered = render_step(step, plan, node)
                progress = session.progress_for(step.id).status.label if session else ""
                entries.append(
                    ScriptStep(
                        number=numbers[step.id],
                        step_id=step.id,
                        title=step.title,
                        scripts=tuple(s for s in rendered.scripts if s.shell == SHELL),
                        gui=rendered.gui,
                        other_shells=tuple(sorted({s.shell for s in rendered.scripts if s.shell != SHELL})),
                        progress=progress,
                    )
                )
            script = PLACES[host].script
            assert script is not None  # the workstation's steps have no script
            stem, title, run_on = script(plan, node)
            scripts.append(HostScript(f"{position}-{stem}.ps1", title, run_on, tuple(entries)))
    return tuple(scripts)


def farm_line(plan: Plan) -> str:
    """The farm in one line, for a script's header."""
    return (
        f"{plan.mail_host}; {mode_label(plan)}; SharePoint {version_name(plan.sharepoint_version)}; "
        f"Exchange {version_name(plan.exchange_version)}"
    )
