"""The node kit's count of the SMTP protocol log's last hour, on log files built from the IIS 6 W3C field list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from wizard.farm.kitnode import smtp_log_fact
from wizard.results import Status

EXCHANGE = "10.0.0.20"


def _log(folder: Path, lines: list[str]) -> None:
    folder.mkdir(parents=True)
    (folder / "ex261203.log").write_text("\r\n".join(lines) + "\r\n", encoding="ascii")


def test_the_last_hour_is_counted_per_client_and_reply_code_by_the_fields_in_force(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    recent, old = now - timedelta(minutes=5), now - timedelta(hours=2)
    _log(
        tmp_path / "SMTPSVC1",
        [
            "#Software: Microsoft Internet Information Services 6.0",
            "#Fields: date time c-ip cs-method cs-uri-query sc-status",
            f"{old:%Y-%m-%d %H:%M:%S} {EXCHANGE} RCPT +TO:<docs@mossmail.foo.local> 250",
            f"{recent:%Y-%m-%d %H:%M:%S} {EXCHANGE} RCPT +TO:<docs@mossmail.foo.local> 250",
            # The administrator ticked other fields: the order changes mid-file.
            "#Fields: sc-status cs-method c-ip date time",
            f"550 RCPT {EXCHANGE} {recent:%Y-%m-%d %H:%M:%S}",
            f"550 RCPT {EXCHANGE} {recent:%Y-%m-%d %H:%M:%S}",
            f"250 EHLO 10.0.0.99 {recent:%Y-%m-%d %H:%M:%S}",
            "a damaged line",
        ],
    )
    fact = smtp_log_fact("wfe1.foo.local", tmp_path / "SMTPSVC1", [EXCHANGE])
    assert fact.status == Status.WARN
    assert "4 command(s) of the last hour from 2 client(s)" in fact.summary
    assert f"{EXCHANGE} got 550 x2" in fact.summary
    assert f"from {EXCHANGE}: reply 250 x1" in fact.transcript
    assert "from 10.0.0.99: reply 250 x1" in fact.transcript
    assert "1 damaged line(s) skipped" in fact.transcript


def test_no_log_of_the_last_hour_is_a_skip_that_says_how_to_turn_logging_on(tmp_path: Path) -> None:
    fact = smtp_log_fact("wfe1.foo.local", tmp_path / "SMTPSVC1", [EXCHANGE])
    assert fact.status == Status.SKIP
    assert "no W3C protocol log" in fact.summary and "Enable logging" in fact.hint
