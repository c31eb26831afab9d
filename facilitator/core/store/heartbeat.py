"""The heartbeat: the moment a running session was last alive, for carrying on after a crash.

While the timer runs, the run screen rewrites a tiny hidden file next to the session file once
a second (in place, no fsync: it only has to survive the app being killed, not the machine).
It holds the session clock, so a resumed session knows the time left at the moment of the
crash, not only at the last save, and the live views (watch.py) know the app is still there.
A beat file that was deleted (or its folder) is made again at the next beat.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

_WIDTH = 20


def beat_path(session_path: Path) -> Path:
    return session_path.with_name(f".{session_path.stem}.beat")


class Heartbeat:
    """Writes the session clock to the heartbeat file; one small write a second."""

    def __init__(self, session_path: Path) -> None:
        self.path = beat_path(session_path)
        self._fd: int | None = None

    def beat(self, clock_ms: int) -> None:
        """Record that the session was alive at `clock_ms`; failures are not worth a warning."""
        try:
            if self._fd is not None and os.fstat(self._fd).st_nlink == 0:
                self.close()  # deleted under us: the followers would never see these beats
            if self._fd is None:
                self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600)
            os.pwrite(self._fd, f"{clock_ms:0{_WIDTH}d}\n".encode(), 0)
        except OSError:
            self.close()

    def close(self, remove: bool = False) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        if remove:
            with contextlib.suppress(OSError):
                self.path.unlink()


def read_beat(session_path: Path) -> int | None:
    """The session clock of the last heartbeat, if there is a readable one."""
    try:
        text = beat_path(session_path).read_text(encoding="ascii").strip()
        return int(text) if text.isdigit() else None
    except (OSError, ValueError, UnicodeDecodeError):
        return None
