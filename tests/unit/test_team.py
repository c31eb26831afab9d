"""The roster of a group that met before, and whose turn it is to present and facilitate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


# -- the team's history -----------------------------------------------------------------------


def three_ten_tenets(folder: Path) -> list[str]:
    """Three Ten Tenets meetings of one group a week apart, roles rotating, rated each time."""
    from facilitator.core.clock import FakeClock
    from facilitator.core.library import find, load_library
    from facilitator.core.session import Details, Session, begin
    from facilitator.core.store.saver import Saver

    protocol = find("ten-tenets", load_library(cwd=Path("/nonexistent"), env={})).protocol
    clock = FakeClock()
    ids: list[str] = []
    people = ["Ana", "Ben", "Chi", "Dee"]
    roles = [("Ana", "Ben"), ("Ben", "Chi"), ("Chi", "Dee")]
    scores = [(2, 2.5), (2.5, 3), (3.5, 3)]
    for week, (presenter, facilitator) in enumerate(roles):
        details = Details(
            group="Grade 5 team", presenter=presenter, facilitator=facilitator, participants=people
        )
        session = Session.new(protocol, details, clock)
        begin(session, folder)
        session.run.toggle()
        session.rate(1, {"Collective autonomy": scores[week][0], "Joint work": scores[week][1]})
        if week == 0:
            ids = [
                session.commit("Ben", "Try exit tickets", "").id,
                session.commit("Chi", "Share the rubric", "").id,
            ]
        elif week == 1:
            session.review(ids[0], "carried")
            session.review(ids[1], "dropped")
        else:
            session.review(ids[0], "done")
        session.run.finish()
        assert session.path is not None
        Saver(folder, session.path).save(9, session.record(completed=True))
        clock.advance(7 * 86400)
    return ids


def test_a_team_s_history_counts_meetings_commitments_and_ratings(tmp_path: Path) -> None:
    from facilitator.core.store.catalog import meetings as read_meetings
    from facilitator.core.team import groups, history

    three_ten_tenets(tmp_path)
    meetings, _ = read_meetings([tmp_path])
    (group,) = groups(meetings)
    assert (group.name, group.meetings) == ("Grade 5 team", 3)
    told = history(meetings, "grade 5 team")
    assert [record.presenter for record in told.meetings] == ["Ana", "Ben", "Chi"]
    assert told.commitments == {"made": 2, "open": 0, "carried": 0, "done": 1, "dropped": 1}
    assert told.kept_share == 0.5
    autonomy = next(r for r in told.rated if r.item == "Collective autonomy")
    assert [v for _, _, v in autonomy.values] == [2.0, 2.5, 3.5]
    assert autonomy.trend().startswith("2 → 3.5  ")
    from facilitator.core.team import BARS, history_text

    bars = [line for line in history_text(told).splitlines() if line.strip() and line.rstrip()[-1] in BARS]
    assert len(bars) == len(told.rated) and len({len(line) for line in bars}) == 1  # one column
    # The roster for the fourth meeting: Dee has not presented yet; Ana facilitated longest ago
    # among those who did not just present.
    from facilitator.core.team import roster

    nxt = roster(meetings, "Grade 5 team")
    assert (nxt.presenter, nxt.facilitator) == ("Dee", "Ana")


def test_sparklines_run_from_the_lowest_to_the_highest_rating() -> None:
    from facilitator.core.team import sparkline

    assert sparkline([1, 4], 4) == "▁█"
    assert sparkline([1, 2.5, 4, 3], 4) == "▁▅█▆"
    assert sparkline([], 4) == ""


def test_team_csv_round_trips_the_ratings(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    import csv
    import io

    from facilitator.cli import main

    three_ten_tenets(tmp_path)
    assert main(["team", "Grade 5 team", "--csv", "--sessions-dir", str(tmp_path)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["item"], float(r["rating"]), int(r["scale"])) for r in rows] == [
        ("Collective autonomy", 2.0, 4),
        ("Collective autonomy", 2.5, 4),
        ("Collective autonomy", 3.5, 4),
        ("Joint work", 2.5, 4),
        ("Joint work", 3.0, 4),
        ("Joint work", 3.0, 4),
    ]
    assert main(["team", "--sessions-dir", str(tmp_path)]) == 0
    assert "Grade 5 team  3" in capsys.readouterr().out
    assert main(["team", "Grade 5 team", "--sessions-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "2 made: 1 done, 0 carried on, 1 dropped, 0 not yet checked, 50% kept" in out
    assert "presented: Ben, facilitated: Chi" in out
    assert main(["team", "Nobody", "--sessions-dir", str(tmp_path)]) == 2
    assert 'no meetings of "Nobody"' in capsys.readouterr().err
