"""The ranked cause table: for a broken hop, which evidence points to which cause, and what to read next.

One row per cause, each naming the hop it explains, the sign it looks for,
the cause in the operator's words, the next read-only command and where to
run it, and one public source. Rows are tried in rank order (how often the cause is
reported in support cases, most frequent first); the first whose sign is on the broken hop wins. A hop with no
matching row falls back to its ``collect`` row: what evidence to bring.
Placeholders: ``{to}``, ``{mail_host}``, ``{detail}`` (the value the evidence
names: a node, an address), ``{target}`` (where the mail host should resolve).
"""

from __future__ import annotations

from wizard.record import record

CONFIGURE_DOC = "https://learn.microsoft.com/en-us/sharepoint/administration/incoming-email-configuration"


@record
class Cause:
    """One row of the table."""

    rank: int
    hop: str
    signs: tuple[str, ...]
    """Any of these signs on the hop selects the row (``contrary`` or ``context`` evidence alike)."""
    cause: str
    next: str
    source: str


CAUSES: tuple[Cause, ...] = (
    Cause(
        1,
        "timer_picked_up",
        ("unknown-alias",),
        "SharePoint's timer job found no list with the alias of {to}: the file waits in Drop and is deleted after 24 hours",
        "On a SharePoint server: Get-SPSite -Limit All | Get-SPWeb -Limit All | % { $_.Lists | ? EmailAlias } | select EmailAlias,Title",
        CONFIGURE_DOC,
    ),
    Cause(
        2,
        "timer_picked_up",
        ("in-drop", "check:library-delivery"),
        "The message waits in {detail}'s Drop folder and the timer job is not taking it: the SharePoint Timer service or the Incoming E-Mail service instance is not running where the file is",
        "On each SharePoint server: Get-SPServiceInstance | ? TypeName -eq 'Microsoft SharePoint Foundation Incoming E-Mail' | select Server,Status",
        "https://learn.microsoft.com/en-us/previous-versions/office/sharepoint-server/ms429637(v=office.15)",
    ),
    Cause(
        3,
        "timer_picked_up",
        ("drop-access-denied",),
        "The timer job cannot change the Drop folder: its logon account lacks Modify there",
        "On the node: Get-Acl <Drop folder> | fl AccessToString; Get-CimInstance Win32_Service -Filter \"Name='SPTimerV4'\" | select StartName",
        CONFIGURE_DOC,
    ),
    Cause(
        4,
        "drop_written",
        ("in-queue", "check:queue-folder"),
        "{detail} put the message in Queue instead of Drop: {mail_host} is not an Alias domain there, so the node treats it as mail to relay",
        "On {detail}: Get-WmiObject -Namespace root\\MicrosoftIISv2 -Class IIsSmtpDomainSetting | select Name,RouteAction",
        "http://www.vsysad.com/2014/01/iis-smtp-folders-and-domains-explained/",
    ),
    Cause(
        4,
        "node_accepted",
        ("rcpt-refused", "check:alias-accepted"),
        "A node refused the recipient {to}: {mail_host} is missing from its Alias domains, or relay is closed to the Exchange servers",
        "On each node: Get-WmiObject -Namespace root\\MicrosoftIISv2 -Class IIsSmtpDomainSetting | select Name,RouteAction",
        CONFIGURE_DOC,
    ),
    Cause(
        5,
        "connector_routed",
        ("relay-refused", "check:connector-send-test"),
        "Exchange has no Send Connector whose address space covers {mail_host}, so it refuses or cannot route mail for the list",
        "In the Exchange Management Shell: Get-SendConnector | fl Name,AddressSpaces,SmartHosts,SourceTransportServers",
        CONFIGURE_DOC,
    ),
    Cause(
        6,
        "drop_written",
        ("badmail-hop-count",),
        "{detail} took the message (250) and then moved it to Badmail: the hop count was exceeded (0xC00402C7)",
        "On {detail}: Get-WmiObject -Namespace root\\MicrosoftIISv2 -Class IIsSmtpServerSetting | select Name,HopCount",
        "https://github.com/MicrosoftDocs/OfficeDocs-SharePoint/issues/2423",
    ),
    Cause(
        6,
        "drop_written",
        ("badmail", "check:badmail-folder"),
        "{detail} took the message and then moved it to Badmail; the .bdr file beside it says why",
        "On {detail}: Get-ChildItem <mailroot>\\Badmail -Filter *.bdr | Get-Content",
        "http://derondilger.blogspot.co.nz/2013/05/erratic-or-totally-missing-emails-with.html",
    ),
    Cause(
        7,
        "vip_reached",
        ("connection-dropped",),
        "The balancer took the connection and the node it chose did not answer: that node's SMTP service is stopped",
        "On each node: Get-CimInstance Win32_Service -Filter \"Name='SMTPSVC'\" | select State,StartMode",
        "https://github.com/microsoft/IIS.Common/issues/13",
    ),
    Cause(
        7,
        "node_accepted",
        ("no-greeting", "check:smtp-greeting", "check:service-running"),
        "A node took the connection and never greeted: its SMTP service is hung or its virtual server stopped",
        "On each node: Get-CimInstance Win32_Service -Filter \"Name='SMTPSVC'\" | select State,StartMode; Get-WinEvent -LogName System -MaxEvents 50",
        "https://technet.microsoft.com/en-us/library/aa996233(v=exchg.80).aspx",
    ),
    Cause(
        10,
        "list_stored",
        ("list-refused",),
        "The library refused the message: its e-mail security policy accepts only senders with permission on it",
        "On a SharePoint server: $list.RootFolder.Properties['vti_emailusesecurity'] for the library with alias {to}",
        "http://technet.microsoft.com/ru-ru/library/ff453923(v=office.14).aspx",
    ),
    Cause(
        12,
        "vip_reached",
        ("connect-refused", "check:nlb-distribution"),
        "Nothing answers at {detail}: the NLB cluster's VIP (or, in single mode, the node's SMTP service) is down",
        "On a node: Get-NlbClusterNode; Get-NlbClusterPortRule; from Exchange: Test-NetConnection {target} -Port 25",
        "https://www.corelan.be/index.php/2008/06/17/windows-2003-server-network-load-balancing-nlb-for-iis-based-smtp-services/",
    ),
    Cause(
        12,
        "dns_resolved",
        ("dns-other-address", "dns-failed", "check:dns-a-record"),
        "{mail_host} resolves to {detail} for Exchange, not to {target}: the Host (A) record is wrong or missing",
        "On the Exchange server: Resolve-DnsName {mail_host} -Type A",
        CONFIGURE_DOC,
    ),
)
"""Causes, most frequent first."""


COLLECT: dict[str, tuple[str, str]] = {
    "exchange_accepted": (
        "nothing shows that Exchange received the message",
        "In the Exchange Management Shell on each Exchange server: Get-MessageTrackingLog -Recipients {to} -Start <time> | Export-Csv tracking.csv, then diagnose --evidence tracking.csv",
    ),
    "connector_routed": (
        "Exchange received the message and nothing shows it routed towards {mail_host}",
        "In the Exchange Management Shell: Get-Queue | fl NextHopDomain,Status,MessageCount,LastError",
    ),
    "dns_resolved": (
        "nothing shows where Exchange sent the message",
        "On the Exchange server: Resolve-DnsName {mail_host} -Type A; and the message tracking log's SEND event (server-ip)",
    ),
    "vip_reached": (
        "nothing shows the message reaching a node",
        "Collect each node's IIS SMTP log (%SystemRoot%\\System32\\LogFiles\\SMTPSVC1) and run the probe kit's node script, then diagnose --evidence those files",
    ),
    "node_accepted": (
        "nothing shows a node accepting the message",
        "Collect each node's IIS SMTP log (%SystemRoot%\\System32\\LogFiles\\SMTPSVC1) with the W3C fields date, time, c-ip, cs-method, cs-uri-query, sc-status",
    ),
    "drop_written": (
        "nothing shows the message in a node's Drop, Queue or Badmail folder",
        "Collect each node's mailroot listing (Drop, Queue and Badmail with their .bdr files; the probe kit's node script reads them), then diagnose --evidence that folder",
    ),
    "timer_picked_up": (
        "nothing shows SharePoint's timer job taking the message",
        "On a SharePoint server: Merge-SPLogFile -Path email.log -Category 'E-Mail' -StartTime <time>, then diagnose --evidence email.log",
    ),
    "list_stored": (
        "nothing shows the library storing the message",
        "On a SharePoint server: Merge-SPLogFile -Path email.log -Category 'E-Mail' -StartTime <time>; and look in the library for the message's subject",
    ),
}
"""Per hop: what is missing, and what to collect there when no row explains it."""

HOP_LEDGER = "https://docs.microsoft.com/en-us/previous-versions/technet-magazine/cc718983(v=msdn.10)"
"""Where the evidence ends, hop by hop: the source of every "collect this next" answer."""
