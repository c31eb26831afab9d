"""Snapshots of the screens people look at: the picker, the run screen and its moods.

Deterministic: the FakeClock only moves when told, and no cursor blinks.
Regenerate with `pytest tests/tui/test_snapshots.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from facilitator.core.clock import FakeClock
from facilitator.core.library import find, load_library
from facilitator.core.session import Details, Session, begin
from facilitator.tui.follow import FollowApp, FollowScreen
from facilitator.tui.screens.run import RunScreen
from facilitator.tui.start import RunProtocol

from .conftest import AppFactory, screen_of, wait_for

Before = Callable[[Pilot], Awaitable[None]]


def run_screen(*keys: str, clock: FakeClock | None = None, advance: float = 0) -> Before:
    """Steady the run screen, press `keys`, then move the clock and repaint."""

    async def before(pilot: Pilot) -> None:
        app = pilot.app
        await pilot.pause()
        # the notes box and the footer come in the frame after the first: the steady screen
        await wait_for(pilot, "the footer's keys", lambda: app.screen.query("FooterKey"))
        app.screen.query_one("#notes-area", TextArea).cursor_blink = False
        await pilot.press(*keys)
        if clock is not None and advance:
            clock.advance(advance)
            screen_of(app, RunScreen).refresh_clock()
        await pilot.pause()
        await app.workers.wait_for_complete()

    return before


async def steady_picker(pilot: Pilot) -> None:
    await pilot.pause()
    pilot.app.screen.query_one(Input).cursor_blink = False
    await pilot.pause()


def test_picker(snap_compare, make: AppFactory) -> None:  # noqa: ANN001
    assert snap_compare(make(), terminal_size=(80, 24), run_before=steady_picker)


def test_run_80x24(snap_compare, make: AppFactory) -> None:  # noqa: ANN001
    app = make(RunProtocol("tuning", Details(group="Grade 5 team")))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_screen())


def test_run_160x50(snap_compare, make: AppFactory, clock: FakeClock) -> None:  # noqa: ANN001
    app = make(RunProtocol("tuning", Details(group="Grade 5 team")))
    before = run_screen("space", "n", clock=clock, advance=125)
    assert snap_compare(app, terminal_size=(160, 50), run_before=before)


def test_projector_160x50(snap_compare, make: AppFactory, clock: FakeClock) -> None:  # noqa: ANN001
    app = make(RunProtocol("tuning"))
    before = run_screen("space", "3", "f", clock=clock, advance=40)
    assert snap_compare(app, terminal_size=(160, 50), run_before=before)


def test_over_time(snap_compare, make: AppFactory, clock: FakeClock) -> None:  # noqa: ANN001
    app = make(RunProtocol("tuning"))
    before = run_screen("space", clock=clock, advance=5 * 60 + 83)
    assert snap_compare(app, terminal_size=(100, 30), run_before=before)


def test_paused(snap_compare, make: AppFactory, clock: FakeClock) -> None:  # noqa: ANN001
    app = make(RunProtocol("tuning"))

    async def before(pilot: Pilot) -> None:
        await run_screen("space", clock=clock, advance=95)(pilot)
        await pilot.press("space")
        clock.advance(30)  # paused: the time left holds
        screen_of(pilot.app, RunScreen).refresh_clock()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=before)


def test_light_theme(snap_compare, make: AppFactory, clock: FakeClock) -> None:  # noqa: ANN001
    app = make(RunProtocol("peeling-the-onion", Details(participants=["Ana", "Ben", "Chi"])), theme="light")
    before = run_screen("space", "3", "n", clock=clock, advance=150)
    assert snap_compare(app, terminal_size=(100, 30), run_before=before)


# -- the wall: presenter, question, reminder, speaker, norms, at 80x24 and 160x50 -------------

WALL = Details(
    group="Grade 5 team",
    presenter="Ana",
    focus_question="How do we get deeper revision in Year 8 essays?",
    participants=["Ben", "Chi", "Dee"],
)


def test_wall_turns_80x24(snap_compare, make: AppFactory, clock: FakeClock) -> None:  # noqa: ANN001
    app = make(RunProtocol("peeling-the-onion", WALL))
    before = run_screen("space", "3", "n", clock=clock, advance=70)
    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


def test_wall_turns_160x50(snap_compare, make: AppFactory, clock: FakeClock) -> None:  # noqa: ANN001
    app = make(RunProtocol("peeling-the-onion", WALL))
    before = run_screen("space", "3", "n", clock=clock, advance=70)
    assert snap_compare(app, terminal_size=(160, 50), run_before=before)


def test_wall_projector_turns_80x24(snap_compare, make: AppFactory, clock: FakeClock) -> None:  # noqa: ANN001
    app = make(RunProtocol("peeling-the-onion", WALL))
    before = run_screen("space", "3", "f", clock=clock, advance=20)
    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


def test_wall_norms_projector_80x24(snap_compare, make: AppFactory) -> None:  # noqa: ANN001
    app = make(RunProtocol("tuning", WALL))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_screen("f"))


def test_wall_norms_160x50(snap_compare, make: AppFactory) -> None:  # noqa: ANN001
    app = make(RunProtocol("tuning", WALL))
    assert snap_compare(app, terminal_size=(160, 50), run_before=run_screen())


def test_wall_warning_80x24(snap_compare, make: AppFactory, clock: FakeClock) -> None:  # noqa: ANN001
    app = make(RunProtocol("consultancy", WALL))
    before = run_screen("space", "2", clock=clock, advance=4 * 60 + 20)
    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


def follow_app(tmp_path: Path, clock: FakeClock, *, norms: bool) -> FollowApp:
    protocol = find("peeling-the-onion", load_library(cwd=Path("/nonexistent"), env={})).protocol
    session = Session.new(protocol, WALL, clock)
    saver = begin(session, tmp_path / "s")
    if not norms:
        session.run.toggle()
        session.run.goto(2, 1)
        clock.advance(70)
    saver.save(2, session.record())
    return FollowApp(tmp_path / "s", session.path, clock=clock, theme="dark")


async def steady_follow(pilot: Pilot) -> None:
    await pilot.pause()
    screen_of(pilot.app, FollowScreen).poll()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_follow_turns(snap_compare, tmp_path: Path, clock: FakeClock, size: tuple[int, int]) -> None:  # noqa: ANN001
    app = follow_app(tmp_path, clock, norms=False)
    assert snap_compare(app, terminal_size=size, run_before=steady_follow)


def test_follow_norms_80x24(snap_compare, tmp_path: Path, clock: FakeClock) -> None:  # noqa: ANN001
    app = follow_app(tmp_path, clock, norms=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=steady_follow)
