"""A meeting in progress: the run, the meeting details, the notes, and the file they go to.

A meeting is saved as a `Draft` (draft.py), without pydantic; the checked `SessionRecord`
(record.py, pydantic) is needed only to read a session file back, as resuming does.
"""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .clock import Clock
from .draft import Draft, draft_from_run
from .fit import FitResult, describe_minutes
from .plan import fitted_plan, initial_plan, shapes_for
from .protocol import Protocol
from .run import Run
from .session_files import Writable, clean_text, create_session_file, ensure_dir, save_record

if TYPE_CHECKING:
    from .record import SessionRecord


class FitError(ValueError):
    """The protocol cannot fit the minutes asked for: the message says why."""


@dataclass
class Details:
    """The meeting details given at setup (any may be empty)."""

    group: str = ""
    facilitator: str = ""
    presenter: str = ""
    participants: list[str] = field(default_factory=list)
    focus_question: str = ""
    fit_minutes: float | None = None

    @staticmethod
    def split_names(text: str) -> list[str]:
        """ "Ana, Ben ,  Chi" → ["Ana", "Ben", "Chi"]."""
        return [name.strip() for name in text.split(",") if name.strip()]


def plan_for(
    protocol: Protocol, details: Details, people: int | None = None
) -> tuple[list, list[list[int]], FitResult | None]:
    """Shapes and the planned milliseconds per unit, fitted when the details ask for it."""
    shapes = shapes_for(protocol, details.participants, people)
    plan = initial_plan(protocol, shapes)
    if details.fit_minutes is None:
        return shapes, plan, None
    if details.fit_minutes <= 0:
        raise FitError("the minutes to fit must be more than 0")
    plan, result = fitted_plan(shapes, plan, details.fit_minutes)
    if not result.possible:
        raise FitError(
            f"{protocol.name} cannot fit in {describe_minutes(details.fit_minutes * 60)}: "
            f"its steps need at least {describe_minutes(result.total)} "
            "(the floors set by min_minutes); give it more time"
        )
    return shapes, plan, result


class Session:
    """A protocol being run for a group, with notes per step, saved to one file."""

    def __init__(self, protocol: Protocol, details: Details, run: Run, started_at: datetime) -> None:
        self.protocol = protocol
        self.details = details
        self.run = run
        self.started_at = started_at
        self.notes: dict[int, str] = {}
        self.path: Path | None = None

    @classmethod
    def new(cls, protocol: Protocol, details: Details, clock: Clock, people: int | None = None) -> Session:
        """A new session, its plan set (and fitted) but its timer not started."""
        shapes, plan, _ = plan_for(protocol, details, people)
        run = Run(shapes, clock)
        run.open(plan)
        return cls(protocol, details, run, clock.wall())

    @classmethod
    def from_record(cls, record: SessionRecord, clock: Clock, path: Path) -> Session:
        """A saved session, rebuilt from its event log, to carry on in the same file."""
        from .record import run_from_record

        details = Details(
            record.group,
            record.facilitator,
            record.presenter,
            list(record.participants),
            record.focus_question,
            record.fit_minutes,
        )
        session = cls(
            record.protocol_model(str(path)), details, run_from_record(record, clock), record.started_at
        )
        session.notes = {i: step.notes for i, step in enumerate(record.steps) if step.notes}
        session.path = path
        return session

    def set_notes(self, step: int, text: str) -> None:
        """Keep the notes of a step (control characters dropped)."""
        self.notes[step] = clean_text(text)

    def record(self, completed: bool = False) -> Draft:
        """The record as it stands now, ready to write."""
        details = {k: v for k, v in asdict(self.details).items() if v is not None}
        return draft_from_run(
            self.run,
            self.protocol,
            details,
            self.notes,
            self.started_at,
            status="completed" if completed else "in_progress",
        )


def _identity(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class Saver:
    """Writes a session's records to its file, newest wins, safe to call from threads.

    It only ever replaces the file it wrote last: if something else has replaced or changed
    the file since, the session carries on in a new file and `moved_from` says which.
    """

    def __init__(self, folder: Path, path: Path | None = None) -> None:
        self.folder = folder
        self.path = path
        self.moved_from: Path | None = None
        self._lock = threading.Lock()
        self._written = -1
        self._identity = _identity(path) if path is not None else None

    def save(self, seq: int, record: Writable) -> Path | None:
        """Write `record` unless a newer one (higher `seq`) was written already."""
        with self._lock:
            if seq <= self._written:
                return self.path
            if self.path is not None and _identity(self.path) not in (self._identity, None):
                self.moved_from, self.path = self.path, None
            if self.path is None:
                self.path = create_session_file(self.folder, record)
            else:
                save_record(self.path, record)
            self._identity = _identity(self.path)
            self._written = seq
            return self.path


def rescue_dirs() -> list[Path]:
    """Where a record goes when the sessions directory cannot be written, in order of choice."""
    import tempfile

    import platformdirs

    user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    return [
        Path(platformdirs.user_data_dir("facilitator")) / "rescued-sessions",
        Path.home() / "facilitator-rescued-sessions",
        Path(tempfile.gettempdir()) / f"facilitator-rescued-{user}",
    ]


def rescue(record: Writable) -> Path:
    """Save a record somewhere else when its own file cannot be written; raises if nowhere works."""
    last: OSError | None = None
    for folder in rescue_dirs():
        try:
            return create_session_file(folder, record)
        except OSError as exc:
            last = exc
    raise last or OSError("nowhere to save")


class SaveError(OSError):
    """The sessions directory cannot be written: the message says what to do."""


def _cannot_save(folder: Path, exc: OSError) -> SaveError:
    reason = exc.strerror or str(exc)
    return SaveError(
        f"cannot save sessions in {folder} ({reason}); choose another folder with "
        "--sessions-dir DIR or FACILITATOR_SESSIONS_DIR"
    )


def probe(folder: Path) -> Saver:
    """Check the sessions directory can be written, without writing the session yet.

    The run screen's first save, right after it is on screen, creates the file; a folder that
    cannot be created or written is reported here, before the meeting starts.
    """
    try:
        ensure_dir(folder)
        fd, name = tempfile.mkstemp(prefix=".probe-", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise _cannot_save(folder, exc) from None
    return Saver(folder)


def begin(session: Session, folder: Path) -> Saver:
    """Create the session's file now, before the meeting starts, so a problem shows at once."""
    saver = Saver(folder)
    try:
        session.path = saver.save(0, session.record())
    except OSError as exc:
        raise _cannot_save(folder, exc) from None
    return saver
