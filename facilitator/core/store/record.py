"""What a session file holds, declared once: the meeting details, the protocol as run, each
step's times and notes, and the event log the run can be rebuilt from.

A record is written without pydantic (`to_toml`, every action of a meeting) and read back
with every rule checked (`load_record`). The file starts with a summary (status, protocol,
group, total times, then the commitments, check-ins and ratings a team's history needs) so a
listing can read its head alone, up to `[protocol]`; it ends with `TRAILER` and a checksum.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from ..checking import (
    STRICT,
    Invalid,
    NotRegularFile,
    Rule,
    check,
    parse_toml_text,
    plain,
    read_limited,
    sha256,
)
from ..commitments import Commitment, CommitmentReview
from ..details import Details
from ..plan import StepShape, shape_of
from ..protocol import CONTROL, MAX_FILE_BYTES, CheckedProtocol, Cleaned, Protocol, Scale, Title
from ..run import Count, Event, Run, RunError
from .files import SessionFileError

FORMAT = 1
"""The session file format."""
TRAILER = "# end of facilitator session"
"""The start of the last line of every session file (a file without it was cut off). The line
goes on with the SHA-256 of everything before it (`seal`), so a listing that reads only the
head knows the rest of the file is as it was written."""


def seal(body: str) -> str:
    """The file's text: `body` and its last line, which carries the body's checksum."""
    return f"{body}{TRAILER} sha256={sha256(body.encode()).hexdigest()}\n"


def is_sealed(raw: bytes) -> bool:
    """Whether a file's bytes end with the checksum of everything before its last line."""
    cut = raw.rfind(b"\n", 0, len(raw) - 1) + 1
    last = raw[cut:]
    prefix = f"{TRAILER} sha256=".encode()
    if not (last.startswith(prefix) and last.endswith(b"\n")):
        return False
    return last[len(prefix) : -1] == sha256(raw[:cut]).hexdigest().encode()


MAX_SESSION_BYTES = 4 * MAX_FILE_BYTES


def clean_text(text: str) -> str:
    """Notes as plain text: control characters other than newline and tab are dropped."""
    return CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _not_negative(value: int) -> int:
    if value < 0:
        raise ValueError("must be 0 or more")
    return value


Seconds = Annotated[int, Rule(_not_negative)]


def _rating(value: float) -> float:
    if not (0 <= value <= 10):  # also refuses nan
        raise ValueError("must be a number from 0 to 10")
    return value


Rating = Annotated[float, Rule(_rating)]
Notes = Annotated[str, STRICT, Rule(clean_text)]
"""Notes as read back: control characters dropped (see clean_text), so a file changed by hand
or by a program shows its notes literally and still opens."""


@dataclass(frozen=True, kw_only=True)
class TurnRecord:
    """One turn of a step taken in turns."""

    who: Cleaned = ""
    planned_seconds: Seconds
    actual_seconds: Seconds


@dataclass(frozen=True, kw_only=True)
class StepRecord:
    """One step of the meeting: its planned and actual time and its notes."""

    title: Cleaned
    planned_seconds: Seconds
    actual_seconds: Seconds
    notes: Notes = ""
    turns: list[TurnRecord] | None = None
    ratings: dict[str, Rating] | None = None
    """The team's rating of each item the step rates (only those rated)."""


@dataclass(frozen=True, kw_only=True)
class RatedItem:
    """One item the team rated, kept in the file's summary (with its scale) so a team's
    ratings across a term are read from the head of each file alone."""

    step: Count
    item: Title
    rating: Rating
    scale: Scale


def rated_in(protocol: Protocol, steps: list[StepRecord]) -> list[RatedItem]:
    """Every rating of the meeting, in step order, from the steps as saved."""
    return [
        RatedItem(step=i, item=item, rating=value, scale=step.rating_scale)
        for i, (step, saved) in enumerate(zip(protocol.steps, steps, strict=False), start=1)
        for item, value in (saved.ratings or {}).items()
    ]


@dataclass(frozen=True, kw_only=True)
class SessionRecord(Details):
    """A saved session: meeting details, the protocol as run, steps with notes, the event log."""

    format: int = FORMAT
    status: Literal["in_progress", "completed"] = "in_progress"
    started_at: datetime
    ended_at: datetime | None = None
    saved_at: datetime | None = None
    clock_ms: Seconds = 0
    # The summary, so a listing can read the head of the file alone (see catalog.py).
    protocol_id: Cleaned = ""
    protocol_name: Cleaned = ""
    total_planned_seconds: int = 0
    total_actual_seconds: int = 0
    timer_started: bool | None = None  # whether the timer ever ran; None in files from before
    # How many of each of the three lists below the head holds; None in files from before,
    # whose head does not hold them (a listing then reads the file in full).
    commitments_made: int | None = None
    commitments_checked: int | None = None
    items_rated: int | None = None
    # The tables of the summary: before the protocol, so the head holds them.
    commitments: list[Commitment] = field(default_factory=list)
    commitment_reviews: list[CommitmentReview] = field(default_factory=list)
    rated: list[RatedItem] = field(default_factory=list)
    protocol: CheckedProtocol
    steps: list[StepRecord]
    events: list[Event] = field(default_factory=list)

    @property
    def details(self) -> Details:
        """The meeting details alone, to carry on with."""
        return Details(
            **{name: getattr(self, name) for name in Details.__dataclass_fields__},
        )

    def shapes(self) -> list[StepShape]:
        """The engine's view of the steps as run (turn names included)."""
        return [
            shape_of(self.protocol, step, None if saved.turns is None else tuple(t.who for t in saved.turns))
            for step, saved in zip(self.protocol.steps, self.steps, strict=True)
        ]

    def data(self) -> dict[str, Any]:
        """The record as plain data, in the order the file gives it: the format first."""
        return {"format": self.format, **plain(self)}

    def to_toml(self) -> str:
        """The file's text; it ends with TRAILER and the checksum, so a cut-off or damaged
        file shows at a glance."""
        import tomli_w  # only when writing: not before the run screen's first frame

        return seal(tomli_w.dumps(self.data(), multiline_strings=True))


def record_of(
    run: Run,
    protocol: Protocol,
    details: Details,
    notes: dict[int, str],
    started_at: datetime,
    completed: bool = False,
    commitments: list[Commitment] | None = None,
    reviews: list[CommitmentReview] | None = None,
    ratings: dict[int, dict[str, float]] | None = None,
) -> SessionRecord:
    """The record of a run as it stands now."""
    now = run.now_ms()
    steps = []
    for i, shape in enumerate(run.shapes):
        turns = None
        if shape.turn_names is not None:
            turns = [
                TurnRecord(
                    who=who,
                    planned_seconds=round(run.unit_planned_ms(i, j) / 1000),
                    actual_seconds=round(run.unit_ran_ms(i, j, now) / 1000),
                )
                for j, who in enumerate(shape.turn_names)
            ]
        steps.append(
            StepRecord(
                title=shape.title,
                planned_seconds=round(run.step_planned_ms(i) / 1000),
                actual_seconds=round(run.step_ran_ms(i, now) / 1000),
                notes=clean_text(notes.get(i, "")),
                turns=turns,
                ratings=dict((ratings or {})[i]) if (ratings or {}).get(i) else None,
            )
        )
    finished = [e for e in run.events if e.kind == "finish"]
    fit = details.fit_minutes
    return SessionRecord(
        **(vars(details) | {"fit_minutes": None if fit is None else float(fit)}),
        status="completed" if completed else "in_progress",
        started_at=started_at,
        ended_at=finished[-1].at if finished and completed else None,
        saved_at=run.clock.wall(),
        clock_ms=now,
        protocol_id=protocol.id,
        protocol_name=protocol.name,
        total_planned_seconds=sum(s.planned_seconds for s in steps),
        total_actual_seconds=sum(s.actual_seconds for s in steps),
        timer_started=any(e.kind == "start" for e in run.events),
        commitments_made=len(commitments or []),
        commitments_checked=len(reviews or []),
        items_rated=len(rated := rated_in(protocol, steps)),
        commitments=list(commitments or []),
        commitment_reviews=list(reviews or []),
        rated=rated,
        protocol=protocol,
        steps=steps,
        events=list(run.events),
    )


def run_from_record(record: SessionRecord, clock: Any) -> Run:
    """Rebuild the run from the record's event log, its clock continuing where it was saved."""
    try:
        return Run.rebuild(record.shapes(), record.events, clock, now_ms=record.clock_ms)
    except RunError as exc:
        raise SessionFileError(f"the event log cannot be replayed: {exc}") from None


def load_record(path: Path) -> SessionRecord:
    """Read and check a session file; raise SessionFileError with one clear line."""
    where = str(path)
    try:
        raw = read_limited(path, MAX_SESSION_BYTES)
    except NotRegularFile:
        raise SessionFileError(f"{where}: not a regular file (a FIFO, device or folder); not read") from None
    except OSError as exc:
        raise SessionFileError(f"{where}: cannot be read ({exc.strerror})") from None
    try:
        data = parse_toml_text(raw, where, MAX_SESSION_BYTES)
    except Invalid as exc:
        raise SessionFileError(exc.problems[0]) from None
    fmt = data.get("format")
    if isinstance(fmt, int) and not isinstance(fmt, bool) and fmt > FORMAT:
        raise SessionFileError(
            f"{where}: session format {fmt} is newer than this facilitator understands "
            f"(format {FORMAT}); update facilitator to open it"
        )
    if fmt != FORMAT:
        raise SessionFileError(f"{where}: not a facilitator session file (format = {FORMAT} missing)")
    try:
        record: SessionRecord = check(SessionRecord, data, where)
    except Invalid as exc:
        raise SessionFileError(exc.problems[0]) from None
    if len(record.protocol.steps) != len(record.steps):
        raise SessionFileError(
            f"{where}: steps: the file has {len(record.steps)} steps "
            f"but its protocol has {len(record.protocol.steps)}"
        )
    return record
