"""Live views never lose the meeting: which meeting they follow, a meeting that moves to a new
file, the facilitator's app stopping and resuming, and files or folders damaged or deleted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from facilitator.core.clock import FakeClock
from facilitator.core.run import Run
from facilitator.core.session import Details
from facilitator.core.store.catalog import INDEX_NAME
from facilitator.core.store.heartbeat import beat_path
from facilitator.core.store.saver import moved_path
from facilitator.core.store.watch import STALE_MS, Follower, Watch
from tests.live import LiveMeeting


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "sessions"


def shown(follower: Follower | Watch) -> Run:
    run = follower.view.run
    assert run is not None, follower.view.problem
    return run


def test_a_meeting_that_moves_to_a_new_file_is_followed_there(folder, clock):
    meeting = LiveMeeting(folder, clock)
    meeting.space()
    follower = Follower(meeting.path, clock)
    follower.poll()
    first = meeting.path
    first.write_text(first.read_text() + "\n# edited by hand\n")  # something else changed it
    meeting.next()  # the meeting leaves that file alone and goes on in NAME-2.toml
    assert meeting.path.name == first.stem + "-2.toml"
    assert moved_path(first).read_text().strip() == meeting.path.name
    assert oct(moved_path(first).stat().st_mode & 0o777) == "0o600"
    assert follower.poll()
    assert follower.path == meeting.path
    assert shown(follower).step == 1 and not follower.view.problem
    # and again: NAME-2 replaced by something else, the meeting goes on in NAME-3
    meeting.path.write_text(meeting.path.read_text() + "\n")
    meeting.next()
    assert follower.poll() and follower.path == meeting.path and shown(follower).step == 2


def test_when_the_beats_stop_the_clock_is_held_and_says_so(folder, clock):
    meeting = LiveMeeting(folder, clock)
    meeting.space()
    meeting.tick(48)  # 04:12 left of the first 5-minute step
    follower = Follower(meeting.path, clock)
    follower.poll()
    assert shown(follower).left_ms() == 252_000 and not follower.view.stopped
    meeting.crash()
    clock.advance(STALE_MS / 1000)  # beats a second apart, then none for this long: still there
    assert not follower.poll() and not follower.view.stopped
    clock.advance(1)
    assert follower.poll() and follower.view.stopped
    assert shown(follower).left_ms() == 252_000  # held where the app stopped
    assert follower.view.stopped_words() == ("The facilitator's app has stopped; the time is frozen at 04:12")
    clock.advance(600)
    assert not follower.poll() and shown(follower).left_ms() == 252_000
    meeting.resume()  # `facilitator resume` saves at once: PAUSED at the same time
    assert follower.poll()
    assert not follower.view.stopped and not shown(follower).running
    assert shown(follower).left_ms() == 252_000
    meeting.space()
    meeting.tick(2)
    follower.poll()
    assert shown(follower).running and shown(follower).left_ms() == 250_000


def test_a_follower_started_after_the_app_stopped_shows_the_time_it_stopped_at(folder, clock):
    meeting = LiveMeeting(folder, clock)
    meeting.space()
    meeting.tick(30)  # no save since the start, only beats
    meeting.crash()
    clock.advance(120)
    follower = Follower(meeting.path, clock)
    follower.poll()
    assert follower.view.stopped and shown(follower).left_ms() == 270_000


def test_beats_that_come_back_let_the_clock_go(folder, clock):
    meeting = LiveMeeting(folder, clock)
    meeting.space()
    follower = Follower(meeting.path, clock)
    follower.poll()
    clock.advance(10)  # the app hung for a while
    assert follower.poll() and follower.view.stopped
    meeting.beat()
    assert follower.poll() and not follower.view.stopped
    assert shown(follower).left_ms() == meeting.run.left_ms() == 290_000


def test_a_paused_meeting_is_never_called_stopped(folder, clock):
    meeting = LiveMeeting(folder, clock)
    meeting.space()
    meeting.space()  # paused: no beats, nothing moves
    follower = Follower(meeting.path, clock)
    follower.poll()
    clock.advance(3600)
    assert not follower.poll() and not follower.view.stopped


def test_a_damaged_file_keeps_the_last_state_until_the_meeting_writes_again(folder, clock):
    meeting = LiveMeeting(folder, clock)
    meeting.space()
    follower = Follower(meeting.path, clock)
    follower.poll()
    meeting.path.write_text("format = 1\nstatus = [broken\n")
    assert follower.poll()
    assert follower.view.problem and shown(follower).step == 0  # the last state stays in view
    assert "cannot be read" in follower.view.trouble_words()
    assert str(folder) not in follower.view.trouble_words()
    meeting.next()
    assert follower.poll()
    assert not follower.view.problem and shown(follower).step == 1


def test_a_deleted_file_or_folder_is_followed_again_when_the_meeting_writes_again(folder, clock):
    meeting = LiveMeeting(folder, clock)
    meeting.space()
    path = meeting.path
    follower = Follower(path, clock)
    follower.poll()
    path.unlink()
    assert follower.poll() and "is gone" in follower.view.problem
    meeting.next()
    assert meeting.path == path and follower.poll()
    assert not follower.view.problem and shown(follower).step == 1
    shutil.rmtree(folder)
    meeting.tick(1)  # the beat cannot be written: no folder
    assert follower.poll() and follower.view.problem
    with pytest.raises(OSError):
        meeting.next()  # saving fails while the folder is gone (the run screen retries)
    folder.mkdir()  # the folder is back (a drive put back in, a sync restored)
    meeting.save()
    meeting.tick(1)  # and the beat file with it
    assert beat_path(path).exists()
    assert follower.poll() and not follower.view.problem and shown(follower).step == 2
    clock.advance(1)
    assert not follower.poll() and not follower.view.stopped


def test_watch_follows_the_newest_then_the_next_never_an_older_unfinished_one(folder, clock):
    old = LiveMeeting(folder, clock, details=Details(group="Left unfinished last week"))
    old.space()
    old.crash()
    clock.advance(3600)
    current = LiveMeeting(folder, clock, "consultancy", Details(group="Today"))
    watch = Watch(folder, None, clock)
    assert watch.poll() and watch.view.group == "Today"
    current.space()
    current.finish()
    watch.poll()
    assert watch.view.finished and watch.view.group == "Today"  # not the older unfinished one
    clock.advance(120)
    assert not watch.poll()
    later = LiveMeeting(folder, clock, details=Details(group="Next"))
    assert watch.poll() and watch.view.group == "Next"
    assert watch.follower is not None and watch.follower.path == later.path
    assert not (folder / INDEX_NAME).exists()  # a live view writes nothing in the folder


def test_watch_waits_when_the_newest_meeting_has_finished(folder, clock):
    old = LiveMeeting(folder, clock, details=Details(group="Old"))
    old.space()
    clock.advance(3600)
    done = LiveMeeting(folder, clock, details=Details(group="Done"))
    done.finish()
    watch = Watch(folder, None, clock)
    watch.poll()
    assert watch.follower is None
    clock.advance(60)
    old.next()  # an older meeting that writes again is not followed
    assert not watch.poll() and watch.follower is None
    LiveMeeting(folder, clock, details=Details(group="New"))
    assert watch.poll() and watch.view.group == "New"


def test_watch_waits_for_a_folder_that_is_not_there_yet(folder, clock):
    watch = Watch(folder, None, clock)
    assert not watch.poll() and watch.follower is None
    LiveMeeting(folder, clock)
    assert watch.poll() and shown(watch).step == 0


def test_watch_of_a_named_meeting_ignores_newer_ones(folder, clock):
    named = LiveMeeting(folder, clock, details=Details(group="Named"))
    watch = Watch(folder, named.path, clock)
    watch.poll()
    clock.advance(120)
    LiveMeeting(folder, clock, details=Details(group="Another"))
    watch.poll()
    assert watch.view.group == "Named"


def test_resume_carries_on_where_the_meeting_went_not_the_file_it_left(folder, clock):
    from facilitator.core.store.catalog import resumable

    meeting = LiveMeeting(folder, clock)
    meeting.space()
    left = meeting.path
    left.write_text(left.read_text() + "\n")  # a sync tool touched it
    meeting.next()
    assert meeting.path != left
    assert [u.path for u in resumable(folder)] == [meeting.path]
