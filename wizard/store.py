"""Saved sessions: versioned JSON files written atomically, one lock per open session."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import filelock
import platformdirs

from wizard import validate
from wizard.errors import SessionLockedError, StoreError
from wizard.model import Checklist
from wizard.session import Session, StepProgress

FORMAT = "spmail-wizard-session"
"""Marker that tells our files from anything else named *.json."""
SCHEMA_VERSION = 2
"""Version of the session file layout; older files are migrated on load."""
HOME_ENV = "SPMAIL_WIZARD_HOME"
MAX_SESSION_BYTES = 8 * 1024 * 1024
"""A session with every transcript is a few hundred KiB; anything huge is not ours."""


def home_dir() -> Path:
    """The wizard's data folder: ``$SPMAIL_WIZARD_HOME`` or the platform's user data folder."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("spmail-wizard", appauthor=False))


def sessions_dir(home: Path | None = None) -> Path:
    """The folder that holds the session files."""
    return (home or home_dir()) / "sessions"


def session_path(name: str, home: Path | None = None) -> Path:
    """The file of the named session."""
    return sessions_dir(home) / f"{validate.session_name(name)}.json"


def _ensure_dir(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):
        folder.chmod(0o700)


def to_json(session: Session) -> dict[str, Any]:
    """The session as the data of its file."""
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "name": session.name,
        "checklist": {"id": session.checklist_id, "version": session.checklist_version},
        "current_step": session.current_step,
        "created_at": session.created_at.isoformat(),
        "updated_at": session.updated_at.isoformat(),
        "plan": session.plan_data,
        "progress": {step: entry.to_json() for step, entry in session.progress.items()},
    }


def from_json(data: Any) -> Session:
    """Rebuild a session from its file's data (already migrated).

    Raises:
        KeyError, TypeError, ValueError: the data is not a well-formed session.
    """
    if not isinstance(data, dict):
        raise TypeError("the file does not hold a JSON object")
    checklist = data["checklist"]
    plan = data["plan"]
    progress = data["progress"]
    if not isinstance(plan, dict) or not isinstance(progress, dict) or not isinstance(checklist, dict):
        raise TypeError("plan, progress and checklist must be objects")
    name = validate.session_name(data["name"])
    current = data["current_step"]
    if not isinstance(current, str):
        raise TypeError("current_step must be text")
    created = datetime.fromisoformat(data["created_at"])
    updated = datetime.fromisoformat(data["updated_at"])
    return Session(
        name=name,
        plan_data=plan,
        checklist_id=str(checklist["id"]),
        checklist_version=int(checklist["version"]),
        current_step=current,
        progress={str(step): StepProgress.from_json(entry) for step, entry in progress.items()},
        created_at=created,
        updated_at=updated,
    )


def _results_observed_at(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 called a result's time ``checked_at``; the contract calls it ``observed_at``."""
    progress = data.get("progress")
    for entry in progress.values() if isinstance(progress, dict) else ():
        results = entry.get("results") if isinstance(entry, dict) else None
        for result in results if isinstance(results, list) else ():
            if isinstance(result, dict) and "checked_at" in result:
                result["observed_at"] = result.pop("checked_at")
    return data | {"schema_version": 2}


# Migrations: _MIGRATIONS[n] turns a version-n document into version n+1.
_MIGRATIONS: dict[int, Any] = {1: _results_observed_at}


def _migrate(data: dict[str, Any], path: Path) -> dict[str, Any]:
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise StoreError(f"{path}: refused: no valid schema_version; the file was left as it is")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: refused: written by a newer spmail-wizard (session schema {version}, "
            f"this one reads up to {SCHEMA_VERSION}); the file was left as it is"
        )
    while version < SCHEMA_VERSION:
        data = _MIGRATIONS[version](data)
        version += 1
    return data


def read_file(path: Path) -> Session:
    """Load a session file, refusing anything that is not a whole, current session.

    The file is only ever read here; a refused file stays byte for byte as it was.

    Raises:
        StoreError: one line naming the file and what is wrong with it.
    """
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_SESSION_BYTES + 1)
    except FileNotFoundError:
        raise StoreError(f"{path}: no such session") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_SESSION_BYTES:
        raise StoreError(f"{path}: refused: larger than any session file; the file was left as it is")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise StoreError(
            f"{path}: refused: not a complete session file (corrupt or truncated); the file was left as it is"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StoreError(f"{path}: refused: not an spmail-wizard session file; the file was left as it is")
    data = _migrate(data, path)
    try:
        session = from_json(data)
    except (KeyError, TypeError, ValueError) as exc:
        detail = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise StoreError(f"{path}: refused: damaged session ({detail}); the file was left as it is") from None
    # A session is its file: a copy (`cp prod.json backup.json`) is the session
    # "backup", saved back to backup.json, never over the file it was copied from.
    try:
        session.name = validate.session_name(path.stem)
    except ValueError as exc:
        raise StoreError(f"{path}: refused: the file name is not a session name ({exc})") from None
    return session


def write_bytes_atomic(path: Path, payload: bytes, *, private: bool = True) -> None:
    """Write a file atomically: temporary file, fsync, rename, fsync the folder.

    A reader, or a crash at any instant, sees the old file or the new one, never a mix.

    Args:
        path: the file to write.
        payload: its whole new content.
        private: keep the file readable by the user alone (0600).
    """
    if private:
        _ensure_dir(path.parent)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if not private:
            # mkstemp creates 0600; an exported runbook is meant to be shared.
            os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_text_atomic(path: Path, text: str) -> None:
    """Write an exported text file atomically (readable by others, like any document)."""
    try:
        write_bytes_atomic(path, text.encode("utf-8"), private=False)
    except OSError as exc:
        raise StoreError(f"{path}: cannot write: {exc.strerror or exc}") from None


def write_file(session: Session, path: Path) -> None:
    """Write a session file atomically, readable by the user alone."""
    payload = json.dumps(to_json(session), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    write_bytes_atomic(path, payload)


def save(session: Session, home: Path | None = None) -> Path:
    """Save a session under its name; returns the file written."""
    path = session_path(session.name, home)
    try:
        write_file(session, path)
    except OSError as exc:
        raise StoreError(f"{path}: cannot save: {exc.strerror or exc}") from None
    return path


def load(name: str, home: Path | None = None) -> Session:
    """Load the named session.

    Raises:
        StoreError: no such session, or its file is refused.
    """
    try:
        path = session_path(name, home)
    except ValueError as exc:
        raise StoreError(f"session name {exc}") from None
    if not path.exists():
        raise StoreError(f"no saved session named {name!r} (see `spmail-wizard sessions`)")
    return read_file(path)


def exists(name: str, home: Path | None = None) -> bool:
    """True when a session file of that name exists."""
    return session_path(name, home).exists()


def unique_name(base: str, home: Path | None = None) -> str:
    """A session name built from ``base`` that no saved session uses yet."""
    cleaned = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in base).strip("-._")
    cleaned = (cleaned or "session")[:56]
    candidate, counter = cleaned, 2
    while exists(candidate, home):
        candidate = f"{cleaned}-{counter}"
        counter += 1
    return candidate


@contextlib.contextmanager
def lock(name: str, home: Path | None = None) -> Iterator[None]:
    """Hold the named session for this process.

    The lock is an OS file lock, so it disappears with the process even after
    a kill; a second process asking for it is refused at once.

    Raises:
        SessionLockedError: another process has the session open.
    """
    path = session_path(name, home)
    _ensure_dir(path.parent)
    lock_file = filelock.FileLock(str(path.with_suffix(".lock")), timeout=0)
    try:
        lock_file.acquire()
    except filelock.Timeout:
        raise SessionLockedError(
            f"session {name!r} is open in another spmail-wizard; close it there first"
        ) from None
    try:
        yield
    finally:
        lock_file.release()


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A line of the session list."""

    name: str
    path: Path
    mode: str = ""
    mail_host: str = ""
    settled: int = 0
    total: int = 0
    current_step: str = ""
    updated_at: datetime | None = None
    error: str = ""
    """Why the file was refused; empty for a good session."""

    def cells(self) -> tuple[str, str, str, str, str, str]:
        """The line as people read it: name, mode, mail host, progress, step, last change (local time)."""
        if self.error:
            return (self.name, "-", "-", "refused", "-", "-")
        changed = self.updated_at.astimezone().strftime("%Y-%m-%d %H:%M") if self.updated_at else ""
        return (
            self.name,
            self.mode,
            self.mail_host or "(not set)",
            f"{self.settled}/{self.total}",
            self.current_step,
            changed,
        )

    def to_json(self) -> dict[str, Any]:
        """The line as JSON data."""
        return {
            "name": self.name,
            "path": str(self.path),
            "mode": self.mode,
            "mail_host": self.mail_host,
            "progress": {"settled": self.settled, "total": self.total},
            "current_step": self.current_step,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "error": self.error or None,
        }


def list_sessions(checklist: Checklist, home: Path | None = None) -> list[SessionInfo]:
    """Every session file, newest change first; refused files are listed with the reason."""
    folder = sessions_dir(home)
    if not folder.is_dir():
        return []
    infos: list[SessionInfo] = []
    for path in sorted(folder.glob("*.json")):
        try:
            session = read_file(path)
        except StoreError as exc:
            infos.append(SessionInfo(name=path.stem, path=path, error=str(exc)))
            continue
        settled, total = session.counts(checklist)
        infos.append(
            SessionInfo(
                name=session.name,
                path=path,
                mode=session.mode,
                mail_host=session.mail_host,
                settled=settled,
                total=total,
                current_step=session.current_step,
                updated_at=session.updated_at,
            )
        )
    infos.sort(key=lambda info: info.updated_at.timestamp() if info.updated_at else 0, reverse=True)
    return infos


class OpenSession:
    """A session held open by one front end or command: the one owner of its saving.

    Used as a ``with`` block: entering takes the session's lock, clears temporary
    files left by a crashed save, then loads the session, so what is read is
    what no other process can change until the block ends.

    Raises (on entering):
        SessionLockedError: another process has the session open.
        StoreError: no such session, or its file is refused.
    """

    def __init__(self, name: str, home: Path | None = None):
        try:
            self.path = session_path(name, home)
        except ValueError as exc:
            raise StoreError(f"session name {exc}") from None
        self.name = name
        self.home = home
        self._lock = lock(name, home)
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        """The loaded session (only inside the ``with`` block)."""
        if self._session is None:
            raise RuntimeError("the session is not open")
        return self._session

    def __enter__(self) -> OpenSession:
        self._lock.__enter__()
        try:
            # A save cut short by a crash leaves its temporary file; with the lock
            # held, no save of this session can be under way, so they are stale.
            for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
                with contextlib.suppress(OSError):
                    stale.unlink()
            self._session = load(self.name, self.home)
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._lock.__exit__(None, None, None)

    def save(self) -> Path:
        """Save the session now."""
        return save(self.session, self.home)
