"""Every reply is held to its command: a server that answers out of turn proves nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w

from tests.checks.helpers import one, single_plan, steps
from wizard.checks import dialogue, run_checks
from wizard.checks.replies import out_of_turn
from wizard.cli import run
from wizard.results import Status

TIMEOUT = 2.0
NODE = "wfe1.foo.local"
CONVERSATION_STEPS = ("mode", "relay", "fqdn", "alias", "restart")


def _plan_file(path: Path, address: str, port: int) -> Path:
    data = {
        "schema": 1,
        "mode": "single",
        "mail_host": "mossmail.foo.local",
        "exchange_servers": ["127.0.0.254"],
        "smtp_port": port,
        "sharepoint_version": "2010",
        "exchange_version": "2010",
        "nodes": [{"name": NODE, "address": address}],
    }
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["extra-250", "double-greeting", "one-behind"])
def test_a_server_answering_out_of_turn_never_proves_the_alias(
    fault_smtp: Callable[[str], tuple[str, int]],
    kind: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Each of these servers refuses the alias with 550 5.7.1; read one reply off, that refusal
    # becomes the answer to RSET and the sender's 250 the answer to RCPT.
    address, port = fault_smtp(kind)
    plan = _plan_file(tmp_path / "plan.toml", address, port)
    code = run(["check", str(plan), "--step", "alias", "--timeout", str(TIMEOUT)])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "answered out of turn" in out
    assert "PASS" not in out


@pytest.mark.parametrize("kind", ["extra-250", "double-greeting", "one-behind"])
async def test_every_check_of_an_out_of_turn_conversation_is_an_error(
    fault_smtp: Callable[[str], tuple[str, int]], kind: str
) -> None:
    address, port = fault_smtp(kind)
    results = await run_checks(
        single_plan(address, port), steps(*CONVERSATION_STEPS, mode="single"), timeout=TIMEOUT
    )
    for result in results:
        assert result.status == Status.ERROR, result.headline
        assert "answered out of turn" in result.summary
        assert "none of its answers can be read as proof" in result.hint


async def test_an_unasked_reply_is_caught_before_the_next_command_is_sent(
    fault_smtp: Callable[[str], tuple[str, int]],
) -> None:
    address, port = fault_smtp("double-greeting")
    results = await run_checks(single_plan(address, port), steps("mode", mode="single"), timeout=TIMEOUT)
    result = one(results, "mode", NODE)
    # Nothing was sent after the second greeting was seen: the conversation ends there.
    assert not any(line.startswith("C: MAIL") for line in result.transcript), result.transcript
    assert "before EHLO was sent" in result.summary or "is no answer to EHLO" in result.summary


async def test_a_refused_rset_stops_the_probe_and_says_so(
    fault_smtp: Callable[[str], tuple[str, int]],
) -> None:
    address, port = fault_smtp("rset-5xx")
    results = await run_checks(single_plan(address, port), steps("relay", mode="single"), timeout=TIMEOUT)
    relay = one(results, "relay", NODE)
    assert relay.status == Status.ERROR, relay.headline
    assert "refused RSET (501 5.5.4 Not now)" in relay.summary
    assert "-- note: refused RSET (501 5.5.4 Not now), which RFC 5321 does not allow" in relay.transcript


async def test_a_bare_250_is_valid_smtp(fault_smtp: Callable[[str], tuple[str, int]]) -> None:
    address, port = fault_smtp("bare-250")
    results = await run_checks(
        single_plan(address, port), steps("mode", "alias", "relay", mode="single"), timeout=TIMEOUT
    )
    assert {r.step: r.status for r in results} == {
        "mode": Status.PASS,
        "alias": Status.PASS,
        "relay": Status.PASS,
    }, [r.headline for r in results]
    assert "accepted mail for mossmail.foo.local (250)" in one(results, "alias", NODE).summary


async def test_a_greeting_code_outside_2xx_to_5xx_is_not_smtp(
    fault_smtp: Callable[[str], tuple[str, int]],
) -> None:
    address, port = fault_smtp("greet-999")
    plan = single_plan(address, port, connection_control=True)
    results = await run_checks(plan, steps("mode", "connection_control", mode="single"), timeout=TIMEOUT)
    control = one(results, "connection_control", NODE)
    assert control.status == Status.WARN, control.headline
    assert "not SMTP" in control.summary and "None" not in control.summary
    greeting = one(results, "mode", NODE)
    assert "not SMTP" in greeting.summary


@pytest.mark.parametrize(
    ("move", "code", "text", "words"),
    [
        (dialogue.EHLO, 220, "node.foo.local ready", "220 is no answer to EHLO (250 expected)"),
        (dialogue.CLOSE, 250, "2.0.0 Resetting", "250 is no answer to QUIT (221 expected)"),
        (dialogue.RCPT_ALIAS, 354, "Start mail input", "354 is no answer to RCPT"),
        (dialogue.GREETING, 250, "node.foo.local", "250 is no answer to a greeting"),
        (dialogue.RCPT_ALIAS, 250, "5.7.1 Unable to relay", "contradicts itself"),
        (dialogue.MAIL, 250, "2.1.5 docs@mossmail.foo.local", "to MAIL is about a recipient"),
        (dialogue.RCPT_OUTSIDE, 550, "5.1.8 Bad sender's system address", "to RCPT is about the sender"),
    ],
)
def test_replies_that_cannot_answer_their_command(
    move: dialogue.Move, code: int, text: str, words: str
) -> None:
    assert words in out_of_turn(move, code, text)


@pytest.mark.parametrize(
    ("move", "code", "text"),
    [
        (dialogue.MAIL, 250, "2.1.0 probe@foo.local....Sender OK"),
        (dialogue.RCPT_ALIAS, 250, "2.1.5 docs@mossmail.foo.local"),
        (dialogue.RCPT_ALIAS, 251, "User not local; will forward"),
        (dialogue.RCPT_OUTSIDE, 550, "5.7.1 Unable to relay"),
        (dialogue.RSET, 250, ""),
        (dialogue.CLOSE, 221, "2.0.0 Bye"),
        (dialogue.EHLO, 421, "4.3.2 Service not available"),
    ],
)
def test_replies_in_turn_pass(move: dialogue.Move, code: int, text: str) -> None:
    assert out_of_turn(move, code, text) == ""


async def test_a_greeting_that_is_no_greeting_is_named_never_none(
    fault_smtp: Callable[[str], tuple[str, int]],
) -> None:
    # A 250 where 220 belongs: neither a refusal nor a greeting. The warning once read "... None; ...".
    address, port = fault_smtp("greet-250")
    plan = single_plan(address, port, connection_control=True)
    results = await run_checks(plan, steps("connection_control", mode="single"), timeout=TIMEOUT)
    control = one(results, "connection_control", NODE)
    assert control.status == Status.ERROR, control.headline
    assert "None" not in control.summary
    assert "250 is no answer to a greeting (220 expected)" in control.summary
