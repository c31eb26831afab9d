"""A team's history read from the head of each session file (and the index), across several
folders, agreeing with the files read in full."""

from __future__ import annotations

import json
from pathlib import Path

import tomli_w

from facilitator.cli import main
from facilitator.core.clock import FakeClock
from facilitator.core.commitments import fold
from facilitator.core.library import find, load_library
from facilitator.core.session import Details, Session, begin
from facilitator.core.store import catalog
from facilitator.core.store.catalog import INDEX_NAME, Catalog, gather, meetings
from facilitator.core.store.record import TRAILER, load_record
from facilitator.core.store.saver import Saver
from facilitator.core.team import history

PEOPLE = ["Ana", "Ben", "Chi", "Dee"]


def term(
    folder: Path, weeks: int = 3, group: str = "Grade 5 team", start_day: int = 0, commits: int = 2
) -> None:
    """A Ten Tenets meeting a week: ratings, commitments made, and the last ones checked in on."""
    protocol = find("ten-tenets", load_library(cwd=Path("/nonexistent"), env={})).protocol
    clock = FakeClock()
    clock.advance(start_day * 86400)
    made: list[str] = []
    for week in range(weeks):
        session = Session.new(
            protocol, Details(group=group, presenter=PEOPLE[week % 4], participants=PEOPLE), clock
        )
        begin(session, folder)
        session.run.toggle()
        for commitment_id in made:
            session.review(commitment_id, "carried" if week % 2 else "done", f"week {week}")
        session.rate(1, {"Collective autonomy": 1.5 + week / 2, "Joint work": 3})
        session.rate(len(protocol.steps) - 1, {"How useful was this today?": 3.5})
        made = [session.commit(PEOPLE[i % 4], f"Task {week}.{i}", "next meeting").id for i in range(commits)]
        session.run.finish()
        assert session.path is not None
        Saver(folder, session.path).save(9, session.record(completed=True))
        clock.advance(7 * 86400)


def team_facts(summary: catalog.Summary) -> tuple:
    return (summary.participants, summary.commitments, summary.commitment_reviews, summary.rated)


def test_the_head_of_a_file_holds_what_a_team_s_history_needs(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    term(tmp_path)
    full = {s.name: s for s in Catalog(tmp_path).summaries(full=True)}
    (tmp_path / INDEX_NAME).unlink()
    # Read from the heads alone: no file is loaded in full.
    monkeypatch.setattr(catalog, "load_record", lambda path: (_ for _ in ()).throw(AssertionError(path)))
    quick = {s.name: s for s in Catalog(tmp_path).summaries(team=True)}
    assert set(quick) == set(full)
    for name, summary in quick.items():
        assert summary.team and full[name].team
        assert team_facts(summary) == team_facts(full[name])
    last = max(quick.values(), key=lambda s: s.name)
    assert [r.item for r in last.rated] == ["Collective autonomy", "Joint work", "How useful was this today?"]
    assert last.rated[0].scale == 4 and last.rated[0].rating == 2.5
    assert len(last.commitments) == 2 and len(last.commitment_reviews) == 2


def test_the_head_is_before_the_protocol_and_counts_its_lists(tmp_path: Path) -> None:
    term(tmp_path, weeks=1)
    (path,) = tmp_path.glob("*.toml")
    text = path.read_text(encoding="utf-8")
    head = text[: text.index("\n[protocol]\n")]
    assert "[[commitments]]" in head and "\nrated = [" in head
    assert "commitments_made = 2" in head and "items_rated = 3" in head
    assert "[[steps]]" not in head and "[[events]]" not in head


def test_the_index_keeps_the_team_facts(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    term(tmp_path)
    first = {s.name: team_facts(s) for s in Catalog(tmp_path).summaries(team=True)}
    monkeypatch.setattr(catalog, "_quick", lambda path: (_ for _ in ()).throw(AssertionError(path)))
    again = {s.name: team_facts(s) for s in Catalog(tmp_path).summaries(team=True)}
    assert again == first


def test_a_long_head_with_many_commitments_is_still_read_from_the_head(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    term(tmp_path, weeks=1, commits=60)
    (path,) = tmp_path.glob("*.toml")
    assert path.read_text(encoding="utf-8").index("\n[protocol]\n") > 4096  # past the first read
    monkeypatch.setattr(catalog, "load_record", lambda path: (_ for _ in ()).throw(AssertionError(path)))
    (summary,) = Catalog(tmp_path).summaries(team=True)
    assert len(summary.commitments) == 60


def old_order(path: Path) -> None:
    """The file as written before its head held the team's lists: they follow the protocol."""
    import tomllib

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for key in ("commitments_made", "commitments_checked", "items_rated", "rated"):
        data.pop(key)
    moved = {key: data.pop(key) for key in ("commitments", "commitment_reviews")}
    path.write_text(tomli_w.dumps(data | moved, multiline_strings=True) + TRAILER + "\n", encoding="utf-8")


def test_a_file_from_before_is_read_in_full_for_the_team(tmp_path: Path) -> None:
    term(tmp_path)
    expected = history(meetings([tmp_path])[0], "Grade 5 team")
    for path in tmp_path.glob("*.toml"):
        old_order(path)
        assert load_record(path).rated == []  # the file holds no summary of its ratings
    (tmp_path / INDEX_NAME).unlink()
    assert all(catalog._quick(path) is None for path in tmp_path.glob("*.toml"))  # no seal: in full
    listed = Catalog(tmp_path).summaries()
    assert all(s.team for s in listed)  # read in full, so known
    told = history(meetings([tmp_path])[0], "Grade 5 team")
    assert told.commitments == expected.commitments
    assert [(r.item, r.values) for r in told.rated] == [(r.item, r.values) for r in expected.rated]


def test_several_folders_are_read_together_and_a_copied_file_counts_once(tmp_path: Path) -> None:
    school, district = tmp_path / "school", tmp_path / "district"
    term(school, weeks=2)
    term(district, weeks=2, start_day=14)
    copied = sorted(school.glob("*.toml"))[0]
    (district / copied.name).write_bytes(copied.read_bytes())
    found, problems = meetings([school, district])
    assert problems == [] and len(found) == 4
    assert [m.started_at for m in found] == sorted(m.started_at for m in found)  # oldest first
    paths = [path for path, _ in gather([school, district])]
    assert school / copied.name in paths and district / copied.name not in paths
    # Both folders' commitments, each once; each first meeting's two carried on at the second.
    states = fold(found)
    assert len(states) == 8 and len({s.commitment.id for s in states}) == 8
    assert sorted(s.status for s in states) == ["carried"] * 4 + ["open"] * 4


def test_every_reading_command_takes_several_folders(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    school, district = tmp_path / "school", tmp_path / "district"
    term(school, weeks=2)
    term(district, weeks=1, start_day=14)
    both = ["--sessions-dir", str(school), "--sessions-dir", str(district)]
    assert main(["team", "Grade 5 team", "--json", *both]) == 0
    assert len(json.loads(capsys.readouterr().out)["meetings"]) == 3
    assert main(["commitments", "--json", *both]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 6  # 2 carried on, 2 + 2 never checked
    assert main(["sessions", "--json", *both]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {Path(s["path"]).parent for s in listed} == {school, district}
    newest = Path(listed[0]["path"])
    assert main(["export", newest.stem, "--format", "json", *both]) == 0
    assert json.loads(capsys.readouterr().out)["group"] == "Grade 5 team"
    assert main(["stats", *both]) == 0
    assert "3 completed sessions" in capsys.readouterr().out
