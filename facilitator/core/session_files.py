"""Session files on disk: where they go, their names, and writing them safely.

No pydantic here: a meeting is written from a `Draft` (draft.py); record.py, with pydantic,
reads session files back.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from .protocol import CONTROL

ENV_SESSIONS = "FACILITATOR_SESSIONS_DIR"
FORMAT = 1
"""The session file format."""
TRAILER = "# end of facilitator session\n"
"""The last line of every session file: a file without it was cut off."""


class Writable(Protocol):
    """A session record that can be written (record.SessionRecord, draft.Draft)."""

    @property
    def started_at(self) -> datetime: ...
    @property
    def group(self) -> str: ...
    @property
    def protocol(self) -> dict[str, Any]: ...
    def to_toml(self) -> str: ...


class SessionFileError(Exception):
    """A session file that cannot be read: the message names the file and the problem."""


def clean_text(text: str) -> str:
    """Notes as plain text: control characters other than newline and tab are dropped."""
    return CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def sessions_dir(option: str | None = None, env: dict[str, str] | None = None) -> Path:
    """--sessions-dir, else FACILITATOR_SESSIONS_DIR, else ./sessions."""
    env = dict(os.environ) if env is None else env
    return Path(option or env.get(ENV_SESSIONS) or "sessions").expanduser()


def ensure_dir(folder: Path) -> None:
    """Create the sessions directory, private (0700) when it is new."""
    if not folder.is_dir():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            folder.chmod(0o700)


def slug(text: str, limit: int = 40) -> str:
    """A file-name-safe form of a name: ASCII letters, digits and dashes only."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return out[:limit].rstrip("-")


def session_name(started_at: datetime, protocol_id: str, group: str) -> str:
    """Date, time, protocol and group, slugged: `2026-11-23_1405_tuning_grade-5-team`."""
    parts = [started_at.strftime("%Y-%m-%d_%H%M"), slug(protocol_id) or "protocol"]
    if slug(group):
        parts.append(slug(group))
    return "_".join(parts)


def write_temp(folder: Path, name: str, text: str) -> Path:
    fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return Path(temp)


def sync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_new_file(folder: Path, base: str, text: str) -> Path:
    """Write `text` to `folder` as BASE.toml, or BASE-2.toml and so on: never overwrites."""
    ensure_dir(folder)
    temp = write_temp(folder, base, text)
    try:
        for n in range(1, 10_000):
            target = folder / (f"{base}.toml" if n == 1 else f"{base}-{n}.toml")
            try:
                os.link(temp, target)
            except FileExistsError:
                continue
            sync_dir(folder)
            return target
        raise OSError(f"{folder}: no free file name for {base}")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def replace_file(path: Path, text: str) -> None:
    """Replace a file atomically: a failed write leaves the old file as it was."""
    temp = write_temp(path.parent, path.stem, text)
    try:
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    sync_dir(path.parent)


def create_session_file(folder: Path, record: Writable) -> Path:
    """Write a new session file under a name no other file has; never overwrites."""
    base = session_name(record.started_at, str(record.protocol.get("id", "")), record.group)
    return write_new_file(folder, base, record.to_toml())


def save_record(path: Path, record: Writable) -> None:
    """Replace a session file atomically: a failed write leaves the old file as it was."""
    replace_file(path, record.to_toml())
