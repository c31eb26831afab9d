"""The meeting's state as the room's browsers receive it: plain data, made from the same words
the terminal views show (core/status.py), and nothing else.

Only the meeting's public text goes in: never notes, facilitator notes, file names or paths,
nor the norms and commitments unless the facilitator is showing them. Times are given as they
stand at the moment the state is made (`left_ms` and the rest); the page counts on from there
by itself, so nothing needs sending while the time merely passes.
"""

from __future__ import annotations

import json
from typing import Any

from ..core.run import COMMITMENTS, NORMS
from ..core.status import (
    agenda_rows,
    mood,
    next_text,
    speaker,
    step_heading,
    step_left_ms,
    warning_ms,
    warning_words,
    who_text,
)
from ..core.store.watch import View, Watch

WAITING = "Waiting for a meeting to start …"


def room_state(watch: Watch) -> dict[str, Any]:
    """What every browser in the room shows now."""
    view = watch.view
    if watch.follower is None:
        return {"mode": "waiting", "words": WAITING}
    if view.run is None or view.protocol is None:
        return {"mode": "waiting", "words": view.trouble_words() or "Waiting for the meeting's file …"}
    if view.finished:
        after = "" if watch.named else "Waiting for the next meeting to start …"
        return {"mode": "finished", "words": view.finished_words() + ".", "after": after}
    return meeting_state(view)


def meeting_state(view: View) -> dict[str, Any]:
    """A meeting under way: the step, its words, and the time as it stands."""
    run, protocol = view.run, view.protocol
    assert run is not None and protocol is not None
    step = protocol.steps[run.step]
    m = mood(run)
    mode = "stopped" if view.stopped else "ready" if m.ready else "paused" if m.paused else "running"
    left = run.left_ms()
    who = speaker(run)
    shown = run.showing(bool(protocol.norms))
    end = run.projected_end()
    offset = end.utcoffset()
    return {
        "mode": mode,
        "protocol": protocol.name,
        "group": view.details.group,
        "title": step.title,
        "heading": step_heading(run),
        "reminder": step.reminder,
        "presenter": view.details.presenter,
        "question": view.details.focus_question,
        "who": who_text(step),
        "speaker": None
        if who is None
        else {
            "name": who.name,
            # The detail without its time, which the page counts itself from `rest_ms`.
            "detail": " · ".join(who.detail.split(" · ")[:-1]),
            "step_rest_ms": step_left_ms(run) - left,
        },
        "prompts": list(step.prompts),
        "next": next_text(run, room=True),
        "shown": shown,
        "norms": list(protocol.norms) if shown == NORMS else [],
        "commitments": [c.line() for c in view.commitments] if shown == COMMITMENTS else [],
        "agenda": [
            {"number": r.number, "title": r.title, "planned": r.planned, "state": r.state, "over": r.over}
            for r in agenda_rows(run)
        ],
        "left_ms": left,
        "planned_ms": run.unit_planned_ms(run.step, run.turn),
        "warn_ms": warning_ms(run),
        "warn_words": warning_words(warning_ms(run)) if warning_ms(run) else "",
        "ends_at_ms": round(end.timestamp() * 1000),
        "utc_offset_min": round(offset.total_seconds() / 60) if offset is not None else 0,
        "drift_ms": run.drift_ms(),
        "stopped_words": view.stopped_words() if view.stopped else "",
        "trouble": view.trouble_words(),
    }


def as_json(state: dict[str, Any]) -> str:
    """One line of JSON, with `<`, `>` and `&` escaped too (it never leaves script-safe text)."""
    text = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
