"""The words the run screen shows: the clock face, the status line, what comes next, the agenda."""

from __future__ import annotations

from dataclasses import dataclass

from .run import Run
from .words import clock_face, clock_text, drift_text, minutes_text

WARNING_MS = 60_000


@dataclass(frozen=True)
class Mood:
    """How the time stands: the words say it, colour only repeats it."""

    ready: bool
    paused: bool
    warning: bool
    over: bool


def mood(run: Run) -> Mood:
    """Whether the run is ready to start, paused, in its last minute, or over time."""
    s = run.state
    left = run.left_ms()
    return Mood(
        ready=not s.started,
        paused=s.started and not s.running and not s.finished,
        warning=s.started and 0 <= left <= WARNING_MS,
        over=left < 0,
    )


def status_line(run: Run) -> str:
    """The plain-text status line: time left or over, PAUSED, projected end, ahead or behind."""
    m = mood(run)
    left = run.left_ms()
    end = run.projected_end().strftime("%H:%M")
    if m.ready:
        return f"{clock_face(left)} · press space to start · ends {end} if started now"
    time = f"{clock_face(left)} over" if m.over else f"{clock_face(left)} left"
    parts = ["PAUSED", time] if m.paused else [time]
    if m.warning and not m.paused:
        parts.append("last minute")
    if run.state.finished:
        parts = ["FINISHED"]
    parts += [f"ends {end}", drift_text(run.drift_ms())]
    return " · ".join(parts)


def step_heading(run: Run) -> str:
    """ "Step 3 of 8" (and the turn, in a step taken in turns)."""
    return f"Step {run.step + 1} of {len(run.shapes)}"


def turn_text(run: Run) -> str:
    """ "Turn 2 of 5 · Maria · 03:10 left", or empty outside a step taken in turns."""
    names = run.shapes[run.step].turn_names
    if names is None:
        return ""
    who = names[run.turn]
    parts = [f"Turn {run.turn + 1} of {len(names)}"]
    if who:
        parts.append(who)
    step_left = run.step_planned_ms(run.step) - run.step_ran_ms(run.step)
    parts.append(f"whole step {clock_face(step_left)}" + (" over" if step_left < 0 else " left"))
    return " · ".join(parts)


def next_text(run: Run) -> str:
    """What comes next: "Next: Clarifying questions · 5 min", or the next turn."""
    names = run.shapes[run.step].turn_names
    if names is not None and run.turn + 1 < len(names):
        who = names[run.turn + 1]
        return f"Next: turn {run.turn + 2} of {len(names)}" + (f" · {who}" if who else "")
    if run.step + 1 >= len(run.shapes):
        return "Next: the end of the meeting (q to finish)"
    following = run.step + 1
    minutes = minutes_text(run.step_planned_ms(following) / 1000)
    return f"Next: {run.shapes[following].title} · {minutes}"


@dataclass(frozen=True)
class AgendaRow:
    """One line of the agenda."""

    number: int
    title: str
    planned: str
    actual: str
    state: str  # "done", "skipped", "current", "upcoming"
    over: bool


def agenda_rows(run: Run) -> list[AgendaRow]:
    """The agenda: every step, done, current or upcoming, with planned and actual times."""
    rows = []
    for i, shape in enumerate(run.shapes):
        ran = run.step_ran_ms(i)
        planned = run.step_planned_ms(i)
        if i == run.step:
            state = "current"
        elif i < run.step:
            state = "done" if ran > 0 or i in run.state.visited else "skipped"
        else:
            state = "done" if ran > 0 else "upcoming"
        # The current step's time is on the big clock; here it moves once a minute, not every
        # second, so the agenda is not repainted every second.
        shown = ran - ran % 60_000 if state == "current" else ran
        rows.append(
            AgendaRow(
                i + 1,
                shape.title,
                clock_text(planned / 1000),
                clock_text(shown / 1000) if shown else "",
                state,
                ran > planned,
            )
        )
    return rows
