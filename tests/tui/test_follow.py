"""The follow view: the change feed from the session file, and a screen that never shows notes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from facilitator.core.clock import FakeClock
from facilitator.core.library import find, load_library
from facilitator.core.run import Run
from facilitator.core.session import Details, Session, begin, resume_session
from facilitator.core.store.heartbeat import Heartbeat
from facilitator.core.store.saver import Saver
from facilitator.core.store.watch import Follower, Watch
from facilitator.tui.follow import FollowApp, FollowScreen
from facilitator.tui.widgets.meeting_view import MeetingView

from .conftest import screen_of


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def meeting(tmp_path: Path, clock: FakeClock) -> tuple[Session, Callable[[], None]]:
    """A facilitator's session in tmp_path/'s', with a step of notes and facilitator notes."""
    protocol = find("tuning", load_library(cwd=Path("/nonexistent"), env={})).protocol
    session = Session.new(protocol, Details(group="Grade 5"), clock)
    saver = begin(session, tmp_path / "s")
    session.set_notes(0, "SECRET note about Sam")
    seq = [1]

    def save() -> None:
        seq[0] += 1
        assert saver.save(seq[0], session.record()) == session.path  # a new inode each time

    save()
    return session, save


def run_of(follower: Follower) -> Run:
    """The run the follower shows; there is one once it has read the file."""
    run = follower.view.run
    assert run is not None
    return run


def test_follower_picks_up_each_change_and_times_in_between(meeting, clock):
    session, save = meeting
    follower = Follower(session.path, clock)
    assert follower.poll()
    assert run_of(follower).step == 0 and not run_of(follower).running
    assert not follower.poll()  # nothing changed: no reading

    session.run.toggle()
    save()
    assert follower.poll() and run_of(follower).running
    clock.advance(20)  # the follower computes the time itself between changes
    Heartbeat(session.path).beat(session.run.now_ms())  # the app beats while the timer runs
    assert not follower.poll()
    assert run_of(follower).left_ms() == session.run.left_ms() == 280_000

    session.run.next()
    save()
    clock.advance(5)
    Heartbeat(session.path).beat(session.run.now_ms())
    assert follower.poll()
    assert run_of(follower).step == 1
    assert run_of(follower).left_ms() == session.run.left_ms()

    session.run.toggle()  # pause
    session.run.extend(1)
    save()
    follower.poll()
    assert not run_of(follower).running
    assert run_of(follower).unit_planned_ms(1, 0) == 16 * 60_000
    clock.advance(60)
    assert run_of(follower).left_ms() == session.run.left_ms()


def test_follower_while_saved_some_time_ago(meeting, clock):
    session, save = meeting
    session.run.toggle()
    save()
    clock.advance(42)  # the follower starts later than the last save
    Heartbeat(session.path).beat(session.run.now_ms())
    follower = Follower(session.path, clock)
    follower.poll()
    assert run_of(follower).left_ms() == 300_000 - 42_000


def test_follower_survives_kill_and_resume(meeting, clock):
    session, save = meeting
    session.run.toggle()
    save()
    follower = Follower(session.path, clock)
    follower.poll()
    Heartbeat(session.path).beat(session.run.now_ms())
    clock.advance(3)  # the heartbeat is a few seconds old: still alive
    assert not follower.poll() and not follower.view.stopped
    clock.advance(30)  # the facilitator's app was killed: the heartbeat stops
    assert follower.poll() and follower.view.stopped
    resumed, _ = resume_session(session.path, clock)
    Saver(session.path.parent, session.path).save(1, resumed.record())
    assert follower.poll()
    assert not run_of(follower).running
    assert not follower.view.stopped


def test_watch_waits_then_finds_the_meeting_that_starts(tmp_path, clock):
    folder = tmp_path / "s"
    folder.mkdir()
    watch = Watch(folder, None, clock)
    assert not watch.poll() and watch.follower is None
    protocol = find("consultancy", load_library(cwd=Path("/nonexistent"), env={})).protocol
    session = Session.new(protocol, Details(group="G"), clock)
    begin(session, folder)
    assert watch.poll()
    assert watch.follower is not None and watch.follower.path == session.path


def screen_text(app: App[Any]) -> str:
    from textual.widgets import Static

    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def test_follow_screen_follows_and_never_shows_notes(meeting, clock, tmp_path):
    session, save = meeting
    app = FollowApp(tmp_path / "s", session.path, clock=clock, theme="dark")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, FollowScreen)
        assert "Introduction" in screen_text(app)
        session.run.toggle()
        session.run.next()
        save()
        screen.poll()
        await pilot.pause()
        text = screen_text(app)
        assert "Presentation" in text and "Step 2 of 8" in text
        assert "left" in text
        assert "SECRET" not in text
        facilitator_notes = session.protocol.steps[1].facilitator_notes
        assert facilitator_notes and facilitator_notes[:20] not in text
        session.run.finish()
        save()
        screen.poll()
        await pilot.pause()
        assert "finished" in screen_text(app)


async def test_follow_screen_waits_politely(tmp_path, clock):
    folder = tmp_path / "empty"
    folder.mkdir()
    app = FollowApp(folder, None, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Waiting for a meeting to start" in screen_text(app)
        protocol = find("consultancy", load_library(cwd=Path("/nonexistent"), env={})).protocol
        session = Session.new(protocol, Details(group="Late team"), clock)
        begin(session, folder)
        screen_of(app, FollowScreen).poll()
        await pilot.pause()
        assert "Presenting the dilemma" in screen_text(app)
        await pilot.press("q")
    assert app.return_code == 0


async def test_follow_screen_says_when_the_app_stopped_and_when_the_meeting_finished(tmp_path, clock):
    from tests.live import LiveMeeting

    folder = tmp_path / "s"
    meeting = LiveMeeting(folder, clock)
    meeting.space()
    meeting.tick(48)
    app = FollowApp(folder, None, clock=clock, theme="dark")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = screen_of(app, FollowScreen)
        assert "04:12 left" in screen_text(app)
        meeting.crash()
        clock.advance(10)
        screen.poll()
        await pilot.pause()
        text = screen_text(app)
        assert "STOPPED" in text and "the time is frozen at 04:12" in text
        meeting.resume()
        screen.poll()
        await pilot.pause()
        assert "PAUSED" in screen_text(app) and "04:12 left" in screen_text(app)
        meeting.space()
        meeting.tick(400)  # well over time on the first step
        meeting.finish()
        screen.poll()
        await pilot.pause()
        text = screen_text(app)
        assert "The meeting has finished at 14:" in text and "Waiting for the next meeting" in text
        assert "over" not in text
        assert not app.screen.query_one(MeetingView).display  # no red overtime clock in view
        clock.advance(60)
        LiveMeeting(folder, clock, "consultancy", Details(group="Next team"))
        screen.poll()
        await pilot.pause()
        assert "Presenting the dilemma" in screen_text(app) and "Next team" in screen_text(app)
