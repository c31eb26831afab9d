"""The plan of a run: the engine's view of a protocol's steps, and their planned times."""

from __future__ import annotations

from dataclasses import dataclass

from .fit import UNIT_S, FitItem, FitResult, fit
from .protocol import Protocol, Step

MINUTE_MS = 60_000
MIN_UNIT_MS = UNIT_S * 1000


@dataclass(frozen=True)
class StepShape:
    """What the engine needs to know of a step: its title, floor and who takes its turns."""

    title: str
    floor_ms: int = MIN_UNIT_MS
    turn_names: tuple[str, ...] | None = None  # None: not in turns; else one name per turn
    warn_ms: int = MINUTE_MS
    """How long before the step (each turn) ends the room is warned; 0: never (see status.py)."""

    @property
    def turns(self) -> int:
        return 1 if self.turn_names is None else len(self.turn_names)


def shape_of(protocol: Protocol, step: Step, turn_names: tuple[str, ...] | None) -> StepShape:
    """The engine's view of one step of `protocol`, its turns taken by `turn_names`."""
    floor = int(round((step.min_minutes or UNIT_S / 60) * MINUTE_MS))
    warn = int(round(protocol.warning_minutes(step) * MINUTE_MS))
    return StepShape(step.title, floor, turn_names, warn)


def shapes_for(protocol: Protocol, participants: list[str], people: int | None = None) -> list[StepShape]:
    """The engine's view of a protocol, with turns named after the participants."""
    count = people if people is not None else (len(participants) or None)
    shapes = []
    for step in protocol.steps:
        if step.turns is None:
            names = None
        elif isinstance(step.turns, int):
            names = tuple("" for _ in range(step.turns))
        else:
            n = step.turn_count(count)
            names = tuple(participants[i] if i < len(participants) else "" for i in range(n))
        shapes.append(shape_of(protocol, step, names))
    return shapes


def initial_plan(protocol: Protocol, shapes: list[StepShape]) -> list[list[int]]:
    """Planned milliseconds per unit, straight from the protocol's minutes."""
    return [
        [int(round(step.minutes * MINUTE_MS))] * shape.turns
        for step, shape in zip(protocol.steps, shapes, strict=True)
    ]


def fitted_plan(
    shapes: list[StepShape], plan: list[list[int]], minutes: float
) -> tuple[list[list[int]], FitResult]:
    """Fit a plan to `minutes`; returns (plan, FitResult)."""
    items = [
        FitItem(units[0] / 1000, shape.floor_ms / 1000, len(units))
        for shape, units in zip(shapes, plan, strict=True)
    ]
    result = fit(items, minutes * 60)
    new = [[s * 1000] * len(units) for s, units in zip(result.seconds, plan, strict=True)]
    return new, result
