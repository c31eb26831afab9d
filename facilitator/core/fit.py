"""Fit-to-time: scale a plan to the minutes a group has, keeping every step's floor.
(Giving time back and saying what a refit changes are in adapt.py.)"""

from __future__ import annotations

from dataclasses import dataclass

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
