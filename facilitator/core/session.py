"""A meeting in progress: the run, the meeting details, the notes, and the file they go to;
starting one from a protocol, and carrying one on from its file after a crash.

The session file's record (store/record.py) is imported where a record is made or read:
the run screen's first frame needs none of it (start-up time).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .clock import Clock
from .details import Details
from .fit import FitResult
from .plan import StepShape, fitted_plan, initial_plan, shapes_for
from .protocol import Protocol
from .run import Run
from .store.files import SessionFileError
from .store.heartbeat import read_beat
from .store.saver import Saver, cannot_save
from .words import clock_text

if TYPE_CHECKING:
    from .commitments import Commitment, CommitmentReview, Status
    from .store.lock import SessionLock
    from .store.record import SessionRecord

__all__ = ["Details", "FitError", "Session", "begin", "plan_for", "resume_session"]


class FitError(ValueError):
    """The protocol cannot fit the minutes asked for: the message says why."""


def plan_for(
    protocol: Protocol, details: Details, people: int | None = None
) -> tuple[list[StepShape], list[list[int]], FitResult | None]:
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
            f"{protocol.name} cannot fit in {clock_text(details.fit_minutes * 60)}: "
            f"its steps need at least {clock_text(result.total)} "
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
        self.commitments: list[Commitment] = []
        self.reviews: list[CommitmentReview] = []
        self.ratings: dict[int, dict[str, float]] = {}
        """The team's ratings, per step (from 0), of the items the step rates."""
        self.path: Path | None = None
        self.lock: SessionLock | None = None
        """This app's hold on the session file while the meeting runs (store/lock.py)."""

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
        from .store.record import run_from_record

        session = cls(record.protocol, record.details, run_from_record(record, clock), record.started_at)
        session.notes = {i: step.notes for i, step in enumerate(record.steps) if step.notes}
        session.commitments = list(record.commitments)
        session.reviews = list(record.commitment_reviews)
        session.ratings = {i: dict(step.ratings) for i, step in enumerate(record.steps) if step.ratings}
        session.path = path
        return session

    def set_notes(self, step: int, text: str) -> None:
        """Keep the notes of a step (control characters dropped)."""
        from .store.record import clean_text

        self.notes[step] = clean_text(text)

    def commit(self, who: str, what: str, due: str) -> Commitment:
        """Keep a commitment made now, at the current step (the texts tidied to one plain line).
        Its id is the session file's name and a number, so it stays the same in later files."""
        from .commitments import Commitment, tidy  # when the first one is made

        what = tidy(what)
        if not what:
            raise ValueError("a commitment needs what will be done")
        stem = self.path.stem if self.path else self.started_at.strftime("%Y-%m-%d-%H%M%S")
        taken = {c.id for c in self.commitments}
        number = len(self.commitments) + 1
        while f"{stem}-{number}" in taken:
            number += 1
        made = Commitment(
            id=f"{stem}-{number}",
            who=tidy(who),
            what=what,
            due=tidy(due),
            step=self.run.step + 1,
            made_at=self.run.clock.wall(),
        )
        self.commitments.append(made)
        return made

    def review(self, commitment_id: str, status: Status, note: str = "") -> CommitmentReview:
        """Check in on an earlier meeting's commitment: done, carried on or dropped. Kept in
        this meeting's file; reviewing one again replaces this meeting's earlier answer."""
        from .commitments import CommitmentReview, tidy

        made = CommitmentReview(id=commitment_id, status=status, note=tidy(note), at=self.run.clock.wall())
        self.reviews = [r for r in self.reviews if r.id != commitment_id] + [made]
        return made

    def rate(self, step: int, values: dict[str, float | None]) -> None:
        """The team's ratings at a step (from 0): one decimal, within the step's scale; None
        takes an item's rating away. Raises ValueError for an item or number out of place."""
        rated = self.protocol.steps[step]
        scale = rated.rating_scale
        kept = dict(self.ratings.get(step, {}))
        for item, value in values.items():
            if item not in rated.ratings:
                raise ValueError(f'"{item}" is not rated at this step')
            if value is None:
                kept.pop(item, None)
                continue
            if not 1 <= value <= scale:  # also refuses nan
                raise ValueError(f"{item}: give a number from 1 to {scale}")
            kept[item] = round(value, 1)
        if kept:
            self.ratings[step] = {item: kept[item] for item in rated.ratings if item in kept}
        else:
            self.ratings.pop(step, None)

    def record(self, completed: bool = False) -> SessionRecord:
        """The record as it stands now, ready to write."""
        from .store.record import record_of

        return record_of(
            self.run,
            self.protocol,
            self.details,
            self.notes,
            self.started_at,
            completed,
            self.commitments,
            self.reviews,
            self.ratings,
        )


def resume_session(path: Path, clock: Clock) -> tuple[Session, str]:
    """Rebuild a session where it stopped; it comes back paused. Returns it and what to say.

    The session clock at the moment of a crash comes from the heartbeat, which is newer than
    the last save while the timer ran."""
    from .store.record import load_record

    record = load_record(path)
    if record.status != "in_progress":
        raise SessionFileError(f"{path}: this session was finished; nothing to resume")
    from .store.lock import SessionLock

    lock, took_over = SessionLock.acquire(path, clock.wall())  # raises SessionBusy
    try:
        beat = read_beat(path)
        if beat is not None and beat > record.clock_ms:
            record = replace(record, clock_ms=beat)
        session = Session.from_record(record, clock, path)
    except BaseException:
        lock.release()
        raise
    session.lock = lock
    run = session.run
    was_running = run.running
    if was_running:
        run.toggle()  # a pause at the moment of the crash, so no time is lost or invented
    where = f"step {run.step + 1}, {run.shapes[run.step].title}"
    said = (
        f"Resumed at {where}, paused where it stopped: press space to go on."
        if was_running
        else f"Resumed at {where}."
    )
    return session, f"{took_over} {said}" if took_over else said


def begin(session: Session, folder: Path) -> Saver:
    """Create the session's file now, before the meeting starts, so a problem shows at once."""
    saver = Saver(folder)
    try:
        session.path = saver.save(0, session.record())
    except OSError as exc:
        raise cannot_save(folder, exc) from None
    return saver
