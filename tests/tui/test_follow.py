"""The follow view: the change feed from the session file, and a screen that never shows notes."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from facilitator.core.clock import FakeClock
from facilitator.core.library import find, load_library
from facilitator.core.run import Run
from facilitator.core.session import Details, Session, begin, resume_session
from facilitator.core.store.heartbeat import Heartbeat, beat_path
from facilitator.core.store.saver import Saver
from facilitator.core.store.watch import Finder, Follower
from facilitator.room import audience, follow_command, offline_templates
from facilitator.tui.follow import FollowApp, FollowScreen

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
    assert not follower.poll()
    assert run_of(follower).left_ms() == session.run.left_ms() == 280_000

    session.run.next()
    save()
    clock.advance(5)
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
    beat = beat_path(session.path)
    os.utime(beat, (clock.wall().timestamp(), clock.wall().timestamp()))  # beat at fake "now"
    clock.advance(3)  # the heartbeat is a few seconds old: still alive
    assert not follower.facilitator_gone()
    clock.advance(30)  # the facilitator's app was killed: the heartbeat stops
    assert follower.facilitator_gone()
    resumed, _ = resume_session(session.path, clock)
    Saver(session.path.parent, session.path).save(1, resumed.record())
    assert follower.poll()
    assert not run_of(follower).running
    assert not follower.facilitator_gone()


def test_finder_waits_then_finds_the_newest_unfinished(tmp_path, clock):
    folder = tmp_path / "s"
    folder.mkdir()
    finder = Finder(folder)
    assert finder.poll() is None
    protocol = find("consultancy", load_library(cwd=Path("/nonexistent"), env={})).protocol
    session = Session.new(protocol, Details(group="G"), clock)
    begin(session, folder)
    assert finder.poll() == session.path


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


def test_served_page_fetches_nothing_from_the_internet(tmp_path):
    import textual_serve

    source = Path(textual_serve.__file__).parent / "templates"
    page = (offline_templates(source, tmp_path) / "app_index.html").read_text(encoding="utf-8")
    assert "googleapis" not in page and "https://" not in page.split("<body")[0]
    assert "fonts/RobotoMono" in page


def test_serve_says_who_can_see_it(tmp_path):
    assert "only this computer" in audience("127.0.0.1")
    assert "only this computer" in audience("localhost")
    assert "anyone on your network" in audience("0.0.0.0")
    command = follow_command(tmp_path, None)
    assert " follow " in command and "--sessions-dir" in command
