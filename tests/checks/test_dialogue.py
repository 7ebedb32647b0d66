"""The written SMTP dialogue: the data itself, and the probe held to it against real servers."""

from __future__ import annotations

import string
import subprocess
import sys

from tests.checks.helpers import one, steps
from tests.farm.fixtures import FarmFactory
from wizard.checks import dialogue, run_checks
from wizard.checks.smtpchecks import probe_values
from wizard.plan.model import parse_plan
from wizard.results import Status

TIMEOUT = 2.0
CONVERSATION_STEPS = ("mode", "relay", "connection_control", "fqdn", "alias", "restart")
"""The steps whose checks read a target's one conversation."""


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_probe_never_sends_data_and_ends_with_quit() -> None:
    sent = dialogue.commands(dialogue.PROBE, {name: "x" for name in dialogue.PLACEHOLDERS})
    assert not any(line.split()[0] == "DATA" for line in sent)
    assert sent[-1] == "QUIT"
    # The shape the probe kit must follow too: separate transactions, each reset, one per relay form.
    forms = ["MAIL", "RCPT", "RSET"] * len(dialogue.RELAY_FORMS)
    assert [line.split()[0].split(":")[0] for line in sent] == [
        "EHLO", "MAIL", "RCPT", "RSET", "MAIL", "RCPT", "RSET", *forms, "QUIT",
    ]  # fmt: skip


def test_every_move_says_what_each_reply_class_means() -> None:
    for move in (*dialogue.PROBE, *dialogue.SEND_TEST, dialogue.CLOSE):
        classes = {rule.reply for rule in move.rules}
        assert {"4xx", "5xx", "none"} <= classes, move.name
        assert all(rule.meaning for rule in move.rules)
        assert placeholders(move.command) | placeholders(move.fallback) <= set(dialogue.PLACEHOLDERS)


def test_a_temporary_reply_to_the_relay_rcpt_is_not_a_refusal() -> None:
    rule = dialogue.RCPT_OUTSIDE.rule(dialogue.reply_class(451))
    assert rule.status == "warn" and "not proven" in rule.meaning
    assert dialogue.RCPT_OUTSIDE.rule(dialogue.reply_class(550)).status == "pass"
    assert dialogue.RCPT_OUTSIDE.rule(dialogue.reply_class(250)).status == "fail"


def test_the_dialogue_loads_without_any_network_code() -> None:
    code = (
        "import sys, wizard.checks.dialogue; "
        "print(','.join(m for m in ('asyncio', 'dns', 'wizard.checks.smtpprobe', 'wizard.checks.runner') "
        "if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == ""


async def test_each_target_gets_one_conversation_that_follows_the_written_dialogue(
    farm: FarmFactory,
) -> None:
    running = farm("good", nodes=2)
    plan = running.plan
    results = await run_checks(plan, steps(*CONVERSATION_STEPS), timeout=TIMEOUT)
    assert not [r.headline for r in results if r.status.failed]
    # Each target's own name and address fill its relay forms, so each target has its own lines.
    targets = [node.address for node in plan.nodes] + [running.addresses.vip]
    expected = {tuple(dialogue.commands(dialogue.PROBE, probe_values(plan, a))) for a in targets}
    sessions = [session for node in running.nodes for session in node.sessions]
    # Each node directly, and the mail host once through the VIP: six checks, three connections.
    assert len(sessions) == len(plan.nodes) + 1
    seen = {tuple(b"".join(session.lines).decode().split("\r\n")[:-1]) for session in sessions}
    assert seen == expected


async def test_a_session_accepted_from_an_exchange_server_is_its_half_of_the_proof(
    farm: FarmFactory,
) -> None:
    running = farm("single")
    # Loopback connections come from 127.0.0.1: naming it an Exchange server makes this machine one.
    data = running.plan_data | {
        "exchange_servers": ["127.0.0.1", running.addresses.exchange],
        "connection_control": True,
    }
    results = await run_checks(parse_plan(data), steps("connection_control", mode="single"), timeout=TIMEOUT)
    control = one(results, "connection_control", "wfe1.foo.local")
    assert control.status == Status.PASS, control.headline
    assert "accepts a session from the Exchange server 127.0.0.1, as it must" in control.summary
    assert "connection-list" in control.summary


async def test_library_test_turned_away_by_connection_control_points_at_the_probe_kit(
    farm: FarmFactory,
) -> None:
    running = farm("connection-control", nodes=2)
    results = await run_checks(running.plan, steps("library_test"), timeout=TIMEOUT, send_test=True)
    library = one(results, "library_test", "mossmail.foo.local")
    assert library.status == Status.SKIP, library.headline
    assert "as connection control would" in library.summary
    assert f"Run the probe kit on {running.addresses.exchange}" in library.hint
    assert "-SendTest" in library.hint
    assert "without --send-test" not in library.hint
    assert all(not node.delivered for node in running.nodes)
