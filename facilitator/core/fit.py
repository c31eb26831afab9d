"""Fit-to-time: scale a plan to the minutes a group has, keeping every step's floor; give time
back to steps cut below their plan; and what a refit changes, step by step, in words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .words import clock_text, plural

UNIT_S = 30
MAX_UNIT_S = 480 * 60


@dataclass(frozen=True)
class FitItem:
    """One step to fit: seconds per turn now, the floor per turn, and how many turns it has."""

    seconds: float
    floor: float = UNIT_S
    count: int = 1


@dataclass(frozen=True)
class FitResult:
    """Seconds per turn for each item; `possible` is False when the floors exceed the target."""

    seconds: list[int]
    total: int
    target: int
    possible: bool

    @property
    def off_by(self) -> int:
        """How far the fitted total is from the target, in seconds (positive: longer)."""
        return self.total - self.target


def _up(value: float) -> int:
    return -(-int(round(value)) // UNIT_S) * UNIT_S


def _down(value: float) -> int:
    return int(value // UNIT_S) * UNIT_S


def minimum_seconds(items: list[FitItem]) -> int:
    """The shortest the plan can be: every item at its floor."""
    return sum(_up(max(item.floor, UNIT_S)) * item.count for item in items)


def _continuous(items: list[FitItem], floors: list[int], target: float) -> list[float]:
    """Seconds per turn scaled by one factor so the total is `target`, floors and caps kept."""

    def scaled(scale: float) -> list[float]:
        return [min(max(item.seconds * scale, f), MAX_UNIT_S) for item, f in zip(items, floors, strict=True)]

    def total_of(values: list[float]) -> float:
        return sum(v * item.count for v, item in zip(values, items, strict=True))

    low, high = 0.0, 1.0
    while total_of(scaled(high)) < target and high < 1e12:
        high *= 2
    for _ in range(100):
        middle = (low + high) / 2
        if total_of(scaled(middle)) < target:
            low = middle
        else:
            high = middle
    return scaled(high)


def _round_to(ideal: list[float], floors: list[int], goal: int) -> list[int]:
    """Single-turn items rounded to 30 s so they add up to `goal` (largest remainders first)."""
    chosen = [max(f, _down(x)) for x, f in zip(ideal, floors, strict=True)]
    order = sorted(range(len(ideal)), key=lambda i: ideal[i] - chosen[i], reverse=True)
    short = goal - sum(chosen)
    for i in order * 2:
        if short < UNIT_S // 2 + 1:
            break
        if chosen[i] + UNIT_S <= MAX_UNIT_S:
            chosen[i] += UNIT_S
            short -= UNIT_S
    for i in reversed(order * 2):
        if short > -(UNIT_S // 2 + 1):
            break
        if chosen[i] - UNIT_S >= floors[i]:
            chosen[i] -= UNIT_S
            short += UNIT_S
    return chosen


def fit(items: list[FitItem], target_seconds: float) -> FitResult:
    """Scale `items` to `target_seconds`, each a multiple of 30 s and at or above its floor.

    First every item is scaled by one factor (floors and the 480-minute cap kept). Items with
    several turns are rounded to the nearest 30 s per turn; the single-turn items are then
    fitted again to what is left and rounded by largest remainder, so the total lands within
    30 s of the target whenever the single-turn items have room. When the floors add up to
    more than the target, every item is set to its floor and `possible` is False.
    """
    target = int(round(target_seconds))
    floors = [min(_up(max(item.floor, UNIT_S)), MAX_UNIT_S) for item in items]
    lowest = sum(f * item.count for f, item in zip(floors, items, strict=True))
    highest = sum(MAX_UNIT_S * item.count for item in items)
    if not items:
        return FitResult([], 0, target, target == 0)
    if lowest >= target or highest <= target:
        chosen = floors if lowest >= target else [MAX_UNIT_S] * len(items)
        total = sum(c * item.count for c, item in zip(chosen, items, strict=True))
        return FitResult(chosen, total, target, abs(total - target) <= UNIT_S)

    ideal = _continuous(items, floors, target)
    chosen = [
        min(max(f, int(round(x / UNIT_S)) * UNIT_S), MAX_UNIT_S) for x, f in zip(ideal, floors, strict=True)
    ]
    singles = [i for i, item in enumerate(items) if item.count == 1]
    multi = [i for i, item in enumerate(items) if item.count > 1]
    if singles:
        sub_items = [items[i] for i in singles]
        sub_floors = [floors[i] for i in singles]
        sub_low = sum(sub_floors)
        sub_high = MAX_UNIT_S * len(singles)

        def left_for_singles() -> int:
            return target - sum(chosen[i] * items[i].count for i in multi)

        # Steps in turns give way when the single-turn steps alone cannot take up the rest.
        while left_for_singles() < sub_low - UNIT_S // 2:
            down = [i for i in multi if chosen[i] - UNIT_S >= floors[i]]
            if not down:
                break
            i = max(down, key=lambda k: chosen[k] - ideal[k])
            chosen[i] -= UNIT_S
        while left_for_singles() > sub_high + UNIT_S // 2:
            up = [i for i in multi if chosen[i] + UNIT_S <= MAX_UNIT_S]
            if not up:
                break
            i = max(up, key=lambda k: ideal[k] - chosen[k])
            chosen[i] += UNIT_S
        rest = min(max(left_for_singles(), sub_low), sub_high)
        goal = int(round(rest / UNIT_S)) * UNIT_S
        sub_ideal = _continuous(sub_items, sub_floors, rest)
        for i, seconds in zip(singles, _round_to(sub_ideal, sub_floors, goal), strict=True):
            chosen[i] = seconds
    total = sum(c * item.count for c, item in zip(chosen, items, strict=True))
    chosen, total = _nudge(items, floors, chosen, total, target)
    return FitResult(chosen, total, target, True)


def _nudge(
    items: list[FitItem], floors: list[int], chosen: list[int], total: int, target: int
) -> tuple[list[int], int]:
    """Move one item 30 s at a time while that brings the total closer to the target."""
    while True:
        best: tuple[int, int, int] | None = None
        for i, item in enumerate(items):
            for delta in (UNIT_S, -UNIT_S):
                if floors[i] <= chosen[i] + delta <= MAX_UNIT_S:
                    gap = abs(total + delta * item.count - target)
                    if gap < abs(total - target) and (best is None or gap < best[0]):
                        best = (gap, i, delta)
        if best is None:
            return chosen, total
        _, i, delta = best
        chosen[i] += delta
        total += delta * items[i].count


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
