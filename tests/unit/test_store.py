"""Saved sessions: round trip, atomic writes under kill -9, the lock, and refusals that keep the file."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wizard import sessionfile, store
from wizard.checklist.model import Checklist
from wizard.errors import SessionLockedError, StoreError
from wizard.plan.model import load_plan_file
from wizard.results import CheckResult, Status
from wizard.session import Session, StepStatus

DATA = Path(__file__).parent.parent / "data"
ROOT = Path(__file__).parent.parent.parent


def make_session(name: str = "farm") -> Session:
    plan = load_plan_file(DATA / "nlb.toml").to_data()
    session = Session(name=name, plan_data=plan)
    session.mark_done("mode", note="CHG-1042, agreed with the DNS team")
    session.skip("connection_control", note="not wanted")
    session.record_run(
        [
            CheckResult(
                step="alias",
                check="alias-accepted",
                target="wfe2.foo.local",
                status=Status.FAIL,
                summary="wfe2.foo.local refused mail for mossmail.foo.local (550 5.7.1)",
                hint="Add the alias domain on wfe2, then restart SMTP",
                duration_ms=14,
                transcript=("S: 220 wfe2.foo.local Microsoft ESMTP MAIL Service ready", "C: QUIT"),
                observed_at=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
            )
        ],
    )
    session.current_step = "alias"
    return session


def test_round_trip_keeps_everything(wizard_home: Path) -> None:
    session = make_session()
    path = store.save(session)
    assert path == wizard_home / "sessions" / "farm.json"
    loaded = store.load("farm")
    assert loaded == session
    assert loaded.progress["mode"].note == "CHG-1042, agreed with the DNS team"
    assert loaded.progress["alias"].results[0].status is Status.FAIL
    assert loaded.progress["alias"].status is StepStatus.IN_PROGRESS
    assert loaded.plan().mail_host == "mossmail.foo.local"


def test_files_are_private(wizard_home: Path) -> None:
    path = store.save(make_session())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_draft_answers_are_kept(wizard_home: Path) -> None:
    session = Session(name="draft", plan_data={"mode": "nlb", "mail_host": "moss mail"})
    store.save(session)
    loaded = store.load("draft")
    assert loaded.plan_data == {"mode": "nlb", "mail_host": "moss mail"}
    assert loaded.plan_or_none() is None


def _write_raw(home: Path, name: str, payload: bytes) -> Path:
    folder = home / "sessions"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_bytes(payload)
    return path


def _good_bytes() -> bytes:
    return json.dumps(sessionfile.to_json(make_session("x"))).encode()


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (_good_bytes()[: len(_good_bytes()) // 2], "not a complete session file (corrupt or truncated)"),
        (b"", "not a complete session file"),
        (b"\x00\x01\x02garbage\xff", "not a complete session file"),
        (b'{"name": "x", "plan": {}}', "not an spmail-wizard session file"),
        (b"[1, 2, 3]", "not an spmail-wizard session file"),
        (
            json.dumps(sessionfile.to_json(make_session("x")) | {"schema_version": 99}).encode(),
            "written by a newer spmail-wizard (session schema 99",
        ),
        (
            json.dumps(
                {k: v for k, v in sessionfile.to_json(make_session("x")).items() if k != "progress"}
            ).encode(),
            "damaged session (missing 'progress')",
        ),
        (
            json.dumps(
                sessionfile.to_json(make_session("x")) | {"progress": {"dns": {"status": "bogus"}}}
            ).encode(),
            "damaged session",
        ),
    ],
    ids=[
        "truncated",
        "empty",
        "binary",
        "foreign-json",
        "foreign-array",
        "newer",
        "missing-key",
        "bad-status",
    ],
)
def test_refused_files_stay_as_they_were(wizard_home: Path, payload: bytes, words: str) -> None:
    path = _write_raw(wizard_home, "x", payload)
    before = path.stat()
    with pytest.raises(StoreError) as caught:
        store.load("x")
    message = str(caught.value)
    assert str(path) in message
    assert words in message
    assert "left as it is" in message
    assert "\n" not in message
    assert path.read_bytes() == payload
    assert path.stat().st_mtime_ns == before.st_mtime_ns


def test_listing_shows_refused_files_without_failing(wizard_home: Path, checklist: Checklist) -> None:
    store.save(make_session("good"))
    _write_raw(wizard_home, "broken", b'{"format": "spmail-wizard-session", "schema_ver')
    infos = {info.name: info for info in store.list_sessions(checklist)}
    assert infos["good"].error == ""
    assert infos["good"].mail_host == "mossmail.foo.local"
    assert infos["good"].settled == 2 and infos["good"].total == len(checklist.for_mode("nlb"))
    assert "refused" in infos["broken"].error


def test_missing_session_is_named() -> None:
    with pytest.raises(StoreError, match="no saved session named 'nothing'"):
        store.load("nothing")


WRITER = textwrap.dedent(
    """
    import os, sys, time
    from wizard import store
    from wizard.session import Session

    size, point, saves = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    real_fdopen, real_fsync, real_replace = os.fdopen, os.fsync, os.replace
    armed = False


    def inside():
        # Say where the save is, then wait there to be killed.
        print("inside", flush=True)
        time.sleep(600)


    class HalfWriter:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.handle.__exit__(*exc)

        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            inside()

        def __getattr__(self, name):
            return getattr(self.handle, name)


    def fdopen(*args, **kwargs):
        handle = real_fdopen(*args, **kwargs)
        return HalfWriter(handle) if armed and point == "write" else handle


    def fsync(fd):
        if armed and point == "fsync":
            inside()
        return real_fsync(fd)


    def replace(src, dst):
        if armed and point == "replace":
            inside()
        return real_replace(src, dst)


    os.fdopen, os.fsync, os.replace = fdopen, fsync, replace
    for n in range(saves + 1):
        armed = n == saves
        session = Session(name="race", plan_data={"mode": "nlb"})
        session.set_note("dns", "AB"[n % 2] * size)
        store.save(session)
    print("finished", flush=True)
    """
)


@pytest.mark.parametrize("saves", [1, 2])
@pytest.mark.parametrize("point", ["write", "fsync", "replace"])
def test_kill_during_save_leaves_old_or_new(wizard_home: Path, point: str, saves: int) -> None:
    """A writer killed inside a save (half written, written but not synced, about to rename) leaves the old file.

    The writer says when it is inside the save and waits there, so every kill
    lands inside one, on any machine, at any speed.
    """
    size = 400_000
    env = os.environ | {"SPMAIL_WIZARD_HOME": str(wizard_home), "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(size), point, str(saves)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert writer.stdout is not None
    try:
        assert writer.stdout.readline().strip() == "inside"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
    old = "AB"[(saves - 1) % 2] * size
    assert store.load("race").progress["dns"].note == old
    leftovers = list((wizard_home / "sessions").glob(".race.json.*.tmp"))
    assert len(leftovers) == 1  # the save that was cut short, cleared when the session is next opened
    with store.OpenSession("race") as opened:
        assert opened.session.progress["dns"].note == old
    assert not list((wizard_home / "sessions").glob(".race.json.*.tmp"))


HOLDER = textwrap.dedent(
    """
    import time
    from wizard import store
    from wizard.session import Session
    session = Session(name="held", plan_data={})
    store.save(session)
    with store.OpenSession("held"):
        print("holding", flush=True)
        time.sleep(60)
    """
)


def test_second_process_is_refused_and_lock_dies_with_its_holder(wizard_home: Path) -> None:
    env = os.environ | {"SPMAIL_WIZARD_HOME": str(wizard_home), "PYTHONPATH": str(ROOT)}
    holder = subprocess.Popen([sys.executable, "-c", HOLDER], stdout=subprocess.PIPE, env=env, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        before = store.session_path("held").read_bytes()
        with pytest.raises(SessionLockedError) as caught, store.OpenSession("held"):
            pass
        assert str(caught.value) == "session 'held' is open in another spmail-wizard; close it there first"
        assert store.session_path("held").read_bytes() == before
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout:
            holder.stdout.close()
    with store.OpenSession("held") as opened:
        opened.session.set_note("dns", "mine now")
        opened.save()
    assert store.load("held").progress["dns"].note == "mine now"


def test_unique_names(wizard_home: Path) -> None:
    store.save(make_session("mossmail.foo.local"))
    assert store.unique_name("mossmail.foo.local") == "mossmail.foo.local-2"
    assert store.unique_name("my farm/1") == "my-farm-1"
