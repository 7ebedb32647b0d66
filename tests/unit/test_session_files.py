"""Session files, locks, the home folder and exports when the file system is hostile or full.

A planted link is refused and what it points to is left alone; a lock or home
that cannot be used is one line naming its path; a full disk still shows the
run; an export is written whole or not at all, with names every file system
takes, and nothing it makes is writable by others whatever the umask.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.farm.fixtures import FarmFactory
from wizard import store
from wizard.cli import run
from wizard.errors import StoreError
from wizard.exportnames import MAX_STEM
from wizard.plan.model import Plan, load_plan_file, parse_plan
from wizard.runbook.writer import render_probe_kit, write_export
from wizard.session import Session

DATA = Path(__file__).parent.parent / "data"
AS_ROOT = os.geteuid() == 0


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def plan_data() -> dict[str, Any]:
    data = load_plan_file(DATA / "nlb.toml").to_data()
    data.pop("schema")
    return data


@pytest.fixture
def deny(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path, int], None]]:
    """Take every permission on a folder away: by its mode, and, for root whom modes do not stop,
    by refusing the calls that reach into it, as the kernel would for anyone else."""
    denied: list[tuple[Path, int]] = []

    def refused(path: object) -> OSError | None:
        text = os.fsdecode(path) if isinstance(path, str | bytes | os.PathLike) else ""
        for folder, code in denied:
            if text == str(folder) or text.startswith(f"{folder}{os.sep}"):
                return OSError(code, os.strerror(code), text)
        return None

    def guard(name: str, inside_only: bool) -> None:
        original = getattr(os, name)

        def call(path: Any, *args: Any, **kwargs: Any) -> Any:
            error = refused(path)
            if error is not None and not (inside_only and any(str(path) == str(f) for f, _ in denied)):
                raise error
            return original(path, *args, **kwargs)

        monkeypatch.setattr(os, name, call)

    if AS_ROOT:
        guard("scandir", inside_only=False)
        guard("open", inside_only=True)
        guard("lstat", inside_only=True)
        guard("mkdir", inside_only=True)

    def take(folder: Path, code: int = errno.EACCES) -> None:
        denied.append((folder, code))
        folder.chmod(0)

    yield take
    for folder, _ in denied:
        folder.chmod(0o700)


# A session that is a symbolic link ---------------------------------------------


def test_a_session_that_is_a_link_is_refused_and_what_it_points_to_is_untouched(
    tmp_path: Path, wizard_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store.save(Session(name="real", plan_data=plan_data()))
    outside = tmp_path / "outside"
    outside.mkdir()
    outside.chmod(0o755)
    target = outside / "victim.json"
    target.write_bytes(store.session_path("real").read_bytes())
    before = target.read_bytes()
    store.session_path("planted").symlink_to(target)

    with pytest.raises(StoreError, match="is a symbolic link"):
        store.save(Session(name="planted", plan_data=plan_data()))
    with pytest.raises(StoreError, match="is a symbolic link"), store.OpenSession("planted"):
        pass
    assert run(["check", "--session", "planted"]) == 2
    assert "planted.json: refused: is a symbolic link" in one_line(capsys)
    assert run(["export", "--session", "planted", "--format", "md"]) == 2
    assert "is a symbolic link" in one_line(capsys)

    assert target.read_bytes() == before
    assert stat.S_IMODE(outside.stat().st_mode) == 0o755
    assert store.session_path("planted").is_symlink()
    assert [info.error != "" for info in store.list_sessions(_checklist())] == [False, True]


def _checklist() -> Any:
    from wizard.checklist.loader import load_default

    return load_default()


# Locks and the home folder -------------------------------------------------------


@pytest.mark.parametrize(
    ("plant", "reason"),
    [
        (lambda lock: lock.mkdir(), "Is a directory"),
        (lambda lock: lock.symlink_to(lock.name), "Too many levels of symbolic links"),
    ],
    ids=["folder", "link-loop"],
)
def test_an_unusable_lock_file_is_one_line_naming_it(
    plant: Callable[[Path], None], reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store.save(Session(name="held", plan_data=plan_data()))
    lock = store.session_path("held").with_suffix(".lock")
    plant(lock)
    assert run(["check", "--session", "held"]) == 2
    line = one_line(capsys)
    assert f"{lock}: cannot lock the session: {reason}" in line


def test_a_read_only_home_is_one_line_naming_it(
    wizard_home: Path, deny: Callable[[Path, int], None], capsys: pytest.CaptureFixture[str]
) -> None:
    wizard_home.mkdir()
    deny(wizard_home, errno.EROFS)
    with pytest.raises(StoreError, match=f"{wizard_home}.*: Read-only file system"):
        store.save(Session(name="new", plan_data=plan_data()))
    assert run(["check", "--session", "new"]) == 2
    assert str(wizard_home) in one_line(capsys)


def test_a_sessions_folder_of_another_user_is_one_line(
    wizard_home: Path, deny: Callable[[Path, int], None], capsys: pytest.CaptureFixture[str]
) -> None:
    store.save(Session(name="theirs", plan_data=plan_data()))
    folder = store.sessions_dir()
    deny(folder, errno.EACCES)
    for args in (
        ["sessions"],
        ["export", "--session", "theirs", "--format", "md"],
        ["check", "--session", "theirs"],
    ):
        assert run(args) == 2, args
        line = one_line(capsys)
        assert f"{folder}: cannot read the sessions folder: Permission denied" in line, args
    assert capsys.readouterr().out == ""  # not "No saved sessions"


# A full disk ---------------------------------------------------------------------


def test_a_full_disk_shows_the_run_before_saying_it_was_not_kept(
    farm: FarmFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    running = farm("complete", nodes=2)
    data = running.plan_data
    data.pop("schema")
    store.save(Session(name="full", plan_data=data))
    before = store.session_path("full").read_bytes()

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store, "write_atomic", no_space)
    assert run(["check", "--session", "full", "--step", "fqdn", "--timeout", "10"]) == 2
    out, err = capsys.readouterr()
    assert "PASS  wfe1.foo.local" in out and "PASS  wfe2.foo.local" in out
    assert err.strip().splitlines() == [
        f"spmail-wizard: {store.session_path('full')}: cannot save: No space left on device"
    ]
    assert store.session_path("full").read_bytes() == before


# Exports ------------------------------------------------------------------------------


def long_name_plan() -> Plan:
    label = "n" * 60
    data = plan_data()
    # The longest names a plan takes: 253 characters, alike up to the last label.
    for index, node in enumerate(data["nodes"]):
        node["name"] = f"{label}.{label}.{label}.{label[:59]}{index}.foo.local"
        assert len(node["name"]) == 253
    return parse_plan(data)


@pytest.mark.parametrize("fmt", ["ps1", "probe"])
def test_every_valid_node_name_gives_file_names_every_file_system_takes(fmt: str, tmp_path: Path) -> None:
    plan = long_name_plan()
    written = write_export(fmt, plan, _checklist(), None, tmp_path / fmt)
    names = [path.name for path in written]
    assert len(set(names)) == len(names)
    for name in names:
        stem = name.removesuffix(".ps1")
        assert len(stem) <= MAX_STEM + 2
        # What the kit's script writes beside itself, and an atomic write's temporary name.
        assert len(f"{stem}-results-20261203-101500.json") <= 255
        assert len(f".{name}.abcdefgh.tmp") <= 255
    if fmt == "probe":
        texts = "".join(path.read_text(encoding="utf-8-sig") for path in written)
        assert all(node.name in texts for node in plan.nodes)  # each script still names its node whole


def test_a_failed_export_leaves_nothing_half_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = parse_plan({"schema": 1, **plan_data()})
    made = []
    real = tempfile.mkstemp

    def fill_up(*args: Any, **kwargs: Any) -> tuple[int, str]:
        made.append(1)
        if len(made) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "probe-node-wfe1.foo.local.ps1")
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", fill_up)
    fresh = tmp_path / "kit"
    with pytest.raises(StoreError, match="No space left on device; nothing was written"):
        write_export("probe", plan, _checklist(), None, fresh)
    assert not fresh.exists()

    kept = tmp_path / "kept"
    monkeypatch.setattr(tempfile, "mkstemp", real)
    first = write_export("probe", plan, _checklist(), None, kept)
    (kept / "probe-exchange-1-results-20261203-101500.json").write_text("{}")
    before = {path.name: path.read_bytes() for path in kept.iterdir()}
    made.clear()
    monkeypatch.setattr(tempfile, "mkstemp", fill_up)
    with pytest.raises(StoreError):
        write_export("probe", plan, _checklist(), None, kept)
    assert {path.name: path.read_bytes() for path in kept.iterdir()} == before
    assert sorted(path.name for path in first) == sorted(render_probe_kit(plan, _checklist()))


def test_exports_are_never_writable_by_others_whatever_the_umask(tmp_path: Path) -> None:
    plan = parse_plan({"schema": 1, **plan_data()})
    old = os.umask(0)
    try:
        kit = write_export("probe", plan, _checklist(), None, tmp_path / "deep" / "kit")
        scripts = write_export("ps1", plan, _checklist(), None, tmp_path / "scripts")
        runbook = write_export("md", plan, _checklist(), None, tmp_path / "new" / "runbook.md")
    finally:
        os.umask(old)
    # The kit gathers the results files, transcripts and all: private, like sessions.
    assert stat.S_IMODE(kit[0].parent.stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in kit} == {0o600}
    for path in [*scripts, *runbook, scripts[0].parent, runbook[0].parent, tmp_path / "deep"]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o022 == 0, path
