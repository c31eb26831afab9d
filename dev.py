#!/usr/bin/env python3
"""Set up everything facilitator needs in ./.venv, then open the app or run the checks.

    python3 dev.py app [ARGS...]   set up, then run `facilitator ARGS...` (no ARGS: the picker)
    python3 dev.py test [ARGS...]  set up, then ruff, mypy and pytest (ARGS go to pytest)

Only Python 3.11+ is needed. The virtual environment is made once and refreshed when
pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".facilitator-installed"
LINTED = ("facilitator", "tests", "bench", "dev.py")


def say(message: str) -> None:
    print(f"dev.py: {message}", file=sys.stderr, flush=True)


def setup() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py itself may be run by an older Python
        sys.exit(f"dev.py: facilitator needs Python 3.11+ (this is {sys.version.split()[0]})")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not (BIN / "python").exists():
        say("creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    say("installing facilitator and its test tools into .venv (once)")
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "--quiet", "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(wanted + "\n")


BROWSER_PACKAGES = {"chromium": "chromium", "tesseract": "tesseract-ocr"}


def setup_browser() -> None:
    """Debian's chromium and tesseract-ocr for the browser test, installed where we can."""
    missing = [pkg for cmd, pkg in BROWSER_PACKAGES.items() if not shutil.which(cmd)]
    if not missing:
        return
    if not shutil.which("apt-get") or not hasattr(os, "geteuid") or os.geteuid() != 0:
        why = f"{', '.join(missing)} missing; installing needs apt-get as root"
        os.environ["FACILITATOR_BROWSER_SETUP"] = why
        say(f"the browser test will be skipped: {why}")
        return
    say(f"installing {', '.join(missing)} for the browser test (once)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    subprocess.run(["apt-get", "update", "-qq"], **quiet)  # type: ignore[call-overload]
    done = subprocess.run(["apt-get", "install", "-y", "-qq", *missing], **quiet)  # type: ignore[call-overload]
    if done.returncode != 0:
        why = f"apt-get install {' '.join(missing)} failed"
        os.environ["FACILITATOR_BROWSER_SETUP"] = why
        say(f"the browser test will be skipped: {why}")


def run(command: list[str]) -> int:
    return subprocess.run(command, cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("app", "test"):
        print(__doc__, file=sys.stderr)
        return 2
    setup()
    if argv[0] == "app":
        os.chdir(ROOT)
        os.execv(str(BIN / "facilitator"), [str(BIN / "facilitator"), *argv[1:]])
    setup_browser()
    for check in (
        [str(BIN / "ruff"), "check", *(p for p in LINTED if (ROOT / p).exists())],
        [str(BIN / "mypy")],
    ):
        if run(check) != 0:
            say(f"{Path(check[0]).name} found problems (above); fix them and run again")
            return 1
    return run([str(BIN / "python"), "-m", "pytest", *argv[1:]])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
