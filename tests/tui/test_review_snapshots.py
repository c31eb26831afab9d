"""Snapshots of the review browser: the list, one session, the statistics (100×30).

Deterministic: the sessions are run on a FakeClock, the sessions folder is given relative to
the test's working directory (so no temporary path shows), and no cursor blinks.
Regenerate with `pytest tests/tui/test_review_snapshots.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from facilitator.core.clock import FakeClock
from facilitator.tui.app import FacilitatorApp, make_app
from facilitator.tui.start import Options, Review

from .test_review import make_sessions

SIZE = (100, 30)


@pytest.fixture
def saved(sessions: Path, clock: FakeClock) -> dict[str, Path]:
    return make_sessions(sessions, clock)


def review(clock: FakeClock, *names: str) -> FacilitatorApp:
    """`facilitator --sessions-dir s review [NAME]`, run from the test's directory."""
    return make_app(Review(*names), Options(Path("s"), bell=False), clock=clock)


def steady(*keys: str):  # noqa: ANN201 - a snap_compare run_before
    async def before(pilot: Pilot) -> None:
        app = pilot.app
        await pilot.pause()
        for search in app.query(Input):
            search.cursor_blink = False
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(*keys)
        await app.workers.wait_for_complete()
        await pilot.pause()

    return before


def test_review_list(snap_compare, clock: FakeClock, saved) -> None:  # noqa: ANN001
    assert snap_compare(review(clock), terminal_size=SIZE, run_before=steady())


def test_review_session(snap_compare, clock: FakeClock, saved) -> None:  # noqa: ANN001
    app = review(clock, saved["grade5"].stem)
    assert snap_compare(app, terminal_size=SIZE, run_before=steady())


def test_review_stats(snap_compare, clock: FakeClock, saved) -> None:  # noqa: ANN001
    assert snap_compare(review(clock), terminal_size=SIZE, run_before=steady("down", "t"))
