"""Fit-to-time: scale a plan to the minutes a group has, keeping every step's floor."""

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


def fit(items: list[FitItem], target_seconds: float) -> FitResult:
    """Scale `items` to `target_seconds`, each a multiple of 30 s and at or above its floor.

    The result hits the target within 30 s whenever the floors allow it and some item has a
    single turn (an item with N turns moves in steps of N × 30 s). When the floors add up to
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

    def scaled(scale: float) -> list[float]:
        return [
            min(max(item.seconds * scale, f), MAX_UNIT_S)
            for item, f in zip(items, floors, strict=True)
        ]

    def total_of(values: list[float]) -> float:
        return sum(v * item.count for v, item in zip(values, items, strict=True))

    low, high = 0.0, 1.0
    while total_of(scaled(high)) < target:
        high *= 2
    for _ in range(100):
        middle = (low + high) / 2
        if total_of(scaled(middle)) < target:
            low = middle
        else:
            high = middle
    ideal = scaled(high)
    chosen = [max(f, _down(x)) for x, f in zip(ideal, floors, strict=True)]
    goal = int(round(target / UNIT_S)) * UNIT_S
    total = sum(c * item.count for c, item in zip(chosen, items, strict=True))
    # Hand out the rounding: 30 s at a time to the items that lost most by rounding down,
    # round after round (a turns item may not fit the gap, so single turns take it up).
    order = sorted(range(len(items)), key=lambda i: ideal[i] - chosen[i], reverse=True)
    handed = True
    while handed:
        handed = False
        for i in order:
            step = UNIT_S * items[i].count
            if total + step <= goal + UNIT_S // 2 and chosen[i] + UNIT_S <= MAX_UNIT_S:
                chosen[i] += UNIT_S
                total += step
                handed = True
    for i in reversed(order):
        step = UNIT_S * items[i].count
        if total - goal > UNIT_S // 2 and chosen[i] - UNIT_S >= floors[i]:
            chosen[i] -= UNIT_S
            total -= step
    return FitResult(chosen, total, target, True)


def describe_minutes(seconds: float) -> str:
    """Seconds as minutes for people: 300 → "5 min", 90 → "1.5 min"."""
    minutes = seconds / 60
    return f"{minutes:g} min" if minutes == round(minutes, 1) else f"{minutes:.1f} min"
