"""A shipped TOML file read through a parsed copy kept beside Python's own bytecode.

Parsing the 100 KB checklist in pure Python is a fifth of a headless `check`'s own start-up;
reading back a parsed copy is a hundredth of it. The copy sits in the file's ``__pycache__``
folder, as the package's ``.pyc`` files do, and holds the exact text it was parsed from: it is
used only while the file still says that, so an edited checklist is never read stale. Where
the folder cannot be written (a package installed read-only, ``PYTHONDONTWRITEBYTECODE``), the
file is parsed each time, as before. Only files shipped inside the package come here: a copy
is trusted as the package's bytecode is, and a file a user names is always parsed.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import tomllib
from pathlib import Path
from typing import Any


def cache_path(path: Path) -> Path:
    """Where the parsed copy of ``path`` is kept (one per Python version, as bytecode is)."""
    return path.parent / "__pycache__" / f"{path.name}.{sys.implementation.cache_tag}.marshal"


def load(path: Path) -> dict[str, Any]:
    """``path`` parsed as TOML, from the kept copy when it was made from the same text.

    Raises:
        OSError: the file cannot be read.
        UnicodeDecodeError: it is not UTF-8.
        tomllib.TOMLDecodeError: it is not valid TOML.
    """
    source = path.read_bytes()
    kept = _read_copy(cache_path(path), source)
    if kept is not None:
        return kept
    data = tomllib.loads(source.decode("utf-8"))
    if not sys.dont_write_bytecode:
        store(path, source, data)
    return data


def _read_copy(copy: Path, source: bytes) -> dict[str, Any] | None:
    try:
        kept = marshal.loads(copy.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None  # none yet, or damaged: parsed again and written afresh
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == source and isinstance(kept[1], dict):
        return kept[1]
    return None


def compile_file(path: Path) -> bool:
    """Write the parsed copy of ``path`` now, whatever ``PYTHONDONTWRITEBYTECODE`` says, as
    ``compileall`` writes bytecode; False when it cannot be kept."""
    source = path.read_bytes()
    return store(path, source, tomllib.loads(source.decode("utf-8")))


def store(path: Path, source: bytes, data: dict[str, Any]) -> bool:
    """Keep ``data`` as the parsed copy of ``source``; False when it cannot be kept.

    Written under a temporary name and renamed, so a reader at the same moment sees the old
    copy or the new one, never half of one.
    """
    copy = cache_path(path)
    try:
        payload = marshal.dumps((source, data))
    except ValueError:
        return False  # a value marshal cannot hold (a TOML date): parsed each time
    import threading  # only a write needs it: two threads of one process write under two names

    temporary = copy.with_name(f"{copy.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        copy.parent.mkdir(exist_ok=True)
        temporary.write_bytes(payload)
        os.replace(temporary, copy)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        return False
    return True
