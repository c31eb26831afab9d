"""Finding the right protocol: its families (tags the library keeps consistent) and whether
it fits the time there is, counting the floors it keeps when fitted."""

from __future__ import annotations

from .fit import FitItem, minimum_seconds
from .plan import shapes_for
from .protocol import Protocol

FAMILIES = ("tuning", "student work", "dilemma", "text", "data", "listening", "feedback", "reflection")
"""The families a built-in protocol belongs to, as tags (every built-in has at least one)."""
PEOPLE = 4
"""How many take turns when a length is asked without names: a small team."""


def families(protocol: Protocol) -> list[str]:
    """The protocol's families, in the library's order (its other tags left out)."""
    tags = {tag.casefold() for tag in protocol.tags}
    return [family for family in FAMILIES if family in tags]


def has_tag(protocol: Protocol, tag: str) -> bool:
    """Whether the protocol carries `tag` (case and spaces aside)."""
    wanted = " ".join(tag.split()).casefold()
    return any(" ".join(t.split()).casefold() == wanted for t in protocol.tags)


def shortest_minutes(protocol: Protocol, people: int = PEOPLE) -> float:
    """The shortest the protocol can run for `people` taking turns: every step at its floor
    (`min_minutes`), as fitting to time would keep it."""
    shapes = shapes_for(protocol, [], people)
    items = [
        FitItem(step.minutes * 60, shape.floor_ms / 1000, shape.turns)
        for step, shape in zip(protocol.steps, shapes, strict=True)
    ]
    return minimum_seconds(items) / 60


def planned_minutes(protocol: Protocol, people: int = PEOPLE) -> float:
    """The protocol's planned length for `people` taking turns."""
    shapes = shapes_for(protocol, [], people)
    return sum(step.minutes * shape.turns for step, shape in zip(protocol.steps, shapes, strict=True))


def fits(protocol: Protocol, minutes: float, people: int = PEOPLE) -> bool:
    """Whether the protocol can be run in `minutes` (fitted to time if it is longer)."""
    return shortest_minutes(protocol, people) <= minutes + 1e-9
