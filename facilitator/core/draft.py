"""The record of a meeting as it stands, built for saving without pydantic.

`SessionRecord` (record.py) checks a session file when it is read; writing one needs no
checks, so the run screen saves through a `Draft`: the same data, in the same order, as
`SessionRecord.model_dump(exclude_none=True)` gives (a test holds the two together). This
keeps pydantic (about 10 MiB and 100 ms to import) out of a meeting that is only written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import tomli_w

from .protocol import Protocol
from .run import Event, Run
from .session_files import FORMAT, TRAILER, clean_text

DETAILS: dict[str, Any] = {
    "group": "",
    "facilitator": "",
    "presenter": "",
    "participants": [],
    "focus_question": "",
    "fit_minutes": None,
}
"""The meeting details a record has, with their defaults (as SessionRecord declares them)."""


@dataclass(frozen=True)
class Draft:
    """A session record ready to be written: `data` is the file's content as plain values."""

    data: dict[str, Any]

    @property
    def started_at(self) -> datetime:
        return self.data["started_at"]

    @property
    def group(self) -> str:
        return self.data.get("group", "")

    @property
    def protocol(self) -> dict[str, Any]:
        return self.data["protocol"]

    def to_toml(self) -> str:
        """The file's text; it ends with TRAILER, so a cut-off file shows at a glance."""
        return tomli_w.dumps(self.data, multiline_strings=True) + TRAILER


def _event(event: Event) -> dict[str, Any]:
    out: dict[str, Any] = {"at": event.at, "kind": event.kind, "step": event.step}
    if event.turn is not None:
        out["turn"] = event.turn
    out["t_ms"] = event.t_ms
    if event.planned_ms is not None:
        out["planned_ms"] = event.planned_ms
    if event.plan_ms is not None:
        out["plan_ms"] = [list(unit) for unit in event.plan_ms]
    return out


def draft_from_run(
    run: Run,
    protocol: Protocol,
    details: dict[str, Any],
    notes: dict[int, str],
    started_at: datetime,
    status: str = "in_progress",
) -> Draft:
    """The record of a run as it stands now."""
    now = run.now_ms()
    steps: list[dict[str, Any]] = []
    for i, shape in enumerate(run.shapes):
        step: dict[str, Any] = {
            "title": shape.title,
            "planned_seconds": round(run.step_planned_ms(i) / 1000),
            "actual_seconds": round(run.step_ran_ms(i, now) / 1000),
            "notes": clean_text(notes.get(i, "")),
        }
        if shape.turn_names is not None:
            step["turns"] = [
                {
                    "who": who,
                    "planned_seconds": round(run.unit_planned_ms(i, j) / 1000),
                    "actual_seconds": round(run.unit_ran_ms(i, j, now) / 1000),
                }
                for j, who in enumerate(shape.turn_names)
            ]
        steps.append(step)
    completed = status == "completed"
    finished = [e for e in run.events if e.kind == "finish"]
    data: dict[str, Any] = {
        "format": FORMAT,
        "status": "completed" if completed else "in_progress",
        "started_at": started_at,
    }
    if finished and completed:
        data["ended_at"] = finished[-1].at
    data["saved_at"] = run.clock.wall()
    data["clock_ms"] = now
    for key, default in DETAILS.items():
        value = details.get(key, default)
        if value is not None:
            data[key] = float(value) if key == "fit_minutes" else value
    data.update(
        protocol_id=protocol.id,
        protocol_name=protocol.name,
        total_planned_seconds=sum(s["planned_seconds"] for s in steps),
        total_actual_seconds=sum(s["actual_seconds"] for s in steps),
        protocol=protocol.to_data(),
        steps=steps,
        events=[_event(e) for e in run.events],
    )
    return Draft(data)
