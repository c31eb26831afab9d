"""Readable text: a protocol's agenda to hand out, and a session's record to send to the group."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .protocol import EACH_PARTICIPANT, Protocol, Step
from .status import who_text
from .words import OVER_S, clock_text, protocol_minutes

if TYPE_CHECKING:  # read only where sessions are: not on the way to a meeting's first frame
    from .store.record import SessionRecord, TurnRecord


def step_minutes(step: Step) -> str:
    """How long a step is planned for, in words: "5 min", "8 min per person"."""
    if step.turns is None:
        return protocol_minutes(step.minutes)
    if step.turns == EACH_PARTICIPANT:
        return f"{protocol_minutes(step.minutes)} per person"
    return f"{step.turns} turns × {protocol_minutes(step.minutes)}"


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


# -- what happened in a meeting: the plan it started with, what changed, what was skipped ----

SKIPPED = "skipped"
NOT_REACHED = "not reached yet"  # a meeting still in progress has not got there


@dataclass(frozen=True)
class StepOutcome:
    """What happened to one step: its plan at the start and at the end, its time, in words."""

    number: int  # counting from 1
    title: str
    planned_at_start: int  # seconds, as the first plan event has it (after any fit at setup)
    planned: int  # seconds, at the end: after + / - and adapt
    actual: int
    turns_at_start: tuple[int, ...] | None  # seconds per turn at the start, for a step in turns
    changed_by: tuple[str, ...]  # "+", "-", "adapt", in the order they first happened
    state: str  # "ran", SKIPPED, NOT_REACHED, or "current" (where an unfinished meeting is)
    why: str = ""  # why a step counts as skipped, in words

    @property
    def skipped(self) -> bool:
        return self.state == SKIPPED

    @property
    def adapted(self) -> bool:
        """Changed during the meeting, by + / - or by adapt (even when back to its plan)."""
        return bool(self.changed_by)

    def change_words(self) -> str:
        """ "6:00 at the start, 7:00 at the end, made longer with +"; "" when never changed."""
        if not self.changed_by:
            return ""
        keys = set(self.changed_by)
        how = []
        if keys >= {"+", "-"}:
            how.append("changed with + and -")
        elif "+" in keys:
            how.append("made longer with +")
        elif "-" in keys:
            how.append("made shorter with -")
        if "adapt" in keys:
            how.append("refit by adapt")
        start, end = clock_text(self.planned_at_start), clock_text(self.planned)
        plan = (
            f"{start} at the start and at the end"
            if start == end
            else f"{start} at the start, {end} at the end"
        )
        return f"{plan}, {' and '.join(how)}"

    def words(self) -> str:
        """What happened, in words: "skipped (never reached)", "adapted: 5:00 at the start, …"."""
        parts = []
        if self.skipped:
            parts.append(f"skipped ({self.why})" if self.why else "skipped")
        elif self.state == NOT_REACHED:
            parts.append(NOT_REACHED)
        if self.adapted:
            parts.append(f"adapted: {self.change_words()}")
        return "; ".join(parts)


@dataclass(frozen=True)
class MeetingOutcome:
    """The whole meeting's plan at the start and at the end, its time, and each step's outcome."""

    steps: tuple[StepOutcome, ...]
    started: bool  # the timer ran at least once (a start event)

    @property
    def planned_at_start(self) -> int:
        return sum(s.planned_at_start for s in self.steps)

    @property
    def planned(self) -> int:
        return sum(s.planned for s in self.steps)

    @property
    def actual(self) -> int:
        return sum(s.actual for s in self.steps)

    @property
    def skipped(self) -> tuple[StepOutcome, ...]:
        return tuple(s for s in self.steps if s.skipped)

    @property
    def adapted(self) -> tuple[StepOutcome, ...]:
        return tuple(s for s in self.steps if s.adapted)

    def plan_words(self) -> str:
        """ "22:00 at the start, 23:00 at the end" or "22:00 at the start, unchanged"."""
        start, end = clock_text(self.planned_at_start), clock_text(self.planned)
        if not self.adapted:
            return f"{start} at the start, unchanged"
        return f"{start} at the start, {end} at the end"


def _seconds(ms: int) -> int:
    return round(ms / 1000)


def outcome_of(record: SessionRecord) -> MeetingOutcome:
    """Read the event log: the plan the meeting started with, which steps the + / - keys and
    adapt changed, which steps were visited (goto), and so which were skipped."""
    count = len(record.steps)
    plans = [e.plan_ms for e in record.events if e.kind == "plan" and e.plan_ms is not None]
    first = plans[0] if plans else None
    if first is None or [len(u) for u in first] != [len(s.turns) if s.turns else 1 for s in record.steps]:
        # No usable plan in the log (a hand-made file): the plan at the end is all there is.
        first = tuple(
            tuple(t.planned_seconds * 1000 for t in s.turns) if s.turns else (s.planned_seconds * 1000,)
            for s in record.steps
        )
    plan = [list(units) for units in first]
    changed: list[list[str]] = [[] for _ in range(count)]
    visited = {0}
    where = 0
    started = False
    for event in record.events:
        i = event.step - 1
        if event.kind == "start":
            started = True
        elif event.kind == "goto" and 0 <= i < count:
            visited.add(i)
            where = i
        elif event.kind == "extend" and 0 <= i < count and event.planned_ms is not None:
            turn = (event.turn or 1) - 1
            if 0 <= turn < len(plan[i]) and event.planned_ms != plan[i][turn]:
                key = "+" if event.planned_ms > plan[i][turn] else "-"
                plan[i][turn] = event.planned_ms
                if key not in changed[i]:
                    changed[i].append(key)
        elif event.kind == "adapt" and event.plan_ms is not None and len(event.plan_ms) == count:
            for j, units in enumerate(event.plan_ms):
                if list(units) != plan[j] and len(units) == len(plan[j]):
                    plan[j] = list(units)
                    if "adapt" not in changed[j]:
                        changed[j].append("adapt")
    finished = record.status == "completed"
    furthest = max(visited)
    steps = []
    for i, step in enumerate(record.steps):
        state, why = "ran", ""
        if not started:
            state, why = (SKIPPED, "the timer was never started") if finished else (NOT_REACHED, "")
            if not finished and i == where:
                state = "current"
        elif i not in visited:
            if i < furthest:
                state, why = SKIPPED, "passed over"
            elif finished:
                state, why = SKIPPED, "never reached"
            else:
                state = NOT_REACHED
        elif step.actual_seconds == 0:
            if not finished and i == where:
                state = "current"
            else:
                state, why = SKIPPED, "left with no time run"
        turns = tuple(_seconds(ms) for ms in first[i]) if step.turns else None
        steps.append(
            StepOutcome(
                number=i + 1,
                title=step.title,
                planned_at_start=_seconds(sum(first[i])),
                planned=step.planned_seconds,
                actual=step.actual_seconds,
                turns_at_start=turns,
                changed_by=tuple(changed[i]),
                state=state,
                why=why,
            )
        )
    return MeetingOutcome(steps=tuple(steps), started=started)


def status_words(record: SessionRecord, outcome: MeetingOutcome) -> str:
    """ "completed", "in progress", or "not started" for a meeting finished before its timer ran."""
    if not outcome.started:
        if record.status == "completed":
            return "not started: finished before the timer ever ran"
        return "in progress, not started yet"
    return "completed" if record.status == "completed" else "in progress"


def against_plan(planned: int, actual: int, plan: str = "") -> str:
    """ "+2:10 over", "3:00 under" or "on plan" (within OVER_S seconds), with `plan` named after
    the words when given: "+2:10 over the plan at the end"."""
    of = f" {plan}" if plan else ""
    if actual - planned >= OVER_S:
        return f"+{clock_text(actual - planned)} over{of}"
    if planned - actual >= OVER_S:
        return f"{clock_text(planned - actual)} under{of}"
    return f"on {plan or 'plan'}"


def listed(steps: tuple[StepOutcome, ...], why: Callable[[StepOutcome], str]) -> str:
    """ "2. Rounds (passed over); 4. Debrief (never reached)", or "none"."""
    return "; ".join(f"{s.number}. {s.title} ({why(s)})" for s in steps) or "none"


def skipped_words(outcome: MeetingOutcome) -> str:
    """The skipped steps in words, or "none"; a meeting never started skipped everything."""
    if not outcome.started and outcome.skipped:
        return "every step: the timer was never started"
    return listed(outcome.skipped, lambda s: s.why)


def session_markdown(record: SessionRecord) -> str:
    """The record of a meeting as Markdown a person would send to the group: the plan it
    started with beside the plan it ended with and the time taken, and which steps were
    skipped or adapted, in words."""
    outcome = outcome_of(record)
    name = record.protocol.name
    title = f"{name}: {record.group}" if record.group else name
    start = record.started_at
    out = [f"# {_md(title)}", ""]
    when = start.strftime("%A %d %B %Y, %H:%M")
    if record.ended_at:
        when += f"–{record.ended_at.strftime('%H:%M')}"
    out.append(f"- **Date:** {when}")
    out.append(f"- **Status:** {status_words(record, outcome)}")
    for label, value in (
        ("Group", record.group),
        ("Facilitator", record.facilitator),
        ("Presenter", record.presenter),
        ("Participants", ", ".join(record.participants)),
        ("Focusing question", record.focus_question),
    ):
        if value:
            out.append(f"- **{label}:** {_md(value)}")
    if record.fit_minutes is not None:
        out.append(f"- **Fitted at setup to:** {clock_text(record.fit_minutes * 60)}")
    out.append(f"- **Planned:** {outcome.plan_words()}")
    actual = clock_text(outcome.actual)
    if outcome.started and record.status == "completed":
        actual += f" ({against_plan(outcome.planned, outcome.actual, 'the plan at the end')}"
        if outcome.adapted:
            actual += f"; {against_plan(outcome.planned_at_start, outcome.actual, 'the plan at the start')}"
        actual += ")"
    out.append(f"- **Actual:** {actual}")
    out.append(f"- **Skipped:** {_md(skipped_words(outcome))}")
    out.append(f"- **Adapted:** {_md(listed(outcome.adapted, StepOutcome.change_words))}")
    out += [
        "",
        "## Agenda",
        "",
        "| # | Step | Planned at start | Planned at end | Actual | What happened |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for step in outcome.steps:
        out.append(
            f"| {step.number} | {_md(step.title)} | {clock_text(step.planned_at_start)} | "
            f"{clock_text(step.planned)} | {_overrun(step.planned, step.actual)} | {_md(step.words())} |"
        )
    out.append(
        f"|  | **Total** | **{clock_text(outcome.planned_at_start)}** | **{clock_text(outcome.planned)}** | "
        f"**{clock_text(outcome.actual)}** |  |"
    )
    if record.commitments:
        out += ["", "## Commitments", ""]
        out += [f"- {_md(line)}" for line in commitment_lines(record)]
    out += ["", "## Notes"]
    for step, saved in zip(outcome.steps, record.steps, strict=True):
        out += ["", f"### {step.number}. {_md(step.title)}", ""]
        if step.words():
            out += [f"What happened: {step.words()}.", ""]
        for turn_number, turn in enumerate(saved.turns or [], start=1):
            who = f" · {_md(turn.who)}" if turn.who else ""
            out.append(f"- Turn {turn_number}{who}: {turn_words(step, turn_number, turn)}")
        if saved.turns:
            out.append("")
        if saved.ratings:
            out += [f"- Rated {_md(item)}: {value:g}" for item, value in saved.ratings.items()] + [""]
        out.append(saved.notes.strip() if saved.notes.strip() else "*(no notes)*")
    return "\n".join(out).rstrip() + "\n"


def commitment_lines(record: SessionRecord) -> list[str]:
    """Each commitment made in the meeting, with the step it was made at."""
    titles = [step.title for step in record.steps]
    lines = []
    for made in record.commitments:
        at = titles[made.step - 1] if 0 < made.step <= len(titles) else f"step {made.step}"
        lines.append(f"{made.line()} (made at {made.step}. {at})")
    return lines


def turn_words(step: StepOutcome, number: int, turn: TurnRecord) -> str:
    """ "2:10 (+0:10 over) of 2:00", and the plan at the start when it changed."""
    text = f"{_overrun(turn.planned_seconds, turn.actual_seconds)} of {clock_text(turn.planned_seconds)}"
    starts = step.turns_at_start
    if starts is not None and number <= len(starts) and starts[number - 1] != turn.planned_seconds:
        text += f" ({clock_text(starts[number - 1])} at the start)"
    return text


def session_json(record: SessionRecord) -> str:
    """The whole record as JSON, for other tools (times as ISO 8601 text)."""

    def when(value: object) -> str:
        if isinstance(value, datetime):
            return value.isoformat()
        raise TypeError(f"{type(value).__name__} is not JSON")

    return json.dumps(record.data(), indent=2, ensure_ascii=False, default=when) + "\n"
