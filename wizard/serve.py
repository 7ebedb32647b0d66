"""``spmail-wizard serve``: the full-screen wizard in a browser, through textual-serve.

Each browser that opens the page gets a wizard of its own: textual-serve starts
``python -m wizard.tui`` for it and relays its screen to xterm.js in the page.
The page has no password: anyone who reaches the port drives the wizard with
this account's sessions. So it listens on 127.0.0.1 unless told otherwise, and a
remote operator comes in through an SSH tunnel.

Only argparse and the standard library are imported at the top: the command
line builds its parsers before it knows which command runs.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import shlex
import socket
import sys
from typing import Any

from wizard import PROG
from wizard.errors import WizardError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
SHUTDOWN_SECONDS = 10
"""How long a stopping server waits for its wizards to save and leave."""


class ServeError(WizardError):
    """The server cannot listen where it was asked to."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``serve`` options."""
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        type=_address,
        metavar="ADDR",
        help="the address to listen on (default 127.0.0.1, this machine only); "
        "another address lets anyone who reaches it in, without a password",
    )
    parser.add_argument(
        "--port", default=DEFAULT_PORT, type=_port, metavar="N", help=f"TCP port (default {DEFAULT_PORT})"
    )


def _address(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text.strip("[]")))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an IP address; give one such as 127.0.0.1, ::1 or 0.0.0.0"
        ) from None


def _port(text: str) -> int:
    from wizard.plan import validate

    try:
        return validate.port(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def url(host: str, port: int) -> str:
    """Where a browser finds the wizard served on ``host``: the page links its script and socket here."""
    if ipaddress.ip_address(host).is_unspecified:
        # Listening everywhere: the page must name the machine, not 0.0.0.0.
        host = socket.gethostname()
    elif ipaddress.ip_address(host).version == 6:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def banner(host: str, port: int) -> list[str]:
    """What the command says once it is listening: where, that there is no password, and the tunnel."""
    lines = [
        f"The wizard is served at {url(host, port)}",
        "WARNING: there is no authentication: whoever opens this address runs the wizard, "
        "with this account's sessions.",
    ]
    # The tunnel ends where the server listens; the page links that address, so the browser opens it too.
    tunnel_host = host if ipaddress.ip_address(host).is_loopback else DEFAULT_HOST
    if tunnel_host == host:
        lines.append("Only this machine can open it. From another computer, use an SSH tunnel:")
    else:
        where = "this machine" if ipaddress.ip_address(host).is_unspecified else host
        lines.append(f"It is open to every computer that can reach {where}. Safer: keep the default")
        lines.append(f"{DEFAULT_HOST} and use an SSH tunnel from the other computer:")
    target = url(tunnel_host, port).removeprefix("http://").rpartition(":")[0]
    lines += [
        f"    ssh -L {port}:{target}:{port} USER@{socket.gethostname()}",
        f"then open {url(tunnel_host, port)} in that computer's browser (the same port on both ends).",
        "Ctrl+C stops the server and every wizard it started.",
    ]
    return lines


def _check_free(host: str, port: int) -> None:
    """Refuse, in one line, an address that cannot be listened on, before the server prints anything."""
    family = socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # The same option the server sets: a port left in TIME_WAIT is free, one in use is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ServeError(_why(exc, host, port)) from None


def _why(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is in use; choose another with --port"
    if exc.errno == errno.EACCES:
        return f"port {port} needs administrator rights here; choose one above 1023 with --port"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this machine; leave out --host to serve on 127.0.0.1"
    return f"cannot listen on {host} port {port}: {exc.strerror or exc}"


def app_command(exchange_port: int) -> str:
    """The shell command textual-serve runs for each browser: this Python, this wizard."""
    # `exec`: the shell gives way to the wizard, so the process textual-serve stops is the wizard itself.
    return "exec " + shlex.join([sys.executable, "-m", "wizard.tui", "--exchange-port", str(exchange_port)])


def run(host: str, port: int, *, exchange_port: int = 25) -> int:
    """Serve the wizard on ``host``:``port`` until Ctrl+C or SIGTERM; returns 0 when stopped."""
    _check_free(host, port)
    server = _server(host, port, exchange_port)
    try:
        server.serve()
    except OSError as exc:  # taken between the check and the server's own bind
        raise ServeError(_why(exc, host, port)) from None
    print("server stopped", flush=True)
    return 0


def _server(host: str, port: int, exchange_port: int) -> Any:
    """textual-serve's server, announcing itself with the warning and ending its wizards when it stops."""
    import asyncio

    from aiohttp import web
    from textual_serve.server import Server

    class WizardServer(Server):
        def __init__(self) -> None:
            super().__init__(
                app_command(exchange_port), host=host, port=port, title=PROG, public_url=url(host, port)
            )
            self.pages: dict[asyncio.Task[Any], asyncio.Event] = {}
            """Each open page's task, and the event set once its wizard has left."""

        async def on_startup(self, app: web.Application) -> None:
            # Instead of textual-serve's logo: where it is, and the warning nobody should miss.
            print("\n".join(banner(host, port)), flush=True)

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            page = asyncio.current_task()
            assert page is not None
            left = self.pages[page] = asyncio.Event()
            try:
                return await super().handle_websocket(request)
            finally:
                del self.pages[page]
                left.set()

        async def on_shutdown(self, app: web.Application) -> None:
            # aiohttp would wait a minute for the open pages to close. Each page is stopped
            # instead: textual-serve then asks its wizard to quit and waits for it to leave.
            open_pages = list(self.pages.items())
            for page, _left in open_pages:
                page.cancel()
            if open_pages:
                waits = [asyncio.ensure_future(left.wait()) for _page, left in open_pages]
                await asyncio.wait(waits, timeout=SHUTDOWN_SECONDS)

    return WizardServer()
