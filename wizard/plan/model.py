"""The plan: one farm's answers, validated with reasons a user understands."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import field as dc_field
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal, get_args

from wizard.errors import PlanError, Problem
from wizard.plan import validate
from wizard.plan.fields import Field, Table, json_schema, problems_at, read_table, to_data
from wizard.plan.routefields import Delivery, route_fields
from wizard.plan.rules import MAX_NLB_NODES, cross_problems
from wizard.plan.tomlfile import locate_key
from wizard.record import record

# Re-exported: callers read the cluster rule from the plan module.
__all__ = ["MAX_NLB_NODES"]

PLAN_SCHEMA = 1
MAX_DNS_SERVERS = 16
"""Most DNS servers a plan may list: the ones Exchange uses, all asked at once within one timeout."""
MAX_SHAREPOINT_SERVERS = 32
"""Most SharePoint servers a plan may list: every server of a large farm."""
DEFAULT_PROOF_MAX_AGE_HOURS = 24
"""How old evidence may be and still prove a step, unless the plan or ``--max-age`` says otherwise."""
MAX_PROOF_AGE_HOURS = 24 * 366
"""The longest age limit a plan may set: a year (older evidence proves nothing about today's farm)."""
Mode = Literal["single", "nlb"]
ProductVersion = Literal["2007", "2010", "2013", "2016", "2019", "se"]
WindowsVersion = Literal["2003", "2008", "2008r2", "2012", "2012r2", "2016", "2019", "2022", "2025"]
MODES: tuple[str, ...] = ("single", "nlb")
PRODUCT_VERSIONS: tuple[str, ...] = ("2007", "2010", "2013", "2016", "2019", "se")
WINDOWS_VERSIONS: tuple[str, ...] = get_args(WindowsVersion)

MODE_NAMES = {"nlb": "Load balanced (NLB)", "single": "Single server"}
"""Each mode as people say it, in the order the form offers them."""
VERSION_NAMES = {"se": "Subscription Edition"}
"""Product versions whose plan value is not the name people use."""


def version_name(version: str) -> str:
    """A product version as people write it."""
    return VERSION_NAMES.get(version, version)


@record
class Node:
    """A server running the IIS SMTP service."""

    name: str
    """The server's own DNS name, used to tell results apart."""
    address: str
    """The server's dedicated address (not the VIP)."""
    drop_folder: str | None = None
    """The Drop folder as this machine can read it; enables arrival checks."""


@record
class ChangeRecord:
    """The change record the runbook is signed under; every key optional."""

    id: str | None = None
    """The change record's number (``CHG0012345``)."""
    window: str | None = None
    """When the change may be carried out, as free text."""
    implementer: str | None = None
    """Who carries it out."""
    approvers: list[str] = dc_field(default_factory=list)
    """Who approves it (a board, people)."""


@record
class Plan:
    """Every answer the wizard needs about one farm.

    Build one with :func:`parse_plan`, which reads it by :data:`PLAN_TABLE` and
    then applies the rules that tie fields together (mode and node count, the
    VIP, the zone). The keys' meanings are in :data:`PLAN_TABLE`.
    """

    mode: Mode
    mail_host: str
    exchange_servers: list[str]
    sharepoint_version: ProductVersion
    exchange_version: ProductVersion
    nodes: list[Node]
    schema: int = PLAN_SCHEMA
    dns_zone: str | None = None
    vip: str | None = None
    connection_control: bool = False
    dns_servers: list[str] = dc_field(default_factory=list)
    smtp_port: int = 25
    exchange_port: int | None = None
    windows_version: WindowsVersion | None = None
    test_recipient: str | None = None
    outgoing_smtp_server: str | None = None
    sharepoint_servers: list[str] = dc_field(default_factory=list)
    proof_max_age_hours: int = DEFAULT_PROOF_MAX_AGE_HOURS
    delivery: Delivery = "smtp_service"
    drop_share: str | None = None
    sharepoint_windows_version: WindowsVersion | None = None
    change: ChangeRecord | None = None

    @property
    def smtp_nodes(self) -> bool:
        """Whether the plan's nodes run the IIS SMTP service (every route but the Foreign connector)."""
        return self.delivery != "foreign_connector"

    @property
    def zone(self) -> str:
        """The DNS zone, given or derived from the mail host."""
        return self.dns_zone or self.mail_host.split(".", 1)[1]

    @property
    def record_name(self) -> str:
        """The A record's name relative to the zone (``mossmail``)."""
        return self.mail_host[: -len(self.zone) - 1]

    @property
    def target_address(self) -> str:
        """The address mail_host must resolve to: the VIP, or the single node (none on a Foreign connector)."""
        if self.mode == "nlb" and self.vip:
            return self.vip
        return self.nodes[0].address if self.nodes else ""

    def to_data(self) -> dict[str, Any]:
        """The plan as plain data in file order, without unset optional keys."""
        return to_data(PLAN_TABLE, self)


def _port(name: str, description: str, default: int | None) -> Field:
    return Field(
        name,
        "integer",
        description,
        default,
        minimum=1,
        maximum=65535,
        range_reason="is outside the port range 1-65535",
        check=validate.port,
    )


_HOST_NAME = "DNS host name: letters, digits and hyphens in dot-separated labels"
_FQDN = "fully qualified DNS name with at least two labels"
_IP = "IPv4 or IPv6 literal"
_CHANGE_TEXT = "one line of text, at most 200 characters"

NODE_TABLE = Table(
    "Node",
    "A server running the IIS SMTP service.",
    (
        Field("name", "string", _HOST_NAME, check=validate.hostname),
        Field("address", "string", _IP, check=validate.ip_address),
        Field(
            "drop_folder",
            "string",
            r"Windows folder: C:\... or \\server\share\..., or a local mount readable from here",
            None,
            check=validate.windows_path,
        ),
    ),
    Node,
)
CHANGE_TABLE = Table(
    "Change",
    "The change record the runbook is signed under; every key optional.",
    (
        Field("id", "string", _CHANGE_TEXT, None, check=validate.change_text),
        Field("window", "string", _CHANGE_TEXT, None, check=validate.change_text),
        Field("implementer", "string", _CHANGE_TEXT, None, check=validate.change_text),
        Field(
            "approvers",
            "array",
            "who approves the change",
            [],
            items=Field("approver", "string", _CHANGE_TEXT, check=validate.change_text),
            max_items=20,
        ),
    ),
    ChangeRecord,
)
PLAN_TABLE = Table(
    "spmail-wizard plan",
    "Every answer the wizard needs about one farm.",
    (
        Field("schema", "integer", "plan file format version", PLAN_SCHEMA, choices=(PLAN_SCHEMA,)),
        Field("mode", "string", "'single' or 'nlb'; unused with a Foreign connector", None, choices=MODES),
        Field(
            "mail_host",
            "string",
            "e-mail server display address; the name Exchange routes to",
            check=validate.fqdn,
        ),
        Field(
            "dns_zone",
            "string",
            "zone holding the A record; default: mail_host without its first label",
            None,
            check=validate.fqdn,
        ),
        Field("vip", "string", "nlb only: the cluster address", None, check=validate.ip_address),
        Field(
            "exchange_servers",
            "array",
            "the only clients allowed to relay (and connect)",
            items=Field("address", "string", _IP, check=validate.ip_address),
            min_items=1,
            too_few="list at least one Exchange server address; only they may relay",
        ),
        Field("connection_control", "boolean", "restrict connections too", False),
        Field(
            "dns_servers",
            "array",
            f"empty: the system resolver; at most {MAX_DNS_SERVERS}",
            [],
            items=Field(
                "server",
                "string",
                "DNS server as 'addr', 'addr:port' or '[v6addr]:port'",
                check=validate.dns_server,
            ),
            max_items=MAX_DNS_SERVERS,
            too_many=f"lists {{count}} servers; list at most {MAX_DNS_SERVERS}, the ones Exchange uses",
        ),
        _port("smtp_port", "TCP port", 25),
        _port(
            "exchange_port",
            "SMTP port on which the first Exchange server takes the connector's test message; default 25",
            None,
        ),
        Field("sharepoint_version", "string", "SharePoint version", choices=PRODUCT_VERSIONS),
        Field("exchange_version", "string", "Exchange version", choices=PRODUCT_VERSIONS),
        Field(
            "windows_version",
            "string",
            "Windows Server version of the SMTP nodes, if known",
            None,
            choices=WINDOWS_VERSIONS,
        ),
        Field(
            "test_recipient",
            "string",
            "address of the mail-enabled library used by library_test",
            None,
            check=validate.mail_address,
        ),
        Field(
            "outgoing_smtp_server",
            "string",
            "outbound SMTP server set in Central Administration, if known (host name or IP literal)",
            None,
            check=validate.host_or_address,
        ),
        # Keys added after plans were first written stay out of a written plan at their
        # defaults, so that an exported plan reads as the operator wrote it.
        Field(
            "sharepoint_servers",
            "array",
            "the SharePoint servers that run the Incoming E-Mail service (the SharePoint probe's vantage)",
            [],
            items=Field("server", "string", _HOST_NAME, check=validate.hostname),
            max_items=MAX_SHAREPOINT_SERVERS,
            too_many=f"lists {{count}} servers; list at most {MAX_SHAREPOINT_SERVERS}",
            written_at_default=False,
        ),
        Field(
            "proof_max_age_hours",
            "integer",
            "evidence older than this many hours is stale, never proof",
            DEFAULT_PROOF_MAX_AGE_HOURS,
            minimum=1,
            maximum=MAX_PROOF_AGE_HOURS,
            range_reason=f"is outside the range 1-{MAX_PROOF_AGE_HOURS} hours",
            check=validate.hours,
            written_at_default=False,
        ),
        *route_fields(WINDOWS_VERSIONS),
        Field(
            "nodes",
            "array",
            "one per server running the SMTP service; none with delivery = 'foreign_connector'",
            [],
            table=NODE_TABLE,
            written_at_default=False,
        ),
        Field(
            "change",
            "object",
            "optional change record: id, window, implementer, approvers",
            None,
            table=CHANGE_TABLE,
        ),
    ),
    Plan,
)
"""The plan file's keys: the one description that reading a plan, writing it and its JSON Schema follow."""


def parse_plan(data: Mapping[str, Any], *, source_text: str | None = None, file: str | None = None) -> Plan:
    """Validate plan data and return the plan.

    Args:
        data: the plan as parsed from TOML or JSON.
        source_text: the file's text, so that problems can name their line.
        file: the file name to put in front of each problem.

    Raises:
        PlanError: with every problem found, each naming its key.
    """
    if not isinstance(data, Mapping):
        raise PlanError([Problem("", "a plan must be a table of keys")], file)
    plan: Plan
    plan, found = read_table(PLAN_TABLE, data)
    if found:
        raise PlanError(problems_at(found, lambda loc: locate_key(source_text, loc)), file)
    cross = cross_problems(plan)
    if plan.mode is None and not cross:
        # Only a Foreign connector plan gets here without a mode; it has no SMTP node to arrange.
        plan = replace(plan, mode="single")
    if cross:
        if source_text:
            cross = [Problem(p.key, p.reason, locate_key(source_text, _loc_of(p.key))) for p in cross]
        raise PlanError(cross, file)
    return plan


def _loc_of(key: str) -> tuple[int | str, ...]:
    loc: list[int | str] = []
    for part in key.replace("]", "").split("."):
        name, _, index = part.partition("[")
        loc.append(name)
        if index:
            loc.append(int(index))
    return tuple(loc)


def load_plan_text(text: str, *, file: str | None = None) -> Plan:
    """Parse and validate a plan from TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line = _split_toml_error(str(exc))
        raise PlanError([Problem("", f"not valid TOML: {message}", line)], file) from None
    except RecursionError:
        raise PlanError([Problem("", "nested too deeply to be a plan")], file) from None
    try:
        return parse_plan(data, source_text=text, file=file)
    except RecursionError:
        raise PlanError([Problem("", "nested too deeply to be a plan")], file) from None


def _split_toml_error(text: str) -> tuple[str, int | None]:
    """Python 3.11's TOML errors carry the position only inside the message."""
    match = re.search(r"\s*\(at line (\d+), column \d+\)", text)
    if not match:
        return text, None
    return text[: match.start()] + text[match.end() :], int(match.group(1))


MAX_PLAN_BYTES = 1024 * 1024
"""A plan for 32 nodes is a few KiB; anything this large is not a plan."""


def load_plan_file(path: Path) -> Plan:
    """Read, parse and validate a plan file.

    Special files (a FIFO, a device, a folder) and huge files are refused
    without reading, so nothing can block or fill memory here.

    Raises:
        PlanError: the file cannot be read, is not TOML, or is not a valid plan.
    """
    from wizard.atomicfile import RefusedFile, read_bounded

    try:
        raw = read_bounded(path, MAX_PLAN_BYTES)
    except RefusedFile as exc:
        raise PlanError([Problem("", f"refused: {exc}; a plan is a TOML file")], str(path)) from None
    except OSError as exc:
        raise PlanError([Problem("", f"cannot read the plan: {exc.strerror or exc}")], str(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PlanError([Problem("", "is not UTF-8 text; save the plan as UTF-8")], str(path)) from None
    return load_plan_text(text, file=str(path))


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema of a plan file, written from :data:`PLAN_TABLE`."""
    return json_schema(PLAN_TABLE, {"$schema": "https://json-schema.org/draft/2020-12/schema"})
