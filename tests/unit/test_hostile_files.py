"""Damaged, foreign and special files: one line, exit 2, the file left byte for byte, nothing blocks."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from wizard import sessionfile, store
from wizard.checklist.model import Checklist
from wizard.cli import run
from wizard.errors import StoreError
from wizard.results import CheckResult, Status
from wizard.session import Session

DATA = Path(__file__).parent.parent / "data"
ROOT = Path(__file__).parent.parent.parent


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert len(lines[0]) < 400
    return lines[0]


# Plans ---------------------------------------------------------------------------


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


PLANS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "fifo": (lambda d: _fifo(d / "plan.toml"), "is a named pipe (FIFO), not a file"),
    "folder": (lambda d: d, "is a folder, not a file"),
    "device": (lambda d: Path("/dev/zero"), "is a device, not a file"),
    "huge": (
        lambda d: (d / "big.toml", (d / "big.toml").write_bytes(b"#" * (2 << 20)))[0],
        "over the limit",
    ),
    "nested": (
        lambda d: (d / "deep.toml", (d / "deep.toml").write_text("x = " + "[" * 2000 + "]" * 2000))[0],
        "nested too deeply",
    ),
    "empty": (
        lambda d: (d / "empty.toml", (d / "empty.toml").write_text(""))[0],
        "mail_host: is required (and 3 more problems)",
    ),
}


@pytest.mark.parametrize("kind", list(PLANS))
@pytest.mark.parametrize("command", ["check", "export"])
def test_a_hostile_plan_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, command: str
) -> None:
    make, words = PLANS[kind]
    plan = make(tmp_path)
    extra = ["--format", "md"] if command == "export" else []
    assert run([command, str(plan), *extra]) == 2
    line = one_line(capsys)
    assert words in line
    if kind == "fifo":
        assert stat.S_ISFIFO(plan.stat().st_mode)


def test_a_huge_bad_value_is_quoted_short(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (DATA / "single.toml").read_text().replace('"192.0.2.10"', '"' + "1" * 1_000_000 + '"')
    plan = tmp_path / "plan.toml"
    plan.write_text(text)
    assert run(["check", str(plan)]) == 2
    line = one_line(capsys)
    assert "exchange_servers[0]" in line and "(1,000,000 chars)" in line
    assert len(line) < 250


# Sessions ------------------------------------------------------------------------


def _good() -> dict[str, object]:
    plan = {k: v for k, v in json.loads(json.dumps(_plan())).items() if k != "schema"}
    return sessionfile.to_json(Session(name="x", plan_data=plan))


def _plan() -> dict[str, object]:
    from wizard.plan.model import load_plan_file

    return load_plan_file(DATA / "single.toml").to_data()


def _with(**changes: object) -> bytes:
    return json.dumps(_good() | changes).encode()


def _progress(results: object) -> bytes:
    return _with(progress={"dns": {"status": "in_progress", "results": results}})


SESSIONS: dict[str, tuple[bytes | None, str]] = {
    "result-number": (_progress([1]), "a result must be an object"),
    "result-null": (_progress([None]), "a result must be an object"),
    "infinity": (_with().replace(b'"version": 1', b'"version": Infinity'), "Infinity is not a number"),
    "digits": (_with().replace(b'"version": 1', b'"version": ' + b"9" * 5000), "digits"),
    "nested": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "nested-inside": (_with(plan={"x": 1}).replace(b'{"x": 1}', b"[" * 100_000 + b"]" * 100_000), "nested"),
    "version-float": (_with(checklist={"id": "incoming-email", "version": 1e308}), "small whole number"),
    "huge": (b"{" + b" " * (9 << 20) + b"}", "over the limit"),
    "fifo": (None, "is a named pipe (FIFO), not a file"),
    "folder": (None, "is a folder, not a file"),
}


def _place(home: Path, kind: str) -> Path:
    folder = home / "sessions"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}.json"
    payload = SESSIONS[kind][0]
    if payload is not None:
        path.write_bytes(payload)
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    return path


def _fingerprint(path: Path) -> tuple[int, int, bytes]:
    info = path.lstat()
    content = path.read_bytes() if stat.S_ISREG(info.st_mode) else b""
    return info.st_mode, info.st_mtime_ns, content


@pytest.mark.parametrize("kind", list(SESSIONS))
@pytest.mark.parametrize("command", [["check", "--step", "mode"], ["export", "--format", "md"]])
def test_a_damaged_session_is_one_line_and_left_as_it_is(
    wizard_home: Path, capsys: pytest.CaptureFixture[str], kind: str, command: list[str]
) -> None:
    path = _place(wizard_home, kind)
    before = _fingerprint(path)
    assert run([command[0], "--session", kind, *command[1:]]) == 2
    line = one_line(capsys)
    assert SESSIONS[kind][1] in line
    assert str(path) in line
    assert _fingerprint(path) == before


def test_the_list_shows_good_sessions_and_names_each_refused_one(
    wizard_home: Path, checklist: Checklist, capsys: pytest.CaptureFixture[str]
) -> None:
    for kind in SESSIONS:
        _place(wizard_home, kind)
    store.save(Session(name="good", plan_data={k: v for k, v in _plan().items() if k != "schema"}))
    infos = {info.name: info for info in store.list_sessions(checklist)}
    assert infos.pop("good").error == ""
    assert set(infos) == set(SESSIONS)
    for kind, info in infos.items():
        assert SESSIONS[kind][1] in info.error, kind
    assert run(["sessions"]) == 0
    out, err = capsys.readouterr()
    assert "good" in out
    assert len(err.strip().splitlines()) == len(SESSIONS)


# Writing ---------------------------------------------------------------------------


def test_export_into_a_fifo_is_written_into_or_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = _fifo(tmp_path / "out.md")
    assert run(["export", str(DATA / "single.toml"), "--format", "md", "-o", str(fifo)]) == 2
    assert "nothing reads" in one_line(capsys)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    received: list[bytes] = []
    opened = threading.Event()

    def reader() -> None:
        with fifo.open("rb") as handle:
            opened.set()
            received.append(handle.read())

    thread = threading.Thread(target=reader)
    thread.start()
    # The reader's open blocks until the writer opens; retry the export until it finds the reader.
    for _ in range(200):
        if run(["export", str(DATA / "single.toml"), "--format", "md", "-o", str(fifo)]) == 0:
            break
        capsys.readouterr()
    thread.join(timeout=30)
    assert opened.is_set()
    assert received and received[0].startswith(b"# ")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_export_onto_a_device_writes_into_it() -> None:
    assert run(["export", str(DATA / "single.toml"), "--format", "md", "-o", os.devnull]) == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_session_that_would_not_read_back_is_never_written(wizard_home: Path) -> None:
    session = Session(name="keep", plan_data={"mode": "nlb"})
    path = store.save(session)
    before = path.read_bytes()
    session.plan_data["bad"] = float("inf")  # json writes Infinity, which no reader accepts
    with pytest.raises(StoreError, match="not saved: it would not read back"):
        store.save(session)
    assert path.read_bytes() == before
    assert not list(path.parent.glob(".keep.json.*.tmp"))


def test_a_session_over_the_read_limit_is_never_written(
    wizard_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session(name="keep", plan_data={"mode": "nlb"})
    path = store.save(session)
    before = path.read_bytes()
    monkeypatch.setattr(store, "MAX_SESSION_BYTES", len(before) + 10)
    session.set_note("dns", "x" * 100)
    with pytest.raises(StoreError, match="over the"):
        store.save(session)
    assert path.read_bytes() == before
    assert store.load("keep").progress_for("dns").note == ""


def test_a_flooding_server_cannot_fill_the_session(wizard_home: Path) -> None:
    flood = tuple(f"S: 220-{'x' * 200} line {n}" for n in range(45_000))
    session = Session(name="flood", plan_data={"mode": "nlb"})
    session.record_run(
        [CheckResult("mode", "smtp-greeting", "wfe1.foo.local", Status.FAIL, "y" * 50_000, transcript=flood)]
    )
    path = store.save(session)
    assert path.stat().st_size < 32 * 1024
    kept = store.load("flood").progress_for("mode").results[0]
    assert kept.transcript[0] == flood[0] and kept.transcript[-1] == flood[-1]
    marker = next(line for line in kept.transcript if "cut]" in line)
    assert "lines" in marker and "characters cut" in marker
    assert "characters cut]" in kept.summary


CRASH = textwrap.dedent(
    """
    import os
    from wizard import store
    session = store.load("crash")
    session.set_note("dns", "new")
    os.replace = lambda *args: os._exit(9)  # the machine dies once the temporary file is complete
    store.save(session)
    """
)


def test_a_crash_after_the_temporary_file_keeps_the_old_session_and_the_next_open_cleans_up(
    wizard_home: Path,
) -> None:
    session = Session(name="crash", plan_data={"mode": "nlb"})
    session.set_note("dns", "old")
    path = store.save(session)
    env = os.environ | {"SPMAIL_WIZARD_HOME": str(wizard_home), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", CRASH], env=env, timeout=60, check=False)
    assert done.returncode == 9
    leftovers = list(path.parent.glob(".crash.json.*.tmp"))
    assert len(leftovers) == 1 and b'"new"' in leftovers[0].read_bytes()
    assert store.load("crash").progress_for("dns").note == "old"
    with store.OpenSession("crash") as opened:
        assert opened.session.progress_for("dns").note == "old"
        assert not list(path.parent.glob(".crash.json.*.tmp"))


def test_the_lock_file_and_the_folders_are_private(wizard_home: Path) -> None:
    store.save(Session(name="mine", plan_data={}))
    assert stat.S_IMODE(wizard_home.stat().st_mode) == 0o700  # from the first save on
    with store.OpenSession("mine"):
        lock = store.session_path("mine").with_suffix(".lock")
        assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    assert stat.S_IMODE(wizard_home.stat().st_mode) == 0o700
    assert stat.S_IMODE((wizard_home / "sessions").stat().st_mode) == 0o700


def test_a_missing_session_leaves_no_lock_file(wizard_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--session", "nothere"]) == 2
    assert "no saved session named 'nothere'" in one_line(capsys)
    assert not list(wizard_home.rglob("nothere*"))
