"""Monitoring for after the change: blackbox_exporter modules, Prometheus scrape and alert rules, Nagios checks.

Every probe is the wizard's own read-only dialogue: greeting, EHLO, MAIL FROM,
RCPT to a probe address (at the mail host, or outside it for the open-relay
probe), RSET, QUIT; never DATA. Every plan
value is escaped for the language it lands in (YAML, Go regular expressions,
PromQL, Prometheus templates, Nagios object files, the shell).
"""

from __future__ import annotations

import re

from wizard.checks.smtpchecks import OUTSIDE_DOMAIN, PROBE_LOCAL_PART, alias_probe, relay_probe
from wizard.plan.model import Plan
from wizard.record import record
from wizard.runbook.monitortext import (
    endpoint,
    expand_literal,
    go_regex_literal,
    nagios_arg,
    nagios_value,
    promql_str,
    template_text,
    yaml_str,
)

EXPORTER = "127.0.0.1:9115"
"""Where the scrape configuration expects blackbox_exporter (its default port, on the Prometheus host)."""
PROBE_TIMEOUT_S = 10
"""Seconds a probe may take: a refused recipient fails only when this runs out (the prober reads on)."""
PLUGINS = "$USER1$"
"""The Nagios macro for the plugin folder (``/usr/lib/nagios/plugins`` on Debian)."""
HELO_NAME = "spmail-monitor.invalid"
"""The name the blackbox probe gives in EHLO; ``.invalid`` can never be a real host (RFC 2606)."""

FILES = ("spmail-blackbox.yml", "spmail-prometheus.yml", "spmail-alerts.yml", "spmail-nagios.cfg")
"""The files of a monitoring export, in the order they are loaded."""


@record
class Probe:
    """One kind of probe, run against every node and (unless ``nodes_only``) the VIP."""

    name: str
    """``banner``, ``greeting``, ``alias`` or ``relay``."""
    says: str
    """What it proves, for comments and service descriptions."""
    nodes_only: bool = False
    """Asked of each node only: through the VIP it would reach one node of them at random."""


PROBES = (
    Probe("banner", "the SMTP service answers with a 220 greeting"),
    Probe("greeting", "the greeting names the mail host (FQDN step)"),
    Probe("alias", "mail for the mail host is accepted: RCPT to a probe address gets 2xx (alias step)"),
    Probe(
        "relay",
        f"mail for an outside domain ({OUTSIDE_DOMAIN}) is refused with 5xx: the node is no open relay (relay step)",
        nodes_only=True,
    ),
)


@record
class Watched:
    """A node or the VIP, as the monitoring files name it."""

    host: str
    """The node's name, or the mail host for the VIP."""
    address: str
    """Its IP address."""
    role: str
    """``node`` or ``vip``."""


def targets(plan: Plan, probe: Probe | None = None) -> tuple[Watched, ...]:
    """Every node, then the VIP (NLB mode) unless the probe is asked of nodes only."""
    found = [Watched(node.name, node.address, "node") for node in plan.nodes]
    if plan.mode == "nlb" and plan.vip and not (probe and probe.nodes_only):
        found.append(Watched(plan.mail_host, plan.vip, "vip"))
    return tuple(found)


def connection_note(plan: Plan) -> list[str]:
    """Comment lines for a plan with connection control: the monitoring host must be granted too.

    Connection control refuses every client but the Exchange servers, the
    monitoring host included, so without its grant every probe fails and
    every alert fires for ever.
    """
    if not plan.connection_control:
        return []
    return [
        "CONNECTION CONTROL IS ON: each node refuses every client but the Exchange servers.",
        "Add the address of the host that runs these probes (blackbox_exporter or Nagios) to",
        "Access > Connection on every node, as a single computer; do not add it to Relay.",
        "Without that grant every probe here fails and every alert fires.",
    ]


def farm_slug(plan: Plan) -> str:
    """The mail host as a name part: letters, digits and underscores."""
    return re.sub(r"[^a-z0-9]+", "_", plan.mail_host.lower()).strip("_")


def module_name(plan: Plan, probe: Probe) -> str:
    """The blackbox module of one probe for this farm; farms never share a module."""
    return f"spmail_{farm_slug(plan)}_{probe.name}"


def job_name(plan: Plan, probe: Probe) -> str:
    """The Prometheus job of one probe for this farm."""
    return f"spmail-{farm_slug(plan).replace('_', '-')}-{probe.name}"


# blackbox_exporter ------------------------------------------------------------------


def _dialogue(plan: Plan, probe: Probe) -> list[tuple[str, str]]:
    """The query_response steps: ("expect", regex) or ("send", line)."""
    mail_host = go_regex_literal(plan.mail_host)
    # The prober ends each line with a line feed only; SMTP wants CR LF.
    quit_ = [("send", "QUIT\r")]
    if probe.name == "banner":
        return [("expect", "^220[ -]"), *quit_]
    if probe.name == "greeting":
        return [("expect", f"(?i)^220[ -]{mail_host}([ ]|$)"), *quit_]
    sender = expand_literal(f"{PROBE_LOCAL_PART}@{plan.zone}")
    if probe.name == "relay":
        # Only a permanent refusal proves the relay closed; an open relay's 250 lets the timeout run out.
        recipient, answer = expand_literal(relay_probe()), "^5[0-9][0-9][ -]"
    else:
        recipient, answer = expand_literal(alias_probe(plan)), "^2[0-9][0-9][ -]"
    return [
        ("expect", "^220 "),
        ("send", f"EHLO {HELO_NAME}\r"),
        ("expect", "^250 "),
        ("send", f"MAIL FROM:<{sender}>\r"),
        ("expect", "^250[ -]"),
        ("send", f"RCPT TO:<{recipient}>\r"),
        ("expect", answer),
        ("send", "RSET\r"),
        ("expect", "^250[ -]"),
        *quit_,
    ]


def blackbox_modules(plan: Plan) -> str:
    """The modules file for blackbox_exporter (``--config.file``)."""
    lines = [
        f"# blackbox_exporter modules for incoming e-mail to {plan.mail_host}, written by spmail-wizard.",
        "# Each probe stops before DATA: nothing is ever delivered. A node that refuses the",
        "# probe recipient fails when the module's timeout runs out (the prober reads on).",
        *(f"# {line}" for line in connection_note(plan)),
        "modules:",
    ]
    for probe in PROBES:
        lines += [
            f"  # {probe.says}",
            f"  {module_name(plan, probe)}:",
            "    prober: tcp",
            f"    timeout: {PROBE_TIMEOUT_S}s",
            "    tcp:",
            "      preferred_ip_protocol: ip4",
            "      query_response:",
        ]
        lines += [f"        - {kind}: {yaml_str(text)}" for kind, text in _dialogue(plan, probe)]
    return "\n".join(lines) + "\n"


# Prometheus -------------------------------------------------------------------------


def scrape_config(plan: Plan, rules_file: str = "spmail-alerts.yml") -> str:
    """A Prometheus configuration: the rules file and one job per probe, through the exporter."""
    lines = [
        f"# Prometheus scrape jobs for incoming e-mail to {plan.mail_host}, written by spmail-wizard.",
        f"# The targets go through blackbox_exporter at {EXPORTER}; merge the jobs into your prometheus.yml.",
        *(f"# {line}" for line in connection_note(plan)),
        "rule_files:",
        f"  - {yaml_str(rules_file)}",
        "scrape_configs:",
    ]
    for probe in PROBES:
        lines += [
            f"  - job_name: {yaml_str(job_name(plan, probe))}",
            "    metrics_path: /probe",
            f"    scrape_timeout: {PROBE_TIMEOUT_S + 5}s",
            "    params:",
            f"      module: [{yaml_str(module_name(plan, probe))}]",
            "    static_configs:",
        ]
        for target in targets(plan, probe):
            lines += [
                f"      - targets: [{yaml_str(endpoint(target.address, plan.smtp_port))}]",
                "        labels:",
                f"          spmail_farm: {yaml_str(plan.mail_host)}",
                f"          spmail_host: {yaml_str(target.host)}",
                f"          spmail_role: {yaml_str(target.role)}",
            ]
        lines += [
            "    relabel_configs:",
            "      - source_labels: [__address__]",
            "        target_label: __param_target",
            "      - source_labels: [__param_target]",
            "        target_label: instance",
            "      - target_label: __address__",
            f"        replacement: {yaml_str(EXPORTER)}",
        ]
    return "\n".join(lines) + "\n"


def _success(plan: Plan, probe: str, role: str | None = None) -> str:
    matchers = [f"job={promql_str(job_name(plan, Probe(probe, '')))}"]
    matchers.append(f"spmail_farm={promql_str(plan.mail_host)}")
    if role:
        matchers.append(f"spmail_role={promql_str(role)}")
    return "probe_success{" + ",".join(matchers) + "}"


def alert_rules(plan: Plan) -> str:
    """Alerting rules: a node down, a node refusing the alias or relaying, the VIP down, a greeting
    unlike the others, and the exporter itself gone (without which no other rule can fire)."""
    host = template_text(plan.mail_host)
    answering = f"and on(instance) {_success(plan, 'banner')} == 1"
    if plan.mode == "nlb":
        lost = f"NLB still sends it its share of mail for {host}."
    else:
        lost = f"no mail for {host} reaches SharePoint."
    jobs = "|".join(re.escape(job_name(plan, probe)) for probe in PROBES)
    rules = [
        (
            "SpmailSmtpNodeDown",
            f"{_success(plan, 'banner', 'node')} == 0",
            "critical",
            "SMTP node {{ $labels.spmail_host }} does not answer",
            f"{{{{ $labels.instance }}}} gives no SMTP greeting; {lost}",
        ),
        (
            "SpmailSmtpAliasRefused",
            f"{_success(plan, 'alias')} == 0 {answering}",
            "critical",
            f"{{{{ $labels.spmail_host }}}} refuses mail for {host}",
            f"{{{{ $labels.instance }}}} answers but does not accept a recipient at {host}: "
            "add the Alias domain and restart the SMTP service.",
        ),
        (
            "SpmailSmtpGreetingDiffers",
            f"{_success(plan, 'greeting', 'node')} == 0 {answering} "
            f"and on() count({_success(plan, 'greeting', 'node')} == 1) > 0",
            "warning",
            f"SMTP node {{{{ $labels.spmail_host }}}} greets with another name than {host}",
            "Its greeting differs from the other nodes': set the FQDN under Delivery > Advanced.",
        ),
        (
            "SpmailSmtpOpenRelay",
            f"{_success(plan, 'relay', 'node')} == 0 {answering}",
            "critical",
            "SMTP node {{ $labels.spmail_host }} does not refuse mail for an outside domain",
            f"{{{{ $labels.instance }}}} answers but gave no 5xx to RCPT for {OUTSIDE_DOMAIN}: an open relay, "
            "or the monitoring host is on its relay list. Access > Relay: Only the list below, the Exchange servers only.",
        ),
        (
            "SpmailMonitorExporterDown",
            f"up{{job=~{promql_str(jobs)}}} == 0",
            "critical",
            f"The probes of {host} are not running",
            f"Prometheus cannot scrape blackbox_exporter for {{{{ $labels.job }}}} ({EXPORTER}): "
            "no other alert for this farm can fire until it answers again.",
        ),
    ]
    if plan.mode == "nlb":
        rules.insert(
            1,
            (
                "SpmailSmtpVipDown",
                f"{_success(plan, 'banner', 'vip')} == 0",
                "critical",
                f"The NLB address of {host} does not answer SMTP",
                f"{{{{ $labels.instance }}}} gives no greeting: no mail for {host} reaches SharePoint.",
            ),
        )
    lines = [
        f"# Alerting rules for incoming e-mail to {plan.mail_host}, written by spmail-wizard.",
        *(f"# {line}" for line in connection_note(plan)),
        "groups:",
        f"  - name: {yaml_str('spmail ' + plan.mail_host)}",
        "    rules:",
    ]
    for alert, expr, severity, summary, description in rules:
        lines += [
            f"      - alert: {alert}",
            f"        expr: {yaml_str(expr)}",
            "        for: 5m",
            "        labels:",
            f"          severity: {severity}",
            "        annotations:",
            f"          summary: {yaml_str(summary)}",
            f"          description: {yaml_str(description)}",
        ]
    return "\n".join(lines) + "\n"


# Nagios / Icinga --------------------------------------------------------------------


def nagios_commands(plan: Plan) -> dict[str, str]:
    """The command_line of each probe, by command name."""
    check = f"{PLUGINS}/check_smtp -H '$HOSTADDRESS$' -p '$ARG1$' -t {PROBE_TIMEOUT_S}"
    # check_smtp calls a reply it did not expect a WARNING, and the last checked
    # command decides; negate makes a refused recipient CRITICAL, as it is.
    strict = f"{PLUGINS}/negate -t {PROBE_TIMEOUT_S + 5} -o OK -w CRITICAL -c CRITICAL -u UNKNOWN"
    prefix = f"spmail_{farm_slug(plan)}"
    return {
        f"{prefix}_banner": check,
        f"{prefix}_greeting": f"{check} -e '$ARG2$'",
        f"{prefix}_alias": f"{strict} {check} -f '$ARG2$' -C 'RCPT TO:<$ARG3$>' -R '^2' -C RSET",
        f"{prefix}_relay": f"{strict} {check} -f '$ARG2$' -C 'RCPT TO:<$ARG3$>' -R '^5' -C RSET",
    }


def nagios_config(plan: Plan) -> str:
    """Nagios or Icinga 1.x object definitions: commands, one host per node and the VIP, a service per probe."""
    commands = nagios_commands(plan)
    names = list(commands)
    sender = f"{PROBE_LOCAL_PART}@{plan.zone}"
    args = {
        names[0]: [str(plan.smtp_port)],
        names[1]: [str(plan.smtp_port), f"220 {plan.mail_host}"],
        names[2]: [str(plan.smtp_port), sender, alias_probe(plan)],
        names[3]: [str(plan.smtp_port), sender, relay_probe()],
    }
    lines = [
        f"# Nagios / Icinga 1.x checks for incoming e-mail to {plan.mail_host}, written by spmail-wizard.",
        "# check_smtp stops before DATA: HELO, MAIL FROM, RCPT, RSET, QUIT. Needs the generic-host",
        "# and generic-service templates of the sample configuration; the sample generic-host sets no",
        "# max_check_attempts or check_period, which Nagios requires, so each host sets them.",
        *(f"# {line}" for line in connection_note(plan)),
        "",
    ]
    for name, command_line in commands.items():
        lines += [
            "define command {",
            f"    command_name    {name}",
            f"    command_line    {command_line}",
            "}",
            "",
        ]
    for target in targets(plan):
        host_name = nagios_value(f"spmail-{target.host}")
        what = "the NLB address of " + target.host if target.role == "vip" else "SMTP node " + target.host
        lines += [
            "define host {",
            "    use                 generic-host",
            f"    host_name           {host_name}",
            f"    alias               {nagios_value(what)}",
            f"    address             {nagios_value(target.address)}",
            "    max_check_attempts  3",
            "    check_period        24x7",
            "}",
            "",
        ]
        for probe, name in zip(PROBES, names, strict=True):
            if probe.nodes_only and target.role != "node":
                continue
            lines += [
                "define service {",
                "    use                 generic-service",
                f"    host_name           {host_name}",
                f"    service_description {nagios_value('SMTP ' + probe.name + ' for ' + plan.mail_host)}",
                f"    check_command       {name}!" + "!".join(nagios_arg(arg) for arg in args[name]),
                "}",
                "",
            ]
    return "\n".join(lines)


def monitoring_files(plan: Plan) -> dict[str, str]:
    """Every file of the monitoring export, by file name."""
    return dict(
        zip(
            FILES,
            (blackbox_modules(plan), scrape_config(plan, FILES[2]), alert_rules(plan), nagios_config(plan)),
            strict=True,
        )
    )
