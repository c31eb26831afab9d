"""Readable text: a protocol's agenda to hand out, and a session's record to send to the group."""

from __future__ import annotations

import json
import textwrap
from datetime import datetime
from typing import TYPE_CHECKING

from .protocol import EACH_PARTICIPANT, Protocol, Step
from .words import clock_text, protocol_minutes

if TYPE_CHECKING:  # read only where sessions are: not on the way to a meeting's first frame
    from .store.record import SessionRecord


def step_minutes(step: Step) -> str:
    """How long a step is planned for, in words: "5 min", "8 min per person"."""
    if step.turns is None:
        return protocol_minutes(step.minutes)
    if step.turns == EACH_PARTICIPANT:
        return f"{protocol_minutes(step.minutes)} per person"
    return f"{step.turns} turns × {protocol_minutes(step.minutes)}"


def who_text(step: Step) -> str:
    """Who speaks and who stays silent, as one line."""
    parts = []
    if step.speakers:
        parts.append("Speaking: " + ", ".join(step.speakers))
    if step.silent:
        parts.append("Silent: " + ", ".join(step.silent))
    return " · ".join(parts)


def total_text(protocol: Protocol) -> str:
    """The planned length, saying when it depends on the number of people."""
    fixed = sum(s.minutes * s.turn_count(None) for s in protocol.steps if s.turns != EACH_PARTICIPANT)
    per_person = sum(s.minutes for s in protocol.steps if s.turns == EACH_PARTICIPANT)
    if per_person:
        return f"{fixed:g} min + {per_person:g} min per person"
    return f"{fixed:g} min"


def agenda_text(protocol: Protocol, width: int = 78) -> str:
    """A printable agenda: the protocol, its steps, minutes, who speaks, prompts."""
    wrap = textwrap.TextWrapper(width=width, subsequent_indent="    ", initial_indent="    ")
    out = [protocol.name, "=" * min(len(protocol.name), width)]
    if protocol.summary:
        out.append(protocol.summary)
    out.append(
        f"Steps: {len(protocol.steps)} · Total: {total_text(protocol)}"
        + (f" · Group: {protocol.group_size}" if protocol.group_size else "")
    )
    if protocol.purpose:
        out += ["", *textwrap.wrap(protocol.purpose, width)]
    if protocol.norms:
        out += ["", "Norms:", *(f"  - {n}" for n in protocol.norms)]
    if protocol.materials:
        out += ["", "Materials:", *(f"  - {m}" for m in protocol.materials)]
    for number, step in enumerate(protocol.steps, start=1):
        out += ["", f"{number}. {step.title}  ({step_minutes(step)})"]
        if who_text(step):
            out.append(f"    {who_text(step)}")
        if step.description:
            out += wrap.wrap(step.description)
        for prompt in step.prompts:
            out += textwrap.wrap(prompt, width, initial_indent="    • ", subsequent_indent="      ")
    if protocol.source:
        out += ["", *textwrap.wrap(f"Source: {protocol.source}", width)]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """Text for a Markdown table cell or heading: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def agenda_markdown(protocol: Protocol) -> str:
    """The agenda as Markdown, for a handout or a shared document."""
    out = [f"# {_md(protocol.name)}", ""]
    if protocol.summary:
        out += [protocol.summary, ""]
    out += [f"**Steps:** {len(protocol.steps)} · **Total:** {total_text(protocol)}", ""]
    if protocol.purpose:
        out += [protocol.purpose, ""]
    if protocol.norms:
        out += ["## Norms", "", *(f"- {n}" for n in protocol.norms), ""]
    if protocol.materials:
        out += ["## Materials", "", *(f"- {m}" for m in protocol.materials), ""]
    out += ["## Agenda", "", "| # | Step | Time | Who |", "| --- | --- | --- | --- |"]
    for number, step in enumerate(protocol.steps, start=1):
        out.append(f"| {number} | {_md(step.title)} | {step_minutes(step)} | {_md(who_text(step))} |")
    for number, step in enumerate(protocol.steps, start=1):
        out += ["", f"### {number}. {_md(step.title)} ({step_minutes(step)})", ""]
        if step.description:
            out += [step.description, ""]
        out += [f"- {p}" for p in step.prompts]
    if protocol.source:
        out += ["", f"*Source: {protocol.source}*"]
    return "\n".join(out).rstrip() + "\n"


def _overrun(planned: int, actual: int) -> str:
    diff = actual - planned
    if diff > 0:
        return f"{clock_text(actual)} (+{clock_text(diff)} over)"
    return clock_text(actual)


def session_markdown(record: SessionRecord) -> str:
    """The record of a meeting as Markdown a person would send to the group."""
    name = record.protocol.name
    title = f"{name}: {record.group}" if record.group else name
    start = record.started_at
    out = [f"# {_md(title)}", ""]
    when = start.strftime("%A %d %B %Y, %H:%M")
    if record.ended_at:
        when += f"–{record.ended_at.strftime('%H:%M')}"
    out.append(f"- **Date:** {when}")
    out.append(f"- **Status:** {'completed' if record.status == 'completed' else 'in progress'}")
    for label, value in (
        ("Group", record.group),
        ("Facilitator", record.facilitator),
        ("Presenter", record.presenter),
        ("Participants", ", ".join(record.participants)),
        ("Focusing question", record.focus_question),
    ):
        if value:
            out.append(f"- **{label}:** {_md(value)}")
    planned = sum(s.planned_seconds for s in record.steps)
    actual = sum(s.actual_seconds for s in record.steps)
    out += ["", "## Agenda", "", "| # | Step | Planned | Actual |", "| --- | --- | --- | --- |"]
    for number, step in enumerate(record.steps, start=1):
        out.append(
            f"| {number} | {_md(step.title)} | {clock_text(step.planned_seconds)} | "
            f"{_overrun(step.planned_seconds, step.actual_seconds)} |"
        )
    out.append(f"|  | **Total** | **{clock_text(planned)}** | **{clock_text(actual)}** |")
    out += ["", "## Notes"]
    for number, step in enumerate(record.steps, start=1):
        out += ["", f"### {number}. {_md(step.title)}", ""]
        for turn_number, turn in enumerate(step.turns or [], start=1):
            who = f" · {_md(turn.who)}" if turn.who else ""
            out.append(
                f"- Turn {turn_number}{who}: {_overrun(turn.planned_seconds, turn.actual_seconds)}"
                f" of {clock_text(turn.planned_seconds)}"
            )
        if step.turns:
            out.append("")
        out.append(step.notes.strip() if step.notes.strip() else "*(no notes)*")
    return "\n".join(out).rstrip() + "\n"


def session_json(record: SessionRecord) -> str:
    """The whole record as JSON, for other tools (times as ISO 8601 text)."""

    def when(value: object) -> str:
        if isinstance(value, datetime):
            return value.isoformat()
        raise TypeError(f"{type(value).__name__} is not JSON")

    return json.dumps(record.data(), indent=2, ensure_ascii=False, default=when) + "\n"
