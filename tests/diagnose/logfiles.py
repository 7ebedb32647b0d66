"""Log files for the parser tests, built from each format's documented field list (not copied from a real farm).

W3C: the IIS 6 W3C extended field list. Message tracking: the fields of the
raw log's ``#Fields:`` directive (Exchange 2016 and later) and the cmdlet's
property names for the ``Export-Csv`` form. Unified log: the columns
Timestamp, Process, TID, Area, Category, EventID, Level, Message, Correlation.
"""

from __future__ import annotations

W3C_FIELDS = (
    "date time c-ip cs-username s-sitename s-computername s-ip s-port cs-method cs-uri-stem "
    "cs-uri-query sc-status sc-win32-status sc-bytes cs-bytes time-taken cs-version cs-host "
    "cs(User-Agent) cs(Cookie) cs(Referer)"
)


def w3c_line(
    verb: str, query: str, status: int, *, client: str = "10.0.0.20", clock: str = "10:00:01"
) -> str:
    """One SMTP command in the documented field order."""
    return f"2026-12-03 {clock} {client} - SMTPSVC1 WFE1 10.0.0.11 0 {verb} - {query} {status} 0 40 30 0 SMTP - - - -"


W3C_LOG = "\r\n".join(
    [
        "#Software: Microsoft Internet Information Services 6.0",
        "#Version: 1.0",
        "#Date: 2026-12-03 10:00:00",
        f"#Fields: {W3C_FIELDS}",
        w3c_line("EHLO", "+exch01.foo.local", 250),
        w3c_line("MAIL", "+FROM:<user@foo.local>", 250),
        w3c_line("RCPT", "+TO:<docs@mossmail.foo.local>", 250),
        w3c_line("DATA", "+<m1@foo.local>", 250),
        w3c_line("QUIT", "-", 240),
    ]
)
TRACKING_FIELDS = (
    "date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,"
    "event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,"
    "total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,"
    "return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,"
    "transport-traffic-type,log-id,schema-version"
)


def tracking_line(event: str, *, server_ip: str = "", status: str = "", subject: str = "Report") -> str:
    """One raw tracking event in the documented field order."""
    values = {name: "" for name in TRACKING_FIELDS.split(",")}
    values |= {
        "date-time": "2026-12-03T10:00:01.000Z",
        "server-ip": server_ip,
        "server-hostname": "EXCH01",
        "source": "SMTP",
        "event-id": event,
        "message-id": "<m1@foo.local>",
        "recipient-address": "docs@mossmail.foo.local",
        "recipient-status": status,
        "message-subject": subject,
    }
    return ",".join(f'"{v}"' if "," in v else v for v in values.values())


RAW_TRACKING = "\r\n".join(
    [
        "#Software: Microsoft Exchange Server",
        "#Version: 15.02.1118.007",
        "#Log-type: Message Tracking Log",
        f"#Fields: {TRACKING_FIELDS}",
        tracking_line("RECEIVE", subject="Figures, final"),
        tracking_line("SEND", server_ip="10.0.0.50", status="250 2.6.0 Queued mail for delivery"),
    ]
)
EXPORT_HEADER = (
    '"Timestamp","ClientIp","ClientHostname","ServerIp","ServerHostname","SourceContext","ConnectorId",'
    '"Source","EventId","InternalMessageId","MessageId","Recipients","RecipientStatus","TotalBytes",'
    '"RecipientCount","RelatedRecipientAddress","Reference","MessageSubject","Sender","ReturnPath","MessageInfo"'
)
ULS_HEADER = "Timestamp\tProcess\tTID\tArea\tCategory\tEventID\tLevel\tMessage\tCorrelation"


def uls_line(category: str, message: str, *, event: str = "6871") -> str:
    """One unified log line in the documented column order."""
    return "\t".join(
        [
            "12/03/2026 10:00:05.12",
            "OWSTIMER.EXE (0x0A1C)",
            "0x0B2C",
            "SharePoint Foundation",
            category,
            event,
            "Medium",
            message,
            "",
        ]
    )
