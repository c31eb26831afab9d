"""The session engine: a run of a protocol, driven by actions, kept as an event log.

Every action becomes an `Event` that `apply` folds into the state; nothing else changes it,
so replaying the log on a fresh `Run` rebuilds the state exactly (that is how a crashed
session is resumed). Times are whole milliseconds of the session clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated

from .checking import Rule
from .clock import Clock
from .fit import FitItem, fit
from .plan import MIN_UNIT_MS, MINUTE_MS, StepShape
from .words import OVER_S, clock_text

if TYPE_CHECKING:
    from .adapt import AdaptProposal

MAX_UNIT_MS = 480 * MINUTE_MS

KINDS = ("plan", "start", "pause", "resume", "goto", "extend", "restart", "adapt", "show", "finish")
NORMS = "norms"
"""What `show` puts in front of the room besides the step: the protocol's norms…"""
COMMITMENTS = "commitments"
"""… or the commitments the meeting has made."""


class RunError(ValueError):
    """An event log that does not describe a possible run."""


def _at_least(lowest: int) -> Rule:
    def check(value: int) -> int:
        if value < lowest:
            raise ValueError(f"must be at least {lowest}")
        return value

    return Rule(check)


Count = Annotated[int, _at_least(1)]
Millis = Annotated[int, _at_least(0)]
Plan = tuple[tuple[int, ...], ...]


@dataclass(frozen=True, kw_only=True)
class Event:
    """One entry of the event log, as kept in the session file. `step` and `turn` count from
    1, as people do; `t_ms` is the session clock and `at` the wall time."""

    at: datetime
    kind: str
    step: Count
    turn: Count | None = None
    t_ms: Millis
    planned_ms: int | None = None  # extend: the unit's new planned time
    plan_ms: Plan | None = None  # plan, adapt: every unit's planned time
    shown: str | None = None  # show: what the room is shown over the step ("norms"; "": the step)


@dataclass
class Unit:
    """A step, or one turn of a step taken in turns: planned and accumulated time."""

    planned_ms: int
    actual_ms: int = 0


@dataclass
class State:
    """Everything the log says: units per step, where we are, whether the timer runs."""

    units: list[list[Unit]] = field(default_factory=list)
    step: int = 0
    turn: int = 0
    started: bool = False
    running: bool = False
    finished: bool = False
    segment_start_ms: int = 0
    scheduled_end_ms: int | None = None
    visited: set[int] = field(default_factory=set)
    shown: str | None = None  # what the facilitator put in front of the room; None: as the step has it


class Run:
    """A protocol being run: actions in, state and times out."""

    def __init__(self, shapes: list[StepShape], clock: Clock, offset_ms: int = 0) -> None:
        if not shapes:
            raise RunError("a run needs at least one step")
        self.shapes = shapes
        self.clock = clock
        self.events: list[Event] = []
        self.state = State()
        self._base = clock.monotonic()
        self._offset_ms = offset_ms

    # -- time ------------------------------------------------------------------------------
    def now_ms(self) -> int:
        """The session clock: milliseconds since the run was opened."""
        return self._offset_ms + int(round((self.clock.monotonic() - self._base) * 1000))

    def _record(self, kind: str, **extra: object) -> Event:
        now = max(self.now_ms(), self.events[-1].t_ms if self.events else 0)
        event = Event(
            kind=kind,
            t_ms=now,
            at=self.clock.wall(),
            step=extra.pop("step", self.state.step + 1),  # type: ignore[arg-type]
            turn=extra.pop("turn", self._turn_label()),  # type: ignore[arg-type]
            **extra,  # type: ignore[arg-type]
        )
        self.apply(event)
        self.events.append(event)
        return event

    def _turn_label(self, step: int | None = None, turn: int | None = None) -> int | None:
        step = self.state.step if step is None else step
        turn = self.state.turn if turn is None else turn
        return turn + 1 if self.shapes[step].turn_names is not None else None

    # -- the fold --------------------------------------------------------------------------
    def apply(self, event: Event) -> None:
        """Fold one event into the state; the only place the state changes."""
        s = self.state
        t = event.t_ms
        if event.kind == "plan":
            if event.plan_ms is None or len(event.plan_ms) != len(self.shapes):
                raise RunError("the plan does not match the protocol's steps")
            for units, shape in zip(event.plan_ms, self.shapes, strict=True):
                if len(units) != shape.turns or any(ms <= 0 for ms in units):
                    raise RunError(f'the plan for "{shape.title}" does not match its turns')
            s.units = [[Unit(ms) for ms in units] for units in event.plan_ms]
            s.visited = {0}
            return
        if not s.units:
            raise RunError(f"{event.kind} before the plan")
        if s.finished:
            raise RunError(f"{event.kind} after finish")
        if event.kind == "start":
            s.started = s.running = True
            s.segment_start_ms = t
            s.scheduled_end_ms = t + sum(self.unit_left_ms(i, j, t) for i, j in self._units())
        elif event.kind == "pause":
            self._close_segment(t)
            s.running = False
        elif event.kind == "resume":
            s.running = True
            s.segment_start_ms = t
        elif event.kind == "goto":
            step, turn = event.step - 1, (event.turn or 1) - 1
            if not (0 <= step < len(s.units) and 0 <= turn < len(s.units[step])):
                raise RunError(f"goto step {event.step} turn {event.turn}: no such place")
            self._close_segment(t)
            if step != s.step:
                s.shown = None  # the norms (or whatever was shown) give way to the next step
            s.step, s.turn = step, turn
            s.visited.add(step)
            s.segment_start_ms = t
        elif event.kind == "extend":
            if event.planned_ms is None or event.planned_ms <= 0:
                raise RunError("extend without a planned time")
            self._unit().planned_ms = event.planned_ms
        elif event.kind == "restart":
            self._unit().actual_ms = 0
            s.segment_start_ms = t
        elif event.kind == "adapt":
            if event.plan_ms is None or [len(u) for u in event.plan_ms] != [len(u) for u in s.units]:
                raise RunError("adapt does not match the plan")
            for step_units, new in zip(s.units, event.plan_ms, strict=True):
                for unit, ms in zip(step_units, new, strict=True):
                    unit.planned_ms = ms
        elif event.kind == "show":
            s.shown = event.shown or ""
        elif event.kind == "finish":
            self._close_segment(t)
            s.running = False
            s.finished = True
        else:
            raise RunError(f"unknown event kind {event.kind!r}")

    def _close_segment(self, t: int) -> None:
        s = self.state
        if s.running:
            self._unit().actual_ms += max(0, t - s.segment_start_ms)
            s.segment_start_ms = t

    def _unit(self) -> Unit:
        return self.state.units[self.state.step][self.state.turn]

    def _units(self) -> list[tuple[int, int]]:
        return [(i, j) for i, units in enumerate(self.state.units) for j in range(len(units))]

    # -- queries ---------------------------------------------------------------------------
    @property
    def step(self) -> int:
        """The current step, counting from 0."""
        return self.state.step

    @property
    def turn(self) -> int:
        """The current turn within a step taken in turns, counting from 0."""
        return self.state.turn

    @property
    def running(self) -> bool:
        return self.state.running

    def unit_ran_ms(self, step: int, turn: int, now: int | None = None) -> int:
        """Time run on one step or turn, including the running stretch."""
        s = self.state
        ran = s.units[step][turn].actual_ms
        if s.running and (step, turn) == (s.step, s.turn):
            ran += max(0, (self.now_ms() if now is None else now) - s.segment_start_ms)
        return ran

    def unit_left_ms(self, step: int, turn: int, now: int | None = None) -> int:
        """Planned minus run: negative once over time."""
        return self.state.units[step][turn].planned_ms - self.unit_ran_ms(step, turn, now)

    def unit_planned_ms(self, step: int, turn: int) -> int:
        return self.state.units[step][turn].planned_ms

    def step_planned_ms(self, step: int) -> int:
        return sum(u.planned_ms for u in self.state.units[step])

    def step_ran_ms(self, step: int, now: int | None = None) -> int:
        return sum(self.unit_ran_ms(step, j, now) for j in range(len(self.state.units[step])))

    def left_ms(self, now: int | None = None) -> int:
        """Time left on the current step or turn (negative when over)."""
        return self.unit_left_ms(self.state.step, self.state.turn, now)

    def over(self) -> bool:
        return self.left_ms() < 0

    def total_planned_ms(self) -> int:
        return sum(u.planned_ms for units in self.state.units for u in units)

    def remaining_ms(self, now: int | None = None) -> int:
        """Time still to run: the rest of this step or turn and everything after it."""
        s = self.state
        total = max(0, self.unit_left_ms(s.step, s.turn, now))
        # Only the current unit can be running; the others are planned minus already run.
        units = s.units
        for j in range(s.turn + 1, len(units[s.step])):
            total += max(0, units[s.step][j].planned_ms - units[s.step][j].actual_ms)
        for later in units[s.step + 1 :]:
            total += sum(max(0, u.planned_ms - u.actual_ms) for u in later)
        return total

    def projected_end(self) -> datetime:
        """The wall-clock time the meeting ends if every step from here keeps its time."""
        return self.clock.wall() + timedelta(milliseconds=self.remaining_ms())

    def drift_ms(self) -> int:
        """How far behind the plan the meeting is (negative: ahead); 0 before it starts."""
        if self.state.scheduled_end_ms is None:
            return 0
        now = self.now_ms()
        return now + self.remaining_ms(now) - self.state.scheduled_end_ms

    # -- what is possible ------------------------------------------------------------------
    def at_end(self) -> bool:
        s = self.state
        return s.step == len(s.units) - 1 and s.turn == len(s.units[s.step]) - 1

    def at_start(self) -> bool:
        return self.state.step == 0 and self.state.turn == 0

    def can_shorten(self) -> bool:
        return self._shortened() < self._unit().planned_ms

    def can_extend(self) -> bool:
        return self._unit().planned_ms < MAX_UNIT_MS

    def _shortened(self) -> int:
        """One minute less, but never less than 30 s still to run (nor 30 s in all)."""
        ran = self.unit_ran_ms(self.state.step, self.state.turn)
        floor = math.ceil(ran / 1000) * 1000 + MIN_UNIT_MS
        return max(self._unit().planned_ms - MINUTE_MS, floor)

    # -- actions ---------------------------------------------------------------------------
    def open(self, plan: list[list[int]]) -> Event:
        """Set the plan: the first event of every run."""
        if self.events:
            raise RunError("the run is already open")
        return self._record("plan", step=1, turn=None, plan_ms=tuple(map(tuple, plan)))

    def toggle(self) -> Event | None:
        """Space: start, pause or resume."""
        if self.state.finished:
            return None
        if not self.state.started:
            return self._record("start")
        return self._record("pause" if self.state.running else "resume")

    def goto(self, step: int, turn: int = 0) -> Event | None:
        """Move to a step (and turn), counting from 0; the timer keeps running if it was."""
        s = self.state
        if s.finished or not (0 <= step < len(s.units) and 0 <= turn < len(s.units[step])):
            return None
        if (step, turn) == (s.step, s.turn):
            return None
        return self._record("goto", step=step + 1, turn=self._turn_label(step, turn))

    def next(self) -> Event | None:
        """The next turn of this step, else the next step."""
        s = self.state
        if s.turn + 1 < len(s.units[s.step]):
            return self.goto(s.step, s.turn + 1)
        return self.goto(s.step + 1, 0)

    def previous(self) -> Event | None:
        """The previous turn of this step, else the last turn of the previous step."""
        s = self.state
        if s.turn > 0:
            return self.goto(s.step, s.turn - 1)
        if s.step == 0:
            return None
        return self.goto(s.step - 1, len(s.units[s.step - 1]) - 1)

    def extend(self, minutes: int = 1) -> Event | None:
        """One more minute (or, with -1, one less, never below what has run or 30 s)."""
        if self.state.finished or minutes == 0:
            return None
        if minutes > 0:
            if not self.can_extend():
                return None
            planned = min(self._unit().planned_ms + minutes * MINUTE_MS, MAX_UNIT_MS)
        else:
            if not self.can_shorten():
                return None
            planned = self._shortened()
        return self._record("extend", planned_ms=planned)

    def restart(self) -> Event | None:
        """Set this step's (or turn's) time run back to zero."""
        if self.state.finished:
            return None
        return self._record("restart")

    def adapt_plan(self) -> AdaptProposal:
        """What adapt would do now: the steps after this one refitted to end at the planned end.

        Behind, they shrink in proportion, floors kept, none growing. Ahead, time goes back
        only to steps cut below their original plan (the first `plan` event: as the meeting
        started), up to that plan and never past it; what is left over, the meeting ends early.
        Every remaining turn of a step taken in turns gets the same time.
        """
        from .adapt import AdaptProposal, GiveItem, give_back, plan_changes  # when asked

        s = self.state
        if s.finished:
            return AdaptProposal("The meeting has finished: there is nothing to adapt.")
        if s.scheduled_end_ms is None:
            return AdaptProposal("Start the meeting first: adapt fits the rest to its planned end.")
        later = list(range(s.step + 1, len(s.units)))
        if not later:
            return AdaptProposal("This is the last step: there is nothing after it to adapt.")
        now = self.now_ms()
        current = sum(max(0, self.unit_left_ms(s.step, j, now)) for j in range(s.turn, len(s.units[s.step])))
        available = s.scheduled_end_ms - now - current
        planned = sum(self.step_planned_ms(i) for i in later)
        gap = available - planned  # positive: ahead of plan
        if abs(gap) < OVER_S * 1000:
            return AdaptProposal("The rest of the plan already ends on time: nothing changed.")
        original = self.events[0].plan_ms or ()
        counts = [len(s.units[i]) for i in later]
        # Per turn: a step's turns may differ (a + on one of them); they are fitted as their mean.
        now_per_turn = [self.step_planned_ms(i) // n for i, n in zip(later, counts, strict=True)]
        plan_per_turn = [sum(original[i]) // n for i, n in zip(later, counts, strict=True)]
        if gap > 0:
            items = [
                GiveItem(ms / 1000, top / 1000, n)
                for ms, top, n in zip(now_per_turn, plan_per_turn, counts, strict=True)
            ]
            per_turn = [int(round(seconds * 1000)) for seconds in give_back(items, gap / 1000)]
        else:
            fitting = [
                FitItem(ms / 1000, min(self.shapes[i].floor_ms, ms) / 1000, n)
                for i, ms, n in zip(later, now_per_turn, counts, strict=True)
            ]
            result = fit(fitting, max(0, available) / 1000)
            per_turn = [min(sec * 1000, ms) for sec, ms in zip(result.seconds, now_per_turn, strict=True)]
        before = [[u.planned_ms for u in units] for units in s.units]
        after = [list(units) for units in before]
        for i, ms, was in zip(later, per_turn, now_per_turn, strict=True):
            if ms != was:
                after[i] = [ms] * len(after[i])
        titles = [shape.title for shape in self.shapes]
        in_turns = [shape.turn_names is not None for shape in self.shapes]
        changes = tuple(c for c in plan_changes(titles, before, after, in_turns, later) if c.changed)
        fitted = sum(sum(after[i]) for i in later)
        if gap > 0:
            cut = any(ms < top for ms, top in zip(now_per_turn, plan_per_turn, strict=True))
            reached = all(after[c.step][0] >= plan_per_turn[later.index(c.step)] for c in changes)
            names = [c.title for c in changes]
            headline = self._ahead_words(gap, fitted - planned, names, reached=reached, cut=cut)
        else:
            headline = self._behind_words(-gap, available, fitted, changed=bool(changes))
        if not changes:
            return AdaptProposal(headline)
        return AdaptProposal(headline, tuple(map(tuple, after)), changes, len(self.events))

    @staticmethod
    def _ahead_words(gap: int, given: int, names: list[str], *, reached: bool, cut: bool) -> str:
        """The headline when the meeting is ahead: what is given back, and how early it ends."""
        from .adapt import names_text

        ahead = f"{clock_text(gap / 1000)} ahead of plan"
        early = gap - given
        ends = f"the meeting will end {clock_text(early / 1000)} early"
        if not names and not cut:
            return f"{ahead}: no step after this one was cut, and none goes past its plan: {ends}."
        if not names:
            return f"{ahead}: too little to give back in whole turns, so nothing changed: {ends}."
        whose = "its plan" if len(names) == 1 else "their plans"
        words = f"{ahead}: gives back {clock_text(given / 1000)} to {names_text(names)}, "
        words += f"{'up to' if reached else 'toward'} {whose}"
        return words + (f"; {ends}." if early >= OVER_S * 1000 else ".")

    @staticmethod
    def _behind_words(behind: int, available: int, fitted: int, *, changed: bool) -> str:
        """The headline when the meeting is behind: what the rest shrinks to, or why it cannot."""
        if not changed:
            return (
                f"{clock_text(behind / 1000)} behind plan, and the steps after this one are at "
                "their minimums already: nothing changed."
            )
        left = clock_text(max(0, available) / 1000)
        late = fitted - max(0, available)
        if late >= OVER_S * 1000:
            return (
                f"Only {left} left: the remaining steps go down to their minimums, and the meeting "
                f"still ends {clock_text(late / 1000)} late."
            )
        return f"{clock_text(behind / 1000)} behind plan: the remaining steps shrink to fit the {left} left."

    def adapt(self, proposal: AdaptProposal | None = None) -> tuple[Event | None, str]:
        """Apply what `adapt_plan` proposed (a fresh proposal when none is given) as an `adapt`
        event; says what changed. A proposal made before the latest event is refused."""
        proposal = self.adapt_plan() if proposal is None else proposal
        if proposal.plan_ms is None:
            return None, proposal.headline
        if self.state.finished or proposal.events != len(self.events):
            return None, "The meeting moved on since adapt was asked: nothing changed. Adapt again."
        return self._record("adapt", plan_ms=proposal.plan_ms), proposal.message()

    def showing(self, has_norms: bool) -> str:
        """What the room sees over the step: "norms", "commitments" or "" (the step itself).
        The norms show by themselves during the first step, when the protocol has norms, until
        hidden."""
        s = self.state
        if s.shown is None:
            return NORMS if has_norms and s.step == 0 and not s.finished else ""
        return s.shown

    def show(self, what: str) -> Event | None:
        """Put `what` ("norms", "commitments") in front of the room until shown again, or "" to
        take it away;
        moving to another step takes it away too."""
        if self.state.finished:
            return None
        return self._record("show", shown=what)

    def finish(self) -> Event | None:
        """End the run: the timer stops and no more actions are taken."""
        if self.state.finished:
            return None
        return self._record("finish")

    # -- rebuilding ------------------------------------------------------------------------
    @classmethod
    def rebuild(
        cls, shapes: list[StepShape], events: list[Event], clock: Clock, now_ms: int | None = None
    ) -> Run:
        """A run whose state is the fold of `events`; its clock continues from `now_ms`."""
        if not events or events[0].kind != "plan":
            raise RunError("the event log does not begin with the plan")
        last = events[-1].t_ms
        run = cls(shapes, clock, offset_ms=last if now_ms is None else max(now_ms, last))
        previous = 0
        for event in events:
            if event.t_ms < previous:
                raise RunError(f"event {event.kind} at {event.t_ms} ms goes back in time")
            previous = event.t_ms
            run.apply(event)
            run.events.append(event)
        return run

    def snapshot(self) -> tuple[object, ...]:
        """The state as plain values, for comparing two runs."""
        s = self.state
        return (
            tuple(tuple((u.planned_ms, u.actual_ms) for u in units) for units in s.units),
            s.step,
            s.turn,
            s.started,
            s.running,
            s.finished,
            s.segment_start_ms,
            s.scheduled_end_ms,
            frozenset(s.visited),
            s.shown,
        )


def with_plan(event: Event, plan: list[list[int]]) -> Event:
    """A copy of a plan event with another plan (used when fitting before the run starts)."""
    return replace(event, plan_ms=tuple(map(tuple, plan)))
