"""The real monitoring engines for tests: blackbox_exporter on loopback, and Nagios command lines expanded."""

from __future__ import annotations

import queue
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BLACKBOX = shutil.which("prometheus-blackbox-exporter") or shutil.which("blackbox_exporter")
PLUGINS = Path("/usr/lib/nagios/plugins")
PROMTOOL = shutil.which("promtool")
_LISTENING = re.compile(r'msg="Listening on" address=([0-9.]+):(\d+)')


@dataclass(frozen=True, slots=True)
class Blackbox:
    """A running blackbox_exporter."""

    address: str
    port: int

    def probe(self, module: str, target: str, timeout_s: float = 3) -> dict[str, float]:
        """One probe through the exporter, as Prometheus asks for it; the metrics by name.

        ``timeout_s`` is what Prometheus sends as its scrape timeout; the
        exporter probes for that long less half a second at most.
        """
        query = urllib.parse.urlencode({"module": module, "target": target})
        request = urllib.request.Request(
            f"http://{self.address}:{self.port}/probe?{query}",
            headers={"X-Prometheus-Scrape-Timeout-Seconds": str(timeout_s)},
        )
        with urllib.request.urlopen(request, timeout=timeout_s + 5) as response:
            text = response.read().decode()
        metrics = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                metrics[name] = float(value)
        return metrics


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_listening(process: subprocess.Popen[str], deadline: float) -> tuple[str, int] | None:
    """Read the exporter's log until it says where it listens; None when it exits first."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.put(line)
        lines.put("")

    threading.Thread(target=pump, daemon=True).start()
    seen = []
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if not line:
            return None
        seen.append(line)
        if match := _LISTENING.search(line):
            return match.group(1), int(match.group(2))
    raise AssertionError("blackbox_exporter did not start:\n" + "".join(seen))


@contextmanager
def blackbox(config: Path) -> Iterator[Blackbox]:
    """blackbox_exporter with ``config``, listening on 127.0.0.1 only, on a free port; stopped after."""
    assert BLACKBOX, "prometheus-blackbox-exporter is not installed (tests/run_suite.sh installs it)"
    for _attempt in range(5):
        port = _free_port()
        process = subprocess.Popen(
            [BLACKBOX, f"--config.file={config}", f"--web.listen-address=127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            where = _wait_for_listening(process, time.monotonic() + 20)
            if where is None:
                continue  # the port was taken in between: another one
            yield Blackbox(*where)
            return
        finally:
            process.terminate()
            process.wait(10)
    raise AssertionError("blackbox_exporter found no free port")


# Nagios -----------------------------------------------------------------------------

_DEFINE = re.compile(r"define (\w+) \{\n(.*?)\n\}", re.S)


def nagios_objects(text: str) -> list[tuple[str, dict[str, str]]]:
    """The object definitions of a Nagios file: kind and directives, with ``\\;`` read as ``;``."""
    objects = []
    for kind, body in _DEFINE.findall(text):
        directives = {}
        for line in body.splitlines():
            line = re.sub(r"(?<!\\);.*$", "", line).strip()  # an unescaped ; starts a comment
            if line:
                key, _, value = line.partition(" ")
                directives[key] = value.strip().replace("\\;", ";")
        objects.append((kind, directives))
    return objects


def nagios_checks(text: str) -> list[tuple[str, str, str]]:
    """Each service's command line as Nagios would run it: (host, service, command line)."""
    objects = nagios_objects(text)
    commands = {d["command_name"]: d["command_line"] for kind, d in objects if kind == "command"}
    hosts = {d["host_name"]: d for kind, d in objects if kind == "host"}
    checks = []
    for kind, service in objects:
        if kind != "service":
            continue
        name, *args = re.split(r"(?<!\\)!", service["check_command"])
        args = [arg.replace("\\!", "!") for arg in args]
        host = hosts[service["host_name"]]
        macros = {"USER1": str(PLUGINS), "HOSTADDRESS": host["address"], "HOSTNAME": host["host_name"]}
        # Nagios resolves macros in an argument too, so a literal $ travels as $$.
        macros |= {f"ARG{i}": arg.replace("$$", "$") for i, arg in enumerate(args, start=1)}

        def expand(match: re.Match[str], macros: dict[str, str] = macros) -> str:
            return "$" if match.group(1) == "" else macros[match.group(1)]

        line = re.sub(r"\$([A-Z0-9]*)\$", expand, commands[name])
        checks.append((host["host_name"], service["service_description"], line))
    return checks


def run_check(command_line: str) -> tuple[int, str]:
    """Run a command line through the shell, as Nagios does for one with quotes; exit code and output."""
    done = subprocess.run(["/bin/sh", "-c", command_line], capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout.strip()
