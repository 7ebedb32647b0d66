"""Helpers for the practice farm tests."""

from __future__ import annotations

import socket

from wizard.plan.model import Plan


def taken(plan: Plan) -> list[str]:
    """Every address and port of the farm that cannot be bound now (empty: all free again)."""
    port = plan.smtp_port
    addresses = [node.address for node in plan.nodes] + [plan.exchange_servers[0]]
    addresses += [plan.vip] if plan.vip else []
    dns_address = plan.dns_servers[0].rsplit(":", 1)[0]
    wanted = [(address, socket.SOCK_STREAM) for address in [*addresses, dns_address]]
    wanted.append((dns_address, socket.SOCK_DGRAM))
    busy = []
    for address, kind in wanted:
        with socket.socket(socket.AF_INET, kind) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((address, port))
            except OSError as exc:
                busy.append(f"{address}:{port} ({exc.strerror})")
    return busy
