"""A team over time: who is in it, and whose turn it is to present and to facilitate, from
the records of the group's earlier meetings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Protocol as Shape

if TYPE_CHECKING:
    from .commitments import Commitment, CommitmentReview
    from .store.record import RatedItem


class Meeting(Shape):
    """What the roster needs of a session file's record."""

    @property
    def started_at(self) -> datetime: ...
    @property
    def group(self) -> str: ...
    @property
    def participants(self) -> Sequence[str]: ...
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


# -- the history of a team ----------------------------------------------------------------------

BARS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class Group:
    """A group as the sessions folder knows it."""

    name: str
    meetings: int
    last: datetime


def groups(meetings: Sequence[Meeting]) -> list[Group]:
    """Every group named at setup, with its meeting count and last meeting, most recent first."""
    found: dict[str, list[Meeting]] = {}
    for meeting in meetings:
        if meeting.group.strip():
            found.setdefault(" ".join(meeting.group.split()).casefold(), []).append(meeting)
    out = []
    for items in found.values():
        latest = max(items, key=lambda m: m.started_at.timestamp())
        out.append(Group(" ".join(latest.group.split()), len(items), latest.started_at))
    return sorted(out, key=lambda g: (-g.last.timestamp(), g.name.casefold()))


def sparkline(values: Sequence[float], scale: int) -> str:
    """One bar per value, from 1 (lowest) to `scale` (highest): "▂▄▆█"."""
    bars = []
    for value in values:
        share = (value - 1) / max(1, scale - 1)
        bars.append(BARS[max(0, min(len(BARS) - 1, round(share * (len(BARS) - 1))))])
    return "".join(bars)


@dataclass(frozen=True)
class Rated:
    """One rated item across a team's meetings, oldest first."""

    item: str
    scale: int
    values: list[tuple[datetime, str, float]]
    """(meeting date, meeting file, rating)."""

    @property
    def change(self) -> str:
        """ "2 → 3.5": the first rating and the last."""
        numbers = [value for _, _, value in self.values]
        return f"{numbers[0]:g}" if len(numbers) == 1 else f"{numbers[0]:g} → {numbers[-1]:g}"

    def trend(self, width: int = 0) -> str:
        """ "2 → 3.5  ▂▅▆" (first and last, padded to `width`, and a bar per meeting)."""
        return f"{self.change.ljust(width)}  {sparkline([v for _, _, v in self.values], self.scale)}"


class Minutes(Meeting, Shape):
    """What a team's history needs of a session file (its summary in a listing)."""

    @property
    def name(self) -> str: ...
    @property
    def protocol_name(self) -> str: ...
    @property
    def commitments(self) -> Sequence[Commitment]: ...
    @property
    def commitment_reviews(self) -> Sequence[CommitmentReview]: ...
    @property
    def rated(self) -> Sequence[RatedItem]: ...


@dataclass(frozen=True)
class History:
    """A team's meetings, roles, commitments and ratings, oldest first."""

    group: str
    meetings: list[Minutes]
    commitments: dict[str, int]
    """How many ended up open, carried, done, dropped (and "made" in all)."""
    rated: list[Rated]

    @property
    def kept_share(self) -> float | None:
        """The share of commitments done, of those made (None: none made)."""
        made = self.commitments.get("made", 0)
        return self.commitments.get("done", 0) / made if made else None


def history(meetings: Sequence[Minutes], group: str) -> History:
    """A group's history from the session files of its folders."""
    from .commitments import fold

    mine = sorted(
        (m for m in meetings if same_group(m.group, group)),
        key=lambda m: (m.started_at.timestamp(), m.name),
    )
    counts = {"made": 0, "open": 0, "carried": 0, "done": 0, "dropped": 0}
    for state in fold(mine):
        counts["made"] += 1
        counts[state.status] += 1
    items: dict[str, Rated] = {}
    for meeting in mine:
        for given in meeting.rated:
            rated = items.setdefault(given.item, Rated(given.item, given.scale, []))
            rated.values.append((meeting.started_at, meeting.name, given.rating))
    shown = " ".join(mine[-1].group.split()) if mine else group
    return History(shown, mine, counts, list(items.values()))


def groups_text(found: Sequence[Group]) -> str:
    """The groups as a table: name, meetings, last meeting."""
    width = max([len("GROUP"), *(len(g.name) for g in found)])
    lines = [f"{'GROUP'.ljust(width)}  MEETINGS  LAST"]
    lines += [
        f"{g.name.ljust(width)}  {str(g.meetings).ljust(8)}  {g.last.strftime('%Y-%m-%d')}" for g in found
    ]
    return "\n".join(lines) + "\n"


def history_text(told: History) -> str:
    """A group's history as `facilitator team GROUP` prints it and the review browser shows it:
    its meetings and roles, its commitments, and each rated item as a sparkline."""
    count = len(told.meetings)
    lines = [f"{told.group}: {count} meeting{'s' if count != 1 else ''}", ""]
    for meeting in told.meetings:
        roles = [
            f"{role} {who}"
            for role, who in (("presented:", meeting.presenter), ("facilitated:", meeting.facilitator))
            if who
        ]
        lines.append(
            f"  {meeting.started_at.strftime('%Y-%m-%d')}  {meeting.protocol_name}"
            + (f"  ({', '.join(roles)})" if roles else "")
        )
    c = told.commitments
    share = told.kept_share
    kept = f", {round(share * 100)}% kept" if share is not None else ""
    lines += [
        "",
        f"Commitments: {c['made']} made: {c['done']} done, {c['carried']} carried on, "
        f"{c['dropped']} dropped, {c['open']} not yet checked{kept}",
    ]
    if told.rated:
        lines += ["", "Ratings across the meetings (first → last, one bar per meeting):"]
        width = max(len(r.item) for r in told.rated)
        changes = max(len(r.change) for r in told.rated)  # the bars in one column
        lines += [f"  {rated.item.ljust(width)}  {rated.trend(changes)}" for rated in told.rated]
    return "\n".join(lines) + "\n"
