"""The test harness itself refuses traffic outside the loopback range, in-process and in children."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest


def test_outside_traffic_is_refused_in_process() -> None:
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp,
        pytest.raises(AssertionError, match="inside 127"),
    ):
        udp.sendto(b"x", ("10.0.0.5", 53))
    with socket.socket() as tcp, pytest.raises(AssertionError, match="inside 127"):
        tcp.connect(("10.0.0.5", 25))


def test_outside_traffic_is_refused_in_child_processes() -> None:
    code = "import socket; socket.socket().connect(('192.0.2.1', 25))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "inside 127.0.0.0/8" in result.stderr


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.socket() as client:
            client.connect(server.getsockname())
