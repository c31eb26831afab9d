"""The catalog lists sessions from file heads and an index that is never wrong; statistics."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
import tomli_w

from facilitator.cli import main
from facilitator.core.clock import FakeClock
from facilitator.core.library import Library, find, load_library
from facilitator.core.session import Details, Session, begin
from facilitator.core.stats import protocol_stats, stats_text
from facilitator.core.store.catalog import INDEX_NAME, Catalog, matches
from facilitator.core.store.record import TRAILER, load_record


@pytest.fixture
def library() -> Library:
    return load_library(cwd=Path("/nonexistent"), env={})


def meeting(
    library: Library,
    folder: Path,
    protocol: str,
    group: str,
    overrun: list[int],
    day: int,
    notes: str = "",
    finish: bool = True,
) -> Path:
    """A session made by running the engine: each step runs its time plus `overrun[i]` seconds."""
    p = find(protocol, library).protocol
    clock = FakeClock()
    clock.advance(day * 86400)
    session = Session.new(p, Details(group=group, presenter="Maria"), clock)
    saver = begin(session, folder)
    run = session.run
    run.toggle()
    for i, extra in enumerate(overrun):
        clock.advance(run.left_ms() / 1000 + extra)
        if notes:
            session.set_notes(i, f"{notes} {i}")
        run.next()
    if finish:
        run.finish()
    saver.save(1, session.record(completed=finish))
    assert session.path is not None
    return session.path


def test_written_files_end_with_the_trailer_and_the_checksum_of_the_rest(library, tmp_path):
    import hashlib

    from facilitator.core.store.record import is_sealed

    path = meeting(library, tmp_path, "consultancy", "A", [0] * 6, 1)
    text = path.read_text(encoding="utf-8")
    body, last = text[: text.rindex("\n", 0, -1) + 1], text[text.rindex("\n", 0, -1) + 1 :]
    assert last == f"{TRAILER} sha256={hashlib.sha256(body.encode()).hexdigest()}\n"
    assert is_sealed(text.encode())
    assert not is_sealed(text.replace('"A"', '"B"', 1).encode())  # any change breaks the seal
    assert not is_sealed(body.encode()) and not is_sealed(b"")
    data = load_record(path)
    assert data.protocol_id == "consultancy"
    assert data.total_actual_seconds == sum(s.actual_seconds for s in data.steps)


def test_quick_listing_matches_full_reading(library, tmp_path):
    meeting(library, tmp_path, "consultancy", "Team A", [60, 0, 0, 180, 0, 0], 1, notes="rubric")
    meeting(library, tmp_path, "tuning", "Team B", [0] * 8, 2, finish=False)
    quick = Catalog(tmp_path).summaries()
    (tmp_path / INDEX_NAME).unlink()
    full = Catalog(tmp_path).summaries(full=True)
    assert [s.name for s in quick] == [s.name for s in full]
    for q, f in zip(quick, full, strict=True):
        assert (q.status, q.protocol_id, q.group, q.planned, q.actual, q.started_at) == (
            f.status,
            f.protocol_id,
            f.group,
            f.planned,
            f.actual,
            f.started_at,
        )
    assert quick[0].protocol_id == "tuning"  # newest first
    assert quick[0].status == "in_progress"
    assert full[1].notes is not None and "rubric 0" in full[1].notes
    assert quick[1].actual == full[1].actual == 45 * 60 + 240


def test_the_head_says_whether_the_timer_ever_ran(library, tmp_path):
    ran = meeting(library, tmp_path, "consultancy", "Team A", [0] * 6, 1)
    p = find("consultancy", library).protocol
    idle = Session.new(p, Details(group="Team B"), FakeClock())
    saver = begin(idle, tmp_path)
    idle.run.finish()  # opened and finished without space ever pressed
    saver.save(1, idle.record(completed=True))
    assert load_record(ran).timer_started is True
    assert idle.path is not None and load_record(idle.path).timer_started is False
    quick = {s.group: s.started for s in Catalog(tmp_path).summaries()}
    assert quick == {"Team A": True, "Team B": False}  # from the head of each file alone


def test_index_is_private_and_follows_changes(library, tmp_path):
    a = meeting(library, tmp_path, "consultancy", "Team A", [0] * 6, 1)
    b = meeting(library, tmp_path, "consultancy", "Team B", [0] * 6, 2)
    assert {s.group for s in Catalog(tmp_path).summaries()} == {"Team A", "Team B"}
    index = tmp_path / INDEX_NAME
    assert stat.S_IMODE(os.stat(index).st_mode) == 0o600
    # changed in place, removed, added: the next listing sees all three
    a.write_text(a.read_text(encoding="utf-8").replace('"Team A"', '"Team Z"'), encoding="utf-8")
    b.unlink()
    meeting(library, tmp_path, "tuning", "Team C", [0] * 8, 3)
    assert {s.group for s in Catalog(tmp_path).summaries()} == {"Team Z", "Team C"}
    assert set(json.loads(index.read_text(encoding="utf-8"))["files"]) == {
        p.name for p in tmp_path.glob("*.toml")
    }


def test_index_is_used_when_nothing_changed(library, tmp_path, monkeypatch):
    meeting(library, tmp_path, "consultancy", "Team A", [0] * 6, 1)
    Catalog(tmp_path).summaries(full=True)
    import facilitator.core.store.catalog as catalog

    def boom(path):
        raise AssertionError("read a file that had not changed")

    monkeypatch.setattr(catalog, "_quick", boom)
    monkeypatch.setattr(catalog, "_full", boom)
    assert Catalog(tmp_path).summaries(full=True)[0].group == "Team A"


def test_broken_index_is_rebuilt(library, tmp_path):
    meeting(library, tmp_path, "consultancy", "Team A", [0] * 6, 1)
    (tmp_path / INDEX_NAME).write_text("{not json", encoding="utf-8")
    assert Catalog(tmp_path).summaries()[0].group == "Team A"
    assert json.loads((tmp_path / INDEX_NAME).read_text(encoding="utf-8"))["version"]


def test_unreadable_files_are_listed_with_their_reason(library, tmp_path):
    good = meeting(library, tmp_path, "consultancy", "Team A", [0] * 6, 1)
    (tmp_path / "truncated.toml").write_text(good.read_text(encoding="utf-8")[:900], encoding="utf-8")
    (tmp_path / "future.toml").write_text('format = 2\nstatus = "completed"\n', encoding="utf-8")
    (tmp_path / "junk.toml").write_bytes(b"\xff\xfe not toml")
    found = {s.name: s for s in Catalog(tmp_path).summaries()}
    assert found[good.name].readable
    assert "newer" in (found["future.toml"].problem or "")
    assert "UTF-8" in (found["junk.toml"].problem or "")
    assert found["truncated.toml"].problem


def test_hand_written_file_without_trailer_is_read_in_full(library, tmp_path):
    path = meeting(library, tmp_path, "consultancy", "Team A", [0] * 6, 1)
    data = load_record(path).data()
    for key in ("protocol_id", "protocol_name", "total_planned_seconds", "total_actual_seconds"):
        data.pop(key)
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    [summary] = Catalog(tmp_path).summaries()
    assert summary.readable and summary.protocol_id == "consultancy" and summary.group == "Team A"


def test_matches_protocol_group_date_and_notes(library, tmp_path):
    meeting(library, tmp_path, "consultancy", "Grade 5", [0] * 6, 1, notes="fractions")
    [s] = Catalog(tmp_path).summaries(full=True)
    assert matches(s, "consult grade")
    assert matches(s, "FRACTIONS")
    assert not matches(s, "tuning")
    assert matches(s, "")


def test_stats_known_answers(library, tmp_path):
    # consultancy: step 4 (discussion) runs 3 minutes over in 2 of 3 sessions; step 1 30 s once.
    meeting(library, tmp_path, "consultancy", "A", [30, 0, 0, 180, 0, 0], 1)
    meeting(library, tmp_path, "consultancy", "A", [0, 0, 0, 180, 0, 0], 2)
    meeting(library, tmp_path, "consultancy", "A", [0, 0, 0, -60, 0, 0], 3)
    meeting(library, tmp_path, "consultancy", "A", [0] * 6, 4, finish=False)
    meeting(library, tmp_path, "tuning", "B", [0] * 8, 5)
    stats = {p.protocol_id: p for p in protocol_stats(Catalog(tmp_path).summaries(full=True))}
    c = stats["consultancy"]
    assert (c.sessions, c.unfinished) == (3, 1)
    assert c.typical_planned == 45 * 60
    assert c.typical_length == 45 * 60 + 180  # median of +210, +180, -60
    discussion = c.steps[3]
    assert (discussion.runs, discussion.overruns, discussion.typical_over) == (3, 2, 180)
    assert (c.steps[0].overruns, c.steps[0].typical_over) == (1, 30)
    assert c.steps[1].overruns == 0
    assert stats["tuning"].sessions == 1
    only = protocol_stats(Catalog(tmp_path).summaries(full=True), "tuning")
    assert [p.protocol_id for p in only] == ["tuning"]
    text = stats_text([c])
    assert "ran over in 2 of 3, typically by 3:00" in text
    assert "kept its time in all 3 sessions" in text
    assert "████████░░░░" in text  # 2 of 3 of a 12-cell bar


def test_stats_with_nothing(tmp_path):
    assert "No saved sessions" in stats_text(protocol_stats(Catalog(tmp_path).summaries(full=True)))


def test_cli_sessions_json_and_stats(library, tmp_path, capsys):
    meeting(library, tmp_path, "consultancy", "Team A", [0, 0, 0, 120, 0, 0], 1)
    assert main(["sessions", "--json", "--sessions-dir", str(tmp_path)]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["group"] == "Team A" and row["path"].endswith(".toml")
    assert main(["stats", "--sessions-dir", str(tmp_path)]) == 0
    assert "ran over in 1 of 1, typically by 2:00" in capsys.readouterr().out
    assert main(["stats", "--protocol", "nope", "--sessions-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope" in err


def test_json_export_round_trips_to_the_same_record(library, tmp_path, capsys):
    from facilitator.core.checking import check
    from facilitator.core.export import session_json, session_markdown
    from facilitator.core.store.record import SessionRecord

    path = meeting(library, tmp_path, "peeling-the-onion", "Team A", [0] * 8, 1, notes="onion")
    record = load_record(path)
    again = check(SessionRecord, json.loads(session_json(record)), "export")
    assert again == record
    assert main(["export", str(path), "--format", "json", "-o", str(tmp_path / "out.json")]) == 0
    assert "out.json" in capsys.readouterr().err  # says where it was written
    assert check(SessionRecord, json.loads((tmp_path / "out.json").read_text()), "out.json") == record
    assert os.stat(tmp_path / "out.json").st_mode & 0o777 == 0o600
    text = session_markdown(record)
    for step in record.steps:
        assert step.title in text and step.notes in text
