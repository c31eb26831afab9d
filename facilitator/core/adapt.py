"""Adapt's arithmetic and words: give time back to steps cut below their plan, and what a
refit changes, step by step. Imported when adapt or setup's fit preview is used, not at
start-up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .fit import UNIT_S
from .words import clock_text, plural

# -- giving time back ---------------------------------------------------------------------


@dataclass(frozen=True)
class GiveItem:
    """A step that may get time back: seconds per turn now, its plan per turn, how many turns."""

    seconds: float
    plan: float
    count: int = 1

    @property
    def top(self) -> float:
        """The most it may get: its plan, or what it has now when that is more."""
        return max(self.seconds, self.plan)


def _snap_down(item: GiveItem, value: float) -> float:
    """The largest allowed value at or below `value`: now, a multiple of 30 s, or the plan."""
    if value >= item.top - 1e-6:
        return item.top
    grid = (value + 1e-6) // UNIT_S * UNIT_S
    return grid if grid > item.seconds else item.seconds


def _next_up(item: GiveItem, value: float) -> float:
    """The next allowed value above `value` (the plan is the last)."""
    return min((value + 1e-6) // UNIT_S * UNIT_S + UNIT_S, item.top)


def give_back(items: list[GiveItem], extra_seconds: float) -> list[float]:
    """Seconds per turn with at most `extra_seconds` given back to items below their plan.

    No item gets less than it has nor more than its plan. The items furthest below their
    plan come first: every item still short is brought to the same share of its plan. Each
    ends at what it had, a multiple of 30 s, or exactly its plan; what cannot be placed that
    way is left over (the meeting ends that much early).
    """
    tops = [item.top for item in items]
    room = sum((top - item.seconds) * item.count for top, item in zip(tops, items, strict=True))
    if extra_seconds >= room:
        return tops

    def given(share: float) -> float:
        return sum(
            (min(max(item.plan * share, item.seconds), item.top) - item.seconds) * item.count
            for item in items
        )

    low, high = 0.0, 1.0
    for _ in range(100):
        middle = (low + high) / 2
        if given(middle) < extra_seconds:
            low = middle
        else:
            high = middle
    ideal = [min(max(item.plan * low, item.seconds), item.top) for item in items]
    chosen = [_snap_down(item, x) for item, x in zip(items, ideal, strict=True)]
    budget = extra_seconds - sum(
        (c - item.seconds) * item.count for c, item in zip(chosen, items, strict=True)
    )
    while True:
        steps = [
            (chosen[i] / item.plan, i, _next_up(item, chosen[i]))
            for i, item in enumerate(items)
            if chosen[i] < item.top and (_next_up(item, chosen[i]) - chosen[i]) * item.count <= budget + 1e-6
        ]
        if not steps:
            return chosen
        _, i, up = min(steps)
        budget -= (up - chosen[i]) * items[i].count
        chosen[i] = up


# -- what a refit changes -----------------------------------------------------------------


@dataclass(frozen=True)
class StepChange:
    """One step's planned time before and after a refit, all its turns together."""

    step: int
    """Which step, counting from 0."""
    title: str
    old_ms: int
    new_ms: int
    turns: int | None = None
    """How many turns, for a step taken in turns."""

    @property
    def changed(self) -> bool:
        return self.old_ms != self.new_ms

    def text(self) -> str:
        """ "Presentation 15:00 → 10:00", "Rounds 6:00 → 4:30 (3 turns of 1:30)"; unchanged:
        "Introduction 5:00 (no change)". Plain text: the title as written, never markup."""
        old = clock_text(self.old_ms / 1000)
        words = (
            f"{self.title} {old} → {clock_text(self.new_ms / 1000)}"
            if self.changed
            else f"{self.title} {old}"
        )
        details = []
        if self.turns:
            details.append(f"{plural(self.turns, 'turn')} of {clock_text(self.new_ms / self.turns / 1000)}")
        if not self.changed:
            details.append("no change")
        return f"{words} ({', '.join(details)})" if details else words


def plan_changes(
    titles: Sequence[str],
    before: Sequence[Sequence[int]],
    after: Sequence[Sequence[int]],
    in_turns: Sequence[bool],
    steps: Sequence[int] | None = None,
) -> list[StepChange]:
    """Each step's total before and after (of `steps`, by default every one), in order."""
    chosen = range(len(titles)) if steps is None else steps
    return [
        StepChange(i, titles[i], sum(before[i]), sum(after[i]), len(after[i]) if in_turns[i] else None)
        for i in chosen
    ]


@dataclass(frozen=True)
class AdaptProposal:
    """What adapting the rest of a meeting would do, to show before it is applied: the new plan
    (every unit's planned milliseconds) and each step it changes, with a headline; or, with
    no plan, why nothing can or need change (the headline says it)."""

    headline: str
    plan_ms: tuple[tuple[int, ...], ...] | None = None
    changes: tuple[StepChange, ...] = ()
    events: int = 0
    """How many events the run had when this was proposed: applied later, it is refused."""

    @property
    def lines(self) -> list[str]:
        """One line per step that changes: "Warm and cool feedback 15:00 → 12:00"."""
        return [change.text() for change in self.changes]

    def message(self) -> str:
        """The headline and the changes on one line, for a notice."""
        return " ".join([self.headline, "; ".join(self.lines)]).strip()


def names_text(names: Sequence[str], most: int = 3) -> str:
    """ "A", "A and B", "A, B and C"; more than `most`: "5 steps"."""
    if len(names) > most:
        return plural(len(names), "step")
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
