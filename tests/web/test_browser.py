"""`facilitator serve` in a real browser: headless Chromium loads the page, and the step title
is read back from a screenshot with OCR (tesseract).

`python3 dev.py browser` installs Debian's chromium and tesseract-ocr (as root with apt-get;
CI runs it); without them this test is skipped and says why.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from facilitator.core.clock import SystemClock
from facilitator.core.library import find, load_library
from facilitator.core.session import Details, Session, begin

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TESSERACT = shutil.which("tesseract")
WHY = os.environ.get("FACILITATOR_BROWSER_SETUP", "")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and TESSERACT),
    reason="needs Debian's chromium and tesseract-ocr"
    + (f" ({WHY})" if WHY else " (run python3 dev.py browser: Debian, as root)"),
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


POLL_S = 0.05  # how often a wait looks at its condition again; never a wait of its own
TERMINAL_DRAWN = """(() => {
  const terminal = document.querySelector(".textual-terminal");
  return document.body !== null && document.body.classList.contains("-first-byte")
    && terminal !== null && getComputedStyle(terminal).opacity === "1";
})()"""  # textual-serve's page: the app's first output arrived and the terminal faded in


def wait_for_port(port: int, server: subprocess.Popen, deadline: float) -> None:
    """Until the server accepts a connection on `port` (or exits, or the deadline passes)."""
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        if server.poll() is not None:
            raise AssertionError(f"the server exited ({server.returncode}) before listening on {port}")
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing listened on port {port}")
        time.sleep(POLL_S)


async def screenshot_until(page_ws: str, url: str, want: str, out: Path, seconds: float) -> str:
    """Open `url`, then take screenshots until OCR reads `want` (or time runs out)."""
    import aiohttp

    assert TESSERACT is not None  # the module is skipped without it

    async with aiohttp.ClientSession() as http, http.ws_connect(page_ws, max_msg_size=0) as ws:
        ids = iter(range(1, 10_000))

        async def call(method: str, **params: object) -> dict:
            n = next(ids)
            await ws.send_str(json.dumps({"id": n, "method": method, "params": params}))
            while True:
                message = json.loads((await ws.receive()).data)
                if message.get("id") == n:
                    return message.get("result", {})

        async def drawn() -> bool:
            result = await call("Runtime.evaluate", expression=TERMINAL_DRAWN, returnByValue=True)
            return result.get("result", {}).get("value") is True  # False while still navigating

        await call("Page.enable")
        await call("Page.navigate", url=url)
        end = time.monotonic() + seconds
        while not await drawn():
            if time.monotonic() > end:
                raise AssertionError("the page never showed the app's terminal")
            await asyncio.sleep(POLL_S)
        text = ""
        while time.monotonic() < end:
            shot = await call("Page.captureScreenshot", format="png")
            out.write_bytes(base64.b64decode(shot["data"]))
            result = subprocess.run([TESSERACT, str(out), "stdout"], capture_output=True, text=True)
            text = result.stdout
            if want in text:
                break
            await asyncio.sleep(POLL_S)
        return text


def test_served_follow_view_shows_the_step_in_a_browser(tmp_path):
    folder = tmp_path / "sessions"
    protocol = find("tuning", load_library(cwd=Path("/nonexistent"), env={})).protocol
    session = Session.new(protocol, Details(group="Grade 5"), SystemClock())
    session.set_notes(0, "PRIVATE NOTE")
    begin(session, folder)
    assert CHROMIUM is not None  # the module is skipped without it

    port = free_port()
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "facilitator",
            "serve",
            "--port",
            str(port),
            "--sessions-dir",
            str(folder),
            "--theme",
            "light",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    browser = None
    try:
        wait_for_port(port, server, time.monotonic() + 20)
        browser = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={tmp_path / 'chromium'}",
                "--remote-debugging-port=0",
                "--window-size=1280,800",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert browser.stderr is not None
        devtools = None
        end = time.monotonic() + 20
        while devtools is None and time.monotonic() < end:
            line = browser.stderr.readline()
            found = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if found:
                devtools = int(found.group(1))
        assert devtools, "Chromium did not start its DevTools endpoint"
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{devtools}/json/list", timeout=10) as r:
            pages = [t for t in json.load(r) if t.get("type") == "page"]
        out = tmp_path / "served.png"
        text = asyncio.run(
            screenshot_until(
                pages[0]["webSocketDebuggerUrl"],
                f"http://127.0.0.1:{port}/",
                "Introduction",
                out,
                40,
            )
        )
        assert "Introduction" in text, f"OCR of the screenshot read: {text!r}"
        assert "PRIVATE NOTE" not in text
        if os.environ.get("FACILITATOR_SCREENSHOT"):
            shutil.copy(out, os.environ["FACILITATOR_SCREENSHOT"])
    finally:
        if browser is not None:
            browser.kill()
            browser.wait(timeout=10)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
