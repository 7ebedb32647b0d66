"""Fill a step's text with a plan's values: the one place checklist templates are rendered."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from wizard.checklist.model import Checklist, Condition, Host, Step
from wizard.checklist.platforms import platforms, support_note
from wizard.errors import ChecklistError
from wizard.plan.model import Node, Plan, parse_plan
from wizard.plan.rules import outgoing_through_node, plan_warnings, sharepoint_windows
from wizard.record import record
from wizard.runbook.filters import ps_list, ps_quote


class _Sandbox(SandboxedEnvironment):
    """The sandbox, remembering its verdict per type and attribute name.

    The verdict depends only on those two (the attribute's name and whether the
    object is a function, method, type, frame ...), and a template that lists
    32 nodes asks the same question 32 times.
    """

    _verdicts: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = super().is_safe_attribute(obj, attr, value)
        return verdict


def _environment() -> SandboxedEnvironment:
    env = _Sandbox(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["ps"] = ps_quote
    env.filters["ps_list"] = ps_list
    return env


_ENV = _environment()


@record
class RenderedGui:
    """A click path filled in for the plan."""

    label: str
    text: str
    prerequisite: bool = False
    """Only prepares the step; see :attr:`wizard.checklist.model.GuiPath.prerequisite`."""


DRY_RUN_PRELUDE = "$DryRun = $false  # $true: only report what would change\n"
"""Put before a PowerShell snippet shown on its own, so that it runs when pasted."""

LEDGERS = ("changes", "kept", "manualSteps")
"""Lists a PowerShell snippet adds to: what it changed (or would), what it found right and left,
and what the operator must still do by hand. The exported per-host script declares them once and
prints them at its end; a snippet shown alone gets them from :data:`LEDGER_PRELUDE`."""

LEDGER_PRELUDE = "".join(
    f"${name} = New-Object 'System.Collections.Generic.List[string]'\n" for name in LEDGERS
)
"""Declares the lists for a snippet shown on its own (Windows PowerShell 2.0 and later)."""

MANUAL_POSTLUDE = (
    "foreach ($manualStep in $manualSteps) { Write-Warning ('Still to do by hand: ' + $manualStep) }\n"
)
"""Ends a snippet shown on its own that can leave work for the operator, so that it says so."""


@record
class RenderedScript:
    """A script filled in for the plan."""

    label: str
    shell: str
    source: str
    body: str
    """The script as written in the checklist, filled in."""
    prerequisite: bool = False
    """Only prepares the step; see :attr:`wizard.checklist.model.Script.prerequisite`."""

    @property
    def text(self) -> str:
        """The script to copy and paste on its own.

        PowerShell snippets follow one convention: they read the current value,
        change only what differs, only report when ``$DryRun`` is true, and add
        what they did, left or could not do to the lists in :data:`LEDGERS`. The
        exported per-host scripts declare ``$DryRun`` as a switch and the lists
        once; a snippet shown alone gets first lines that set them, and a last
        line that names what is left to do by hand.
        """
        if self.shell != "powershell":
            return self.body
        prelude = DRY_RUN_PRELUDE if "$DryRun" in self.body else ""
        if any(f"${name}." in self.body for name in LEDGERS):
            prelude += LEDGER_PRELUDE
        postlude = ("\n" + MANUAL_POSTLUDE) if "$manualSteps." in self.body else ""
        return prelude + self.body + postlude


@record
class RenderedStep:
    """A step's guidance, filled in with one plan's values and versions."""

    step: Step
    why: str
    before: str
    verify: str
    expected: str
    on_failure: str
    undo: str
    pitfalls: tuple[str, ...]
    gui: tuple[RenderedGui, ...]
    scripts: tuple[RenderedScript, ...]
    locks_out: str = ""
    """Why marking the step done cuts this machine off, for this plan; empty when it does not."""


SEND_TEST_CLI = "`--send-test`"
"""How step texts name the action that sends a real test message, on the command line and in the runbook;
each front end names its own (the wizard's is a key), through the template name ``send_test``."""


def template_context(
    plan: Plan,
    node: Node | None = None,
    pages: tuple[tuple[str, str], ...] = (),
    *,
    send_test: str = SEND_TEST_CLI,
    host: Host | None = None,
) -> dict[str, Any]:
    """The names a checklist template may use; ``pages`` are the step's place's page templates.

    ``win`` is the Windows release of the servers the step is done on (``host``): SharePoint's
    for the SharePoint places, the nodes' elsewhere, so that each server's release drives its
    own guidance when SMTP relay hosts and SharePoint run different releases.
    """
    sp, ex = plan.sharepoint_version, plan.exchange_version
    win = windows_for(plan, host)
    sp_win = sharepoint_windows(plan)
    # \\server\share\folder: the server that holds the drop share, and the share's name.
    share = (plan.drop_share or "").lstrip("\\").split("\\")[:2] if plan.drop_share else []
    dns_server = plan.dns_servers[0].rsplit(":", 1)[0] if plan.dns_servers else ""
    if dns_server.startswith("["):
        dns_server = dns_server[1:-1]
    context: dict[str, Any] = {
        "plan": plan,
        "mode": plan.mode,
        "nlb": plan.mode == "nlb",
        "mail_host": plan.mail_host,
        "zone": plan.zone,
        "record_name": plan.record_name,
        "vip": plan.vip or "",
        "target_address": plan.target_address,
        "exchange_servers": list(plan.exchange_servers),
        "exchange_server": plan.exchange_servers[0],
        "connection_control": plan.connection_control,
        "nodes": list(plan.nodes),
        "node": node or (plan.nodes[0] if plan.nodes else None),
        "delivery": plan.delivery,
        "foreign": plan.delivery == "foreign_connector",
        "relay_host": plan.delivery == "relay_host",
        "drop_share": plan.drop_share or "",
        "share_host": share[0] if share else "",
        "share_name": share[1] if len(share) > 1 else "",
        "all_routes": list(platforms().routes.values()),
        "sp_support": support_note(sp_win) if sp_win else "",
        "sp_win": sp_win or "",
        "smtp_port": plan.smtp_port,
        "dns_server": dns_server,
        "sp": sp,
        "ex": ex,
        "win": win or "",
        "sp2007": sp == "2007",
        "minrole": sp in ("2016", "2019", "se"),
        "ex_legacy": ex in ("2007", "2010"),
        "win2003": win == "2003",
        "test_recipient": plan.test_recipient or f"library@{plan.mail_host}",
        "outgoing_smtp_server": plan.outgoing_smtp_server or "",
        "pages": {},
        "send_test": send_test,
        "plan_warnings": plan_warnings(plan),
        "outgoing_node": outgoing_through_node(plan) or "",
        "win_support": support_note(win) if win else "",
        "routes": [
            route for key, route in platforms().routes.items() if key != "smtp_service" or win != "2025"
        ],
    }
    # A page's path may depend on the versions, so it is itself a template over the same names.
    context["pages"] = {name: _render(source, context) for name, source in pages}
    return context


def render_pages(step: Step, plan: Plan) -> dict[str, str]:
    """The console pages of a step's place, filled in for the plan's versions."""
    pages: dict[str, str] = template_context(plan, None, step.pages)["pages"]
    return pages


SHAREPOINT_PLACES = (Host.CENTRAL_ADMIN, Host.LIBRARY)
"""Places on SharePoint's own servers, whose Windows release may differ from the SMTP nodes'."""


def windows_for(plan: Plan, host: Host | None) -> str | None:
    """The Windows release of the servers a step on ``host`` is done on, when the plan says it."""
    return sharepoint_windows(plan) if host in SHAREPOINT_PLACES else plan.windows_version


def applies(condition: Condition, plan: Plan, host: Host | None = None) -> bool:
    """True when a variant's condition holds for the plan (for a step done on ``host``)."""
    return condition.matches(
        mode=plan.mode,
        sharepoint=plan.sharepoint_version,
        exchange=plan.exchange_version,
        windows=windows_for(plan, host),
        delivery=plan.delivery,
    )


def plan_steps(checklist: Checklist, plan: Plan) -> tuple[Step, ...]:
    """The steps this plan's farm has: its mode's, on its delivery route."""
    return checklist.for_mode(plan.mode, plan.delivery)


@lru_cache(maxsize=4096)
def _template(source: str) -> jinja2.Template:
    """The compiled template for a text.

    Compiling costs far more than rendering, and the same step texts are
    rendered again for every plan, node and screen refresh.
    """
    return _ENV.from_string(source)


def _render(source: str, context: dict[str, Any]) -> str:
    return _template(source).render(context).strip()


def render_step(
    step: Step, plan: Plan, node: Node | None = None, *, send_test: str = SEND_TEST_CLI
) -> RenderedStep:
    """Fill in a step for a plan, keeping only the variants for its versions.

    Args:
        step: the step from the checklist.
        plan: the farm's answers.
        node: for steps done on each node, the node to render for (default: the first).
        send_test: how this front end names the action that sends a real test message.
    """
    context = template_context(plan, node, step.pages, send_test=send_test, host=step.host)
    return RenderedStep(
        step=step,
        why=_render(step.why, context),
        before=_render(step.before, context),
        verify=_render(step.verify, context),
        expected=_render(step.expected, context),
        on_failure=_render(step.on_failure, context),
        undo=_render(step.undo, context),
        pitfalls=tuple(p for p in (_render(p, context) for p in step.pitfalls) if p),
        gui=tuple(
            RenderedGui(g.label, _render(g.text, context), g.prerequisite)
            for g in step.gui
            if applies(g.when, plan, step.host)
        ),
        scripts=tuple(
            RenderedScript(s.label, s.shell, s.source, _render(s.text, context), s.prerequisite)
            for s in step.scripts
            if applies(s.when, plan, step.host)
        ),
        locks_out=_render(step.locks_out, context),
    )


def render_board_text(step: Step, source: str, plan: Plan, number: int) -> str:
    """One of the step's texts for the change board (its ``risk``, its ``backout_first``), naming the
    step by its number; empty: none for this plan."""
    if not source:
        return ""
    return _render(source, template_context(plan, None, step.pages) | {"step": f" (step {number})"})


SAMPLE_PLANS: tuple[dict[str, Any], ...] = (
    {
        "mode": "nlb",
        "mail_host": "mossmail.foo.local",
        "vip": "10.0.0.50",
        "exchange_servers": ["10.0.0.20", "10.0.0.21"],
        "connection_control": True,
        "dns_servers": ["10.0.0.5"],
        "sharepoint_version": "2007",
        "exchange_version": "2007",
        "test_recipient": "docs@mossmail.foo.local",
        "nodes": [
            {
                "name": "wfe1.foo.local",
                "address": "10.0.0.11",
                "drop_folder": "\\\\wfe1\\c$\\Inetpub\\mailroot\\Drop",
            },
            {"name": "wfe2.foo.local", "address": "10.0.0.12"},
        ],
    },
    {
        "mode": "single",
        "mail_host": "sp.corp.example.org",
        "exchange_servers": ["192.0.2.10"],
        "sharepoint_version": "se",
        "exchange_version": "2019",
        "windows_version": "2022",
        "outgoing_smtp_server": "exch01.corp.example.org",
        "nodes": [{"name": "sp01.corp.example.org", "address": "192.0.2.21"}],
    },
)
"""Plans every template is rendered against when a checklist is loaded."""


_STEP_TEXTS = (
    "why",
    "verify",
    "on_failure",
    "undo",
    "before",
    "expected",
    "locks_out",
    "risk",
    "backout_first",
)
"""A step's one-piece templates; ``risk`` and ``backout_first`` are given ``step`` as the board gives it."""


def verify_templates(checklist: Checklist, steps: Iterable[Step] | None = None) -> None:
    """Render every template of every step (or of ``steps`` only) against sample plans.

    Raises:
        ChecklistError: a template does not parse, or uses a name that does not exist.
    """
    plans = [parse_plan(data | {"schema": 1}) for data in SAMPLE_PLANS]
    for step in checklist.steps if steps is None else steps:
        fields: list[tuple[str, str]] = [(name, getattr(step, name)) for name in _STEP_TEXTS]
        fields += [(f"pages.{page}", source) for page, source in step.pages]
        fields += [(f"pitfalls[{i}]", p) for i, p in enumerate(step.pitfalls)]
        fields += [(f"gui[{i}]", g.text) for i, g in enumerate(step.gui)]
        fields += [(f"scripts[{i}]", s.text) for i, s in enumerate(step.scripts)]
        for field, source in fields:
            for plan in plans:
                try:
                    _render(source, template_context(plan, None, step.pages) | {"step": " (step 1)"})
                except jinja2.TemplateError as exc:
                    raise ChecklistError(
                        f"{checklist.source}: step {step.id!r}: field {field!r}: template error: {exc}"
                    ) from None
