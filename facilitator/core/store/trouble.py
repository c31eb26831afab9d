"""A log of what went wrong, for a facilitator to send when asking for help: failed saves,
rescued meetings, files that could not be read. One line each, in the user's state directory
(`~/.local/state/facilitator/trouble.log` on Linux), private like the session files, and
never more than about a megabyte (the older half goes first). It holds file names and
reasons, never notes. Writing it never gets in the way: a log that cannot be written is
simply not written."""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path

import platformdirs

from ..protocol import CONTROL

MAX_BYTES = 1024 * 1024


def log_path() -> Path:
    return Path(platformdirs.user_state_dir("facilitator")) / "trouble.log"


def note(kind: str, message: str, when: datetime | None = None) -> None:
    """Add one line: the time, what kind of trouble ("save failed", "rescued", "skipped"),
    and what happened."""
    when = when or datetime.now().astimezone()
    line = f"{when.isoformat(timespec='seconds')}  {kind}: {CONTROL.sub('', ' '.join(message.split()))}\n"
    path = log_path()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.is_file() and path.stat().st_size > MAX_BYTES:
            kept = path.read_bytes()[-MAX_BYTES // 2 :]
            path.write_bytes(kept[kept.find(b"\n") + 1 :])
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(line)
