"""Carrying on after a crash: finding what to resume, and rebuilding it where it stopped.

The session clock at the moment of a crash comes from the heartbeat (heartbeat.py).
"""

from __future__ import annotations

from pathlib import Path

from .catalog import Catalog
from .clock import Clock
from .export import Listed
from .heartbeat import read_beat
from .record import SessionFileError, load_record
from .session import Session


def resumable(folder: Path) -> list[Listed]:
    """Sessions that were not finished, newest first (found through the fast catalog)."""
    found = []
    for summary in Catalog(folder).summaries():
        if summary.readable and summary.status == "in_progress":
            path = folder / summary.name
            try:
                found.append(Listed(path, load_record(path), None))
            except SessionFileError:
                continue
    return found


def resume_session(path: Path, clock: Clock) -> tuple[Session, str]:
    """Rebuild a session where it stopped; it comes back paused. Returns it and what to say."""
    record = load_record(path)
    if record.status != "in_progress":
        raise SessionFileError(f"{path}: this session was finished; nothing to resume")
    beat = read_beat(path)
    if beat is not None and beat > record.clock_ms:
        record = record.model_copy(update={"clock_ms": beat})
    session = Session.from_record(record, clock, path)
    run = session.run
    was_running = run.running
    if was_running:
        run.toggle()  # a pause at the moment of the crash, so no time is lost or invented
    title = run.shapes[run.step].title
    where = f"step {run.step + 1}, {title}"
    if was_running:
        message = f"Resumed at {where}, paused where it stopped: press space to go on."
    else:
        message = f"Resumed at {where}."
    return session, message
