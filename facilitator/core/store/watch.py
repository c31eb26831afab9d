"""Watching one live session file from another process: what `facilitator follow` shows.

The facilitator's app saves the session file at once after every action. A follower looks at
the file's identity (inode, size, modification time) a few times a second: one `stat` call,
no reading. Only when it changed is the file read and the run rebuilt from its event log.
Between changes the follower computes the time itself: the file says the session clock at
the moment it was saved (`clock_ms`, `saved_at`), and the wall clock says how long ago that was.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..clock import Clock
from ..commitments import Commitment
from ..details import Details
from ..protocol import Protocol
from ..run import Run
from .catalog import resumable
from .files import SessionFileError, identity
from .heartbeat import beat_path
from .record import load_record, run_from_record

STALE_S = 5.0


@dataclass
class View:
    """What a follower shows: the protocol and the rebuilt run, or why there is nothing."""

    protocol: Protocol | None = None
    run: Run | None = None
    details: Details = field(default_factory=Details)
    finished: bool = False
    problem: str = ""
    commitments: tuple[Commitment, ...] = ()
    """Made in the meeting: the room sees them only while the facilitator shows them."""

    @property
    def group(self) -> str:
        return self.details.group


class Follower:
    """Watches one session file and keeps a rebuilt run of it up to date."""

    def __init__(self, path: Path, clock: Clock) -> None:
        self.path = path
        self.clock = clock
        self._identity: tuple[int, int, int, int] | None = None
        self.view = View()

    def poll(self) -> bool:
        """Look at the file; reload it if it changed. Returns True when the view changed."""
        identity_now = identity(self.path)
        if identity_now == self._identity:
            return False
        self._identity = identity_now
        if identity_now is None:
            self.view = View(problem=f"{self.path.name} is gone")
            return True
        try:
            record = load_record(self.path)
        except SessionFileError as exc:
            # A file caught mid-replace cannot happen (saves are atomic), so this is real.
            self.view = View(problem=str(exc))
            return True
        since_save_ms = 0
        if record.saved_at is not None and record.status == "in_progress":
            elapsed = (self.clock.wall() - record.saved_at).total_seconds()
            since_save_ms = max(0, int(elapsed * 1000))
        record = replace(record, clock_ms=record.clock_ms + since_save_ms)
        try:
            run = run_from_record(record, self.clock)
            protocol = record.protocol
        except (SessionFileError, ValueError) as exc:
            self.view = View(problem=str(exc))
            return True
        finished = record.status == "completed" or run.state.finished
        self.view = View(protocol, run, record.details, finished, commitments=tuple(record.commitments))
        return True

    def facilitator_gone(self) -> bool:
        """True when the timer runs but the facilitator's app has stopped beating for a while."""
        run = self.view.run
        if run is None or not run.running:
            return False
        try:
            beat = os.stat(beat_path(self.path)).st_mtime
        except OSError:
            return False
        return self.clock.wall().timestamp() - beat > STALE_S


class Finder:
    """Finds the newest unfinished session in a folder, looking again only when it changes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._identity: tuple[int, int, int, int] | None = None

    def poll(self) -> Path | None:
        """The newest in-progress session, or None (also when nothing changed since last time)."""
        identity_now = identity(self.folder)
        if identity_now is None or identity_now == self._identity:
            return None
        self._identity = identity_now
        found = resumable(self.folder)
        return found[0].path if found else None
