"""One writer per meeting: a running meeting holds a lock beside its session file.

The lock is a tiny hidden file (`.NAME.lock`) saying which process on which computer has the
meeting open, and since when; the app touches it every second while it runs. A second
`facilitator resume` (or the picker's ↻, perhaps on another laptop sharing the folder)
refuses with one clear line while the holder is alive, and takes the meeting over, saying so,
once it is gone: on this computer when its process has ended, on another when the lock has
not been touched for LOCK_FRESH_S seconds. The lock goes with the meeting when it moves to a
new file, and is removed when the app leaves.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .files import SessionFileError

LOCK_FRESH_S = 10.0
"""A lock from another computer not touched for this long belongs to an app that stopped."""


class SessionBusy(SessionFileError):
    """The meeting is open in another facilitator: one line saying where and since when."""


def lock_path(session_path: Path) -> Path:
    return session_path.with_name(f".{session_path.stem}.lock")


def this_computer() -> str:
    with contextlib.suppress(AttributeError, OSError):
        return os.uname().nodename or "this computer"
    return "this computer"


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as its file says."""

    pid: int
    host: str
    since: str

    @classmethod
    def read(cls, path: Path) -> Holder | None:
        try:
            pid, host, since = path.read_text(encoding="utf-8").split("\n")[0].split("\t")
            return cls(int(pid), host, since)
        except (OSError, ValueError, UnicodeDecodeError):
            return None

    def text(self) -> str:
        return f"{self.pid}\t{self.host}\t{self.since}\n"


def _alive(holder: Holder | None, path: Path, now: float) -> bool:
    """Whether the holder is still running the meeting."""
    if holder is None:
        return False
    if holder.host == this_computer():
        if holder.pid == os.getpid():
            return False  # this process's own lock (a meeting resumed again in the same app)
        try:
            os.kill(holder.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # someone else's process, alive
        except OSError:
            return False
        return True
    try:
        return now - path.stat().st_mtime < LOCK_FRESH_S
    except OSError:
        return False


class SessionLock:
    """This app's hold on one meeting's file."""

    def __init__(self, path: Path, holder: Holder) -> None:
        self.path = path
        self.holder = holder

    @classmethod
    def acquire(cls, session_path: Path, when: datetime) -> tuple[SessionLock, str]:
        """Hold the meeting, or raise SessionBusy. Returns the lock and what to say ("" or
        that a stopped app's meeting was taken over)."""
        path = lock_path(session_path)
        mine = Holder(os.getpid(), this_computer(), when.isoformat(timespec="minutes"))
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            held = Holder.read(path)
            if _alive(held, path, when.timestamp()):
                assert held is not None
                since = held.since.replace("T", " ")[:16]
                where = "this computer" if held.host == mine.host else held.host
                raise SessionBusy(
                    f"{session_path.name} is open in facilitator on {where} since {since}; "
                    "carry on there, or close it there first"
                ) from None
            lock = cls(path, mine)
            lock._write()
            if held is not None and (held.pid, held.host) == (mine.pid, mine.host):
                return lock, ""  # this app's own meeting, opened again
            gone = f" on {held.host}" if held is not None and held.host != mine.host else ""
            return lock, f"The facilitator that had this meeting open{gone} had stopped; it is yours now."
        except OSError:
            return cls(path, mine), ""  # a folder that takes no lock: the meeting goes on anyway
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(mine.text())
        return cls(path, mine), ""

    def _write(self) -> None:
        with contextlib.suppress(OSError):
            temp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(self.holder.text())
            os.replace(temp, self.path)

    def refresh(self) -> None:
        """Still here (every second while the app runs): the lock's time moves on."""
        with contextlib.suppress(OSError):
            os.utime(self.path)

    def release(self) -> None:
        """Let the meeting go (only a lock that is still ours is removed)."""
        with contextlib.suppress(OSError):
            if Holder.read(self.path) == self.holder:
                self.path.unlink()

    def move(self, session_path: Path, when: datetime) -> SessionLock:
        """The meeting went on in a new file: the lock goes with it."""
        self.release()
        lock, _ = SessionLock.acquire(session_path, when)
        return lock
