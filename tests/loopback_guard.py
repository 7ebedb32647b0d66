"""A guard that makes any attempt to reach an address outside 127.0.0.0/8 (or ::1) fail the test.

Installed for the whole run from ``tests/conftest.py``; subprocesses started by
tests get it too, through ``sitecustomize`` in ``tests/guard_site/``.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

_ORIGINAL_CONNECT = socket.socket.connect
_ORIGINAL_CONNECT_EX = socket.socket.connect_ex
_ORIGINAL_SENDTO = socket.socket.sendto


class OutsideTrafficError(AssertionError):
    """A test tried to send traffic outside the loopback range."""


def _check(address: Any) -> None:
    if not isinstance(address, tuple):
        return  # a Unix socket path
    host = str(address[0])
    if host in ("localhost", ""):
        return
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        raise OutsideTrafficError(
            f"tests may only connect to loopback addresses, not the name {host!r}"
        ) from None
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    if not (ip.is_loopback or (mapped is not None and mapped.is_loopback)):
        raise OutsideTrafficError(f"tests may only send traffic inside 127.0.0.0/8, not to {host}")


def _connect(self: Any, address: Any) -> None:
    _check(address)
    _ORIGINAL_CONNECT(self, address)


def _connect_ex(self: Any, address: Any) -> int:
    _check(address)
    return _ORIGINAL_CONNECT_EX(self, address)


def _sendto(self: Any, data: Any, *args: Any) -> int:
    _check(args[-1])
    return _ORIGINAL_SENDTO(self, data, *args)


def install() -> None:
    """Patch the socket class so outside traffic raises before a packet leaves."""
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = _sendto  # type: ignore[method-assign]
