"""Reading and writing files safely: bounded reads that never block, atomic writes that never replace a device.

Every file the wizard reads (plans, sessions) comes through :func:`read_bounded`,
and every file it writes (sessions, exports) through :func:`write_atomic`.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path


class RefusedFile(Exception):
    """A file that is not read or written, with the reason as one line (no path)."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bounded(path: Path, limit: int) -> bytes:
    """The whole content of a regular file of at most ``limit`` bytes.

    The file is opened without blocking (a FIFO with no writer, a device) and
    checked before anything is read, so a special or huge file is refused at once.

    Raises:
        FileNotFoundError: there is no such file.
        RefusedFile: a folder, FIFO, device or socket, or larger than ``limit``.
        OSError: the file cannot be opened or read.
    """
    flags = (
        os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    )
    try:
        fd = os.open(path, flags)
    except IsADirectoryError:
        raise RefusedFile("is a folder, not a file") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(f"is {_kind(info.st_mode)}, not a file")
        if info.st_size > limit:
            raise RefusedFile(f"is {info.st_size:,} bytes, over the limit of {limit:,}")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise RefusedFile(f"grew over the limit of {limit:,} bytes while being read")
        return b"".join(chunks)
    finally:
        os.close(fd)


def ensure_private_dir(folder: Path) -> None:
    """Create a folder readable by the user alone (0700), and tighten it if it exists."""
    ensure_dir(folder, private=True)


def ensure_dir(folder: Path, *, private: bool) -> None:
    """Create a folder for written files: private (0700, tightened if it exists), or 0755.

    Folders made here are never writable by others, whatever the umask (under
    umask 000 ``mkdir`` alone makes them 0777); an existing shared folder (the
    working folder) is left as its owner set it.
    """
    missing = [parent for parent in (folder, *folder.parents) if not os.path.lexists(parent)]
    folder.mkdir(parents=True, exist_ok=True, mode=0o700 if private else 0o755)
    for made in missing:
        with contextlib.suppress(OSError):
            made.chmod(0o755)
    if private or folder in missing:
        with contextlib.suppress(OSError):
            folder.chmod(0o700 if private else 0o755)


def _write_into(path: Path, payload: bytes, mode: int) -> None:
    """Write into an existing character device or FIFO, which a rename would replace."""
    if stat.S_ISFIFO(mode):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            raise RefusedFile("is a named pipe (FIFO) that nothing reads; refused") from None
        os.set_blocking(fd, True)
    else:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "wb") as handle:
        handle.write(payload)


def write_atomic(
    path: Path,
    payload: bytes,
    *,
    private: bool = True,
    verify: Callable[[Path], None] | None = None,
    follow_symlinks: bool = True,
) -> None:
    """Write a file atomically: temporary file, fsync, check, rename, fsync the folder.

    A reader, or a crash at any instant, sees the old file or the new one,
    never a mix; a temporary file left by a crash is named ``.NAME.*.tmp``.
    An existing path that is not a regular file is never replaced: a
    character device or a FIFO someone reads is written into (``-o /dev/null``),
    anything else is refused. A symbolic link is followed to its file, unless
    ``follow_symlinks`` is false: then it is refused, and neither it nor what
    it points to is touched.

    Args:
        path: the file to write.
        payload: its whole new content.
        private: readable by the user alone (0600, in a 0700 folder); else 0644 like any document.
        verify: called with the complete temporary file before the rename; raising stops the write.
        follow_symlinks: write through a symbolic link at ``path`` (an export's ``-o link``).

    Raises:
        RefusedFile: the path is a folder, block device or socket, or a FIFO nobody reads,
            or a symbolic link not to be followed.
        OSError: the file cannot be written.
    """
    if path.is_symlink():
        if not follow_symlinks:
            raise RefusedFile("is a symbolic link; refused, and neither it nor what it points to was changed")
        path = path.resolve()
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
            _write_into(path, payload, mode)
            return
        raise RefusedFile(f"is {_kind(mode)}; give a file name")
    ensure_dir(path.parent, private=private)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if not private:
            # mkstemp creates 0600; an exported runbook is meant to be shared.
            os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if verify is not None:
            verify(Path(temp_name))
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


def write_folder_atomic(folder: Path, files: dict[str, bytes], *, private: bool = False) -> list[Path]:
    """Write every file of an export into ``folder``, all of them or none.

    Each file is first written in full as a temporary file beside its final
    name; only when every one is complete are they renamed into place. A
    failure on the way (a full disk, a name the file system refuses) removes
    the temporary files, and the folder too if this call made it, so a failed
    export leaves nothing half written. Other files in the folder (results
    gathered in a probe kit) are left alone.

    Raises:
        RefusedFile: the folder is a file, or one of the names is a folder or special file.
        OSError: a file cannot be written; nothing was replaced.
    """
    if folder.exists() and not folder.is_dir():
        raise RefusedFile("is a file; this export writes its files into a folder")
    finals = [folder / name for name in files]
    for final in finals:
        if final.is_symlink() or (final.exists() and not final.is_file()):
            raise RefusedFile(f"{final.name} in it is not a regular file; refused, nothing was written")
    made = not folder.exists()
    ensure_dir(folder, private=private)
    temps: list[tuple[str, Path]] = []
    try:
        for final, payload in zip(finals, files.values(), strict=True):
            fd, temp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=folder)
            temps.append((temp_name, final))
            os.fchmod(fd, 0o600 if private else 0o644)
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
        for temp_name, final in temps:
            os.replace(temp_name, final)
    except BaseException:
        for temp_name, _final in temps:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
        if made:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    return finals


def stale_temporaries(path: Path) -> list[Path]:
    """Temporary files a crashed :func:`write_atomic` of ``path`` left behind."""
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


def write_text_atomic(path: Path, text: str) -> None:
    """Write an exported document atomically (readable by others, like any document).

    Raises:
        StoreError: one line naming the path and why it cannot be written.
    """
    from wizard.errors import StoreError

    try:
        write_atomic(path, text.encode("utf-8"), private=False)
    except RefusedFile as exc:
        raise StoreError(f"{path}: {exc}") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot write: {exc.strerror or exc}") from None
