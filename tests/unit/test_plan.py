"""Plan validation: every rule with a good and a bad case, and the reason a user reads."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.errors import PlanError
from wizard.plan import validate
from wizard.plan.model import load_plan_file, load_plan_text, parse_plan, plan_json_schema
from wizard.plan.tomlfile import dump_plan

DATA = Path(__file__).parent.parent / "data"


def nlb_plan() -> dict[str, Any]:
    return {
        "schema": 1,
        "mode": "nlb",
        "mail_host": "mossmail.foo.local",
        "vip": "10.0.0.50",
        "exchange_servers": ["10.0.0.20"],
        "dns_servers": ["10.0.0.5"],
        "sharepoint_version": "2007",
        "exchange_version": "2007",
        "nodes": [
            {"name": "wfe1.foo.local", "address": "10.0.0.11"},
            {"name": "wfe2.foo.local", "address": "10.0.0.12"},
        ],
    }


def with_change(path: str, value: Any) -> dict[str, Any]:
    """The NLB plan with one key set (``nodes.1.address``) or removed (value ``...``)."""
    data = nlb_plan()
    *parents, last = path.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    key: Any = int(last) if last.isdigit() else last
    if value is ...:
        del target[key]
    else:
        target[key] = value
    return data


# (description, key to change, value, expected error key or None, expected words in the reason)
CASES: list[tuple[str, str, Any, str | None, str]] = [
    ("valid NLB plan", "mode", "nlb", None, ""),
    ("mode from the list", "mode", "cluster", "mode", "'cluster' is not one of: single, nlb"),
    ("IPv4 VIP", "vip", "10.0.0.51", None, ""),
    ("IPv6 VIP", "vip", "fd00::50", None, ""),
    ("VIP not an address", "vip", "10.0.0.256", "vip", "is not an IPv4 or IPv6 address"),
    ("VIP with a zone index", "vip", "fe80::1%eth0", "vip", "zone index"),
    ("node IPv6 address", "nodes.0.address", "fd00::11", None, ""),
    ("node address typo", "nodes.1.address", "10.0.0", "nodes[1].address", "is not an IPv4 or IPv6 address"),
    ("host name with hyphen", "nodes.0.name", "wfe-1.foo.local", None, ""),
    ("single-label node name", "nodes.0.name", "wfe1", None, ""),
    ("host name with underscore", "nodes.0.name", "wfe_1.foo.local", "nodes[0].name", "contains '_'"),
    ("host name with a quote", "mail_host", "moss'mail.foo.local", "mail_host", 'contains "\'"'),
    ("host name with a space", "mail_host", "moss mail.foo.local", "mail_host", "contains ' '"),
    ("label of 63", "mail_host", "a" * 63 + ".foo.local", None, ""),
    ("label of 64", "mail_host", "a" * 64 + ".foo.local", "mail_host", "at most 63"),
    ("name of 253", "mail_host", ".".join(["a" * 62] * 4)[:243] + ".foo.local", None, ""),
    ("name over 253", "mail_host", ".".join(["a" * 63] * 4) + ".foo.local", "mail_host", "at most 253"),
    ("empty label", "mail_host", "mossmail..foo.local", "mail_host", "empty label"),
    ("hyphen at label end", "mail_host", "mossmail-.foo.local", "mail_host", "starts or ends with a hyphen"),
    ("mail host single label", "mail_host", "mossmail", "mail_host", "single label"),
    ("mail host looks like an address", "mail_host", "10.0.0.50", "mail_host", "looks like an address"),
    ("mail host inside the zone", "dns_zone", "foo.local", None, ""),
    ("mail host outside the zone", "dns_zone", "bar.local", "mail_host", "is not a name inside dns_zone"),
    ("mail host equal to the zone", "dns_zone", "mossmail.foo.local", "mail_host", "inside dns_zone"),
    ("VIP equal to a node", "vip", "10.0.0.12", "nodes[1].address", "is the VIP"),
    ("NLB without a VIP", "vip", ..., "vip", "nlb mode needs the cluster's virtual address"),
    (
        "NLB with one node",
        "nodes",
        [{"name": "wfe1.foo.local", "address": "10.0.0.11"}],
        "nodes",
        "at least two",
    ),
    ("no nodes", "nodes", [], "nodes", "at least one node"),
    (
        "NLB over 32 nodes",
        "nodes",
        [{"name": f"wfe{i}.foo.local", "address": f"10.0.1.{i}"} for i in range(33)],
        "nodes",
        "at most 32",
    ),
    (
        "duplicate node name",
        "nodes.1.name",
        "WFE1.foo.local",
        "nodes[1].name",
        "is already node 1",
    ),
    (
        "duplicate node address",
        "nodes.1.address",
        "10.0.0.11",
        "nodes[1].address",
        "already the address of node 1",
    ),
    ("DNS server with port", "dns_servers", ["10.0.0.5:5353"], None, ""),
    ("DNS server IPv6 with port", "dns_servers", ["[fd00::5]:5353"], None, ""),
    ("DNS server bad port", "dns_servers", ["10.0.0.5:99999"], "dns_servers[0]", "outside the port range"),
    (
        "DNS server name",
        "dns_servers",
        ["dc01.foo.local"],
        "dns_servers[0]",
        "is not an IPv4 or IPv6 address",
    ),
    ("no DNS servers: system resolver", "dns_servers", [], None, ""),
    ("SharePoint version SE", "sharepoint_version", "se", None, ""),
    ("SharePoint version unknown", "sharepoint_version", "2003", "sharepoint_version", "is not one of"),
    ("Exchange version as a number", "exchange_version", 2010, "exchange_version", "is not one of"),
    ("Windows version known", "windows_version", "2008r2", None, ""),
    ("Windows version unknown", "windows_version", "2000", "windows_version", "is not one of"),
    ("unknown key", "colour", "blue", "colour", "unknown key"),
    ("unknown node key", "nodes.0.ip", "10.0.0.11", "nodes[0].ip", "unknown key"),
    ("missing mail host", "mail_host", ..., "mail_host", "is required"),
    ("no Exchange servers", "exchange_servers", [], "exchange_servers", "at least one Exchange server"),
    ("Exchange server twice", "exchange_servers", ["10.0.0.20", "10.0.0.20"], "exchange_servers", "twice"),
    ("port as text", "smtp_port", "25", "smtp_port", "whole number"),
    ("port zero", "smtp_port", 0, "smtp_port", "port range"),
    ("port 2525", "smtp_port", 2525, None, ""),
    ("connection control as text", "connection_control", "yes", "connection_control", "true or false"),
    ("schema 2", "schema", 2, "schema", "is not one of: 1"),
    ("test recipient at the mail host", "test_recipient", "docs@mossmail.foo.local", None, ""),
    ("test recipient elsewhere", "test_recipient", "docs@foo.local", "test_recipient", "address at mossmail"),
    (
        "test recipient with a quote",
        "test_recipient",
        "d'x@mossmail.foo.local",
        "test_recipient",
        "local part",
    ),
    ("drop folder UNC", "nodes.0.drop_folder", r"\\wfe1\c$\Inetpub\mailroot\Drop", None, ""),
    ("drop folder local", "nodes.0.drop_folder", r"C:\Inetpub\mailroot\Drop", None, ""),
    (
        "drop folder with a quote",
        "nodes.0.drop_folder",
        "C:\\Drop'x",
        "nodes[0].drop_folder",
        "may not hold quotes",
    ),
    ("drop folder relative", "nodes.0.drop_folder", "Drop", "nodes[0].drop_folder", "not a Windows path"),
    ("drop folder mounted here", "nodes.0.drop_folder", "/mnt/wfe1-drop", None, ""),
    (
        "drop folder mounted, stepping up",
        "nodes.0.drop_folder",
        "/mnt/../etc",
        "nodes[0].drop_folder",
        "may not step up",
    ),
    ("drop folder mounted, quote", "nodes.0.drop_folder", "/mnt/wfe1'", "nodes[0].drop_folder", "quotes"),
    ("exchange port", "exchange_port", 2525, None, ""),
    ("exchange port zero", "exchange_port", 0, "exchange_port", "outside the port range"),
    (
        "drop folder stepping up",
        "nodes.0.drop_folder",
        r"\\wfe1\c$\..\..\x",
        "nodes[0].drop_folder",
        "may not step up",
    ),
    ("outgoing server name", "outgoing_smtp_server", "exch01.foo.local", None, ""),
    ("outgoing server bad", "outgoing_smtp_server", "exch 01", "outgoing_smtp_server", "neither an address"),
    ("nodes not a list", "nodes", "wfe1", "nodes", "must be a list"),
    ("sharepoint servers", "sharepoint_servers", ["sp1.foo.local", "sp2.foo.local"], None, ""),
    ("sharepoint server bad", "sharepoint_servers", ["sp 1"], "sharepoint_servers[0]", "host name"),
    ("sharepoint server twice", "sharepoint_servers", ["sp1.foo.local"] * 2, "sharepoint_servers", "twice"),
    ("proof age", "proof_max_age_hours", 4, None, ""),
    ("proof age zero", "proof_max_age_hours", 0, "proof_max_age_hours", "range 1-8784 hours"),
    ("proof age text", "proof_max_age_hours", "24", "proof_max_age_hours", "whole number"),
]


@pytest.mark.parametrize(
    ("key", "value", "error_key", "words"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_validation_rule(key: str, value: Any, error_key: str | None, words: str) -> None:
    data = with_change(key, value)
    if error_key is None:
        parse_plan(data)
        return
    with pytest.raises(PlanError) as caught:
        parse_plan(data)
    problems = {p.key: p.reason for p in caught.value.problems}
    assert error_key in problems, f"expected a problem at {error_key}, got {problems}"
    assert words in problems[error_key]


def test_new_optional_keys_stay_out_of_an_exported_plan_at_their_defaults() -> None:
    plan = parse_plan(with_change("mode", "nlb"))
    assert plan.proof_max_age_hours == 24 and plan.sharepoint_servers == []
    assert "proof_max_age_hours" not in plan.to_data() and "sharepoint_servers" not in plan.to_data()
    data = with_change("proof_max_age_hours", 6) | {"sharepoint_servers": ["sp1.foo.local"]}
    assert parse_plan(parse_plan(data).to_data()).to_data() == parse_plan(data).to_data()
    assert parse_plan(data).to_data()["proof_max_age_hours"] == 6


def test_single_mode_rules() -> None:
    data = with_change("mode", "single")
    with pytest.raises(PlanError) as caught:
        parse_plan(data)
    reasons = {p.key: p.reason for p in caught.value.problems}
    assert reasons["nodes"] == "single mode takes exactly one node, not 2"
    assert "single mode has no VIP" in reasons["vip"]
    data["nodes"] = data["nodes"][:1]
    del data["vip"]
    plan = parse_plan(data)
    assert plan.target_address == "10.0.0.11"


def test_values_are_normalised() -> None:
    data = with_change("mail_host", "MossMail.Foo.Local.")
    data["vip"] = "FD00:0:0::50"
    plan = parse_plan(data)
    assert plan.mail_host == "mossmail.foo.local"
    assert plan.vip == "fd00::50"
    assert plan.zone == "foo.local"
    assert plan.record_name == "mossmail"


def test_file_errors_name_file_key_and_line(tmp_path: Path) -> None:
    text = (DATA / "nlb.toml").read_text().replace('address = "10.0.0.12"', 'address = "10.0.0.312"')
    text = text.replace("smtp_port = 25", "smtp_port = 25\ncolour = 'blue'")
    plan_file = tmp_path / "farm.toml"
    plan_file.write_text(text)
    with pytest.raises(PlanError) as caught:
        load_plan_file(plan_file)
    lines = caught.value.lines()
    assert lines[0].startswith(f"{plan_file}:10: colour: unknown key; the keys here are schema, mode, ")
    # The line is cut at its length limit under a long folder name; the reason itself is whole.
    assert caught.value.problems[0].reason == "unknown key; the keys here are " + ", ".join(
        [
            "schema",
            "mode",
            "mail_host",
            "dns_zone",
            "vip",
            "exchange_servers",
            "connection_control",
            "dns_servers",
            "smtp_port",
            "exchange_port",
            "sharepoint_version",
            "exchange_version",
            "windows_version",
            "test_recipient",
            "outgoing_smtp_server",
            "sharepoint_servers",
            "proof_max_age_hours",
            "delivery",
            "drop_share",
            "sharepoint_windows_version",
            "nodes",
            "change",
        ]
    )
    assert lines[1] == f"{plan_file}:22: nodes[1].address: '10.0.0.312' is not an IPv4 or IPv6 address"


def test_cross_field_errors_point_at_the_line(tmp_path: Path) -> None:
    text = (DATA / "nlb.toml").read_text().replace('vip = "10.0.0.50"', 'vip = "10.0.0.12"')
    with pytest.raises(PlanError) as caught:
        load_plan_text(text, file="farm.toml")
    assert (
        str(caught.value)
        == "farm.toml:21: nodes[1].address: 10.0.0.12 is the VIP; give the node's own address"
    )


CHANGE = """
[change]
id = "CHG0012345"
window = "2026-12-05 22:00/02:00"
implementer = "J. Admin"
approvers = ["CAB", "Head of IT"]
"""


def test_the_change_record_is_read_kept_and_written_back(tmp_path: Path) -> None:
    text = (DATA / "nlb.toml").read_text().replace("\n[[nodes]]", CHANGE + "\n[[nodes]]", 1)
    plan = load_plan_text(text)
    assert plan.change is not None
    assert (plan.change.id, plan.change.window, plan.change.implementer) == (
        "CHG0012345",
        "2026-12-05 22:00/02:00",
        "J. Admin",
    )
    assert plan.change.approvers == ["CAB", "Head of IT"]
    assert load_plan_text(dump_plan(plan.to_data())) == plan
    assert load_plan_file(DATA / "nlb.toml").change is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('colour = "x"', "change.colour: unknown key; the keys here are id, window, implementer, approvers"),
        ('id = "CHG\\u202e1"', "change.id: contains the control character U+202E"),
        ('id = ""', "change.id: must not be empty"),
        (f'window = "{"x" * 201}"', "change.window: is longer than 200 characters"),
        ("approvers = 3", "change.approvers: must be a list"),
    ],
)
def test_a_bad_change_record_names_key_and_line(line: str, message: str) -> None:
    text = (DATA / "nlb.toml").read_text().replace("\n[[nodes]]", f"\n[change]\n{line}\n\n[[nodes]]", 1)
    with pytest.raises(PlanError) as caught:
        load_plan_text(text, file="farm.toml")
    assert str(caught.value).startswith(f"farm.toml:15: {message}"), str(caught.value)


def test_toml_syntax_error_names_the_line() -> None:
    with pytest.raises(PlanError) as caught:
        load_plan_text('schema = 1\nmode = "nlb\n', file="farm.toml")
    assert str(caught.value).startswith("farm.toml:2: not valid TOML: ")


def test_unreadable_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="cannot read the plan"):
        load_plan_file(tmp_path / "missing.toml")
    binary = tmp_path / "plan.toml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(PlanError, match="is not UTF-8 text"):
        load_plan_file(binary)


def test_shipped_examples_are_valid() -> None:
    assert load_plan_file(DATA / "nlb.toml").mode == "nlb"
    assert load_plan_file(DATA / "single.toml").mode == "single"


def test_json_schema_comes_from_the_model() -> None:
    schema = plan_json_schema()
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) >= {"schema", "mode", "mail_host", "vip", "nodes", "dns_servers"}
    assert schema["properties"]["mode"]["anyOf"][0]["enum"] == ["single", "nlb"]
    assert "mail_host" in schema["required"]
    json.dumps(schema)


# Anything at all, fed to the validators, ends as a ValueError/PlanError with a reason.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=80),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_field_validators_only_raise_value_error(text: str) -> None:
    for check in (
        validate.hostname,
        validate.fqdn,
        validate.ip_address,
        validate.dns_server,
        validate.host_or_address,
        validate.mail_address,
        validate.windows_path,
        validate.session_name,
        validate.port,
    ):
        try:
            check(text)
        except ValueError as exc:
            assert str(exc)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(list(nlb_plan()) + ["x"]), json_values, max_size=8))
def test_plan_validation_only_raises_plan_error(overrides: dict[str, Any]) -> None:
    data = copy.deepcopy(nlb_plan()) | overrides
    try:
        parse_plan(data)
    except PlanError as exc:
        assert all(p.reason for p in exc.problems)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_plan_text_only_raises_plan_error(text: str) -> None:
    try:
        load_plan_text(text, file="x.toml")
    except PlanError as exc:
        assert str(exc).startswith("x.toml")
