"""The probe's SMTP dialogue as the kit's PowerShell table: one row per command, in order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KitCommand:
    """One command of the dialogue as the kit sends it."""

    key: str
    """Where the reply is kept (``ehlo``, ``mail``, ``rcpt:alias``...)."""
    command: str
    """The line sent, with ``{helo}``, ``{sender}``, ``{alias}``, ``{outside}``, ``{recipient}`` filled in."""
    retry: str = ""
    """Sent instead when the reply code is at least ``retry_from``."""
    retry_from: int = 0
    need: int = 0
    """First digit a reply must have for the dialogue to go on; 0: any."""


def kit_dialogue() -> tuple[KitCommand, ...]:
    """The commands after the greeting, as the Python probe sends them."""
    return (
        KitCommand("ehlo", "EHLO {helo}", retry="HELO {helo}", retry_from=500, need=2),
        KitCommand("mail", "MAIL FROM:<{sender}>", need=2),
        KitCommand("rcpt:alias", "RCPT TO:<{alias}>"),
        KitCommand("rcpt:outside", "RCPT TO:<{outside}>"),
        KitCommand("rcpt:recipient", "RCPT TO:<{recipient}>", need=2),
    )


def closing() -> tuple[str, ...]:
    """How every probe ends: never DATA."""
    return ("RSET", "QUIT")
