"""Plan files as text: finding a key's line, and writing a plan back as TOML."""

from __future__ import annotations

import re
from typing import Any

_TABLE_ARRAY = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]")
_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]")
_KEY = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=""")

HEADER = "# spmail-wizard plan: the answers for one farm. Edit, then `spmail-wizard new --plan`.\n"


def locate_key(text: str | None, loc: tuple[int | str, ...]) -> int | None:
    """Return the 1-based line where the key at ``loc`` is set, or its nearest parent.

    ``loc`` is a path such as ``("mail_host",)`` or ``("nodes", 1, "address")``.
    The search is line based: good enough for the plans people write by hand,
    and when it cannot tell it returns the parent's line or None.
    """
    if text is None or not loc:
        return None
    lines = text.splitlines()
    top, array_index, rest = loc[0], None, loc[1:]
    if rest and isinstance(rest[0], int):
        array_index, rest = rest[0], rest[1:]
    section: str | None = None
    count: dict[str, int] = {}
    header_line: int | None = None
    top_key_line: int | None = None
    for number, line in enumerate(lines, start=1):
        if match := _TABLE_ARRAY.match(line):
            section = match.group(1)
            count[section] = count.get(section, -1) + 1
            if section == top and count[section] == array_index:
                header_line = number
                if not rest:
                    return number
            continue
        if match := _TABLE.match(line):
            section = match.group(1)
            if section == top and array_index is None:
                header_line = number
                if not rest:
                    return number
            continue
        key_match = _KEY.match(line)
        if not key_match:
            continue
        key = next(group for group in key_match.groups() if group is not None)
        if section is None and key == top:
            top_key_line = number
        elif (
            section == top
            and (array_index is None or count.get(section) == array_index)
            and rest
            and key == rest[0]
        ):
            return number
    return header_line or top_key_line


def dump_plan(data: dict[str, Any]) -> str:
    """The plan data as a TOML file, top-level keys first, then each node."""
    import tomli_w  # only writing needs it; every command reads plans

    top = {key: value for key, value in data.items() if key != "nodes"}
    text = HEADER + tomli_w.dumps(top)
    for node in data.get("nodes", []):
        text += "\n[[nodes]]\n" + tomli_w.dumps(node)
    return text
