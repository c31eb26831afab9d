#!/usr/bin/env python3
"""Set up everything facilitator needs in ./.venv, then open the app or run the checks.

    python3 dev.py app [ARGS...]   set up, then run `facilitator ARGS...` (no ARGS: the picker)
    python3 dev.py test [ARGS...]  set up, then ruff format --check, ruff, mypy and pytest
                                   (ARGS go to pytest)
    python3 dev.py browser         install chromium and tesseract-ocr for the browser test
                                   (Debian, as root; CI runs it)
    python3 dev.py lock [ARGS...]  rewrite requirements.lock from pyproject.toml with uv
                                   (ARGS go to `uv pip compile`, e.g. --upgrade)

Only Python 3.11+ is needed. The virtual environment is made once from requirements.lock
(exact versions, checked by hash) and made anew when pyproject.toml or the lock changes.
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
SCRIPTS, EXE = ("Scripts", ".exe") if os.name == "nt" else ("bin", "")
BIN = VENV / SCRIPTS
STAMP = VENV / ".facilitator-installed"
LOCK = ROOT / "requirements.lock"
LINTED = ("facilitator", "tests", "bench", "dev.py")

TOOLS = ROOT / ".venv-tools"  # uv, only for `lock`
UV = "uv==0.13.9"  # the uv that writes requirements.lock


def say(message: str) -> None:
    print(f"dev.py: {message}", file=sys.stderr, flush=True)


def setup() -> None:
    if not LOCK.exists():
        sys.exit("dev.py: requirements.lock is missing: run python3 dev.py lock")
    digest = hashlib.sha256()
    for path in (ROOT / "pyproject.toml", LOCK):
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    wanted = digest.hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    say("creating .venv from requirements.lock (once)")
    venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "--require-hashes", "--no-deps", "-r", str(LOCK)], check=True)
    # The lock holds the build backend too, so the project itself needs nothing from outside.
    subprocess.run([*pip, "--no-deps", "--no-build-isolation", "-e", str(ROOT)], check=True)
    STAMP.write_text(wanted + "\n")


def lock(args: list[str]) -> int:
    """Rewrite requirements.lock: the runtime dependencies, the test group and the build backend,
    pinned and hashed for every platform and Python 3.11+."""
    import tomllib

    uv = TOOLS / SCRIPTS / f"uv{EXE}"
    have = subprocess.run([uv, "--version"], capture_output=True, text=True).stdout if uv.exists() else ""
    if UV.split("==")[1] not in have.split():
        say(f"installing {UV} into .venv-tools (once)")
        venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS)
        pip = [str(TOOLS / SCRIPTS / "python"), "-m", "pip", "--disable-pip-version-check", "install", "-q"]
        subprocess.run([*pip, UV], check=True)
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    build.append("editables~=0.3")  # what hatchling asks for to install the project editable
    (TOOLS / "build-system-requires.txt").write_text("".join(f"{r}\n" for r in build))
    env = {**os.environ, "UV_CUSTOM_COMPILE_COMMAND": "python3 dev.py lock"}
    sources = ["pyproject.toml", ".venv-tools/build-system-requires.txt", "--group", "test"]
    flags = ["--universal", "--python-version", "3.11", "--generate-hashes", "--quiet", "-o", LOCK.name]
    done = subprocess.run([uv, "pip", "compile", *sources, *flags, *args], cwd=ROOT, env=env)
    if done.returncode == 0:
        say("wrote requirements.lock; the next app or test makes .venv anew from it")
    return done.returncode


BROWSER_PACKAGES = {"chromium": "chromium", "tesseract": "tesseract-ocr"}


def browser_missing() -> list[str]:
    """The Debian packages the browser test needs that are not installed."""
    found = {cmd: shutil.which(cmd) for cmd in BROWSER_PACKAGES}
    found["chromium"] = found["chromium"] or shutil.which("chromium-browser")
    return [pkg for cmd, pkg in BROWSER_PACKAGES.items() if not found[cmd]]


def browser() -> int:
    """Install Debian's chromium and tesseract-ocr for the browser test (root with apt-get)."""
    missing = browser_missing()
    if not missing:
        say("chromium and tesseract-ocr are installed")
        return 0
    names = " ".join(missing)
    if not shutil.which("apt-get") or not hasattr(os, "geteuid") or os.geteuid() != 0:
        say(f"the browser test needs {' and '.join(missing)}: on Debian, sudo apt-get install {names}")
        return 1
    say(f"installing {names} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL)
    done = subprocess.run(["apt-get", "install", "-y", "-qq", *missing], env=env, stdout=subprocess.DEVNULL)
    if done.returncode != 0:
        say(f"apt-get install {names} failed (above)")
        return 1
    if browser_missing():
        say(f"apt-get installed {names}, but PATH still lacks {' and '.join(browser_missing())}")
        return 1
    say(f"installed {names}")
    return 0


def run(command: list[str]) -> int:
    return subprocess.run(command, cwd=ROOT).returncode


def test(args: list[str]) -> int:
    missing = browser_missing()
    if missing:
        why = f"{', '.join(missing)} not found: run python3 dev.py browser"
        os.environ["FACILITATOR_BROWSER_SETUP"] = why
        say(f"the browser test will be skipped ({why})")
    paths = [p for p in LINTED if (ROOT / p).exists()]
    ruff = str(BIN / "ruff")
    for name, check, advice in (
        ("ruff format", [ruff, "format", "--check", *paths], f"run {Path(ruff).relative_to(ROOT)} format"),
        ("ruff", [ruff, "check", *paths], "fix them"),
        ("mypy", [str(BIN / "mypy")], "fix them"),
    ):
        if run(check) != 0:
            say(f"{name} found problems (above): {advice} and run again")
            return 1
    return run([str(BIN / "python"), "-m", "pytest", *args])


def main(argv: list[str]) -> int:
    commands = ("app", "test", "browser", "lock")
    if not argv or argv[0] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py itself may be run by an older Python
        sys.exit(f"dev.py: facilitator needs Python 3.11+ (this is {sys.version.split()[0]})")
    if argv[0] == "browser":
        return browser()
    if argv[0] == "lock":
        return lock(argv[1:])
    setup()
    if argv[0] == "app":
        os.chdir(ROOT)
        os.execv(str(BIN / "facilitator"), [str(BIN / "facilitator"), *argv[1:]])
    return test(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
