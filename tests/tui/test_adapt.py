"""Adapt on the run screen: it shows what it would change and asks; y applies, Escape does not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tomli_w
from textual.pilot import Pilot

from facilitator.core.clock import FakeClock
from facilitator.core.run import Run
from facilitator.tui.app import FacilitatorApp
from facilitator.tui.screens.dialogs import ConfirmScreen, HangingText
from facilitator.tui.screens.run import RunScreen
from facilitator.tui.start import RunProtocol

from .conftest import AppFactory, run_screen, saved, screen_of, spy_notify, text_of, tick

SIZE = (100, 30)
MIN = 60_000
TITLE = "[b]x[/b] and [red]feedback[/]"


def write_protocol(folder: Path) -> Path:
    """Four steps: 5, 15 (floor 5), 10 (floor 2) and 5 minutes; the second titled with markup."""
    data = {
        "format": 1,
        "name": "Adapt test",
        "steps": [
            {"title": "Opening", "minutes": 5},
            {"title": TITLE, "minutes": 15, "min_minutes": 5},
            {"title": "Reflection", "minutes": 10, "min_minutes": 2},
            {"title": "Close", "minutes": 5},
        ],
    }
    path = folder / "adapt-test.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def the_run(app: FacilitatorApp) -> Run:
    """The run of the run screen, under the dialog or not."""
    return next(s for s in app.screen_stack if isinstance(s, RunScreen)).run


def planned(app: FacilitatorApp) -> list[int]:
    run = the_run(app)
    return [run.step_planned_ms(i) for i in range(len(run.shapes))]


def kinds(app: FacilitatorApp) -> list[str]:
    return [e.kind for e in the_run(app).events]


def drawn_text(app: FacilitatorApp) -> str:
    """The screen as drawn, in plain text."""
    return "\n".join("".join(s.text for s in strip) for strip in app.screen._compositor.render_strips())


def dialog_lines(app: FacilitatorApp) -> list[str]:
    """The changes the dialog lists, as drawn: one per line."""
    widget = screen_of(app, ConfirmScreen).query_one("#dialog-lines", HangingText)
    return str(widget.render()).split("\n")


async def behind_by_five(app: FacilitatorApp, pilot: Pilot[Any], clock: FakeClock) -> None:
    await pilot.press("space")
    await tick(app, pilot, clock, 10 * 60)  # the opening runs 5 minutes over


async def test_a_shows_each_change_and_y_applies_it(
    make: AppFactory, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make(RunProtocol(str(write_protocol(tmp_path))))
    async with app.run_test(size=SIZE) as pilot:
        said = spy_notify(app, monkeypatch)
        await behind_by_five(app, pilot, clock)
        await pilot.press("a")
        await pilot.pause()
        dialog = screen_of(app, ConfirmScreen)
        assert text_of(app, "#dialog-question") == "Adapt the rest of the plan?"
        assert text_of(app, "#dialog-detail") == (
            "5:00 behind plan: the remaining steps shrink to fit the 25:00 left."
        )
        assert dialog_lines(app) == [f"{TITLE} 15:00 → 12:30", "Reflection 10:00 → 8:30", "Close 5:00 → 4:00"]
        assert planned(app) == [5 * MIN, 15 * MIN, 10 * MIN, 5 * MIN]  # nothing yet
        assert "adapt" not in kinds(app)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, RunScreen) and app.screen is not dialog
        assert planned(app) == [5 * MIN, int(12.5 * MIN), int(8.5 * MIN), 4 * MIN]
        assert said[-1].startswith("5:00 behind plan:") and f"{TITLE} 15:00 → 12:30" in said[-1]
        record = await saved(app, pilot)
        assert [e.kind for e in record.events][-1] == "adapt"
        assert [s.planned_seconds for s in record.steps] == [300, 750, 510, 240]


async def test_enter_applies_too(make: AppFactory, clock: FakeClock, tmp_path: Path) -> None:
    app = make(RunProtocol(str(write_protocol(tmp_path))))
    async with app.run_test(size=SIZE) as pilot:
        await behind_by_five(app, pilot, clock)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert kinds(app)[-1] == "adapt"
        assert sum(planned(app)[1:]) == 25 * MIN


@pytest.mark.parametrize("key", ["escape", "n"])
async def test_escape_or_n_leaves_the_plan_as_it_was(
    make: AppFactory, clock: FakeClock, tmp_path: Path, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make(RunProtocol(str(write_protocol(tmp_path))))
    async with app.run_test(size=SIZE) as pilot:
        said = spy_notify(app, monkeypatch)
        await behind_by_five(app, pilot, clock)
        events = list(run_screen(app).run.events)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        assert run_screen(app).run.events == events  # nothing recorded
        assert planned(app) == [5 * MIN, 15 * MIN, 10 * MIN, 5 * MIN]
        assert said == []
        record = await saved(app, pilot)
        assert "adapt" not in [e.kind for e in record.events]


async def test_a_title_with_markup_shows_as_typed(make: AppFactory, clock: FakeClock, tmp_path: Path) -> None:
    app = make(RunProtocol(str(write_protocol(tmp_path))))
    async with app.run_test(size=(60, 24)) as pilot:
        await behind_by_five(app, pilot, clock)
        await pilot.press("a")
        await pilot.pause()
        assert dialog_lines(app)[0] == f"{TITLE} 15:00 → 12:30"
        # What is drawn on the screen is the text as typed, not bold "x".
        drawn = drawn_text(app)
        dialog = app.screen.query_one("#dialog")
        assert dialog.region.x >= 0 and dialog.region.right <= 60  # within the screen
        assert "[b]x[/b] and [red]feedback[/]" in drawn


async def test_ahead_gives_time_back_only_up_to_the_plan(
    make: AppFactory, clock: FakeClock, tmp_path: Path
) -> None:
    app = make(RunProtocol(str(write_protocol(tmp_path))))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "3", "minus", "minus", "minus", "1")  # Reflection cut to 7 minutes
        await tick(app, pilot, clock, 60)
        await pilot.press("n")  # the opening ends 4 minutes early: 7 ahead in all
        await pilot.press("a")
        await pilot.pause()
        assert text_of(app, "#dialog-detail") == (
            "7:00 ahead of plan: gives back 3:00 to Reflection, up to its plan; "
            "the meeting will end 4:00 early."
        )
        assert dialog_lines(app) == ["Reflection 7:00 → 10:00"]
        await pilot.press("y")
        await pilot.pause()
        assert planned(app) == [5 * MIN, 15 * MIN, 10 * MIN, 5 * MIN]


async def test_nothing_to_change_says_why_without_asking(
    make: AppFactory, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make(RunProtocol(str(write_protocol(tmp_path))))
    async with app.run_test(size=SIZE) as pilot:
        said = spy_notify(app, monkeypatch)
        await pilot.press("space")
        await tick(app, pilot, clock, 60)
        await pilot.press("n")  # 4 minutes ahead, and no step was cut
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        assert said[-1] == (
            "4:00 ahead of plan: no step after this one was cut, and none goes past its plan: "
            "the meeting will end 4:00 early."
        )
        assert "adapt" not in kinds(app)


async def test_a_change_too_long_for_the_dialog_wraps_under_itself(make: AppFactory) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=(60, 24)) as pilot:
        long = "A step with a title long enough to wrap in the dialog 15:00 → 12:00"
        app.push_screen(ConfirmScreen("Adapt the rest of the plan?", "Behind.", [long, "Close 5:00 → 4:00"]))
        await pilot.pause()
        lines = dialog_lines(app)
        assert len(lines) > 2
        assert lines[0].startswith("A step with")
        assert all(line.startswith("  ") and line.strip() for line in lines[1:-1])
        assert " ".join(line.strip() for line in lines[:-1]) == long
        assert lines[-1] == "Close 5:00 → 4:00"


async def test_on_tuning_y_refits_the_later_steps_to_the_planned_end(
    make: AppFactory, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        said = spy_notify(app, monkeypatch)
        run = run_screen(app).run
        await pilot.press("space")
        await tick(app, pilot, clock, 10 * 60)  # five minutes over on a five-minute step
        await pilot.press("a")
        await pilot.pause()
        assert text_of(app, "#dialog-detail") == (
            "5:00 behind plan: the remaining steps shrink to fit the 57:00 left."
        )
        assert dialog_lines(app)[0].startswith("Presentation 15:00 → ")
        await pilot.press("y")
        await pilot.pause()
        assert sum(run.step_planned_ms(i) for i in range(1, 8)) == 57 * MIN  # 67 planned - 10 spent
        assert run.step_planned_ms(0) == 5 * MIN  # the current step is not refitted
        assert run.step_planned_ms(7) == 5 * MIN  # the debrief is at its floor already
        assert said[-1].startswith("5:00 behind plan: the remaining steps shrink to fit the 57:00 left.")
        assert "Presentation 15:00 → " in said[-1]
        record = await saved(app, pilot)
        assert [e.kind for e in record.events][-1] == "adapt"
        assert sum(s.planned_seconds for s in record.steps[1:]) == 57 * 60
