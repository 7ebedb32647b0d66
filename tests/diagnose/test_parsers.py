"""Each log parser reads its documented format, by name and in any field order, and skips what is damaged."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from tests.diagnose import logfiles
from wizard.diagnose import eml, mailroot, tracking, uls, w3c
from wizard.diagnose.bounded import Tally, UnreadableLog


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_w3c_log_with_the_documented_fields(tmp_path: Path) -> None:
    tally = Tally("ex261203.log")
    lines = w3c.parse(write(tmp_path / "ex261203.log", logfiles.W3C_LOG), tally)
    assert [line.verb for line in lines] == ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"]
    rcpt = lines[2]
    assert (rcpt.address, rcpt.status, rcpt.client, rcpt.server) == (
        "docs@mossmail.foo.local",
        250,
        "10.0.0.20",
        "WFE1",
    )
    assert rcpt.at is not None and rcpt.at.isoformat() == "2026-12-03T10:00:01+00:00"
    assert tally.damaged == 0


def test_w3c_fields_reordered_mid_file_are_read_by_the_directive_in_force(tmp_path: Path) -> None:
    text = (
        logfiles.W3C_LOG
        + "\r\n#Fields: sc-status cs-uri-query cs-method c-ip time\r\n"
        + "550 +TO:<docs@mossmail.foo.local> RCPT 10.0.0.21 10:05:00\r\n"
    )
    lines = w3c.parse(write(tmp_path / "ex.log", text), Tally("ex.log"))
    last = lines[-1]
    assert (last.verb, last.status, last.client, last.address) == (
        "RCPT",
        550,
        "10.0.0.21",
        "docs@mossmail.foo.local",
    )
    # The date came from the #Date directive, as the reordered fields have none.
    assert last.at is not None and last.at.date().isoformat() == "2026-12-03"


def test_w3c_damaged_lines_are_counted_and_skipped(tmp_path: Path) -> None:
    text = logfiles.W3C_LOG + "\r\nonly three fields\r\n" + "x" * 100_000 + "\r\n\x00\x01\x02 binary\r\n"
    tally = Tally("ex.log")
    lines = w3c.parse(write(tmp_path / "ex.log", text), tally)
    assert len(lines) == 5
    assert tally.damaged == 3


def test_w3c_log_in_utf16_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "ex.log"
    path.write_bytes(codecs.BOM_UTF16_LE + logfiles.W3C_LOG.encode("utf-16-le"))
    assert [line.verb for line in w3c.parse(path, Tally("ex.log"))][-1] == "QUIT"


def test_w3c_log_in_a_wrong_encoding_skips_only_the_undecodable_lines(tmp_path: Path) -> None:
    path = tmp_path / "ex.log"
    path.write_bytes(
        logfiles.W3C_LOG.encode()
        + b"\r\n"
        + logfiles.w3c_line("RCPT", "+TO:<d\xe9@x>", 250).encode("latin-1")
    )
    tally = Tally("ex.log")
    assert len(w3c.parse(path, tally)) == 5
    assert tally.damaged == 1


def test_a_truncated_last_line_is_counted_not_misread(tmp_path: Path) -> None:
    cut = logfiles.W3C_LOG + "\r\n" + logfiles.w3c_line("RCPT", "+TO:<a@b>", 250)[:30]
    tally = Tally("ex.log")
    assert len(w3c.parse(write(tmp_path / "ex.log", cut), tally)) == 5
    assert tally.damaged == 1


def test_raw_tracking_log_by_its_fields_directive(tmp_path: Path) -> None:
    events = tracking.parse(write(tmp_path / "MSGTRK20261203-1.LOG", logfiles.RAW_TRACKING), Tally("t"))
    assert [(e.event_id, e.server_ip) for e in events] == [("RECEIVE", ""), ("SEND", "10.0.0.50")]
    assert events[0].recipients == ("docs@mossmail.foo.local",)
    assert events[1].recipient_status.startswith("250")


def test_tracking_export_csv_with_type_line_reordered_columns_and_a_flattened_list(tmp_path: Path) -> None:
    header = logfiles.EXPORT_HEADER.split(",")
    order = [header[8], header[10], header[0], header[3], header[11], header[12], *header[13:], *header[1:3]]
    values = {
        '"EventId"': "FAIL",
        '"MessageId"': "<m1@foo.local>",
        '"Timestamp"': "12/3/2026 10:00:02 AM",
        '"ServerIp"': "10.0.0.50",
        '"Recipients"': "System.String[]",
        '"RecipientStatus"': "451 4.4.0 Winsock error code: 10061",
    }
    row = ",".join(f'"{values.get(name, "")}"' for name in order)
    text = "#TYPE Microsoft.Exchange.Management.TransportLogSearchTasks.MessageTrackingEvent\r\n"
    text += ",".join(order) + "\r\n" + row + "\r\n"
    events = tracking.parse(write(tmp_path / "tracking.csv", text), Tally("t"))
    assert len(events) == 1
    event = events[0]
    assert (event.event_id, event.server_ip, event.message_id, event.recipients) == (
        "FAIL",
        "10.0.0.50",
        "<m1@foo.local>",
        (),
    )
    assert event.at is not None and event.at.hour == 10


def test_tracking_lines_of_the_wrong_width_are_counted(tmp_path: Path) -> None:
    tally = Tally("t")
    text = logfiles.RAW_TRACKING + '\r\n2026-12-03T10:00:01.000Z,only,four,fields\r\n"unclosed quote,SEND\r\n'
    assert len(tracking.parse(write(tmp_path / "MSGTRK.LOG", text), tally)) == 2
    assert tally.damaged == 2


def test_unified_log_keeps_the_e_mail_lines(tmp_path: Path) -> None:
    text = "\r\n".join(
        [
            logfiles.ULS_HEADER,
            logfiles.uls_line("E-Mail", "The following aliases were unknown: docs"),
            logfiles.uls_line("Timer", "Job ran"),
            "garbage without tabs",
        ]
    )
    tally = Tally("u")
    lines = uls.parse(write(tmp_path / "SP1-20261203-1000.log", text), tally)
    assert [(line.event_id, line.message) for line in lines] == [
        ("6871", "The following aliases were unknown: docs")
    ]
    assert lines[0].at is not None and lines[0].at.minute == 0
    assert tally.damaged == 1


def test_unified_log_columns_reordered_by_its_header(tmp_path: Path) -> None:
    text = "Message\tCategory\tTimestamp\tLevel\r\nhello docs\tE-Mail\t12/03/2026 10:00:05.12\tHigh\r\n"
    lines = uls.parse(write(tmp_path / "u.log", text), Tally("u"))
    assert [(line.message, line.level) for line in lines] == [("hello docs", "High")]


def test_eml_head_as_iis_writes_it(tmp_path: Path) -> None:
    text = (
        "x-sender: user@foo.local\r\nx-receiver: Docs@mossmail.foo.local\r\nx-receiver: b@mossmail.foo.local\r\n"
        "Received: from exch01 by wfe1\r\nReceived: from client by exch01\r\nMessage-ID: <m1@foo.local>\r\n"
        "To: Docs <docs@mossmail.foo.local>\r\nSubject: hi\r\n\r\nbody\r\n"
    )
    head = eml.parse(write(tmp_path / "a.eml", text))
    assert head.receivers == ("docs@mossmail.foo.local", "b@mossmail.foo.local")
    assert (head.sender, head.message_id, head.received, head.complete) == (
        "user@foo.local",
        "<m1@foo.local>",
        2,
        True,
    )


def test_binary_eml_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "a.eml"
    path.write_bytes(os.urandom(256) + b"\x00" * 16)
    with pytest.raises(UnreadableLog, match=r"a\.eml: binary") as raised:
        eml.parse(path)
    assert "\n" not in str(raised.value)


def test_badmail_listing_reads_the_bdr_reason_in_utf16(tmp_path: Path) -> None:
    badmail = tmp_path / "Badmail"
    badmail.mkdir()
    write(
        badmail / "1.BAD",
        "x-sender: a@b\r\nx-receiver: docs@mossmail.foo.local\r\nMessage-ID: <m1@x>\r\n\r\nhi\r\n",
    )
    (badmail / "1.bdr").write_bytes(codecs.BOM_UTF16_LE + "Error code 0xC00402C7.".encode("utf-16-le"))
    (badmail / "ignored.txt").write_text("not mail")
    files, skipped = mailroot.list_folder(badmail, "badmail")
    assert skipped == 0 and len(files) == 1
    assert files[0].hop_count_exceeded and files[0].head is not None
    assert files[0].head.receivers == ("docs@mossmail.foo.local",)


@pytest.mark.parametrize("kind", ["folder", "fifo", "missing"])
def test_what_is_not_a_regular_file_is_one_line(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "ex.log"
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    with pytest.raises(UnreadableLog) as raised:
        w3c.parse(path, Tally(str(path)))
    assert str(path) in str(raised.value) and "\n" not in str(raised.value)


def test_every_cause_row_fills_its_placeholders_and_keeps_powershell_braces() -> None:
    from wizard.diagnose.causes import CAUSES
    from wizard.diagnose.hops import HOPS, Evidence
    from wizard.diagnose.signs import Sought
    from wizard.diagnose.trace import build

    target = Sought("docs@mossmail.foo.local", "", None, "10.0.0.50", {})
    for row in CAUSES:
        before = HOPS[: HOPS.index(row.hop)]
        evidence = [Evidence(hop, "seen", "seen", "test", "wfe1", None, "line") for hop in before]
        evidence.append(Evidence(row.hop, "contrary", row.signs[0], "test", "wfe1", None, "line", "wfe1"))
        trace = build(target, "", evidence, "mossmail.foo.local", [])
        assert trace.broken_hop == row.hop
        assert trace.cause is not None and trace.next is not None
        assert "{to}" not in trace.cause + trace.next and "{detail}" not in trace.cause + trace.next
        if "$_" in row.next:
            assert "{ $_" in trace.next
