"""The shipped checklist's parsed copy: read back while the file is unchanged, never stale, never
in the way when it cannot be written or is damaged."""

from __future__ import annotations

import marshal
import sys
import tomllib
from pathlib import Path

import pytest

from wizard import tomlcache
from wizard.checklist.loader import DEFAULT_CHECKLIST, checklist_dir, load_checklist


@pytest.fixture(autouse=True)
def _writes_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    # The suite may run with PYTHONDONTWRITEBYTECODE; these tests are about writing the copy.
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


def _shipped_copy(tmp_path: Path) -> Path:
    path = tmp_path / DEFAULT_CHECKLIST
    path.write_bytes((checklist_dir() / DEFAULT_CHECKLIST).read_bytes())
    return path


def test_a_second_load_reads_the_kept_copy_instead_of_parsing(tmp_path: Path) -> None:
    path = tmp_path / "facts.toml"
    path.write_text('answer = "parsed"\n', encoding="utf-8")
    assert tomlcache.load(path) == {"answer": "parsed"}
    copy = tomlcache.cache_path(path)
    assert copy.parent.name == "__pycache__"
    # A copy made from the same text is trusted as it stands: what it holds is what is read.
    copy.write_bytes(marshal.dumps((path.read_bytes(), {"answer": "from the copy"})))
    assert tomlcache.load(path) == {"answer": "from the copy"}


def test_an_edited_file_is_parsed_again_never_read_stale(tmp_path: Path) -> None:
    path = tmp_path / "facts.toml"
    path.write_text("steps = 1\n", encoding="utf-8")
    assert tomlcache.load(path) == {"steps": 1}
    path.write_text("steps = 2\n", encoding="utf-8")
    assert tomlcache.load(path) == {"steps": 2}
    assert tomlcache.load(path) == {"steps": 2}


def test_a_damaged_copy_is_parsed_past_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "facts.toml"
    path.write_text("steps = 3\n", encoding="utf-8")
    tomlcache.load(path)
    copy = tomlcache.cache_path(path)
    for damage in (b"", b"\x00garbage", copy.read_bytes()[:20], marshal.dumps(["not", "a", "pair"])):
        copy.write_bytes(damage)
        assert tomlcache.load(path) == {"steps": 3}
        assert marshal.loads(copy.read_bytes())[1] == {"steps": 3}


def test_nothing_is_written_when_bytecode_writing_is_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    path = tmp_path / "facts.toml"
    path.write_text("steps = 4\n", encoding="utf-8")
    assert tomlcache.load(path) == {"steps": 4}
    assert not (tmp_path / "__pycache__").exists()
    # The benchmark's "as installed" start writes it on purpose, as compileall writes bytecode.
    assert tomlcache.compile_file(path)
    assert tomlcache.cache_path(path).is_file()


def test_a_folder_that_cannot_be_written_only_costs_the_parse(tmp_path: Path) -> None:
    path = tmp_path / "facts.toml"
    path.write_text("steps = 5\n", encoding="utf-8")
    (tmp_path / "__pycache__").write_text("a file where the folder would go", encoding="utf-8")
    assert tomlcache.load(path) == {"steps": 5}
    assert tomlcache.load(path) == {"steps": 5}
    assert sorted(item.name for item in tmp_path.iterdir()) == ["__pycache__", "facts.toml"]


def test_a_value_marshal_cannot_hold_is_parsed_each_time(tmp_path: Path) -> None:
    path = tmp_path / "dates.toml"
    path.write_text("end = 2026-07-14\n", encoding="utf-8")
    expected = tomllib.loads(path.read_text(encoding="utf-8"))
    assert tomlcache.load(path) == expected
    assert not tomlcache.cache_path(path).exists()


def test_the_shipped_checklist_reads_the_same_through_its_copy(tmp_path: Path) -> None:
    path = _shipped_copy(tmp_path)
    parsed = load_checklist(path, templates=False)
    assert not tomlcache.cache_path(path).exists()
    assert load_checklist(path, templates=False, shipped=True) == parsed
    assert tomlcache.cache_path(path).is_file()
    assert load_checklist(path, templates=False, shipped=True) == parsed
    # A checklist a user names is always parsed: a copy beside it is not read.
    tomlcache.cache_path(path).write_bytes(marshal.dumps((path.read_bytes(), {"id": "x"})))
    assert load_checklist(path, templates=False) == parsed
