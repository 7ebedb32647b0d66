"""The checklist model: steps as data, frozen once loaded."""

from __future__ import annotations

from dataclasses import field
from enum import StrEnum

from wizard.checks.registry import REGISTRY
from wizard.record import record


class StepKind(StrEnum):
    """What the operator does on a step; front ends pick a screen by kind."""

    INPUT = "input"
    """The farm's values are entered or reviewed (the mode step)."""
    ACTION = "action"
    """A change is made somewhere, then checked."""
    INFO = "info"
    """Information only; nothing to change here."""


class Host(StrEnum):
    """Where a step is carried out; the checklist's ``[places]`` table names each one."""

    WORKSTATION = "workstation"
    DNS = "dns"
    NLB = "nlb"
    EXCHANGE = "exchange"
    NODE = "node"
    CENTRAL_ADMIN = "central_admin"
    LIBRARY = "library"


CONDITION_KEYS = ("mode", "sharepoint", "exchange", "windows", "delivery")
"""Keys a ``when`` table may test, each against a list of plan values."""

STEP_CONDITION_KEYS = ("delivery",)
"""Keys a step's own ``when`` may test: which steps a farm has depends on its mode (``modes``) and
its delivery route only, so that a session knows its steps before every version is answered."""

SHELLS = ("powershell", "cmd", "vbscript")
"""Languages a step's script may be written in."""

CHECK_TYPES: tuple[str, ...] = tuple(REGISTRY)
"""Check types the code implements; a step lists the ones that prove it."""


class Vantage(StrEnum):
    """Where a result may come from, by the role its origin has in the plan."""

    WORKSTATION = "workstation"
    """This machine (a result without an origin)."""
    EXCHANGE = "exchange"
    """An Exchange server of the plan, named by its address in ``exchange_servers``."""
    NODE = "node"
    """A node of the plan, reporting about itself only."""
    SHAREPOINT = "sharepoint"
    """A SharePoint server of the plan (``sharepoint_servers``)."""


class TargetKind(StrEnum):
    """Which targets of a plan a check's results may name."""

    NODES = "nodes"
    """Every node, by its name."""
    VIP = "vip"
    """The mail host reached through the VIP (NLB mode only)."""
    MAIL_HOST = "mail_host"
    """The mail host, in either mode (the VIP, or the single node)."""
    DNS_SERVERS = "dns_servers"
    """Each DNS server of the plan as ``dns:ADDR`` (``dns:system`` when the plan names none)."""
    RESOLVER = "resolver"
    """``dns:system``: the resolver of the host the check ran on, whatever servers the plan names."""
    SHAREPOINT_SERVERS = "sharepoint_servers"
    """Each SharePoint server of the plan."""
    CONTROLLED_NODES = "controlled_nodes"
    """Every node when the plan restricts connections (``connection_control``), else none: a node's
    own grant list proves connection control only where the plan says it is on."""
    OUTGOING_SERVER = "outgoing_server"
    """The outgoing SMTP server, when the plan names one."""


@record
class CheckSpec:
    """What one check name may prove, from where and about what: the checklist's ``[checks]`` entry."""

    name: str
    """The check name results carry (``alias-accepted``)."""
    steps: tuple[str, ...]
    """Steps whose results may carry this check."""
    vantages: tuple[Vantage, ...]
    """Who may report it; empty: nobody can prove it live (a manual check)."""
    targets: tuple[TargetKind, ...]
    """Targets its results may name."""
    required: tuple[TargetKind, ...]
    """Targets a pass is needed on before it proves a step (some targets are only reported on)."""
    transcript: bool = False
    """A pass carries the conversation or message it rests on (SMTP conversations, test sends)."""
    farm_wide: bool = False
    """The fact is the farm's, not one host's (SharePoint's incoming e-mail settings, a list's items):
    a pass reported by any one of the required targets proves it, since each would read the same."""


@record
class Condition:
    """When a variant applies: every listed key must match the plan (unset keys match all)."""

    mode: tuple[str, ...] = ()
    sharepoint: tuple[str, ...] = ()
    exchange: tuple[str, ...] = ()
    windows: tuple[str, ...] = ()
    delivery: tuple[str, ...] = ()

    def matches(
        self,
        *,
        mode: str,
        sharepoint: str,
        exchange: str,
        windows: str | None,
        delivery: str = "smtp_service",
    ) -> bool:
        """True when the plan's values satisfy this condition.

        An unknown Windows version matches every Windows condition, so that
        the operator sees all variants, each with its label.
        """
        if self.mode and mode not in self.mode:
            return False
        if self.delivery and delivery not in self.delivery:
            return False
        if self.sharepoint and sharepoint not in self.sharepoint:
            return False
        if self.exchange and exchange not in self.exchange:
            return False
        return not (self.windows and windows is not None and windows not in self.windows)


@record
class GuiPath:
    """A click path in a management console, for the versions its condition names."""

    text: str
    """Markdown template of the click path."""
    label: str = ""
    """Which versions this is for, shown as a heading (``Exchange 2013 and later``)."""
    when: Condition = field(default_factory=Condition)
    """When this path applies."""
    prerequisite: bool = False
    """The path only prepares the step (installs what it needs), like :attr:`Script.prerequisite`."""


@record
class Script:
    """A scriptable equivalent, confirmed by a named source."""

    text: str
    """Template of the script; plan values go through the quoting filters."""
    shell: str
    """One of :data:`SHELLS`."""
    source: str
    """Where the command's syntax is documented."""
    label: str = ""
    """Which versions this is for."""
    when: Condition = field(default_factory=Condition)
    """When this script applies."""
    prerequisite: bool = False
    """The script only prepares the step (installs what it needs); running it does not do the step.

    A step whose only PowerShell for a plan's versions is a prerequisite is a
    manual step in the exported per-host script.
    """


@record
class LaterStep:
    """A target of a step's checks that exists only once a later step is done (the VIP comes with the NLB step).

    Until then a failure there is expected, and the check's own hint (start the
    SMTP service, ...) would send the operator the wrong way.
    """

    target: TargetKind
    """The target that waits."""
    step: str
    """The id of the step that makes it."""
    title: str = ""
    """That step's title."""
    numbers: tuple[tuple[tuple[str, str], int], ...] = ()
    """That step's number in each mode it belongs to."""

    def number(self, mode: str, delivery: str) -> int | None:
        """The making step's number on a farm of this mode and delivery route, or None when that
        farm has no such step (numbers differ by route: each route has steps of its own)."""
        numbers = dict(self.numbers)
        return numbers.get((mode, delivery), numbers.get((mode, "")))


@record
class Step:
    """One step of the checklist."""

    id: str
    """Stable id, as in the contract (``alias``)."""
    title: str
    """Short imperative title."""
    kind: StepKind
    """What the operator does here."""
    modes: tuple[str, ...]
    """Modes this step belongs to."""
    host: Host
    """Where the step is carried out."""
    why: str
    """Markdown template: why the step matters."""
    verify: str
    """Markdown template: what is checked live, and how."""
    on_failure: str
    """Markdown template: what to do when the check fails."""
    undo: str
    """Markdown template: how to undo the step."""
    gui: tuple[GuiPath, ...] = ()
    """Click paths, per version."""
    scripts: tuple[Script, ...] = ()
    """Scriptable equivalents, per version."""
    checks: tuple[str, ...] = ()
    """Check types that prove the step."""
    before: str = ""
    """Markdown template: a warning to read before doing the step."""
    pitfalls: tuple[str, ...] = ()
    """Markdown templates: traps an operator falls into here."""
    expected: str = ""
    """Markdown template: the result to expect once the step is done."""
    where: str = ""
    """The place as a heading (``Each SMTP node``), from the checklist's ``[places]`` table."""
    team: str = ""
    """Who carries the step out (``SharePoint team``), from its place in the checklist's ``[places]``."""
    risk: str = ""
    """Markdown template: the risk this step brings, for the change board's "Risk and impact".

    ``step`` in it is the step's reference (`` (step 4)``); a text that renders empty for a
    plan (``{% if nlb %}...{% endif %}``) is no risk for that plan.
    """
    backout_first: str = ""
    """Markdown template: how this step's undo stops the new mail route at once, for the change
    board's back-out; the first step of a plan whose text renders non-empty gives it. ``step`` in
    it is the step's reference, as in ``risk``."""
    pages: tuple[tuple[str, str], ...] = ()
    """The place's console pages as (name, template), from ``[places]``; texts use ``pages.<name>``,
    and checks that name a page (the manual Central Administration check) read it from here."""
    locks_out: str = ""
    """Markdown template: why marking this step done cuts this machine off from the nodes.

    When it renders to text for a plan, the front ends show the step's warning as a danger and
    ask before marking the step done, with this text; empty means no lock-out for that plan.
    """
    confirm_done_unless_passed: bool = False
    """Marking the step done asks first unless its live checks last passed.

    Set on steps whose checks can prove them from here. Front ends read this flag, never step
    ids, to decide when Done needs a confirmation: the last check failed, or never ran.
    """
    sends_mail: bool = False
    """One of the step's checks can send a real test message (the checklist's ``sending_checks``);
    front ends offer the Send test action only here, and always ask first."""
    waits_for: tuple[LaterStep, ...] = ()
    """Targets of the step's checks that a later step makes (the checklist's ``waits_for``)."""
    proof: tuple[tuple[str, ...], ...] = ()
    """Ways to prove the step live: each a set of check names that must all pass on every target
    they require; any one complete way proves the step. Empty: no live proof (a manual step)."""
    when: Condition = field(default_factory=Condition)
    """Which delivery routes the step belongs to (only :data:`STEP_CONDITION_KEYS`); unset: every route."""

    def on_route(self, mode: str, delivery: str) -> bool:
        """Whether a farm with this mode and delivery route has this step."""
        return mode in self.modes and (not self.when.delivery or delivery in self.when.delivery)


@record
class Checklist:
    """An ordered list of steps, loaded from one file."""

    id: str
    title: str
    version: int
    steps: tuple[Step, ...]
    source: str = ""
    """The file the checklist came from."""
    places: tuple[tuple[Host, str], ...] = ()
    """Each place's heading, in the order of the ``[places]`` table."""
    checks: tuple[CheckSpec, ...] = ()
    """What each check name may prove, from where and about what (the ``[checks]`` table)."""
    _by_name: dict[str, CheckSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The proof rule asks for a spec per check and target: a scan of the table each time
        # grew with the farm.
        object.__setattr__(self, "_by_name", {spec.name: spec for spec in self.checks})

    def check_spec(self, name: str) -> CheckSpec | None:
        """The ``[checks]`` entry of a check name, or None when the checklist declares none."""
        return self._by_name.get(name)

    def place(self, host: Host) -> str:
        """The heading of a place (``SharePoint Central Administration``)."""
        return dict(self.places).get(host, host.value)

    def for_mode(self, mode: str, delivery: str = "smtp_service") -> tuple[Step, ...]:
        """The steps of one mode and delivery route, in order."""
        return tuple(step for step in self.steps if step.on_route(mode, delivery))

    def step(self, step_id: str) -> Step:
        """The step with that id.

        Raises:
            KeyError: no such step.
        """
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)
