"""The words the run screen shows: the clock face, the status line, what comes next, the agenda."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .details import Details
from .protocol import Protocol, Step
from .run import Run
from .words import clock_face, clock_text, drift_text

if TYPE_CHECKING:
    from .commitments import Commitment


def warning_ms(run: Run, step: int | None = None, turn: int | None = None) -> int:
    """How much time is left when the room is warned on this step or turn (0: never): the
    step's warning, or half the planned time when the step is shorter than twice that."""
    step = run.step if step is None else step
    turn = run.turn if turn is None else turn
    warn = run.shapes[step].warn_ms
    planned = run.unit_planned_ms(step, turn)
    if warn <= 0:
        return 0
    return warn if planned >= 2 * warn else planned // 2


def warning_words(ms: int) -> str:
    """ "1-minute warning", "30-second warning", "90-second warning"."""
    seconds = round(ms / 1000)
    if seconds % 60 == 0:
        return f"{seconds // 60}-minute warning"
    return f"{seconds}-second warning"


@dataclass(frozen=True)
class Mood:
    """How the time stands: the words say it, colour only repeats it."""

    ready: bool
    paused: bool
    warning: bool
    over: bool


def mood(run: Run) -> Mood:
    """Whether the run is ready to start, paused, warned that its end is near, or over time."""
    s = run.state
    left = run.left_ms()
    warn = warning_ms(run)
    return Mood(
        ready=not s.started,
        paused=s.started and not s.running and not s.finished,
        warning=s.started and not s.finished and warn > 0 and 0 <= left <= warn,
        over=left < 0,
    )


def status_line(run: Run, *, room: bool = False) -> str:
    """The plain-text status line: time left or over, PAUSED, projected end, ahead or behind.
    `room`: for a screen the room watches, where nobody can press space."""
    m = mood(run)
    left = run.left_ms()
    end = run.projected_end().strftime("%H:%M")
    if m.ready:
        waiting = "not started yet" if room else "press space to start"
        return f"{clock_face(left)} · {waiting} · ends {end} if started now"
    time = f"{clock_face(left)} over" if m.over else f"{clock_face(left)} left"
    parts = ["PAUSED", time] if m.paused else [time]
    if m.warning:
        parts.append(warning_words(warning_ms(run)))
    if run.state.finished:
        parts = ["FINISHED"]
    parts += [f"ends {end}", drift_text(run.drift_ms())]
    return " · ".join(parts)


def who_text(step: Step) -> str:
    """Who speaks and who stays silent, as one line."""
    parts = []
    if step.speakers:
        parts.append("Speaking: " + ", ".join(step.speakers))
    if step.silent:
        parts.append("Silent: " + ", ".join(step.silent))
    return " · ".join(parts)


def step_heading(run: Run) -> str:
    """ "Step 3 of 8" (and the turn, in a step taken in turns)."""
    return f"Step {run.step + 1} of {len(run.shapes)}"


@dataclass(frozen=True)
class Speaker:
    """Whose turn it is, in a step taken in turns: `name` goes in large type."""

    name: str
    """The speaker's name, or "Turn 2" when no names were given."""
    detail: str
    """ "turn 2 of 4 · next: Cy · whole step 12:00 left"."""


def step_left_ms(run: Run) -> int:
    """What is left of the whole step: this turn's time left (negative once over) and the
    turns still to come; the turns already taken count no more."""
    s = run.state
    units = s.units[s.step]
    left = run.left_ms()
    return left + sum(max(0, u.planned_ms - u.actual_ms) for u in units[s.turn + 1 :])


def speaker(run: Run) -> Speaker | None:
    """Who speaks now and who is next, or None outside a step taken in turns."""
    names = run.shapes[run.step].turn_names
    if names is None:
        return None
    turn, count = run.turn, len(names)
    parts = [f"turn {turn + 1} of {count}"]
    if turn + 1 < count:
        following = names[turn + 1]
        parts.append(f"next: {following}" if following else f"next: turn {turn + 2}")
    else:
        parts.append("last turn")
    left = step_left_ms(run)
    parts.append(f"whole step {clock_face(left)}" + (" over" if left < 0 else " left"))
    return Speaker(names[turn] or f"Turn {turn + 1}", " · ".join(parts))


def turn_text(run: Run) -> str:
    """ "Ben · turn 2 of 4 · next: Cy · whole step 12:00 left", or empty outside turns."""
    who = speaker(run)
    if who is None:
        return ""
    return f"{who.name} · {who.detail}"


def next_text(run: Run, *, room: bool = False) -> str:
    """What comes next: "Next: Clarifying questions · 5 min", or the next turn. `room`: for a
    screen the room watches, where nobody can press q."""
    names = run.shapes[run.step].turn_names
    if names is not None and run.turn + 1 < len(names):
        who = names[run.turn + 1]
        return f"Next: turn {run.turn + 2} of {len(names)}" + (f" · {who}" if who else "")
    if run.step + 1 >= len(run.shapes):
        return "Next: the end of the meeting" + ("" if room else " (q to finish)")
    following = run.step + 1
    return f"Next: {run.shapes[following].title} · {clock_text(run.step_planned_ms(following) / 1000)}"


def context_line(details: Details) -> str:
    """Who presents and the focusing question, for the room: empty when neither was given."""
    parts = []
    if details.presenter:
        parts.append(f"Presenter: {details.presenter}")
    if details.focus_question:
        parts.append(f"Focusing question: {details.focus_question}")
    return " · ".join(parts)


def norms_text(protocol: Protocol) -> str:
    """The protocol's norms as the room reads them, one per line (empty: it has none)."""
    if not protocol.norms:
        return ""
    return "\n".join(["Our norms", "", *(f"• {norm}" for norm in protocol.norms)])


def commitments_text(made: Sequence[Commitment]) -> str:
    """The meeting's commitments as the room reads them, one per line."""
    if not made:
        return "Our commitments\n\nNone yet."
    return "\n".join(["Our commitments", "", *(f"• {c.line()}" for c in made)])


@dataclass(frozen=True)
class AgendaRow:
    """One line of the agenda."""

    number: int
    title: str
    planned: str
    actual: str
    state: str  # "done", "skipped", "current", "upcoming"
    over: bool
    overrun: str  # how far over the plan a step that is no longer current ran ("2:10"), or ""


def agenda_rows(run: Run) -> list[AgendaRow]:
    """The agenda: every step, done, current or upcoming, with planned and actual times."""
    rows = []
    for i, shape in enumerate(run.shapes):
        ran = run.step_ran_ms(i)
        planned = run.step_planned_ms(i)
        if i == run.step:
            state = "current"
        elif i < run.step:
            # Passed through without the timer running (or for less than a second): skipped.
            state = "done" if ran >= 1000 else "skipped"
        else:
            state = "done" if ran >= 1000 else "upcoming"
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
                # The current step's overrun is on the big clock, to the second.
                clock_text((ran - planned) / 1000) if ran > planned and state != "current" else "",
            )
        )
    return rows
