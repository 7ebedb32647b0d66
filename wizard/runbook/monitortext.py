"""Escaping for the monitoring export, one function per language a plan value lands in.

YAML, Go regular expressions, blackbox ``send`` lines, PromQL, Prometheus
templates, Nagios object files and the shell each have their own rules; each
function keeps any value literal in its language.
"""

from __future__ import annotations

import json
import re


def yaml_str(value: object) -> str:
    """A YAML double-quoted scalar holding ``value`` exactly: printable ASCII as it is, the rest escaped."""
    out = []
    for char in str(value):
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def go_regex_literal(value: str) -> str:
    """Text matched literally by a Go (RE2) regular expression."""
    return re.sub(r"([\\.+*?()|\[\]{}^$])", r"\\\1", value)


def expand_literal(value: str) -> str:
    """Text sent as it is by a blackbox ``send``, which expands ``$1`` and ``${name}``."""
    return value.replace("$", "$$")


def promql_str(value: str) -> str:
    """A PromQL double-quoted string."""
    return json.dumps(value, ensure_ascii=True)


def template_text(value: str) -> str:
    """Text shown as it is by a Prometheus alert template."""
    return value.replace("{{", '{{ "{{" }}')


def nagios_value(value: str) -> str:
    """A directive value in a Nagios object file: one line, and ``;`` (a comment's start) escaped.

    A directive cannot span lines, so a line break becomes a space.
    """
    return " ".join(value.splitlines()).replace(";", "\\;")


def nagios_arg(value: str) -> str:
    """A check_command argument that lands inside single quotes of a shell command line."""
    shell = value.replace("'", "'\\''")
    return nagios_value(shell.replace("$", "$$")).replace("!", "\\!")


def endpoint(address: str, port: int) -> str:
    """``addr:port``, with brackets around an IPv6 address."""
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
