"""The check types by name: where each is implemented, as plain data the checklist loader can read cheaply."""

from __future__ import annotations

from wizard.record import record


@record
class CheckEntry:
    """Where one check type lives in :mod:`wizard.checks`, named so that loading it waits until a check runs."""

    module: str
    """Module under ``wizard.checks`` (``smtpchecks``)."""
    targets: str
    """Function picking the targets from a plan."""
    run: str
    """Coroutine judging one target."""
    follows_pickup: bool = False
    """Whether the check may also wait for the pickup limit."""


REGISTRY: dict[str, CheckEntry] = {
    "smtp-greeting": CheckEntry("smtpchecks", "greeting_targets", "run_greeting"),
    "dns-a-record": CheckEntry("dnscheck", "targets", "run"),
    "nlb-distribution": CheckEntry("nlbcheck", "targets", "run"),
    "connector-send-test": CheckEntry("delivery", "targets", "run_connector", follows_pickup=True),
    "relay-refused": CheckEntry("relay", "connection_targets", "run_relay"),
    "connection-control": CheckEntry("connection", "connection_targets", "run_connection_control"),
    "fqdn-greeting": CheckEntry("smtpchecks", "connection_targets", "run_fqdn"),
    "alias-accepted": CheckEntry("smtpchecks", "greeting_targets", "run_alias"),
    "central-admin-manual": CheckEntry("manual", "targets", "run_central_admin"),
    "library-delivery": CheckEntry("delivery", "targets", "run_library", follows_pickup=True),
    "outgoing-smtp": CheckEntry("outgoing", "targets", "run_outgoing"),
    "smtp-starttls": CheckEntry("starttls", "targets", "run"),
}
"""Every check type the code implements; a checklist step may name only these."""
