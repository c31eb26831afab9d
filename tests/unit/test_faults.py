"""Faults injected around every write of a session file: the process "dies" before the temporary
copy is written, before its fsync, before the rename, after it, or before the folder is
synced. Whatever the moment, the file on disk is a whole record, the one of the last save
that finished, and resuming gives back every note that save held."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.core.clock import FakeClock
from facilitator.core.library import find, load_library
from facilitator.core.session import Details, Session, begin, resume_session
from facilitator.core.store import files
from facilitator.core.store.record import load_record

POINTS = ["write", "fsync", "replace", "after replace", "dir sync"]


class Killed(BaseException):
    """The process dying at that instant (BaseException: nothing may catch it as an error)."""


ACTIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("note"), st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
        ),
        st.tuples(st.just("next"), st.just("")),
        st.tuples(st.just("timer"), st.just("")),
        st.tuples(st.just("wait"), st.just("")),
    ),
    min_size=1,
    max_size=12,
)


def inject(monkeypatch: pytest.MonkeyPatch, point: str, at_call: int) -> dict[str, int]:
    """Make the `at_call`-th save die at `point`."""
    calls = {"saves": 0}
    real_write_temp, real_replace, real_fsync, real_sync_dir = (
        files._write_temp,
        os.replace,
        os.fsync,
        files._sync_dir,
    )

    def dying() -> bool:
        return calls["saves"] == at_call

    def write_temp(folder: Path, name: str, text: str) -> Path:
        calls["saves"] += 1
        if dying() and point == "write":
            raise Killed
        return real_write_temp(folder, name, text)

    def fsync(fd: int) -> None:
        if dying() and point == "fsync":
            raise Killed
        real_fsync(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        if dying() and point == "replace":
            raise Killed
        real_replace(src, dst)
        if dying() and point == "after replace":
            raise Killed

    def sync_dir(folder: Path) -> None:
        if dying() and point == "dir sync":
            raise Killed
        real_sync_dir(folder)

    monkeypatch.setattr(files, "_write_temp", write_temp)
    monkeypatch.setattr(files.os, "fsync", fsync)
    monkeypatch.setattr(files.os, "replace", replace)
    monkeypatch.setattr(files, "_sync_dir", sync_dir)
    return calls


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS, point=st.sampled_from(POINTS), at=st.integers(min_value=2, max_value=14))
def test_a_save_cut_at_any_point_leaves_the_last_whole_save_on_disk(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    actions: list[tuple[str, str]],
    point: str,
    at: int,
) -> None:
    folder = tmp_path_factory.mktemp("s")
    protocol = find("tuning", load_library(cwd=Path("/nonexistent"), env={})).protocol
    clock = FakeClock()
    session = Session.new(protocol, Details(group="Faults"), clock)
    with monkeypatch.context() as patch:
        inject(patch, point, at)
        saver = begin(session, folder)  # save 1: the file is made
        assert session.path is not None
        saved_notes = dict(session.notes)
        seq = 1
        try:
            for kind, text in actions:
                if kind == "note":
                    session.set_notes(session.run.step, text)
                elif kind == "next" and session.run.step + 1 < len(session.run.shapes):
                    session.run.next()
                elif kind == "timer":
                    session.run.toggle()
                clock.advance(7)
                seq += 1
                trying = dict(session.notes)
                saver.save(seq, session.record())
                saved_notes = trying  # this save finished
        except Killed:
            if point in ("after replace", "dir sync"):
                saved_notes = trying  # the rename happened: the new file is the one on disk
    expected = {i: n for i, n in saved_notes.items() if n}
    record = load_record(session.path)  # a whole record, whatever the moment
    assert {i: s.notes for i, s in enumerate(record.steps) if s.notes} == expected
    resumed, _ = resume_session(session.path, FakeClock())
    assert {i: n for i, n in resumed.notes.items() if n} == expected
    assert [p.name for p in folder.glob("*.toml")] == [session.path.name]  # never a second file


def test_the_injection_really_cuts_saves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    protocol = find("tuning", load_library(cwd=Path("/nonexistent"), env={})).protocol
    session = Session.new(protocol, Details(), FakeClock())
    calls = inject(monkeypatch, "replace", 2)
    saver = begin(session, tmp_path)
    session.set_notes(0, "lost with the save")
    with pytest.raises(Killed):
        saver.save(2, session.record())
    assert calls["saves"] == 2
    assert session.path is not None and load_record(session.path).steps[0].notes == ""
