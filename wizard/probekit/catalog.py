"""What the probe kit reads: its check names per step, and what it leaves to the operator.

The kit runs the wizard's own live checks from each Exchange server (same
check names, same statuses for the same facts) and, on each node, reads
settings that no network probe sees. Those readings get check names of
their own, listed here, so that ``import`` accepts exactly these and the
documents can say what each one is.
"""

from __future__ import annotations

from wizard.checklist.model import CHECK_TYPES
from wizard.record import record


@record
class KitCheck:
    """A fact the kit reads on a node, under the step it proves."""

    step: str
    name: str
    reads: str
    """What the kit reads, in words."""


NODE_CHECKS: tuple[KitCheck, ...] = (
    KitCheck("restart", "service-start-type", "SMTPSVC start type (Win32_Service StartMode): Automatic"),
    KitCheck("restart", "service-running", "SMTPSVC state (Win32_Service State): Running"),
    KitCheck("restart", "virtual-server-autostart", "IIsSmtpServerSetting.ServerAutoStart: true"),
    KitCheck("restart", "queue-folder", "files waiting in the Queue folder (QueueDirectory)"),
    KitCheck("restart", "smtp-greeting", "the node's own SMTP greeting, asked from the node"),
    KitCheck("fqdn", "fqdn-setting", "IIsSmtpServerSetting.FullyQualifiedDomainName = the mail host"),
    KitCheck(
        "alias", "alias-domain", "IIsSmtpDomainSetting SmtpSvc/1/Domain/<mail host> with RouteAction 16"
    ),
    KitCheck(
        "connection_control",
        "connection-list",
        "IIsIPSecuritySetting GrantByDefault and IPGrant/IPDeny (address and mask) against the Exchange servers",
    ),
    KitCheck(
        "relay",
        "relay-connection-list",
        "relaying is closed to other hosts when only the Exchange servers may connect",
    ),
    KitCheck(
        "relay",
        "relay-settings",
        "Access > Relay through ADSI (RelayIpList: GrantByDefault, IPGrant with masks): open, wider than Exchange, or only Exchange",
    ),
    KitCheck("restart", "badmail-folder", "files in the Badmail folder (BadMailDirectory)"),
    KitCheck(
        "connection_control",
        "anonymous-access",
        "IIsSmtpServerSetting.AuthFlags keeps anonymous access (AuthAnonymous), as Exchange connects",
    ),
    KitCheck(
        "library_test",
        "hop-count",
        "IIsSmtpServerSetting.HopCount, and Badmail .BDR files that give the hop count as the reason",
    ),
    # The Drop folder's backlog and rights belong to what Central Administration and the
    # timer job do with it, not to the library test, which only a message proves.
    KitCheck(
        "central_admin",
        "drop-folder",
        "the Drop folder IIS names (DropDirectory): files, the oldest, and who they wait for (x-receiver)",
    ),
    KitCheck("central_admin", "drop-folder-acl", "the Drop folder's rights (listed, not judged)"),
    KitCheck(
        "connector",
        "smtp-log",
        "the SMTP protocol log's location (LogFileDirectory, SMTPSVC1) and its last hour: commands per client "
        "and reply code, an Exchange server refused warns",
    ),
)
"""Facts read on each node, in the order the node script reports them."""

EXCHANGE_CHECKS: tuple[KitCheck, ...] = (
    KitCheck("dns", "dns-a-record", "the mail host's A record as this Exchange server resolves it"),
    KitCheck("mode", "smtp-greeting", "a 220 greeting from every node and the VIP"),
    KitCheck("nlb", "nlb-distribution", "connections through the VIP reach every node (NLB only)"),
    KitCheck(
        "connector",
        "connector-settings",
        "the Send Connector for the mail host (Exchange Management Shell): smart host, DNS routing, enabled, "
        "Port, SourceTransportServers, IsScopedConnector, TlsAuthLevel, MaxMessageSize, "
        "its RequireTLS against the nodes' STARTTLS",
    ),
    KitCheck(
        "connector",
        "accepted-domain",
        "the accepted domains (Get-AcceptedDomain): the mail host must not be Authoritative",
    ),
    KitCheck(
        "connector",
        "exchange-queue",
        "the queue toward the mail host (Get-Queue): messages waiting and LastError",
    ),
    KitCheck(
        "dns",
        "transport-dns",
        "transport's own DNS settings (Get-TransportService, Get-TransportServer before 2013): when set, the mail "
        "host asked of those servers",
    ),
    KitCheck(
        "connector",
        "exchange-tracking",
        "with -SendTest or -MessageId: the message's events in this server's message tracking log",
    ),
    KitCheck("mode", "smtp-starttls", "whether every node and the VIP offer STARTTLS"),
    KitCheck(
        "relay", "relay-refused", "RCPT to an outside domain (an Exchange server may relay: not judged)"
    ),
    KitCheck("connection_control", "connection-control", "every node accepts this Exchange server"),
    KitCheck("fqdn", "fqdn-greeting", "greeting and EHLO name of every node"),
    KitCheck("alias", "alias-accepted", "RCPT to an address at the mail host, on every node and the VIP"),
    KitCheck("restart", "smtp-greeting", "every node and the VIP answer"),
    KitCheck(
        "library_test",
        "library-delivery",
        "with -SendTest: one message with an attachment to the test recipient",
    ),
)
"""Checks run from each Exchange server, named as ``spmail-wizard check`` names them."""

SHAREPOINT_CHECKS: tuple[KitCheck, ...] = (
    KitCheck(
        "central_admin",
        "sp-incoming-settings",
        "SPIncomingEmailService: Enabled, automatic or advanced, DropFolder, ServerDisplayAddress = the mail host, "
        "Directory Management Service",
    ),
    KitCheck(
        "central_admin",
        "sp-service-instance",
        "each server's Incoming E-Mail service instance (Get-SPServiceInstance): Online",
    ),
    KitCheck(
        "central_admin",
        "sp-timer-job",
        "the incoming e-mail timer job's last runs and failures (job history)",
    ),
    KitCheck(
        "central_admin",
        "sp-timer-account",
        "the SharePoint Timer service account (SPTimerV4) has Modify on the drop folder, groups included",
    ),
    KitCheck(
        "drop_share",
        "drop-share-rights",
        "Foreign connector route: SharePoint reads the plan's drop share, and the timer account has Modify there",
    ),
    KitCheck("central_admin", "sp-farm-build", "the farm's build ((Get-SPFarm).BuildVersion)"),
    KitCheck(
        "library_test",
        "sp-list-alias",
        "a mail-enabled list has the test recipient's alias (EmailAlias), with its URL and attachment settings",
    ),
    KitCheck(
        "library_test",
        "sp-list-policy",
        "that list's e-mail security policy (vti_emailusesecurity): 1 drops mail from senders without rights",
    ),
    KitCheck("library_test", "sp-blocked-types", "the web applications' blocked file types"),
    KitCheck(
        "library_test",
        "sp-uls-email",
        "E-Mail events in the unified logs of the last hours: unknown aliases named, messages not delivered",
    ),
    KitCheck(
        "library_test",
        "sp-test-delivery",
        "the wizard's test message as an item of the test list, or a log line for its delivery",
    ),
)
"""Facts read on a SharePoint server, in the order the SharePoint script reports them."""

MANUAL: tuple[str, ...] = ()
"""What the kit does not read, because the sources do not confirm how; the node script says so (nothing now)."""

KIT_CHECK_NAMES = frozenset(check.name for check in NODE_CHECKS + SHAREPOINT_CHECKS) - set(CHECK_TYPES)
"""Check names only the kit produces."""


def known(step: str, check: str) -> bool:
    """Whether a step and check name pair can come from ``check`` or from the kit."""
    if any(
        item.step == step and item.name == check for item in NODE_CHECKS + EXCHANGE_CHECKS + SHAREPOINT_CHECKS
    ):
        return True
    return check in CHECK_TYPES
