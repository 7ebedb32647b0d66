"""The Exchange kit's tracking fact, judged from a tracking log in the documented field layout (Exchange 2016 and later)."""

from __future__ import annotations

from pathlib import Path

from wizard.farm.farmlogs import TrackingLog
from wizard.farm.kitexchange import tracking
from wizard.results import Status

MAIL_HOST = "mossmail.foo.local"
ID = "<spmail-wizard.1@foo.local>"


def _log(folder: Path, *events: tuple[str, str]) -> None:
    log = TrackingLog(folder, "EXCH01", "10.0.0.20")
    log.write("RECEIVE", recipients=["other@foo.local"], message="<another@foo.local>")
    for event, status in events:
        log.write(event, recipients=[f"docs@{MAIL_HOST}"], status=status, message=ID)


def test_a_message_handed_on_is_followed_event_by_event(tmp_path: Path) -> None:
    _log(tmp_path, ("RECEIVE", ""), ("SEND", "250 2.6.0 Queued mail for delivery"))
    fact = tracking(MAIL_HOST, tmp_path, ID)
    assert fact.status == Status.PASS
    assert "RECEIVE (SMTP) -> SEND (SMTP); last SEND 250 2.6.0" in fact.summary
    assert len(fact.transcript) == 2  # the other message's event is not this message's


def test_a_failed_hand_over_fails_with_its_recipient_status(tmp_path: Path) -> None:
    _log(tmp_path, ("RECEIVE", ""), ("FAIL", "550 5.7.1 Unable to relay"))
    fact = tracking(MAIL_HOST, tmp_path, ID)
    assert fact.status == Status.FAIL and "FAIL: 550 5.7.1 Unable to relay" in fact.summary


def test_no_event_says_the_kit_sent_it_past_exchange(tmp_path: Path) -> None:
    _log(tmp_path)
    fact = tracking(MAIL_HOST, tmp_path, ID)
    assert fact.status == Status.SKIP
    assert "not through Exchange transport" in fact.summary and "-MessageId" in fact.hint
