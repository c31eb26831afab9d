"""The roster of a group that met before, and whose turn it is to present and facilitate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from facilitator.core.team import roster, same_group

START = datetime(2026, 9, 1, 15, 0, tzinfo=UTC)


@dataclass
class M:
    week: int
    presenter: str = ""
    facilitator: str = ""
    participants: list[str] = field(default_factory=lambda: ["Ana", "Ben", "Chi", "Dee"])
    group: str = "Grade 5 team"

    @property
    def started_at(self) -> datetime:
        return START + timedelta(weeks=self.week)


def test_a_new_group_gets_nothing_suggested() -> None:
    found = roster([M(0, "Ana", "Ben")], "Year 9")
    assert (found.participants, found.presenter, found.facilitator, found.meetings) == ([], "", "", 0)
    assert roster([M(0)], "  ").meetings == 0


def test_the_roster_is_the_last_meeting_s_and_the_roles_go_to_who_had_them_longest_ago() -> None:
    meetings = [
        M(0, "Ana", "Ben"),
        M(1, "Ben", "Chi"),
        M(2, "Chi", "Ana", participants=["Ana", "Ben", "Chi", "Dee", "Eve"]),
    ]
    found = roster(list(reversed(meetings)), "grade 5  TEAM")  # any order, as typed
    assert found.participants == ["Ana", "Ben", "Chi", "Dee", "Eve"]
    assert found.meetings == 3
    # Dee and Eve never presented: Dee first, in the roster's order.
    assert found.presenter == "Dee"
    # Dee and Eve never facilitated either; Dee presents, so Eve facilitates.
    assert found.facilitator == "Eve"


def test_when_everyone_has_had_the_role_the_one_longest_ago_is_next() -> None:
    people = ["Ana", "Ben", "Chi"]
    meetings = [
        M(0, "Ben", "Chi", participants=people),
        M(1, "Ana", "Ben", participants=people),
        M(2, "Chi", "Ana", participants=people),
    ]
    found = roster(meetings, "Grade 5 team")
    assert found.presenter == "Ben"  # presented in week 0
    assert found.facilitator == "Chi"  # facilitated in week 0, and is not the presenter


def test_group_names_match_as_people_type_them() -> None:
    assert same_group("Grade 5  team", "grade 5 team")
    assert not same_group("Grade 5", "Grade 6")
