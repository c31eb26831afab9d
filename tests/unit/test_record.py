"""Session records: building from a run, TOML round trips, private atomic files, loading, export."""

from __future__ import annotations

import errno
import json
import os
import stat
import tomllib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from facilitator.core.clock import FakeClock
from facilitator.core.export import session_json, session_markdown
from facilitator.core.library import protocol_from_data
from facilitator.core.plan import initial_plan, shapes_for
from facilitator.core.protocol import Protocol
from facilitator.core.run import Run
from facilitator.core.store.catalog import Catalog
from facilitator.core.store.files import SessionFileError, replace_file, session_name, sessions_dir, slug
from facilitator.core.store.record import (
    Details,
    SessionRecord,
    clean_text,
    load_record,
    record_of,
    run_from_record,
)
from facilitator.core.store.saver import create_session_file


def save_record(path: Path, record: SessionRecord) -> None:
    replace_file(path, record.to_toml())


PARTICIPANTS = ["Ana", "Ben", "Chen"]
DETAILS: dict[str, Any] = {
    "group": "Grade 5 team",
    "facilitator": "Fay",
    "presenter": "Pat",
    "participants": PARTICIPANTS,
    "focus_question": "How do we give feedback on essays?",
}


def make_protocol(protocol_id: str = "tuning") -> Protocol:
    data: dict[str, object] = {
        "name": "Tuning Protocol",
        "summary": "Feedback on work",
        "norms": ["Be kind"],
        "steps": [
            {
                "title": "Introduction",
                "minutes": 5,
                "min_minutes": 2,
                "prompts": ["What is the focus?"],
                "speakers": ["facilitator"],
            },
            {"title": "Rounds", "minutes": 2, "turns": "each participant"},
            {"title": "Debrief", "minutes": 10, "description": "Talk it over."},
        ],
    }
    return protocol_from_data(data, "tuning.toml", protocol_id)


def played_run(finish: bool = True) -> tuple[Run, FakeClock, Protocol, datetime]:
    """A run of the protocol above: step 1 over by 1:30, two turns, then the debrief."""
    protocol = make_protocol()
    clock = FakeClock()
    shapes = shapes_for(protocol, PARTICIPANTS)
    run = Run(shapes, clock)
    started_at = clock.wall()
    run.open(initial_plan(protocol, shapes))
    run.toggle()
    clock.advance(6 * 60 + 30)
    run.next()
    clock.advance(100)
    run.extend(1)
    run.next()
    clock.advance(130.4)
    run.next()
    clock.advance(20)
    run.next()
    clock.advance(300)
    if finish:
        run.finish()
    return run, clock, protocol, started_at


NOTES = {0: "Focus: essays.\n\tIndented \x1b[31mred\x1b[0m", 2: 'Next: try """this""" \\ again'}


def make_record(finish: bool = True) -> tuple[SessionRecord, Run, FakeClock]:
    run, clock, protocol, started_at = played_run(finish)
    record = record_of(run, protocol, Details(**DETAILS), NOTES, started_at, completed=finish)
    return record, run, clock


def valid_data() -> dict[str, Any]:
    record, _, _ = make_record()
    return tomllib.loads(record.to_toml())


# -- building a record -----------------------------------------------------------------------


@pytest.mark.parametrize("finish", [True, False])
@pytest.mark.parametrize("details", [DETAILS, {}, {**DETAILS, "fit_minutes": 45}, {"group": "G"}])
def test_a_record_written_without_checks_reads_back_the_same(
    tmp_path: Path, finish: bool, details: dict
) -> None:
    run, _, protocol, started_at = played_run(finish)
    record = record_of(run, protocol, Details(**details), NOTES, started_at, completed=finish)
    again = load_record(create_session_file(tmp_path, record))
    assert again == record
    assert again.details == Details(**details)
    assert again.to_toml() == record.to_toml()
    assert record.to_toml().startswith("format = 1\n")
    assert ("ended_at" in tomllib.loads(record.to_toml())) == finish


def test_record_from_run_has_steps_with_planned_actual_notes_and_turns() -> None:
    record, run, clock = make_record()
    assert record.status == "completed"
    assert record.started_at == clock.wall() - timedelta(seconds=6 * 60 + 30 + 100 + 130.4 + 320)
    assert record.ended_at == run.events[-1].at
    assert record.group == "Grade 5 team" and record.presenter == "Pat"
    assert record.participants == PARTICIPANTS
    assert record.protocol.id == "tuning"
    assert record.protocol.steps[0].title == "Introduction"
    intro, rounds, debrief = record.steps
    assert (intro.title, intro.planned_seconds, intro.actual_seconds) == ("Introduction", 300, 390)
    assert intro.notes == "Focus: essays.\n\tIndented [31mred[0m"
    assert intro.turns is None
    assert rounds.planned_seconds == 2 * 120 + 180
    assert rounds.actual_seconds == 100 + 130 + 20
    assert rounds.turns is not None
    assert [(t.who, t.planned_seconds, t.actual_seconds) for t in rounds.turns] == [
        ("Ana", 180, 100),
        ("Ben", 120, 130),
        ("Chen", 120, 20),
    ]
    assert rounds.notes == ""
    assert (debrief.planned_seconds, debrief.actual_seconds) == (600, 300)
    assert debrief.notes == NOTES[2]
    assert [e.kind for e in record.events] == [e.kind for e in run.events]
    assert record.clock_ms == run.now_ms()


def test_record_of_a_run_in_progress_counts_the_running_stretch() -> None:
    record, run, _ = make_record(finish=False)
    assert record.status == "in_progress"
    assert record.ended_at is None
    assert run.running
    assert record.steps[2].actual_seconds == 300


# -- files -----------------------------------------------------------------------------------


def test_round_trip_through_a_file_gives_an_equal_record(tmp_path: Path) -> None:
    record, _, _ = make_record()
    path = create_session_file(tmp_path / "sessions", record)
    loaded = load_record(path)
    assert loaded == record
    assert loaded.steps[2].notes == NOTES[2]
    assert loaded.events[0].plan_ms == record.events[0].plan_ms
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["format"] == 1
    assert data["status"] == "completed"
    assert data["steps"][1]["turns"][0]["who"] == "Ana"
    assert data["events"][1]["kind"] == "start"
    assert "\x1b" not in text


def test_round_trip_of_a_run_in_progress(tmp_path: Path) -> None:
    record, _, _ = make_record(finish=False)
    loaded = load_record(create_session_file(tmp_path, record))
    assert loaded == record
    assert loaded.ended_at is None


def test_run_from_record_rebuilds_the_same_run(tmp_path: Path) -> None:
    record, run, clock = make_record(finish=False)
    path = create_session_file(tmp_path, record)
    other = FakeClock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    resumed = run_from_record(load_record(path), other)
    assert resumed.snapshot() == run.snapshot()
    assert resumed.now_ms() == run.now_ms()
    assert resumed.left_ms() == run.left_ms()
    assert [s.turn_names for s in resumed.shapes] == [s.turn_names for s in run.shapes]
    assert [s.floor_ms for s in resumed.shapes] == [s.floor_ms for s in run.shapes]
    other.advance(10)
    clock.advance(10)
    assert resumed.left_ms() == run.left_ms()


def test_run_from_record_of_a_finished_run(tmp_path: Path) -> None:
    record, run, _ = make_record()
    resumed = run_from_record(load_record(create_session_file(tmp_path, record)), FakeClock())
    assert resumed.snapshot() == run.snapshot()
    assert resumed.state.finished


def test_run_from_record_with_a_broken_log_is_a_session_file_error() -> None:
    record, _, _ = make_record()
    broken = replace(record, events=record.events[1:])
    with pytest.raises(SessionFileError, match="cannot be replayed"):
        run_from_record(broken, FakeClock())


def test_files_are_private_and_a_new_directory_is_0700(tmp_path: Path) -> None:
    record, _, _ = make_record()
    folder = tmp_path / "new" / "sessions"
    path = create_session_file(folder, record)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    save_record(path, record)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_file_name_has_date_time_protocol_group_and_this_computer_s_tag(tmp_path: Path) -> None:
    record, _, _ = make_record()
    path = create_session_file(tmp_path, record)
    assert path.name == "2026-11-23_1400_tuning_grade-5-team_test.toml"
    assert path.parent == tmp_path


@pytest.mark.parametrize(
    "group",
    [
        "../../etc",
        "a/b",
        "名前",
        "",
        "x" * 500,
        "..",
        "/",
        "C:\\Windows\\x",
        "\x1b[31m",
        "a\x00b",
        " ".join(["word"] * 100),
    ],
)
def test_session_names_never_leave_the_directory_and_are_short(tmp_path: Path, group: str) -> None:
    started = datetime(2026, 11, 23, 14, 5, 9, tzinfo=UTC)
    name = session_name(started, "tuning", group)
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert ".." not in name
    assert len(name) <= 80
    assert name.startswith("2026-11-23_1405_tuning")
    folder = tmp_path / "sessions"
    record, _, _ = make_record()
    record = replace(record, group=group)
    path = create_session_file(folder, record)
    assert path.resolve().parent == folder.resolve()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sessions"]
    assert [p.name for p in folder.iterdir()] == [path.name]
    assert len(path.name) <= 90


def test_a_path_unsafe_protocol_id_stays_in_the_directory(tmp_path: Path) -> None:
    record, _, _ = make_record()
    protocol = replace(record.protocol, id="../../evil")
    folder = tmp_path / "sessions"
    path = create_session_file(folder, replace(record, protocol=protocol))
    assert path.resolve().parent == folder.resolve()
    assert "evil" in path.name
    started = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)
    assert session_name(started, "", "") == "2026-11-23_1405_protocol"


def test_slug() -> None:
    assert slug("Grade 5 Team!") == "grade-5-team"
    assert slug("Ça va, Zoë") == "ca-va-zoe"
    assert slug("名前") == ""
    assert len(slug("y" * 300)) <= 40


def test_a_name_collision_makes_a_second_file_and_never_overwrites(tmp_path: Path) -> None:
    record, _, _ = make_record()
    first = create_session_file(tmp_path, record)
    original = first.read_bytes()
    other = replace(record, facilitator="Someone else")
    second = create_session_file(tmp_path, other)
    third = create_session_file(tmp_path, other)
    assert second != first and third not in (first, second)
    assert second.name == first.stem + "-2.toml"
    assert third.name == first.stem + "-3.toml"
    assert first.read_bytes() == original
    assert load_record(second).facilitator == "Someone else"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (first, second, third))


def test_save_record_replaces_the_file(tmp_path: Path) -> None:
    record, _, _ = make_record(finish=False)
    path = create_session_file(tmp_path, record)
    done, _, _ = make_record(finish=True)
    save_record(path, done)
    assert load_record(path) == done
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_a_failed_save_leaves_the_old_file_intact_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    record, _, _ = make_record(finish=False)
    path = create_session_file(tmp_path, record)
    before = path.read_bytes()
    done, _, _ = make_record(finish=True)

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, failing, no_space)
    with pytest.raises(OSError) as caught:
        save_record(path, done)
    monkeypatch.undo()
    assert caught.value.errno == errno.ENOSPC
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    assert load_record(path) == record


def test_a_failed_create_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record, _, _ = make_record()

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError):
        create_session_file(tmp_path, record)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_sessions_dir_option_then_env_then_default() -> None:
    assert sessions_dir("x", {"FACILITATOR_SESSIONS_DIR": "y"}) == Path("x")
    assert sessions_dir(None, {"FACILITATOR_SESSIONS_DIR": "y"}) == Path("y")
    assert sessions_dir(None, {}) == Path("sessions")


# -- loading errors --------------------------------------------------------------------------


def assert_one_line_naming(path: Path, error: SessionFileError) -> str:
    message = str(error)
    assert "\n" not in message
    assert str(path) in message
    return message


def test_load_a_truncated_file(tmp_path: Path) -> None:
    record, _, _ = make_record()
    path = create_session_file(tmp_path, record)
    text = path.read_text(encoding="utf-8")
    end_of_data = text.rindex("\n", 0, -1)  # before the trailer line (a comment)
    for cut in (len(text) // 3, len(text) // 2, end_of_data - 40, 25):
        broken = tmp_path / f"cut-{cut}.toml"
        broken.write_text(text[:cut], encoding="utf-8")
        with pytest.raises(SessionFileError) as caught:
            load_record(broken)
        assert_one_line_naming(broken, caught.value)


def test_load_a_file_that_is_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "notes.toml"
    path.write_text("Dear team,\nthe meeting = went { well\n", encoding="utf-8")
    with pytest.raises(SessionFileError) as caught:
        load_record(path)
    message = assert_one_line_naming(path, caught.value)
    assert f"{path}:" in message


def test_load_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b'format = 1\ngroup = "caf\xe9"\n')
    with pytest.raises(SessionFileError) as caught:
        load_record(path)
    assert "UTF-8" in assert_one_line_naming(path, caught.value)


def test_load_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "gone.toml"
    with pytest.raises(SessionFileError) as caught:
        load_record(path)
    assert_one_line_naming(path, caught.value)


def test_load_a_newer_format_says_so(tmp_path: Path) -> None:
    data = valid_data()
    data["format"] = 2
    path = tmp_path / "future.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    with pytest.raises(SessionFileError) as caught:
        load_record(path)
    assert "newer" in assert_one_line_naming(path, caught.value)


def test_load_without_format(tmp_path: Path) -> None:
    data = valid_data()
    del data["format"]
    path = tmp_path / "other.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    with pytest.raises(SessionFileError) as caught:
        load_record(path)
    assert "format" in assert_one_line_naming(path, caught.value)


@pytest.mark.parametrize("key", ["started_at", "protocol", "steps"])
def test_load_with_a_missing_key(tmp_path: Path, key: str) -> None:
    data = valid_data()
    del data[key]
    path = tmp_path / f"no-{key}.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    with pytest.raises(SessionFileError) as caught:
        load_record(path)
    assert key in assert_one_line_naming(path, caught.value)


def test_load_with_a_missing_step_key(tmp_path: Path) -> None:
    data = valid_data()
    del data["steps"][1]["planned_seconds"]
    path = tmp_path / "no-planned.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    with pytest.raises(SessionFileError) as caught:
        load_record(path)
    assert "planned_seconds" in assert_one_line_naming(path, caught.value)


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p["steps"][0].update(minutes=0),
        lambda p: p.update(name=""),
        lambda p: p.update(colour="blue"),
        lambda p: p["steps"][1].update(speakers=["nobody"]),
        lambda p: p["steps"][2].update(title="bad \x1b[2J title"),
        lambda p: p.update(steps=[]),
    ],
)
def test_load_with_an_invalid_protocol_copy(tmp_path: Path, change: Any) -> None:
    data = valid_data()
    change(data["protocol"])
    path = tmp_path / "bad-protocol.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    with pytest.raises(SessionFileError) as caught:
        load_record(path)
    assert "protocol" in assert_one_line_naming(path, caught.value)


def test_load_with_steps_not_matching_the_protocol(tmp_path: Path) -> None:
    data = valid_data()
    data["steps"] = data["steps"][:2]
    path = tmp_path / "short.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    with pytest.raises(SessionFileError) as caught:
        load_record(path)
    assert "steps" in assert_one_line_naming(path, caught.value)


def test_load_with_a_bad_status(tmp_path: Path) -> None:
    data = valid_data()
    data["status"] = "exploded"
    path = tmp_path / "status.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    with pytest.raises(SessionFileError) as caught:
        load_record(path)
    assert "status" in assert_one_line_naming(path, caught.value)


# -- clean text ------------------------------------------------------------------------------


def test_clean_text_strips_control_characters_but_keeps_newlines_and_tabs() -> None:
    assert clean_text("a\x1b[2Jb") == "a[2Jb"
    assert clean_text("line 1\nline 2\tend") == "line 1\nline 2\tend"
    assert clean_text("x\r\ny\rz") == "x\ny\nz"
    assert clean_text("\x00\x07\x08\x0b\x0c\x7f\x9bok") == "ok"
    assert clean_text("名前 café “quotes”") == "名前 café “quotes”"


# -- export ----------------------------------------------------------------------------------


def test_session_markdown_has_the_meeting_the_steps_and_the_notes() -> None:
    record, _, _ = make_record()
    text = session_markdown(record)
    assert text.startswith("# Tuning Protocol: Grade 5 team\n")
    assert "Monday 23 November 2026, 14:00" in text
    assert "**Status:** completed" in text
    assert "**Facilitator:** Fay" in text
    assert "**Presenter:** Pat" in text
    assert "**Participants:** Ana, Ben, Chen" in text
    assert "**Focusing question:** How do we give feedback on essays?" in text
    # The plan at the start beside the plan at the end: Ana's turn got one more minute.
    assert "| # | Step | Planned at start | Planned at end | Actual | What happened |" in text
    assert "| 1 | Introduction | 5:00 | 5:00 | 6:30 (+1:30 over) |  |" in text
    assert (
        "| 2 | Rounds | 6:00 | 7:00 | 4:10 | "
        "adapted: 6:00 at the start, 7:00 at the end, made longer with + |"
    ) in text
    assert "| 3 | Debrief | 10:00 | 10:00 | 5:00 |  |" in text
    assert "| **Total** | **21:00** | **22:00** | **15:40** |" in text
    assert "### 1. Introduction" in text
    assert "Focus: essays." in text
    assert NOTES[2] in text
    assert "- Turn 1 · Ana: 1:40 of 3:00 (2:00 at the start)" in text
    assert "- Turn 2 · Ben: 2:10 (+0:10 over) of 2:00" in text
    assert "*(no notes)*" in text
    assert "\x1b" not in text
    over = [line for line in text.splitlines() if "over)" in line]
    assert len(over) == 2


def test_session_markdown_of_a_meeting_in_progress() -> None:
    record, _, _ = make_record(finish=False)
    text = session_markdown(record)
    assert "**Status:** in progress" in text


def test_session_json_parses() -> None:
    record, _, _ = make_record()
    data = json.loads(session_json(record))
    assert data["format"] == 1
    assert data["group"] == "Grade 5 team"
    assert data["protocol"]["id"] == "tuning"
    assert [s["title"] for s in data["steps"]] == ["Introduction", "Rounds", "Debrief"]
    assert data["steps"][0]["actual_seconds"] == 390
    assert data["steps"][1]["turns"][2]["who"] == "Chen"
    assert data["events"][0]["kind"] == "plan"
    assert data["started_at"].startswith("2026-11-23T14:00:00")


def test_listing_sessions_newest_first_and_unreadable_files_with_their_reason(
    tmp_path: Path,
) -> None:
    record, _, _ = make_record()
    later = replace(record, started_at=record.started_at + timedelta(days=1), group="Later")
    older = replace(record, started_at=record.started_at - timedelta(days=1), group="Older")
    paths = [create_session_file(tmp_path, r) for r in (record, later, older)]
    broken = tmp_path / "2026-12-01_0900_tuning_broken.toml"
    broken.write_text("format = 1\nstatus = [", encoding="utf-8")
    (tmp_path / "README.md").write_text("not a session", encoding="utf-8")
    found = Catalog(tmp_path).summaries(full=True)
    assert [f.name for f in found] == [paths[1].name, paths[0].name, paths[2].name, broken.name]
    assert [f.group for f in found[:3]] == ["Later", "Grade 5 team", "Older"]
    assert all(f.problem is None for f in found[:3])
    assert not found[3].readable
    assert found[3].problem is not None and str(broken) in found[3].problem
    assert broken.read_text(encoding="utf-8") == "format = 1\nstatus = ["


def test_listing_sessions_of_a_missing_directory(tmp_path: Path) -> None:
    assert Catalog(tmp_path / "nowhere").summaries() == []
