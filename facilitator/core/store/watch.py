"""Following a live meeting from another process: what `facilitator follow` and the web view
show, and which meeting they show.

The facilitator's app saves the session file at once after every action and, while the timer
runs, beats once a second (heartbeat.py). A follower looks at the file's identity (one `stat`)
and the beat (a few bytes) a few times a second; only when the file changed is it read and the
run rebuilt from its event log. Between changes the follower computes the time itself: the
file says the session clock when it was saved (`clock_ms`, `saved_at`), the wall clock says how
long ago that was.

A follower never loses the meeting:
- a meeting that had to go on in a new file leaves a pointer beside the old one
  (saver.moved_path), and the follower goes after it;
- when the beats stop while the timer runs, the facilitator's app has stopped: the clock is
  held at the last sign of life and `View.stopped` says so, until the app is back;
- a file that is gone or cannot be read keeps the last state in view, with the problem in
  words, until the meeting writes again.

`Watch` chooses the meeting: the one named, or else the newest in the folder when it starts
(if it is not finished), then each meeting that starts after it; never an older one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from ..clock import Clock
from ..commitments import Commitment
from ..details import Details
from ..protocol import Protocol
from ..run import Run
from ..words import clock_face
from .catalog import Catalog
from .files import SessionFileError, identity
from .heartbeat import read_beat
from .record import load_record, run_from_record
from .saver import moved_path

STALE_MS = 3000
"""No beat for this long while the timer runs: the facilitator's app has stopped."""
MAX_MOVES = 50


class HeldClock:
    """A follower's clock: the real one, or held still at a moment in the past."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._held: tuple[float, datetime] | None = None

    def monotonic(self) -> float:
        return self._held[0] if self._held else self.clock.monotonic()

    def wall(self) -> datetime:
        return self._held[1] if self._held else self.clock.wall()

    def hold(self, seconds_ago: float) -> None:
        """Stand still at the moment `seconds_ago` seconds before now."""
        self._held = (
            self.clock.monotonic() - seconds_ago,
            self.clock.wall() - timedelta(seconds=seconds_ago),
        )

    def release(self) -> None:
        self._held = None

    def held_s(self) -> float:
        """How far behind the real clock it stands (0 while it runs)."""
        return 0.0 if self._held is None else self.clock.monotonic() - self._held[0]


@dataclass
class View:
    """What a follower shows: the protocol and the rebuilt run, or why there is nothing."""

    protocol: Protocol | None = None
    run: Run | None = None
    details: Details = field(default_factory=Details)
    finished: bool = False
    problem: str = ""
    """Why the file cannot be read just now (the last state read stays in view)."""
    commitments: tuple[Commitment, ...] = ()
    """Made in the meeting: the room sees them only while the facilitator shows them."""
    started_at: datetime | None = None
    stopped: bool = False
    """The facilitator's app stopped while the timer ran: the clock is held where it stopped."""
    name: str = ""
    """The followed file's name, for the terminal's own line (never sent to a browser)."""

    @property
    def group(self) -> str:
        return self.details.group

    def stopped_words(self) -> str:
        """ "The facilitator's app has stopped; the time is frozen at 04:12"."""
        left = self.run.left_ms() if self.run is not None else 0
        return f"The facilitator's app has stopped; the time is frozen at {clock_face(left)}"

    def finished_words(self) -> str:
        """ "The meeting has finished at 15:02 (Tuning Protocol · Grade 5)"."""
        ended = [e.at for e in self.run.events if e.kind == "finish"] if self.run is not None else []
        what = " · ".join(part for part in (self.protocol.name if self.protocol else "", self.group) if part)
        when = f" at {ended[-1].strftime('%H:%M')}" if ended else ""
        return f"The meeting has finished{when}" + (f" ({what})" if what else "")

    def trouble_words(self) -> str:
        """The problem for the room, without file names: the last state saved stays in view."""
        if not self.problem:
            return ""
        return (
            "The meeting's file cannot be read just now: this is the last state saved, until it saves again"
        )


class Follower:
    """Watches one meeting's file (and the files it moves to) and keeps a rebuilt run of it."""

    def __init__(self, path: Path, clock: Clock) -> None:
        self.path = path
        self.clock = clock
        self._identity: tuple[int, int, int, int] | None = None
        self._saved_ms = 0
        self.view = View(name=path.name)

    def poll(self) -> bool:
        """Look at the file and the beat; reload what changed. True when the view changed."""
        changed = self._follow_moves()
        identity_now = identity(self.path)
        if identity_now != self._identity:
            self._identity = identity_now
            changed = True
            if identity_now is None:
                self._trouble(f"{self.path.name} is gone; waiting for the meeting to save again")
            else:
                self._load()
        return self._check_alive() or changed

    def _follow_moves(self) -> bool:
        """Go after the meeting while it left pointers to newer files in the same folder."""
        moved = False
        for _ in range(MAX_MOVES):
            try:
                name = moved_path(self.path).read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                break
            target = self.path.with_name(name)
            if not name.endswith(".toml") or Path(name).name != name or target == self.path:
                break
            if not target.is_file():
                break
            self.path, self._identity, moved = target, None, True
        return moved

    def _trouble(self, problem: str) -> None:
        """The file cannot be read: keep the last state in view and say why."""
        self.view = replace(self.view, problem=problem, name=self.path.name)

    def _load(self) -> None:
        try:
            record = load_record(self.path)
        except SessionFileError as exc:
            # A file caught mid-replace cannot happen (saves are atomic), so this is real.
            self._trouble(str(exc))
            return
        since_save_ms = 0
        if record.saved_at is not None and record.status == "in_progress":
            elapsed = (self.clock.wall() - record.saved_at).total_seconds()
            since_save_ms = max(0, int(elapsed * 1000))
        try:
            run = run_from_record(
                replace(record, clock_ms=record.clock_ms + since_save_ms), HeldClock(self.clock)
            )
        except (SessionFileError, ValueError) as exc:
            self._trouble(str(exc))
            return
        self._saved_ms = record.clock_ms
        finished = record.status == "completed" or run.state.finished
        self.view = View(
            record.protocol,
            run,
            record.details,
            finished,
            commitments=tuple(record.commitments),
            started_at=record.started_at,
            name=self.path.name,
        )

    def _check_alive(self) -> bool:
        """Hold the clock when the beats stop while the timer runs; let it go when they come
        back. True when that changed."""
        run = self.view.run
        if run is None or not isinstance(run.clock, HeldClock):
            return False
        clock = run.clock
        if not run.running or self.view.finished:
            return False
        live_ms = run.now_ms() + round(clock.held_s() * 1000)
        alive_ms = max(self._saved_ms, read_beat(self.path) or 0)
        stale = live_ms - alive_ms > STALE_MS
        if stale == self.view.stopped:
            return False
        if stale:
            clock.hold((live_ms - alive_ms) / 1000)
        else:
            clock.release()
        self.view = replace(self.view, stopped=stale)
        return True


class _Reading(Catalog):
    """The folder's catalog, read but never written: a live view leaves the folder alone."""

    def save_index(self) -> None:
        return None


class Watch:
    """What a live view follows: the session named, or the newest meeting in a folder when it
    starts (unless that one has finished), then each meeting that starts after it."""

    def __init__(self, folder: Path, path: Path | None, clock: Clock) -> None:
        self.folder = folder
        self.clock = clock
        self.named = path is not None
        self.follower = Follower(path, clock) if path is not None else None
        self._folder: tuple[int, int, int, int] | None = None
        self._names: set[str] | None = None
        self._since: datetime | None = None

    @property
    def view(self) -> View:
        return self.follower.view if self.follower is not None else View()

    def poll(self) -> bool:
        """Look for a meeting that started, then at the one followed. True when the view changed."""
        changed = False
        if not self.named:
            found = self._look()
            if found is not None and (self.follower is None or found != self.follower.path):
                self.follower = Follower(found, self.clock)
                changed = True
        if self.follower is not None:
            changed = self.follower.poll() or changed
        return changed

    def _look(self) -> Path | None:
        """A meeting that started since the last look (one `stat` when nothing changed)."""
        folder_now = identity(self.folder)
        if self._names is not None and folder_now == self._folder:
            return None
        self._folder = folder_now
        try:
            with os.scandir(self.folder) as entries:
                names = {e.name for e in entries if e.name.endswith(".toml") and not e.name.startswith(".")}
        except OSError:
            names = set()
        first, seen = self._names is None, self._names or set()
        self._names = names
        if first:
            return self._newest()
        found = None
        for name in sorted(names - seen):
            path = self.folder / name
            try:
                record = load_record(path)
            except SessionFileError:
                continue
            if record.status != "in_progress":
                continue
            if self._since is None or record.started_at > self._since:
                self._since, found = record.started_at, path
        return found

    def _newest(self) -> Path | None:
        """The newest meeting in the folder, unless it has finished (then: wait for the next)."""
        for summary in _Reading(self.folder).summaries():
            if summary.readable and summary.started_at is not None:
                self._since = summary.started_at
                return self.folder / summary.name if summary.status == "in_progress" else None
        return None
