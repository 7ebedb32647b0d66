"""The shared questions: answers kept as typed, refused with the validators' reasons, no Textual."""

from __future__ import annotations

import subprocess
import sys

import pytest

from wizard.plan import questions as fields


@pytest.mark.parametrize(
    ("key", "text", "reason_part"),
    [
        ("mail_host", "", "is required"),
        ("mail_host", "mossmail", "single label"),
        ("vip", "10.0.0.", "is not an IPv4 or IPv6 address"),
        ("exchange_servers", "10.0.0.20, 10.0.0", "item 2 '10.0.0' is not an IPv4"),
        ("exchange_servers", " , ", "list at least one Exchange server"),
        ("smtp_port", "70000", "outside the port range"),
        ("dns_servers", "10.0.0.5:abc", "is not a port number"),
        ("test_recipient", "docs", "is not an e-mail address"),
    ],
)
def test_a_refused_answer_names_its_reason(key: str, text: str, reason_part: str) -> None:
    reason = fields.reason(fields.question(key), text)
    assert reason is not None and reason_part in reason


@pytest.mark.parametrize(
    ("key", "text"),
    [("dns_zone", ""), ("dns_servers", ""), ("smtp_port", ""), ("vip", "10.0.0.50"), ("smtp_port", "2525")],
)
def test_an_acceptable_answer_has_no_reason(key: str, text: str) -> None:
    assert fields.reason(fields.question(key), text) is None


def test_answers_are_kept_as_typed_and_become_plan_data() -> None:
    data = fields.with_answer({}, "vip", "10.0.0.")
    assert data == {"vip": "10.0.0."}
    data = fields.with_answer(data, "exchange_servers", "10.0.0.20 10.0.0.21;10.0.0.22")
    assert data["exchange_servers"] == ["10.0.0.20", "10.0.0.21", "10.0.0.22"]
    data = fields.with_answer(data, "smtp_port", "2525")
    assert data["smtp_port"] == 2525
    data = fields.with_answer(data, "smtp_port", "25x")
    assert data["smtp_port"] == "25x", "a half-typed port is kept, not lost"
    data = fields.with_answer(data, "smtp_port", "")
    assert "smtp_port" not in data
    data = fields.with_node_answer(data, 1, "address", "10.0.0.12")
    assert data["nodes"] == [{}, {"address": "10.0.0.12"}]
    assert fields.without_node(data, 0)["nodes"] == [{"address": "10.0.0.12"}]


def test_single_mode_drops_the_vip_and_cross_field_problems_name_their_key() -> None:
    data = {
        "mode": "nlb",
        "mail_host": "mossmail.foo.local",
        "vip": "10.0.0.50",
        "exchange_servers": ["10.0.0.20"],
        "sharepoint_version": "2010",
        "exchange_version": "2010",
        "nodes": [{"name": "wfe1.foo.local", "address": "10.0.0.11"}],
    }
    assert [(p.key, p.reason) for p in fields.plan_problems(data)] == [
        ("nodes", "nlb mode needs at least two nodes, not 1")
    ]
    single = fields.with_answer(data, "mode", "single")
    assert "vip" not in single
    assert fields.plan_problems(single) == []


def test_the_prompt_front_end_does_not_load_textual() -> None:
    code = "import sys, wizard.plain.launch, wizard.plain.flow; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
