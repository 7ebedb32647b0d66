"""The plan: one farm's answers, validated with reasons a user understands."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from wizard import validate
from wizard.errors import PlanError, Problem, quote
from wizard.planfile import locate_key

PLAN_SCHEMA = 1
MAX_NLB_NODES = 32
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
WINDOWS_VERSIONS: tuple[str, ...] = (
    "2003",
    "2008",
    "2008r2",
    "2012",
    "2012r2",
    "2016",
    "2019",
    "2022",
    "2025",
)

HostName = Annotated[
    str,
    AfterValidator(validate.hostname),
    Field(description="DNS host name: letters, digits and hyphens in dot-separated labels"),
]
Fqdn = Annotated[
    str,
    AfterValidator(validate.fqdn),
    Field(description="fully qualified DNS name with at least two labels"),
]
IpAddress = Annotated[str, AfterValidator(validate.ip_address), Field(description="IPv4 or IPv6 literal")]
DnsServer = Annotated[
    str,
    AfterValidator(validate.dns_server),
    Field(description="DNS server as 'addr', 'addr:port' or '[v6addr]:port'"),
]
HostOrAddress = Annotated[
    str,
    AfterValidator(validate.host_or_address),
    Field(description="host name or IP literal"),
]
MailAddress = Annotated[str, AfterValidator(validate.mail_address), Field(description="e-mail address")]
WindowsPath = Annotated[
    str,
    AfterValidator(validate.windows_path),
    Field(description=r"Windows folder: C:\... or \\server\share\..."),
]
Port = Annotated[int, Field(ge=1, le=65535, description="TCP port")]
ChangeText = Annotated[
    str, AfterValidator(validate.change_text), Field(description="one line of text, at most 200 characters")
]


class Node(BaseModel):
    """A server running the IIS SMTP service."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: HostName
    """The server's own DNS name, used to tell results apart."""
    address: IpAddress
    """The server's dedicated address (not the VIP)."""
    drop_folder: WindowsPath | None = None
    """The Drop folder as this machine can read it; enables arrival checks."""


class Change(BaseModel):
    """The change record the runbook is signed under; every key optional."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    id: ChangeText | None = None
    """The change record's number (``CHG0012345``)."""
    window: ChangeText | None = None
    """When the change may be carried out, as free text."""
    implementer: ChangeText | None = None
    """Who carries it out."""
    approvers: list[ChangeText] = Field(default_factory=list, max_length=20)
    """Who approves it (a board, people)."""


class Plan(BaseModel):
    """Every answer the wizard needs about one farm.

    Build one with :func:`parse_plan`, which also applies the rules that tie
    fields together (mode and node count, the VIP, the zone).
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        title="spmail-wizard plan",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    schema_: Literal[1] = Field(1, alias="schema", description="plan file format version")
    mode: Mode = Field(description="'single' for one server, 'nlb' for load balanced")
    mail_host: Fqdn = Field(description="e-mail server display address; the name Exchange routes to")
    dns_zone: Fqdn | None = Field(
        None, description="zone holding the A record; default: mail_host without its first label"
    )
    vip: IpAddress | None = Field(None, description="nlb only: the cluster address")
    exchange_servers: list[IpAddress] = Field(
        min_length=1, description="the only clients allowed to relay (and connect)"
    )
    connection_control: bool = Field(False, description="restrict connections too")
    dns_servers: list[DnsServer] = Field(
        default_factory=list,
        description=f"empty: the system resolver; at most {MAX_DNS_SERVERS}",
        json_schema_extra={"maxItems": MAX_DNS_SERVERS},
    )
    smtp_port: Port = 25
    exchange_port: Port | None = Field(
        None,
        description="SMTP port on which the first Exchange server takes the connector's test message; default 25",
    )
    sharepoint_version: ProductVersion
    exchange_version: ProductVersion
    windows_version: WindowsVersion | None = Field(
        None, description="Windows Server version of the SMTP nodes, if known"
    )
    test_recipient: MailAddress | None = Field(
        None, description="address of the mail-enabled library used by library_test"
    )
    outgoing_smtp_server: HostOrAddress | None = Field(
        None, description="outbound SMTP server set in Central Administration, if known"
    )
    sharepoint_servers: list[HostName] = Field(
        default_factory=list,
        description="the SharePoint servers that run the Incoming E-Mail service (the SharePoint probe's vantage)",
        json_schema_extra={"maxItems": MAX_SHAREPOINT_SERVERS},
    )
    proof_max_age_hours: int = Field(
        DEFAULT_PROOF_MAX_AGE_HOURS,
        ge=1,
        le=MAX_PROOF_AGE_HOURS,
        description="evidence older than this many hours is stale, never proof",
    )
    nodes: list[Node] = Field(min_length=1)
    change: Change | None = Field(
        None, description="optional change record: id, window, implementer, approvers"
    )

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
        """The address mail_host must resolve to: the VIP, or the single node."""
        return self.vip if self.mode == "nlb" and self.vip else self.nodes[0].address

    def to_data(self) -> dict[str, Any]:
        """The plan as plain data in file order, without unset optional keys."""
        data = self.model_dump(by_alias=True, exclude_none=True, mode="json")
        # Keys added after plans were first written stay out at their defaults, so that
        # an exported plan reads as the operator wrote it.
        if not data["sharepoint_servers"]:
            del data["sharepoint_servers"]
        if data["proof_max_age_hours"] == DEFAULT_PROOF_MAX_AGE_HOURS:
            del data["proof_max_age_hours"]
        return data


_TYPE_REASONS = {
    "string_type": "must be a quoted string",
    "int_type": "must be a whole number",
    "bool_type": "must be true or false",
    "list_type": 'must be a list, such as ["..."]',
    "model_type": "must be a table",
    "dict_type": "must be a table",
    "missing": "is required",
    "too_short": "must not be empty",
    "too_long": "has too many entries",
}


def _key_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def _reason(error: Mapping[str, Any], fields: list[str]) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind == "extra_forbidden":
        return f"unknown key; the keys here are {', '.join(fields)}"
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'|(\d+)", str(error["ctx"]["expected"]))
        allowed = ", ".join(quoted or number for quoted, number in choices)
        return f"{quote(error['input'])} is not one of: {allowed}"
    if kind in ("greater_than_equal", "less_than_equal") and error["loc"] == ("proof_max_age_hours",):
        return f"{error['input']} is outside the range 1-{MAX_PROOF_AGE_HOURS} hours"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{error['input']} is outside the port range 1-65535"
    if kind == "too_short" and error["loc"] == ("nodes",):
        return "list at least one node (a server running the SMTP service)"
    if kind == "too_short" and error["loc"] == ("exchange_servers",):
        return "list at least one Exchange server address; only they may relay"
    return _TYPE_REASONS.get(kind, str(error["msg"]))


def _field_names(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


_SUBTABLES: dict[str, type[BaseModel]] = {"nodes": Node, "change": Change}
"""Tables inside a plan, whose unknown keys are named against their own fields."""


IMPOSSIBLE_VERSIONS: dict[tuple[str, str], str] = {
    ("se", "2003"): "SharePoint Subscription Edition does not run on Windows Server 2003",
    ("2007", "2025"): "SharePoint 2007 does not run on Windows Server 2025",
}
"""(SharePoint version, Windows Server version of the SMTP nodes) pairs that cannot exist, with why.

In this design the SMTP nodes are servers of the SharePoint farm, so a
SharePoint version that cannot run on the nodes' Windows makes guidance for a
farm that cannot exist. Only pairs the sources confirm are listed; an unknown
Windows version is never refused. No Exchange version is refused for what it
routes to: every supported Exchange delivers to an SMTP smart host, and the
sources name no version that cannot reach IIS SMTP.
"""


def compatible(sharepoint: str | None, windows: str | None) -> bool:
    """False when the SharePoint version cannot run on that Windows Server version."""
    return (sharepoint or "", windows or "") not in IMPOSSIBLE_VERSIONS


def _version_problems(plan: Plan) -> list[Problem]:
    """Version combinations that cannot exist, each refused with its reason."""
    reason = IMPOSSIBLE_VERSIONS.get((plan.sharepoint_version, plan.windows_version or ""))
    if reason is None:
        return []
    return [
        Problem(
            "windows_version",
            f"{reason}, and the SMTP nodes are the farm's servers; give the nodes' real Windows version, or leave it out",
        )
    ]


def _cross_problems(plan: Plan) -> list[Problem]:
    problems: list[Problem] = _version_problems(plan)
    if plan.dns_zone and not plan.mail_host.endswith("." + plan.dns_zone):
        problems.append(
            Problem(
                "mail_host", f"{quote(plan.mail_host)} is not a name inside dns_zone {quote(plan.dns_zone)}"
            )
        )
    count = len(plan.nodes)
    if plan.mode == "single":
        if count != 1:
            problems.append(Problem("nodes", f"single mode takes exactly one node, not {count}"))
        if plan.vip is not None:
            problems.append(Problem("vip", 'single mode has no VIP; remove it or set mode = "nlb"'))
    else:
        if count < 2:
            problems.append(Problem("nodes", f"nlb mode needs at least two nodes, not {count}"))
        if count > MAX_NLB_NODES:
            problems.append(
                Problem("nodes", f"an NLB cluster holds at most {MAX_NLB_NODES} hosts, not {count}")
            )
        if plan.vip is None:
            problems.append(Problem("vip", "nlb mode needs the cluster's virtual address"))
    seen_names: dict[str, int] = {}
    seen_addresses: dict[str, int] = {}
    for index, node in enumerate(plan.nodes):
        if node.name in seen_names:
            problems.append(
                Problem(
                    f"nodes[{index}].name", f"{quote(node.name)} is already node {seen_names[node.name] + 1}"
                )
            )
        seen_names.setdefault(node.name, index)
        if node.address in seen_addresses:
            problems.append(
                Problem(
                    f"nodes[{index}].address",
                    f"{node.address} is already the address of node {seen_addresses[node.address] + 1}",
                )
            )
        seen_addresses.setdefault(node.address, index)
        if plan.vip is not None and node.address == plan.vip:
            problems.append(
                Problem(f"nodes[{index}].address", f"{node.address} is the VIP; give the node's own address")
            )
    if len(plan.dns_servers) > MAX_DNS_SERVERS:
        problems.append(
            Problem(
                "dns_servers",
                f"lists {len(plan.dns_servers)} servers; list at most {MAX_DNS_SERVERS}, the ones Exchange uses",
            )
        )
    if len(plan.sharepoint_servers) > MAX_SHAREPOINT_SERVERS:
        problems.append(
            Problem(
                "sharepoint_servers",
                f"lists {len(plan.sharepoint_servers)} servers; list at most {MAX_SHAREPOINT_SERVERS}",
            )
        )
    if len(set(plan.sharepoint_servers)) != len(plan.sharepoint_servers):
        problems.append(Problem("sharepoint_servers", "lists the same server twice"))
    if len(set(plan.exchange_servers)) != len(plan.exchange_servers):
        problems.append(Problem("exchange_servers", "lists the same address twice"))
    if plan.test_recipient and not plan.test_recipient.endswith("@" + plan.mail_host):
        problems.append(Problem("test_recipient", f"must be an address at {plan.mail_host} (the library's)"))
    return problems


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
    try:
        plan = Plan.model_validate(dict(data))
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            fields = _field_names(_SUBTABLES.get(str(loc[0]), Plan) if len(loc) >= 2 else Plan)
            key = _key_path(loc)
            line = locate_key(source_text, loc) if source_text else None
            problems.append(Problem(key, _reason(error, fields), line))
        problems.sort(key=lambda p: (p.line is None, p.line or 0))
        raise PlanError(problems, file) from None
    cross = _cross_problems(plan)
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
    """The JSON Schema of a plan file, generated from the model."""
    return Plan.model_json_schema(by_alias=True)
