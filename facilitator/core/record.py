"""Session records: a meeting's record as a checked model, and loading a session file with checks.

Writing is in session_files.py (where and how) and draft.py (what, without pydantic).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .draft import Draft, draft_from_run
from .plan import StepShape
from .protocol import MAX_FILE_BYTES, Protocol, ProtocolError, parse_toml_text, protocol_from_data
from .run import Event, Run
from .session_files import FORMAT, SessionFileError

MAX_SESSION_BYTES = 4 * MAX_FILE_BYTES


class TurnRecord(BaseModel):
    """One turn of a step taken in turns."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    who: str = ""
    planned_seconds: int = Field(ge=0)
    actual_seconds: int = Field(ge=0)


class StepRecord(BaseModel):
    """One step of the meeting: its planned and actual time and its notes."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    title: str
    planned_seconds: int = Field(ge=0)
    actual_seconds: int = Field(ge=0)
    notes: str = ""
    turns: list[TurnRecord] | None = None


class EventRecord(BaseModel):
    """One entry of the event log as written to the file."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    at: datetime
    kind: str
    step: int = Field(ge=1)
    turn: int | None = Field(default=None, ge=1)
    t_ms: int = Field(ge=0)
    planned_ms: int | None = None
    plan_ms: list[list[int]] | None = None

    def to_event(self) -> Event:
        return Event(
            kind=self.kind,
            t_ms=self.t_ms,
            at=self.at,
            step=self.step,
            turn=self.turn,
            planned_ms=self.planned_ms,
            plan_ms=None if self.plan_ms is None else tuple(map(tuple, self.plan_ms)),
        )

    @classmethod
    def from_event(cls, event: Event) -> EventRecord:
        return cls(
            at=event.at,
            kind=event.kind,
            step=event.step,
            turn=event.turn,
            t_ms=event.t_ms,
            planned_ms=event.planned_ms,
            plan_ms=None if event.plan_ms is None else [list(u) for u in event.plan_ms],
        )


class SessionRecord(BaseModel):
    """A saved session: meeting details, the protocol as run, steps with notes, the event log."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    format: int = FORMAT
    status: Literal["in_progress", "completed"] = "in_progress"
    started_at: datetime
    ended_at: datetime | None = None
    saved_at: datetime | None = None
    clock_ms: int = Field(default=0, ge=0)
    group: str = ""
    facilitator: str = ""
    presenter: str = ""
    participants: list[str] = []
    focus_question: str = ""
    fit_minutes: float | None = None
    # A summary, so a listing can read the head of the file alone (see catalog.py).
    protocol_id: str = ""
    protocol_name: str = ""
    total_planned_seconds: int = 0
    total_actual_seconds: int = 0
    protocol: dict[str, Any]
    steps: list[StepRecord]
    events: list[EventRecord] = []

    def protocol_model(self, where: str = "session") -> Protocol:
        """The protocol copy, checked like a protocol file."""
        data = dict(self.protocol)
        protocol_id = str(data.pop("id", ""))
        return protocol_from_data(data, f"{where}: protocol", protocol_id)

    def shapes(self) -> list[StepShape]:
        """The engine's view of the steps as run (turn names included)."""
        protocol = self.protocol_model()
        if len(protocol.steps) != len(self.steps):
            raise SessionFileError("the steps do not match the protocol copy")
        shapes = []
        for step, saved in zip(protocol.steps, self.steps, strict=True):
            floor = int(round((step.min_minutes or 0.5) * 60_000))
            names = None if saved.turns is None else tuple(t.who for t in saved.turns)
            shapes.append(StepShape(step.title, floor, names))
        return shapes

    def to_toml(self) -> str:
        """The file's text, written as a Draft writes it (one way to write a session file)."""
        return Draft(self.model_dump(mode="python", exclude_none=True)).to_toml()


def record_from_run(
    run: Run,
    protocol: Protocol,
    details: dict[str, Any],
    notes: dict[int, str],
    started_at: datetime,
    status: str = "in_progress",
) -> SessionRecord:
    """The record of a run as it stands now (see draft.py, which builds it for saving)."""
    return SessionRecord.model_validate(
        draft_from_run(run, protocol, details, notes, started_at, status).data
    )


def run_from_record(record: SessionRecord, clock: Any) -> Run:
    """Rebuild the run from the record's event log, its clock continuing where it was saved."""
    from .run import RunError

    try:
        return Run.rebuild(
            record.shapes(), [e.to_event() for e in record.events], clock, now_ms=record.clock_ms
        )
    except (RunError, ProtocolError) as exc:
        raise SessionFileError(f"the event log cannot be replayed: {exc}") from None


def _first_error(where: str, exc: ValidationError) -> str:
    error = exc.errors()[0]
    place = ".".join(str(p + 1) if isinstance(p, int) else p for p in error["loc"])
    return f"{where}: {place or 'top level'}: {error['msg'].lower()}"


def load_record(path: Path) -> SessionRecord:
    """Read and check a session file; raise SessionFileError with one clear line."""
    where = str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_SESSION_BYTES + 1)
    except OSError as exc:
        raise SessionFileError(f"{where}: cannot be read ({exc.strerror})") from None
    try:
        data = parse_toml_text(raw, where, limit=MAX_SESSION_BYTES)
    except ProtocolError as exc:
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
        record = SessionRecord.model_validate(data)
    except ValidationError as exc:
        raise SessionFileError(_first_error(where, exc)) from None
    try:
        protocol = record.protocol_model(where)
    except ProtocolError as exc:
        raise SessionFileError(exc.problems[0]) from None
    if len(protocol.steps) != len(record.steps):
        raise SessionFileError(
            f"{where}: steps: the file has {len(record.steps)} steps "
            f"but its protocol has {len(protocol.steps)}"
        )
    return record
