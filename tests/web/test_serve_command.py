"""`facilitator serve` as a colleague starts it: the addresses it prints (never 0.0.0.0), the
key they carry off loopback, the QR code, and one clear line when it cannot serve."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections import namedtuple
from collections.abc import Iterator
from pathlib import Path

import pytest

from facilitator.web import addresses
from facilitator.web.addresses import audience, is_loopback, room_urls

Address = namedtuple("Address", "family address netmask broadcast ptp")


def test_loopback_is_this_computer_alone():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.7") and not is_loopback("room.local")
    assert "only this computer" in audience("127.0.0.1")
    assert "anyone on your network" in audience("0.0.0.0")


def test_a_wildcard_is_printed_as_this_computers_own_addresses(monkeypatch):
    import psutil

    fake = {
        "lo": [
            Address(socket.AF_INET, "127.0.0.1", None, None, None),
            Address(socket.AF_INET6, "::1", None, None, None),
        ],
        "wlan0": [
            Address(socket.AF_INET, "192.0.2.20", None, None, None),
            Address(socket.AF_INET6, "fe80::1%wlan0", None, None, None),
            Address(socket.AF_INET6, "2001:db8::20", None, None, None),
        ],
        "eth0": [Address(socket.AF_INET, "198.51.100.4", None, None, None)],
    }
    monkeypatch.setattr(psutil, "net_if_addrs", lambda: fake)
    assert addresses.machine_addresses() == ["192.0.2.20", "198.51.100.4"]
    assert room_urls("0.0.0.0", 8000, "K3y") == [
        "http://192.0.2.20:8000/?key=K3y",
        "http://198.51.100.4:8000/?key=K3y",
    ]
    assert room_urls("::", 8000, "K3y")[-1] == "http://[2001:db8::20]:8000/?key=K3y"
    assert room_urls("192.0.2.20", 9000, "K3y") == ["http://192.0.2.20:9000/?key=K3y"]
    assert room_urls("127.0.0.1", 8000, None) == ["http://127.0.0.1:8000/"]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    command = [sys.executable, "-m", "facilitator", "serve", "--host", "0.0.0.0", "--port", "0"]
    command += ["--sessions-dir", str(tmp_path / "s")]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    yield server
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_off_loopback_the_urls_carry_a_key_and_a_qr_code_follows(served):
    assert served.stdout is not None and served.stderr is not None
    lines = [served.stdout.readline()]
    while lines[-1].startswith("http://") and len(lines) < 50:  # each address, then the QR code
        lines.append(served.stdout.readline())
    urls = [line.strip() for line in lines if line.startswith("http://")]
    assert urls, lines  # this machine has a network address (the sandbox has one too)
    first = urls[0]
    assert "0.0.0.0" not in first and "?key=" in first
    key = first.split("?key=")[1]
    assert len(key) >= 16
    qr = [line for line in lines if not line.startswith("http://")]
    assert qr and set(qr[0].strip()) <= {"█", "▀", "▄", " "}
    assert "anyone on your network" in served.stderr.readline()
    port = first.split(":")[2].split("/")[0]
    local = f"http://127.0.0.1:{port}/"  # the requests stay on this computer
    assert status(local) == 403
    assert status(f"{local}?key=wrong") == 403
    assert status(f"{local}?key={key}") == 200


def test_a_port_in_use_is_one_clear_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "facilitator",
                "serve",
                "--port",
                str(port),
                "--sessions-dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and f"cannot serve on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_bad_numbers_are_one_clear_line(tmp_path):
    for option in (["--max-viewers", "0"], ["--port", "70000"]):
        done = subprocess.run(
            [sys.executable, "-m", "facilitator", "serve", *option, "--sessions-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
