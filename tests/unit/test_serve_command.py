"""`spmail-wizard serve` refuses what it cannot serve in one line, and warns that the page has no password."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from tests.unit.test_cli import one_line_error, run
from wizard import serve

WEB_DRIVER = "textual.drivers.web_driver:WebDriver"
"""The driver textual-serve names for the programs it starts."""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--port", "0"], "argument --port: 0 is outside the port range 1-65535"),
        (["--port", "70000"], "argument --port: 70000 is outside the port range 1-65535"),
        (["--port", "web"], "argument --port: 'web' is not a port number"),
        (["--host", "wfe1.foo.local"], "argument --host: 'wfe1.foo.local' is not an IP address"),
    ],
)
def test_a_bad_option_is_one_line_and_exit_2(args: list[str], expected: str, wizard_home: Path) -> None:
    result = run("serve", *args, home=wizard_home)
    assert result.returncode == 2
    assert expected in one_line_error(result)
    assert result.stdout == ""


def test_a_port_in_use_is_named_before_anything_is_served(wizard_home: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--port", str(port), home=wizard_home)
    assert result.returncode == 2
    assert one_line_error(result) == (
        f"spmail-wizard: port {port} on 127.0.0.1 is in use; choose another with --port"
    )
    assert result.stdout == ""  # no address announced that is not being served


def test_an_address_of_another_machine_is_refused(wizard_home: Path) -> None:
    # 192.0.2.0/24 is reserved for documentation: never an address of this machine, and binding sends nothing.
    result = run("serve", "--host", "192.0.2.7", home=wizard_home)
    assert result.returncode == 2
    assert "192.0.2.7 is not an address of this machine" in one_line_error(result)


def test_the_loopback_banner_warns_and_gives_the_tunnel() -> None:
    text = "\n".join(serve.banner("127.0.0.1", 8123))
    assert "http://127.0.0.1:8123" in text
    assert "no authentication" in text
    assert f"ssh -L 8123:127.0.0.1:8123 USER@{socket.gethostname()}" in text
    assert "Only this machine can open it" in text


def test_an_open_address_is_called_open_and_the_tunnel_still_offered() -> None:
    text = "\n".join(serve.banner("0.0.0.0", 8123))
    assert "open to every computer that can reach this machine" in text
    assert "ssh -L 8123:127.0.0.1:8123" in text
    assert "Only this machine" not in text


def test_the_tunnel_ends_on_the_loopback_address_served() -> None:
    text = "\n".join(serve.banner("::1", 8123))
    assert "ssh -L 8123:[::1]:8123" in text
    assert "then open http://[::1]:8123" in text
    assert "open to every computer that can reach 10.1.2.3" in "\n".join(serve.banner("10.1.2.3", 8123))


def test_the_page_names_an_address_a_browser_can_reach() -> None:
    assert serve.url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert serve.url("::1", 8000) == "http://[::1]:8000"
    assert serve.url("0.0.0.0", 8000) == f"http://{socket.gethostname()}:8000"


def test_a_served_wizard_leaves_when_its_server_is_gone(wizard_home: Path) -> None:
    # How textual-serve starts each page's wizard; a server that dies closes the wizard's input.
    env = os.environ | {"SPMAIL_WIZARD_HOME": str(wizard_home), "TEXTUAL_DRIVER": WEB_DRIVER}
    wizard = subprocess.Popen(
        ["sh", "-c", serve.app_command(25)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert wizard.stdout is not None
    assert wizard.stdout.readline() == b"__GANGLION__\n"  # the web driver's greeting: the wizard is up
    try:
        _out, err = wizard.communicate(timeout=60)  # closes its input, as a dead server does
    finally:
        wizard.kill()
    assert wizard.returncode == 0, err.decode()
