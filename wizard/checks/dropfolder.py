"""Reading the nodes' Drop folders from this machine: where a Windows path lives here, and finding a message."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from wizard.plan.model import Node
from wizard.record import record

UNC_ROOT_VARIABLE = "SPMAIL_WIZARD_UNC_ROOT"
"""Outside Windows, the folder under which ``\\\\server\\share\\...`` is mounted as ``server/share/...``."""
HEAD_BYTES = 65536
"""How much of each .eml is read to find the Message-ID; IIS writes the headers first."""


def local_path(drop_folder: str) -> Path | None:
    """Where a node's Drop folder can be read on this machine, or None.

    On Windows the path is used as written. Elsewhere an absolute local path
    (where the share is mounted) is used as written, and a UNC path is looked
    up under the folder named by ``SPMAIL_WIZARD_UNC_ROOT`` (where the shares
    are mounted, one folder per server, then per share); a drive path cannot
    be reached from another machine.
    """
    if sys.platform == "win32" or drop_folder.startswith("/"):
        return Path(drop_folder)
    root = os.environ.get(UNC_ROOT_VARIABLE)
    if not root or not drop_folder.startswith("\\\\"):
        return None
    parts = [part for part in drop_folder[2:].split("\\") if part]
    return Path(root, *parts)


@record
class DropWatch:
    """A node's Drop folder as this machine reads it, with the files present before the test."""

    node: Node
    folder: Path
    before: frozenset[str]


def readable_folders(nodes: list[Node]) -> tuple[list[DropWatch], list[str]]:
    """The Drop folders that can be read from here, and why the others cannot (one line per node)."""
    watches: list[DropWatch] = []
    unreadable: list[str] = []
    for node in nodes:
        if not node.drop_folder:
            unreadable.append(f"{node.name}: no drop_folder in the plan")
            continue
        folder = local_path(node.drop_folder)
        if folder is None:
            unreadable.append(f"{node.name}: {node.drop_folder} cannot be reached from this machine")
            continue
        try:
            names = frozenset(entry.name for entry in os.scandir(folder))
        except OSError as exc:
            unreadable.append(f"{node.name}: {node.drop_folder} is not readable ({exc.strerror or exc})")
            continue
        watches.append(DropWatch(node, folder, names))
    return watches, unreadable


def find_message(watch: DropWatch, message_id: str, looked_at: set[Path]) -> Path | None:
    """The new .eml file in the folder that carries ``message_id``, if it has arrived."""
    needle = message_id.encode("ascii")
    try:
        entries = list(os.scandir(watch.folder))
    except OSError:
        return None
    for entry in entries:
        path = Path(entry.path)
        if entry.name in watch.before or path in looked_at or not entry.name.lower().endswith(".eml"):
            continue
        try:
            with path.open("rb") as handle:
                head = handle.read(HEAD_BYTES)
        except OSError:
            continue  # still being written, or already picked up; look again next time
        if needle in head:
            return path
        if b"\r\n\r\n" in head or len(head) >= HEAD_BYTES:
            looked_at.add(path)
    return None
