"""`spmail-wizard serve` in a real browser: headless Chromium opens the page, starts a session, reads a step.

The page's terminal is xterm.js, which draws on a canvas: its text is in no
DOM node. The test reads it where xterm.js keeps it, the terminal's buffer
(xterm's public ``buffer.active`` API). To reach that object, a script that
Chromium runs before the page's own notes the value the page stores in its
``terminal`` property. Keys go to xterm's hidden text area, as typing does.

Chromium resolves no name at all (``--host-resolver-rules``): the page's link
to Google Fonts fails, the page works without it, and the network log shows
that every answer came from 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from wizard.checklist.model import Checklist
from wizard.plan.model import load_plan_file
from wizard.render import render_step

ROOT = Path(__file__).parent.parent.parent
PLAN = ROOT / "tests" / "data" / "nlb.toml"
SAFETY = 60.0
"""Seconds any wait may take before the test gives up; waits end as soon as the page shows what they wait for."""

CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, 'terminal', {
  configurable: true,
  set(value) {
    Object.defineProperty(this, 'terminal', {value, writable: true, configurable: true, enumerable: true});
    if (value && value.buffer && value.buffer.active) window.xtermSeen = value;
  },
});
"""

READ_SCREEN = """
const term = window.xtermSeen;
if (!term) return null;
const buffer = term.buffer.active;
const rows = [];
for (let y = 0; y < term.rows; y++) {
  const line = buffer.getLine(buffer.viewportY + y);
  rows.push(line ? line.translateToString(true) : '');
}
return rows.join('\\n');
"""

ROW_LOOK = """
const term = window.xtermSeen, wanted = arguments[0];
const buffer = term.buffer.active;
for (let y = 0; y < term.rows; y++) {
  const line = buffer.getLine(buffer.viewportY + y);
  if (!line || !line.translateToString(true).includes(wanted)) continue;
  const look = [];
  for (let x = 0; x < line.length; x++) {
    const cell = line.getCell(x);
    look.push([cell.getFgColor(), cell.getBgColor(), cell.isInverse(), cell.isBold()]);
  }
  return JSON.stringify(look);
}
return null;
"""
"""The colours of the row showing the given words: how the page shows which field has the focus."""


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(
            f"{name} is missing: install Debian's chromium and chromium-driver (tests/run_suite.sh does)"
        )
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(what: str, ready: Callable[[], bool], shown: Callable[[], str] = str) -> None:
    deadline = time.monotonic() + SAFETY
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {SAFETY:.0f} s waiting for {what}; the page showed:\n{shown()}")
        time.sleep(0.1)


class Served:
    """The `serve` command running, and its data folder."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "wizard", "serve", "--port", str(self.port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ | {"SPMAIL_WIZARD_HOME": str(home)},
        )
        wait_until("the server to answer", self.answers)

    def answers(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"serve ended with {self.process.returncode}: {self.process.stderr.read()}")  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(self.url, timeout=5) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def stop(self) -> tuple[int, str]:
        """Ctrl+C, as an operator stops it; its exit code and what it printed."""
        self.process.send_signal(signal.SIGINT)
        out, _err = self.process.communicate(timeout=SAFETY)
        return self.process.returncode, out


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = Served(tmp_path_factory.mktemp("home"))
    yield server
    if server.process.poll() is None:
        server.process.kill()
        server.process.communicate()


@pytest.fixture(scope="module")
def browser(served: Served) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = tool("chromium")
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        # No name resolves but 127.0.0.1: Google Fonts and Chromium's own services stay unreachable.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--no-proxy-server",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-default-apps",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # The driver's path given, Selenium looks nothing up on the network.
    driver = webdriver.Chrome(service=Service(tool("chromedriver")), options=options)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CATCH_TERMINAL})
        driver.get(served.url)
        yield driver
    finally:
        driver.quit()


def screen(driver: webdriver.Chrome) -> str:
    text = driver.execute_script(READ_SCREEN)
    return text if isinstance(text, str) else ""


def wait_for_text(driver: webdriver.Chrome, text: str) -> str:
    wait_until(f"{text!r} on the page", lambda: text in screen(driver), lambda: screen(driver))
    return screen(driver)


def panel_text(shown: str) -> str:
    """The step panel's words as one line: right of the list of steps, wrapping undone."""
    return " ".join(" ".join(row.rpartition("▕")[2] for row in shown.splitlines()).split())


def type_keys(driver: webdriver.Chrome, *keys: str) -> None:
    driver.execute_script("document.querySelector('.xterm-helper-textarea').focus()")
    ActionChains(driver).send_keys(*keys).perform()


def test_a_session_started_in_the_page_opens_a_step_with_its_guidance(
    served: Served, browser: webdriver.Chrome, checklist: Checklist
) -> None:
    wait_for_text(browser, "Session name")
    type_keys(browser, "from-browser")
    wait_for_text(browser, "from-browser")
    # Keys typed after Tab reach the field Tab leaves until the wizard has moved the focus, as a
    # person sees it move before typing on: the plan file's row changes colour.
    before = browser.execute_script(ROW_LOOK, "Plan file")
    type_keys(browser, Keys.TAB)
    wait_until(
        "the plan file field to take the focus",
        lambda: browser.execute_script(ROW_LOOK, "Plan file") != before,
    )
    type_keys(browser, str(PLAN), Keys.ENTER)
    wait_for_text(browser, "Step 1 of")

    chain = ActionChains(browser).key_down(Keys.CONTROL).send_keys("n").key_up(Keys.CONTROL)
    chain.perform()  # Next step
    step = checklist.for_mode("nlb")[1]
    shown = wait_for_text(browser, f"Step 2 of {len(checklist.for_mode('nlb'))}")
    assert step.title in shown
    # The first paragraph of the step's guidance, filled in for this plan, as the page shows it.
    why = render_step(step, load_plan_file(PLAN)).why.split("\n\n")[0]
    sentence = " ".join(re.sub(r"\*\*|`", "", why).split())
    assert "10.0.0.50" in sentence  # the plan's VIP: the guidance is this farm's
    assert sentence in panel_text(shown)

    listed = subprocess.run(
        [sys.executable, "-m", "wizard", "sessions", "--json"],
        capture_output=True,
        text=True,
        env=os.environ | {"SPMAIL_WIZARD_HOME": str(served.home)},
        timeout=SAFETY,
    )
    assert "from-browser" in [entry["name"] for entry in json.loads(listed.stdout)["sessions"]]


def test_the_page_works_with_nothing_from_outside_loopback(browser: webdriver.Chrome) -> None:
    wait_for_text(browser, "spmail-wizard")  # the wizard is drawn: every file the page loads has come
    log = browser.get_log("performance")  # type: ignore[no-untyped-call]
    events = [json.loads(entry["message"])["message"] for entry in log]
    asked = {
        event["params"]["requestId"]: event["params"].get("request", event["params"])["url"]
        for event in events
        if event["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated")
        and urlsplit(event["params"].get("request", event["params"])["url"]).scheme
        in ("http", "https", "ws", "wss")
    }
    answered = {
        event["params"]["requestId"]
        for event in events
        if event["method"] in ("Network.responseReceived", "Network.webSocketHandshakeResponseReceived")
    }
    failed = {
        event["params"]["requestId"]: event["params"]["errorText"]
        for event in events
        if event["method"] == "Network.loadingFailed"
    }
    loopback = {rid for rid, url in asked.items() if urlsplit(url).hostname == "127.0.0.1"}
    outside = {rid: url for rid, url in asked.items() if rid not in loopback}
    assert any(urlsplit(url).scheme == "ws" for url in (asked[rid] for rid in loopback & answered))
    assert any("fonts.googleapis.com" in url for url in outside.values())  # the page does link them
    assert not answered & set(outside), [outside[rid] for rid in answered & set(outside)]
    assert all(failed.get(rid) == "net::ERR_NAME_NOT_RESOLVED" for rid in outside), (outside, failed)


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    """Whether the process still runs (a zombie has ended; only its exit status waits to be read)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_stopping_the_server_ends_the_wizard_it_started(served: Served, browser: webdriver.Chrome) -> None:
    wait_for_text(browser, "spmail-wizard")
    wizards = children(served.process.pid)
    assert wizards, "no wizard process behind the page"
    code, out = served.stop()
    assert code == 0
    assert "no authentication" in out and f"ssh -L {served.port}:127.0.0.1:{served.port}" in out
    assert out.rstrip().endswith("server stopped")
    wait_until("the page's wizard to leave", lambda: not any(running(pid) for pid in wizards))
