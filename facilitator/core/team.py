"""A team over time: who is in it, and whose turn it is to present and to facilitate, from
the records of the group's earlier meetings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol as Shape


class Meeting(Shape):
    """What the roster needs of a session file's record."""

    @property
    def started_at(self) -> datetime: ...
    @property
    def group(self) -> str: ...
    @property
    def participants(self) -> list[str]: ...
    @property
    def presenter(self) -> str: ...
    @property
    def facilitator(self) -> str: ...


@dataclass(frozen=True)
class Roster:
    """What setup offers for a group that met before (all empty for a new group)."""

    participants: list[str]
    """As at the group's last meeting."""
    presenter: str = ""
    """Who has not presented for longest (never, first), from the participants."""
    facilitator: str = ""
    """Who has not facilitated for longest, not the suggested presenter."""
    meetings: int = 0


def same_group(a: str, b: str) -> bool:
    """Group names as people type them: case and extra spaces aside."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _longest_since(people: list[str], last: dict[str, datetime], skip: str = "") -> str:
    """Who of `people` had the role longest ago (never: first), in the roster's order on a tie."""
    candidates = [p for p in people if p and p.casefold() != skip.casefold()]
    if not candidates:
        return ""

    def since(item: tuple[int, str]) -> tuple[float, int]:
        when = last.get(item[1].casefold())
        return (when.timestamp() if when is not None else float("-inf"), item[0])

    return min(enumerate(candidates), key=since)[1]


def roster(meetings: Sequence[Meeting], group: str) -> Roster:
    """The group's roster and the suggested presenter and facilitator."""
    mine = sorted(
        (m for m in meetings if group.strip() and same_group(m.group, group)), key=lambda m: m.started_at
    )
    if not mine:
        return Roster([])
    people = list(mine[-1].participants)
    presented: dict[str, datetime] = {}
    facilitated: dict[str, datetime] = {}
    for meeting in mine:
        if meeting.presenter:
            presented[meeting.presenter.casefold()] = meeting.started_at
        if meeting.facilitator:
            facilitated[meeting.facilitator.casefold()] = meeting.started_at
    presenter = _longest_since(people, presented)
    facilitator = _longest_since(people, facilitated, skip=presenter)
    return Roster(people, presenter, facilitator, len(mine))
