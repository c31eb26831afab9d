"""Commitments: what someone promised to do by when, made in a meeting so the team can
return to it next time, and the check-ins of later meetings on them. Declared once: a session
file holds the ones it made as `[[commitments]]` and its check-ins as `[[commitment_reviews]]`;
no earlier file is ever rewritten. Where each stands is the fold of every file (`fold`)."""

from __future__ import annotations

import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from .protocol import CONTROL, PlainText, Title
from .run import Count

MAX_TEXT = 500
"""The longest who, what or due a commitment keeps (a sentence, not an essay)."""


Said = PlainText
What = Title  # plain text, not blank
Step = Count


@dataclass(frozen=True, kw_only=True)
class Commitment:
    """One promise: who will do what, by when; made at a step of a meeting."""

    id: Said
    """Unique and stable: the session file's name and a number ("2026-12-01-1400-tuning-1")."""
    who: Said = ""
    what: What
    due: Said = ""
    """Free text ("next meeting") or a date."""
    step: Step
    made_at: datetime

    def line(self) -> str:
        """ "Ben: Try exit tickets with 7B (by next meeting)"."""
        who = f"{self.who}: " if self.who else ""
        due = f" (by {self.due})" if self.due else ""
        return f"{who}{self.what}{due}"


def tidy(text: str) -> str:
    """What was typed in a form, as one plain line: control characters and line breaks go,
    spaces around are trimmed, and it is cut at MAX_TEXT characters."""
    return " ".join(CONTROL.sub(" ", text).split())[:MAX_TEXT]


Status = Literal["done", "carried", "dropped"]
STATUSES: tuple[Status, ...] = ("done", "carried", "dropped")


@dataclass(frozen=True, kw_only=True)
class CommitmentReview:
    """A later meeting's check-in on an earlier commitment, kept in the later meeting's file."""

    id: Said
    """The id of the commitment reviewed."""
    status: Status
    note: Said = ""
    at: datetime


@dataclass(frozen=True)
class CommitmentState:
    """Where a commitment stands after every meeting so far."""

    commitment: Commitment
    group: str
    meeting: str
    """The file of the meeting it was made in."""
    made_on: datetime
    status: str = "open"
    """ "open" (never reviewed), or the last review's: "done", "carried", "dropped"."""
    note: str = ""
    reviewed_in: str = ""
    """The file of the meeting that last reviewed it."""
    meeting_at: float = 0.0
    """When the meeting it was made in started, as a timestamp (for sorting)."""

    @property
    def is_open(self) -> bool:
        """Still to be done: never reviewed, or carried on."""
        return self.status in ("open", "carried")


class Meeting(typing.Protocol):
    """What the fold needs of a session file (its summary in a listing)."""

    @property
    def name(self) -> str: ...
    @property
    def started_at(self) -> datetime: ...
    @property
    def group(self) -> str: ...
    @property
    def commitments(self) -> Sequence[Commitment]: ...
    @property
    def commitment_reviews(self) -> Sequence[CommitmentReview]: ...


def fold(meetings: Iterable[Meeting]) -> list[CommitmentState]:
    """Every commitment's state, from the session files of a team's meetings: made in one,
    reviewed in later ones, the latest review winning. The files are taken in date order
    (then by name), so the answer is the same whatever order they are read in."""
    import gc

    paused = gc.isenabled()
    gc.disable()  # many small objects and no cycles: nothing for the collector to find
    try:
        return _fold(meetings)
    finally:
        if paused:
            gc.enable()


def _fold(meetings: Iterable[Meeting]) -> list[CommitmentState]:
    ordered = sorted(meetings, key=lambda m: (m.started_at.timestamp(), m.name))
    states: dict[str, CommitmentState] = {}
    reviews: list[tuple[float, int, str, CommitmentReview]] = []
    for position, meeting in enumerate(ordered):
        at = meeting.started_at.timestamp()
        for made in meeting.commitments:
            if made.id not in states:
                states[made.id] = CommitmentState(
                    made, meeting.group, meeting.name, meeting.started_at, meeting_at=at
                )
        for review in meeting.commitment_reviews:
            reviews.append((review.at.timestamp(), position, meeting.name, review))
    for _, _, name, review in sorted(reviews, key=lambda r: (r[0], r[1], r[2], r[3].id)):
        state = states.get(review.id)
        if state is not None:
            states[review.id] = CommitmentState(
                state.commitment,
                state.group,
                state.meeting,
                state.made_on,
                review.status,
                review.note,
                name,
                state.meeting_at,
            )
    # In date order: the states were made in it, meeting by meeting (ordered, above).
    return sorted(states.values(), key=lambda s: (s.meeting_at, s.meeting, s.commitment.id))
