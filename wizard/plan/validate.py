"""Field validators shared by the plan model, the TUI's inputs and the prompts.

Each validator takes the text as typed and returns the normalised value, or
raises ``ValueError`` whose message is a reason a user understands. The rules
are deliberately narrow: every value may end up inside a quoted string in a
generated PowerShell script or an HTML page, so a value that passes here
cannot contain a quote, a backtick, a dollar sign (except in a Drop folder's
admin share), a newline or any other character that could leave its quoting.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

from wizard.errors import quote

MAX_NAME_LENGTH = 253
MAX_LABEL_LENGTH = 63
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
_LOCAL_PART = re.compile(r"^[a-z0-9]([a-z0-9._+-]*[a-z0-9_])?$")
_SESSION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# A Windows path: drive or UNC, then folder names. `$` is allowed for admin
# shares (\\wfe1\c$\...); it is inert inside a single-quoted PowerShell string.
_WINDOWS_PATH = re.compile(r"^(?:[A-Za-z]:\\|\\\\[A-Za-z0-9._-]+\\)[A-Za-z0-9 ._$()#@~+\\-]*$")
# Where this machine reads a Drop share that is mounted locally (/mnt/wfe1-drop).
_LOCAL_PATH = re.compile(r"^/[A-Za-z0-9 ._$()#@~+/-]*$")


def hostname(value: str) -> str:
    """A DNS host name: letters, digits and hyphens in dot-separated labels.

    Returns the name in lower case without a trailing dot.
    """
    name = value.strip()
    if not name:
        raise ValueError("a host name is required")
    if name.endswith("."):
        name = name[:-1]
    name = name.lower()
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"is {len(name)} characters long; a DNS name has at most {MAX_NAME_LENGTH}")
    for label in name.split("."):
        if not label:
            raise ValueError(f"{quote(value)} has an empty label (two dots in a row, or a leading dot)")
        if len(label) > MAX_LABEL_LENGTH:
            raise ValueError(
                f"label {label[:20]!r}... is {len(label)} characters; "
                f"each label has at most {MAX_LABEL_LENGTH}"
            )
        if not _LABEL.match(label):
            bad = next((ch for ch in label if not (ch.isascii() and (ch.isalnum() or ch == "-"))), "")
            if bad:
                raise ValueError(
                    f"{quote(value)} contains {bad!r}; a host name holds only letters, digits, hyphens and dots"
                )
            raise ValueError(f"label {quote(label)} starts or ends with a hyphen")
    if name.rsplit(".", 1)[-1].isdigit():
        raise ValueError(f"{quote(value)} looks like an address, not a host name")
    return name


def fqdn(value: str) -> str:
    """A host name with at least two labels (``mossmail.foo.local``)."""
    name = hostname(value)
    if "." not in name:
        raise ValueError(f"{quote(name)} is a single label; give the full name, such as {name}.foo.local")
    return name


def ip_address(value: str) -> str:
    """An IPv4 or IPv6 literal, returned in its canonical form."""
    text = value.strip()
    if not text:
        raise ValueError("an address is required")
    if "%" in text:
        raise ValueError(f"{quote(text)} has a zone index; give the address without %...")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise ValueError(f"{quote(text)} is not an IPv4 or IPv6 address") from None


def port(value: int | str) -> int:
    """A TCP or UDP port number."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{quote(value)} is not a port number") from None
    if not 1 <= number <= 65535:
        raise ValueError(f"{number} is outside the port range 1-65535")
    return number


def hours(value: int | str) -> int:
    """A number of hours from 1 to a year (the proof age limit)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{quote(value)} is not a whole number of hours") from None
    if not 1 <= number <= 24 * 366:
        raise ValueError(f"{number} is outside the range 1-{24 * 366} hours")
    return number


def parse_dns_server(value: str) -> tuple[str, int]:
    """Split ``addr``, ``addr:port`` or ``[v6addr]:port`` into address and port."""
    text = value.strip()
    if text.startswith("["):
        addr, sep, rest = text[1:].partition("]")
        if not sep:
            raise ValueError(f"{quote(text)} opens '[' without closing it")
        if rest and not rest.startswith(":"):
            raise ValueError(f"{quote(text)}: expected ':port' after ']'")
        return ip_address(addr), port(rest[1:]) if rest else 53
    if text.count(":") == 1:
        addr, _, port_text = text.partition(":")
        return ip_address(addr), port(port_text)
    return ip_address(text), 53


def dns_server(value: str) -> str:
    """A DNS server as ``addr`` or ``addr:port``, normalised."""
    addr, number = parse_dns_server(value)
    if number == 53:
        return addr
    return f"[{addr}]:{number}" if ":" in addr else f"{addr}:{number}"


def host_or_address(value: str) -> str:
    """A host name or an IP literal."""
    text = value.strip()
    try:
        return ip_address(text)
    except ValueError:
        pass
    try:
        return hostname(text)
    except ValueError as exc:
        raise ValueError(f"is neither an address nor a host name ({exc})") from None


def mail_address(value: str) -> str:
    """An e-mail address whose local part is plain (letters, digits, ``._+-``)."""
    text = value.strip().lower()
    local, sep, domain = text.partition("@")
    if not sep or not local or not domain:
        raise ValueError(f"{quote(value)} is not an e-mail address (local@domain)")
    if len(local) > 64 or not _LOCAL_PART.match(local):
        raise ValueError(f"local part {quote(local)} may hold only letters, digits and . _ + - (at most 64)")
    return f"{local}@{hostname(domain)}"


def windows_path(value: str) -> str:
    """A Drop folder path: ``C:\\...``, ``\\\\server\\share\\...``, or an absolute local path where the share is mounted."""
    text = value.strip()
    if not text:
        raise ValueError("a folder path is required")
    if len(text) > 240:
        raise ValueError("is longer than 240 characters")
    local = text.startswith("/")
    if not (_LOCAL_PATH if local else _WINDOWS_PATH).match(text):
        allowed = " ._$()#@~+-" + ("/" if local else "\\:")
        bad = next((ch for ch in text if not (ch.isascii() and (ch.isalnum() or ch in allowed))), None)
        if bad is not None:
            raise ValueError(f"contains {bad!r}; a Drop folder path may not hold quotes or symbols")
        raise ValueError(
            r"is not a Windows path such as C:\Inetpub\mailroot\Drop or \\wfe1\c$\..., "
            "nor an absolute local path such as /mnt/wfe1-drop"
        )
    if ".." in text.split("/" if local else "\\"):
        raise ValueError("may not step up with '..'; give the folder's full path")
    return text


_UNC_SHARE = re.compile(r"^\\\\[A-Za-z0-9._-]+\\[A-Za-z0-9._$-]+(?:\\[A-Za-z0-9 ._$()#@~+-]+)*$")


def unc_share(value: str) -> str:
    """A shared drop folder: ``\\\\server\\share`` with optional folders below it.

    Only a UNC path will do: every SharePoint server and every Exchange server
    reaches the same folder by it, where a local path names a different folder
    on each machine.
    """
    text = windows_path(value).rstrip("\\") if value.strip().startswith("\\\\") else ""
    if not _UNC_SHARE.match(text):
        raise ValueError(r"is not a UNC path such as \\sp1\SPDrop; give the share every server reaches")
    return text


MAX_CHANGE_TEXT = 200
"""Longest change-record value (id, window, a name): one line in the runbook's header."""


def change_text(value: str) -> str:
    """One line of free text for the change record: printable, no line breaks or control characters."""
    text = value.strip()
    if not text:
        raise ValueError("must not be empty; leave the key out instead")
    if len(text) > MAX_CHANGE_TEXT:
        raise ValueError(f"is longer than {MAX_CHANGE_TEXT} characters")
    bad = next((ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp")), None)
    if bad is not None:
        raise ValueError(f"contains the control character U+{ord(bad):04X}; write it on one plain line")
    return text


def session_name(value: str) -> str:
    """A session name: letters, digits, ``._-``, at most 64, not starting with a symbol."""
    text = value.strip()
    if not _SESSION_NAME.match(text):
        raise ValueError(
            f"{quote(value)} is not a session name: use letters, digits, '.', '_' and '-' "
            "(at most 64, starting with a letter or digit)"
        )
    return text
