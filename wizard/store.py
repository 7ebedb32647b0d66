"""Saved sessions: versioned JSON files written atomically, one lock per open session."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import filelock

from wizard.atomicfile import RefusedFile, ensure_private_dir, read_bounded, stale_temporaries, write_atomic
from wizard.checklist.model import Checklist
from wizard.datahome import home_dir
from wizard.errors import SessionLockedError, StoreError
from wizard.plan import validate
from wizard.record import record
from wizard.session import Session
from wizard.sessionfile import decode, to_json

MAX_SESSION_BYTES = 8 * 1024 * 1024
"""A session with every transcript is a few hundred KiB; anything huge is not ours."""


def sessions_dir(home: Path | None = None) -> Path:
    """The folder that holds the session files."""
    return (home or home_dir()) / "sessions"


def session_path(name: str, home: Path | None = None) -> Path:
    """The file of the named session."""
    return sessions_dir(home) / f"{validate.session_name(name)}.json"


def read_file(path: Path) -> Session:
    """Load a session file, refusing anything that is not a whole, current session.

    The file is only ever read here; a refused file stays byte for byte as it was.
    The session's name is its file's name, whatever the file says inside.

    Raises:
        StoreError: one line naming the file and what is wrong with it.
    """
    if os.path.islink(path):
        # Written through, a link would let a planted session rewrite any file the user can.
        raise StoreError(
            f"{path}: refused: is a symbolic link; a session is a file of its own, and neither the link "
            "nor what it points to is read or written"
        )
    try:
        raw = read_bounded(path, MAX_SESSION_BYTES)
    except FileNotFoundError:
        raise StoreError(f"{path}: no such session") from None
    except RefusedFile as exc:
        raise StoreError(f"{path}: refused: {exc}; the file was left as it is") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read: {exc.strerror or exc}") from None
    session = decode(raw, path)
    # A session is its file: a copy (`cp prod.json backup.json`) is the session
    # "backup", saved back to backup.json, never over the file it was copied from.
    try:
        session.name = validate.session_name(path.stem)
    except ValueError:
        raise StoreError(
            f"{path}: refused: the file name is not a session name "
            "(letters, digits, '.', '_' and '-'); rename the file"
        ) from None
    return session


def write_file(session: Session, path: Path) -> None:
    """Write a session file atomically, readable by the user alone.

    The complete temporary file is read back as a session before it replaces
    the old one: a file the wizard would refuse to read is never written.

    Raises:
        StoreError: the session would be refused on reading (the old file stays).
        OSError: the file cannot be written.
    """
    payload = json.dumps(to_json(session), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    if len(payload) > MAX_SESSION_BYTES:
        raise StoreError(
            f"{path}: not saved: the session would be {len(payload):,} bytes, over the "
            f"{MAX_SESSION_BYTES:,} a session may hold; the previous save is kept"
        )

    def verify(written: Path) -> None:
        try:
            decode(read_bounded(written, MAX_SESSION_BYTES), path)
        except (StoreError, RefusedFile) as exc:
            raise StoreError(
                f"{path}: not saved: it would not read back ({exc}); the previous save is kept"
            ) from None

    try:
        write_atomic(path, payload, verify=verify, follow_symlinks=False)
    except RefusedFile as exc:
        raise StoreError(f"{path}: not saved: {exc}") from None


def save(session: Session, home: Path | None = None) -> Path:
    """Save a session under its name; returns the file written."""
    path = session_path(session.name, home)
    _usable_dir(path.parent.parent)  # the home folder: 0700, like the sessions in it
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
    if not exists(name, home):
        raise StoreError(f"no saved session named {name!r} (see `spmail-wizard sessions`)")
    return read_file(path)


def exists(name: str, home: Path | None = None) -> bool:
    """True when a session file (or anything else) of that name exists.

    Raises:
        StoreError: the sessions folder cannot be looked into (one line naming it).
    """
    path = session_path(name, home)
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise StoreError(f"{path.parent}: cannot read the sessions folder: {exc.strerror or exc}") from None
    return True


def _usable_dir(folder: Path) -> None:
    """Make the wizard's folder (0700), or say in one line why it cannot be."""
    try:
        ensure_private_dir(folder)
    except OSError as exc:
        raise StoreError(f"{folder}: cannot use this folder for sessions: {exc.strerror or exc}") from None


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
    _usable_dir(path.parent.parent)
    _usable_dir(path.parent)
    lock_path = path.with_suffix(".lock")
    lock_file = filelock.FileLock(str(lock_path), timeout=0, mode=0o600)
    try:
        lock_file.acquire()
    except filelock.Timeout:
        raise SessionLockedError(
            f"session {name!r} is open in another spmail-wizard; close it there first"
        ) from None
    except OSError as exc:  # a folder or a symbolic link loop where the lock file goes, a read-only folder
        raise StoreError(f"{lock_path}: cannot lock the session: {exc.strerror or exc}") from None
    with contextlib.suppress(OSError):
        lock_path.chmod(0o600)  # a lock file made by an older version may be 0644
    try:
        yield
    finally:
        lock_file.release()


def delete(name: str, home: Path | None = None) -> Path:
    """Delete the named session's file (a refused one too), holding its lock while it goes.

    Raises:
        StoreError: no such session, or a bad name.
        SessionLockedError: the session is open in another spmail-wizard.
    """
    try:
        path = session_path(name, home)
    except ValueError as exc:
        raise StoreError(f"session name {exc}") from None
    if not os.path.lexists(path):
        raise StoreError(f"no saved session named {name!r} (see `spmail-wizard sessions`)")
    with lock(name, home):
        try:
            path.unlink()
        except OSError as exc:
            raise StoreError(f"{path}: cannot delete: {exc.strerror or exc}") from None
        for stale in stale_temporaries(path):
            with contextlib.suppress(OSError):
                stale.unlink()
    with contextlib.suppress(OSError):
        path.with_suffix(".lock").unlink()
    return path


@record
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
    rehearsal: bool = False
    """The session of a rehearsal on a practice farm, not of a real farm."""

    def cells(self) -> tuple[str, str, str, str, str, str]:
        """The line as people read it: name, mode, mail host, progress, step, last change (local time)."""
        if self.error:
            return (self.name, "-", "-", "refused", "-", "-")
        changed = self.updated_at.astimezone().strftime("%Y-%m-%d %H:%M") if self.updated_at else ""
        return (
            self.name,
            f"{self.mode} · rehearsal" if self.rehearsal else self.mode,
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
            "rehearsal": self.rehearsal,
        }


def list_sessions(checklist: Checklist, home: Path | None = None) -> list[SessionInfo]:
    """Every session file, newest change first; refused files are listed with the reason."""
    folder = sessions_dir(home)
    try:
        with os.scandir(folder) as entries:
            paths = sorted(
                folder / entry.name
                for entry in entries
                if entry.name.endswith(".json") and not entry.name.startswith(".")
            )
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        # Not "no saved sessions": there may be many, and the operator must know why none show.
        raise StoreError(f"{folder}: cannot read the sessions folder: {exc.strerror or exc}") from None
    infos: list[SessionInfo] = []
    for path in paths:
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
                rehearsal=session.rehearsal is not None,
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
        if not exists(self.name, self.home):
            # Refused before the lock, so no lock file is left for a session that does not exist.
            raise StoreError(f"no saved session named {self.name!r} (see `spmail-wizard sessions`)")
        self._lock.__enter__()
        try:
            # A save cut short by a crash leaves its temporary file; with the lock
            # held, no save of this session can be under way, so they are stale.
            for stale in stale_temporaries(self.path):
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
