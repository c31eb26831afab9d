"""Never lose a meeting: heartbeat, resume, saving that fails, files that are not ours."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.core.clock import FakeClock
from facilitator.core.library import find, load_library
from facilitator.core.protocol import Protocol
from facilitator.core.session import Details, Session, begin, resume_session
from facilitator.core.store import saver as saver_module
from facilitator.core.store.catalog import resumable
from facilitator.core.store.files import SessionFileError
from facilitator.core.store.heartbeat import Heartbeat, read_beat
from facilitator.core.store.record import load_record
from facilitator.core.store.saver import Saver, rescue


@pytest.fixture
def tuning() -> Protocol:
    return find("tuning", load_library(cwd=Path("/nonexistent"), env={})).protocol


def started(tuning: Protocol, folder: Path, clock: FakeClock) -> tuple[Session, Saver]:
    session = Session.new(tuning, Details(group="Grade 5"), clock)
    saver = begin(session, folder)
    return session, saver


def test_resume_running_session_comes_back_paused_at_the_crash_moment(tuning, tmp_path):
    clock = FakeClock()
    session, saver = started(tuning, tmp_path, clock)
    assert session.path is not None
    session.run.toggle()
    clock.advance(30)
    session.run.next()
    session.set_notes(1, "Maria: rubric row 3 unclear")
    saver.save(1, session.record())
    clock.advance(100)  # the timer runs on; only the heartbeat knows
    Heartbeat(session.path).beat(session.run.now_ms())
    left_at_crash = session.run.left_ms()

    later = FakeClock()
    later.advance(5000)  # a new process, a different monotonic clock
    resumed, message = resume_session(session.path, later)
    assert resumed.run.step == 1
    assert resumed.run.left_ms() == left_at_crash
    assert not resumed.run.running
    assert "paused" in message
    assert resumed.notes[1] == "Maria: rubric row 3 unclear"
    later.advance(60)
    assert resumed.run.left_ms() == left_at_crash  # paused holds the time
    resumed.run.toggle()
    later.advance(10)
    assert resumed.run.left_ms() == left_at_crash - 10_000


def test_resume_without_heartbeat_uses_the_last_save(tuning, tmp_path):
    clock = FakeClock()
    session, saver = started(tuning, tmp_path, clock)
    assert session.path is not None
    session.run.toggle()
    clock.advance(42)
    saver.save(1, session.record())
    resumed, _ = resume_session(session.path, FakeClock())
    assert resumed.run.left_ms() == 300_000 - 42_000


def test_resume_paused_session_stays_paused(tuning, tmp_path):
    clock = FakeClock()
    session, saver = started(tuning, tmp_path, clock)
    assert session.path is not None
    session.run.toggle()
    clock.advance(10)
    session.run.toggle()
    saver.save(1, session.record())
    resumed, message = resume_session(session.path, FakeClock())
    assert not resumed.run.running
    assert "paused where it stopped" not in message
    assert resumed.run.left_ms() == 290_000


def test_resumed_session_saves_to_the_same_file(tuning, tmp_path):
    clock = FakeClock()
    session, saver = started(tuning, tmp_path, clock)
    assert session.path is not None
    saver.save(1, session.record())
    resumed, _ = resume_session(session.path, FakeClock())
    again = Saver(tmp_path, resumed.path)
    resumed.run.toggle()
    assert again.save(1, resumed.record()) == session.path
    assert len(list(tmp_path.glob("*.toml"))) == 1
    assert [e.kind for e in load_record(session.path).events][-1] == "start"


def test_finished_session_cannot_be_resumed(tuning, tmp_path):
    clock = FakeClock()
    session, saver = started(tuning, tmp_path, clock)
    assert session.path is not None
    session.run.finish()
    saver.save(1, session.record(completed=True))
    with pytest.raises(SessionFileError, match="finished"):
        resume_session(session.path, FakeClock())


def test_resumable_lists_unfinished_newest_first(tuning, tmp_path):
    clock = FakeClock()
    first, saver1 = started(tuning, tmp_path, clock)
    clock.advance(3600)
    second, saver2 = started(tuning, tmp_path, clock)
    clock.advance(3600)
    done, saver3 = started(tuning, tmp_path, clock)
    done.run.finish()
    saver3.save(1, done.record(completed=True))
    (tmp_path / "broken.toml").write_text("format = 1\nstatus = [", encoding="utf-8")
    assert [item.path for item in resumable(tmp_path)] == [second.path, first.path]


def test_heartbeat_is_private_and_rewritten_in_place(tmp_path):
    path = tmp_path / "s.toml"
    beat = Heartbeat(path)
    beat.beat(1234)
    beat.beat(98)
    assert read_beat(path) == 98
    assert stat.S_IMODE(os.stat(beat.path).st_mode) == 0o600
    beat.close(remove=True)
    assert read_beat(path) is None


def test_garbage_heartbeat_is_ignored(tuning, tmp_path):
    clock = FakeClock()
    session, saver = started(tuning, tmp_path, clock)
    assert session.path is not None
    Heartbeat(session.path).path.write_text("not a number", encoding="ascii")
    assert read_beat(session.path) is None
    resumed, _ = resume_session(session.path, FakeClock())
    assert resumed.run.left_ms() == 300_000


def test_saver_does_not_overwrite_a_file_replaced_by_something_else(tuning, tmp_path):
    clock = FakeClock()
    session, saver = started(tuning, tmp_path, clock)
    assert session.path is not None
    original = session.path
    original.write_text("somebody else's file\n", encoding="utf-8")
    new_path = saver.save(1, session.record())
    assert new_path is not None
    assert new_path != original
    assert saver.moved_from == original
    assert original.read_text(encoding="utf-8") == "somebody else's file\n"
    assert load_record(new_path).group == "Grade 5"


def test_saver_keeps_newest_record(tuning, tmp_path):
    clock = FakeClock()
    session, saver = started(tuning, tmp_path, clock)
    assert session.path is not None
    session.set_notes(0, "newer")
    saver.save(5, session.record())
    session.set_notes(0, "older")
    saver.save(3, session.record())  # a late writer never wins
    assert load_record(session.path).steps[0].notes == "newer"


def test_save_failure_then_retry_keeps_everything(tuning, tmp_path, monkeypatch):
    clock = FakeClock()
    session, saver = started(tuning, tmp_path, clock)
    assert session.path is not None
    real_replace = os.replace
    calls = {"n": 0}

    def full_disk(src, dst):
        calls["n"] += 1
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    session.set_notes(0, "typed while the disk was full")
    with pytest.raises(OSError):
        saver.save(1, session.record())
    assert calls["n"] == 1
    assert load_record(session.path).steps[0].notes == ""  # the old file is intact
    monkeypatch.setattr(os, "replace", real_replace)
    saver.save(2, session.record())
    assert load_record(session.path).steps[0].notes == "typed while the disk was full"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_begin_in_unwritable_dir_says_what_to_do(tuning, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    session = Session.new(tuning, Details(), FakeClock())
    with pytest.raises(saver_module.SaveError, match="--sessions-dir"):
        begin(session, blocker / "sessions")


def test_rescue_writes_elsewhere(tuning, tmp_path, monkeypatch):
    monkeypatch.setattr(
        saver_module, "rescue_dirs", lambda: [tmp_path / "blocked" / "x", tmp_path / "rescue"]
    )
    (tmp_path / "blocked").write_text("", encoding="utf-8")
    session = Session.new(tuning, Details(group="G"), FakeClock())
    session.set_notes(0, "keep me")
    path = rescue(session.record(completed=True))
    assert path.parent == tmp_path / "rescue"
    assert load_record(path).steps[0].notes == "keep me"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


# -- the session loader never fails in any other way -------------------------------------------

toml_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.text(max_size=20)
    | st.floats(allow_nan=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _dump(value: dict) -> str:
    def drop_none(v):
        if isinstance(v, dict):
            return {k: drop_none(x) for k, x in v.items() if x is not None}
        if isinstance(v, list):
            return [drop_none(x) for x in v if x is not None]
        return v

    return tomli_w.dumps(drop_none(value))


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=400))
def test_any_bytes_give_a_record_or_a_clear_error(tmp_path, raw):
    path = tmp_path / "fuzz.toml"
    path.write_bytes(raw)
    try:
        load_record(path)
    except SessionFileError as exc:
        assert "\n" not in str(exc)
        assert str(exc).startswith(str(path))


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.dictionaries(
        st.sampled_from(["format", "status", "started_at", "protocol", "steps", "events", "group"]),
        toml_values,
        max_size=7,
    )
)
def test_any_toml_gives_a_record_or_a_clear_error(tmp_path, data):
    path = tmp_path / "fuzz.toml"
    try:
        text = _dump(data)
    except (TypeError, ValueError):
        return
    path.write_text(text, encoding="utf-8")
    try:
        load_record(path)
    except SessionFileError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=10_000))
def test_truncated_session_files_give_a_clear_error(tmp_path, tuning, cut):
    clock = FakeClock()
    folder = tmp_path / f"s{cut}"
    session, saver = started(tuning, folder, clock)
    assert session.path is not None
    session.run.toggle()
    saver.save(1, session.record())
    text = session.path.read_bytes()
    cut = cut % len(text)
    session.path.write_bytes(text[:cut])
    try:
        record = load_record(session.path)
    except SessionFileError as exc:
        assert "\n" not in str(exc)
    else:
        assert record.format == 1


def test_a_meeting_finished_in_the_rescue_folder_is_not_offered_to_resume(tmp_path: Path) -> None:
    from facilitator.core.store.catalog import resumable
    from facilitator.core.store.saver import create_session_file

    folder, rescued = tmp_path / "s", tmp_path / "rescued"
    protocol = find("tuning", load_library(cwd=Path("/nonexistent"), env={})).protocol
    clock = FakeClock()
    session = Session.new(protocol, Details(group="Full disk"), clock)
    begin(session, folder)
    other = Session.new(protocol, Details(group="Still going"), clock)
    begin(other, folder)
    assert {u.record.group for u in resumable(folder, rescued=[rescued])} == {"Full disk", "Still going"}
    session.run.finish()
    create_session_file(rescued, session.record(completed=True))  # where finishing had to save it
    assert [u.record.group for u in resumable(folder, rescued=[rescued])] == ["Still going"]


def test_leftover_temporary_copies_are_swept_but_a_save_in_progress_is_not(tmp_path: Path) -> None:
    import os

    from facilitator.core.store.files import LEFTOVER_AGE_S, sweep_leftovers

    old = tmp_path / ".2026-11-23_1400_tuning_test.toml.a1b2c3.tmp"
    young = tmp_path / ".2026-11-23_1400_tuning_test.toml.d4e5f6.tmp"
    index_tmp = tmp_path / ".index.x9y8.tmp"
    kept = [tmp_path / "2026-11-23_1400_tuning_test.toml", tmp_path / ".2026-11-23_1400_tuning_test.beat"]
    for path in (old, young, index_tmp, *kept):
        path.write_text("x", encoding="utf-8")
    now = 2_000_000_000.0
    for path in (old, index_tmp, *kept):
        os.utime(path, (now - LEFTOVER_AGE_S - 1, now - LEFTOVER_AGE_S - 1))
    os.utime(young, (now - 5, now - 5))  # another computer's save, a moment ago
    assert sorted(sweep_leftovers(tmp_path, now)) == sorted([old, index_tmp])
    assert young.exists() and all(path.exists() for path in kept)
    assert sweep_leftovers(tmp_path / "missing", now) == []
