"""Saving one meeting to its file as it goes: the newest record wins, a file changed by
something else is never overwritten, and a record that cannot be saved is rescued elsewhere.

When the meeting has to carry on in a new file, a small pointer beside the old one
(`.NAME.moved`, holding the new file's name) tells the live views where it went."""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from .files import ensure_dir, identity, machine_tag, replace_file, session_name, write_new_file

if TYPE_CHECKING:
    from .record import SessionRecord


def moved_path(session_path: Path) -> Path:
    """The pointer a meeting leaves beside a file it had to leave: the new file's name."""
    return session_path.with_name(f".{session_path.stem}.moved")


def create_session_file(folder: Path, record: SessionRecord) -> Path:
    """Write a new session file under a name no other file has; never overwrites."""
    base = session_name(record.started_at, record.protocol.id, record.group, machine_tag())
    return write_new_file(folder, base, record.to_toml())


class Saver:
    """Writes a session's records to its file, newest wins, safe to call from threads.

    It only ever replaces the file it wrote last: if something else has replaced or changed
    the file since, the session carries on in a new file, `moved_from` says which, and a
    pointer beside the old file names the new one. A file that was deleted is written again
    where it was (a folder that is gone is not made again: it may be a drive taken out).
    """

    def __init__(self, folder: Path, path: Path | None = None) -> None:
        self.folder = folder
        self.path = path
        self.moved_from: Path | None = None
        self._lock = threading.Lock()
        self._written = -1
        self._identity = identity(path) if path is not None else None

    def save(self, seq: int, record: SessionRecord) -> Path | None:
        """Write `record` unless a newer one (higher `seq`) was written already."""
        with self._lock:
            if seq <= self._written:
                return self.path
            if self.path is not None and identity(self.path) not in (self._identity, None):
                self.moved_from, self.path = self.path, None
            if self.path is None:
                self.path = create_session_file(self.folder, record)
                if self.moved_from is not None:
                    with contextlib.suppress(OSError):  # only a courtesy to the live views
                        replace_file(moved_path(self.moved_from), self.path.name + "\n")
            else:
                replace_file(self.path, record.to_toml())
            self._identity = identity(self.path)
            self._written = seq
            return self.path


def rescue_dirs() -> list[Path]:
    """Where a record goes when the sessions directory cannot be written, in order of choice."""
    user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    return [
        Path(platformdirs.user_data_dir("facilitator")) / "rescued-sessions",
        Path.home() / "facilitator-rescued-sessions",
        Path(tempfile.gettempdir()) / f"facilitator-rescued-{user}",
    ]


def rescue(record: SessionRecord) -> Path:
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


def cannot_save(folder: Path, exc: OSError) -> SaveError:
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
        raise cannot_save(folder, exc) from None
    return Saver(folder)
