"""The run screen, driven with Pilot: every key, the flows of a meeting, and what gets saved."""

from __future__ import annotations

import tomllib

import pytest
from textual.command import CommandList
from textual.widgets import TextArea
from textual.widgets._footer import FooterKey

from facilitator.core.clock import FakeClock
from facilitator.core.run import Run
from facilitator.core.session import Details
from facilitator.core.status import AgendaRow
from facilitator.core.store.record import load_record
from facilitator.tui.app import FacilitatorApp
from facilitator.tui.screens.dialogs import ConfirmScreen, HelpScreen
from facilitator.tui.screens.run import RunScreen
from facilitator.tui.start import Outcome, RunProtocol
from facilitator.tui.widgets.big_clock import BigName
from facilitator.tui.widgets.meeting_view import MeetingView

from .conftest import (
    AppFactory,
    run_screen,
    saved,
    session_file,
    settle,
    spy_notify,
    status_of,
    text_of,
    tick,
    wait_for,
)

SIZE = (100, 30)
MIN = 60_000
TUNING_STEP_MINUTES = [5, 15, 5, 10, 2, 15, 10, 5]
ONION = RunProtocol("peeling-the-onion", Details(participants=["Ana", "Ben", "Chi"]))


def view_of(app: FacilitatorApp) -> MeetingView:
    """The meeting as the room sees it; its classes say how the time stands."""
    return app.screen.query_one(MeetingView)


def speaker_of(app: FacilitatorApp) -> str:
    """The speaker in large type and the line under it, as "Ben · turn 2 of 4 · …" ("": none)."""
    found = app.screen.query("#speaker-box")
    if not found or found.first().has_class("-empty"):
        return ""
    name = app.screen.query_one("#speaker-name", BigName).text
    return f"{name} · {text_of(app, '#speaker-detail')}"


def footer_key(app: FacilitatorApp, action: str) -> FooterKey:
    return next(k for k in app.screen.query(FooterKey) if k.action == action)


def kinds(record) -> list[str]:  # noqa: ANN001 - SessionRecord
    return [event.kind for event in record.events]


# -- opening ------------------------------------------------------------------------------


async def test_opens_on_step_one_with_the_timer_stopped(make: AppFactory) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RunScreen)
        assert app.screen_stack == [screen]  # the first screen: one frame drawn at start-up
        assert (screen.run.step, screen.run.running) == (0, False)
        assert text_of(app, "#step-title") == "Introduction"
        assert text_of(app, "#step-number") == "Step 1 of 8"
        assert status_of(app).startswith("05:00 · press space to start")
        assert "Next: Presentation · 15:00" in text_of(app, "#next")
        assert view_of(app).has_class("-ready")
        record = await saved(app, pilot)
        assert record.status == "in_progress"
        assert kinds(record) == ["plan"]


async def test_the_first_save_waits_for_the_first_frame(
    make: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Start-up: the session file (and pydantic, which builds its record) comes after the
    # step is on the terminal, which Textual announces with the Ready event.
    ready: list[bool] = []
    ready_at_save: list[bool] = []
    first_save = RunScreen.save
    on_ready = FacilitatorApp.on_ready

    def save(screen: RunScreen) -> None:
        ready_at_save.append(bool(ready))
        first_save(screen)

    def app_ready(app: FacilitatorApp) -> None:
        ready.append(True)
        on_ready(app)

    monkeypatch.setattr(RunScreen, "save", save)
    monkeypatch.setattr(FacilitatorApp, "on_ready", app_ready)
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        record = await saved(app, pilot)
        assert ready_at_save[:1] == [True]
        assert kinds(record) == ["plan"]


# -- space --------------------------------------------------------------------------------


async def test_space_starts_pauses_holding_the_time_and_resumes(make: AppFactory, clock: FakeClock) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        run = run_screen(app).run
        await pilot.press("space")
        assert run.running and run.state.started
        await tick(app, pilot, clock, 30)
        assert run.left_ms() == 270_000
        assert status_of(app).startswith("04:30 left · ends 15:07")

        await pilot.press("space")
        assert not run.running
        await tick(app, pilot, clock, 120)
        assert run.left_ms() == 270_000
        assert status_of(app).startswith("PAUSED · 04:30 left")
        assert view_of(app).has_class("-paused")
        # The projected end moves while paused: the meeting now ends two minutes later.
        assert "ends 15:09" in status_of(app)
        assert "2 min behind plan" in status_of(app)

        await pilot.press("space")
        assert run.running
        await tick(app, pilot, clock, 10)
        assert run.left_ms() == 260_000
        assert "PAUSED" not in status_of(app)
        assert not view_of(app).has_class("-paused")
        record = await saved(app, pilot)
        assert kinds(record) == ["plan", "start", "pause", "resume"]


# -- n / right, p / left ----------------------------------------------------------------


async def test_next_and_previous_with_letters_and_arrows(make: AppFactory) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        run = run_screen(app).run
        await pilot.press("n")
        assert run.step == 1
        assert text_of(app, "#step-title") == "Presentation"
        assert text_of(app, "#step-number") == "Step 2 of 8"
        await pilot.press("right")
        assert run.step == 2
        assert text_of(app, "#step-title") == "Clarifying questions"
        await pilot.press("p")
        assert run.step == 1
        await pilot.press("left")
        assert run.step == 0
        assert text_of(app, "#step-title") == "Introduction"
        # Nothing before the first step: previous is dimmed and does nothing.
        assert app.screen.check_action("previous", ()) is None
        await pilot.press("p", "left")
        assert run.step == 0
        record = await saved(app, pilot)
        assert [e.step for e in record.events if e.kind == "goto"] == [2, 3, 2, 1]


async def test_next_is_disabled_on_the_last_step(make: AppFactory) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        screen = run_screen(app)
        assert screen.check_action("next", ()) is True
        await pilot.press("8")
        await pilot.pause()
        assert screen.run.step == 7
        assert screen.check_action("next", ()) is None
        assert footer_key(app, "next").has_class("-disabled")
        assert "the end of the meeting" in text_of(app, "#next")
        await pilot.press("n", "right")
        assert screen.run.step == 7
        await pilot.press("p")
        await pilot.pause()
        assert screen.check_action("next", ()) is True
        assert not footer_key(app, "next").has_class("-disabled")


async def test_turns_in_peeling_the_onion(make: AppFactory) -> None:
    app = make(ONION)
    async with app.run_test(size=SIZE) as pilot:
        run = run_screen(app).run
        assert speaker_of(app) == ""  # not a step taken in turns
        await pilot.press("3")
        assert (run.step, run.turn) == (2, 0)
        assert text_of(app, "#step-title") == "Round 1: what I heard"  # one stem a round
        assert speaker_of(app).startswith("Ana · turn 1 of 3 · next: Ben")
        assert text_of(app, "#next") == "Next: turn 2 of 3 · Ben"
        await pilot.press("n")
        assert (run.step, run.turn) == (2, 1)
        assert speaker_of(app).startswith("Ben · turn 2 of 3 · next: Chi")
        assert text_of(app, "#step-number") == "Step 3 of 9"
        await pilot.press("right", "n")
        assert (run.step, run.turn) == (3, 0)
        assert text_of(app, "#step-title") == "Round 2: assumptions"  # the next stem, round again
        assert speaker_of(app).startswith("Ana · turn 1 of 3 · next: Ben")
        # Previous from the step after lands on the last turn.
        await pilot.press("p")
        assert (run.step, run.turn) == (2, 2)
        assert speaker_of(app).startswith("Chi · turn 3 of 3 · last turn")
        await pilot.press("left")
        assert (run.step, run.turn) == (2, 1)
        assert speaker_of(app).startswith("Ben · turn 2 of 3 · next: Chi")
        # + in a step taken in turns is for this turn only.
        await pilot.press("+")
        assert run.unit_planned_ms(2, 1) == 2 * MIN
        assert run.unit_planned_ms(2, 0) == run.unit_planned_ms(2, 2) == 1 * MIN
        # What is left of the step: Ben's 2:00 and Chi's 1:00 (Ana's turn is behind us).
        assert "whole step 03:00 left" in speaker_of(app)
        record = await saved(app, pilot)
        turns = record.steps[2].turns
        assert turns is not None
        assert [(t.who, t.planned_seconds) for t in turns] == [("Ana", 60), ("Ben", 120), ("Chi", 60)]


# -- digits -------------------------------------------------------------------------------


async def test_digits_go_to_that_step(make: AppFactory) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        run = run_screen(app).run
        for digit in "5831":
            await pilot.press(digit)
            assert run.step == int(digit) - 1
            assert text_of(app, "#step-number") == f"Step {digit} of 8"
        # Tuning has 8 steps: 9 is refused.
        assert app.screen.check_action("goto", (9,)) is None
        assert app.screen.check_action("goto", (8,)) is True
        await pilot.press("9")
        assert run.step == 0
        record = await saved(app, pilot)
        assert [e.step for e in record.events if e.kind == "goto"] == [5, 8, 3, 1]


# -- + / = / - ----------------------------------------------------------------------------


async def test_plus_and_equals_add_a_minute(make: AppFactory) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        run = run_screen(app).run
        await pilot.press("+")
        assert run.unit_planned_ms(0, 0) == 6 * MIN
        await pilot.press("=")
        assert run.unit_planned_ms(0, 0) == 7 * MIN
        assert status_of(app).startswith("07:00")
        assert run.unit_planned_ms(1, 0) == 15 * MIN  # other steps untouched
        record = await saved(app, pilot)
        assert record.steps[0].planned_seconds == 7 * 60
        assert [e.planned_ms for e in record.events if e.kind == "extend"] == [6 * MIN, 7 * MIN]


async def test_minus_takes_a_minute_but_always_leaves_thirty_seconds_to_run(
    make: AppFactory, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        screen = run_screen(app)
        run = screen.run
        await pilot.press("-")
        assert run.unit_planned_ms(0, 0) == 4 * MIN
        assert status_of(app).startswith("04:00")

        await pilot.press("space")
        await tick(app, pilot, clock, 150)  # 2:30 run of 4:00
        await pilot.press("-")
        assert run.unit_planned_ms(0, 0) == 180_000  # 30 s still to run, not 3:00 - 1:00
        assert run.left_ms() == 30_000
        await pilot.pause()
        assert screen.check_action("less", ()) is None
        assert footer_key(app, "less").has_class("-disabled")
        said = spy_notify(app, monkeypatch)
        await pilot.press("-")
        assert run.unit_planned_ms(0, 0) == 180_000
        assert said == ["Cannot take a minute off: 30 s of this step always stay to run."]
        await pilot.press("+")
        await pilot.pause()
        assert screen.check_action("less", ()) is True
        assert not footer_key(app, "less").has_class("-disabled")
        record = await saved(app, pilot)
        assert record.steps[0].planned_seconds == 240


async def test_minus_stops_at_thirty_seconds(make: AppFactory) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        run = run_screen(app).run
        await pilot.press(*"-----")
        assert run.unit_planned_ms(0, 0) == 30_000
        assert app.screen.check_action("less", ()) is None
        await pilot.press("-")
        assert run.unit_planned_ms(0, 0) == 30_000


# -- r ------------------------------------------------------------------------------------


async def test_restart_asks_first(make: AppFactory, clock: FakeClock) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        run = run_screen(app).run
        assert app.screen.check_action("restart", ()) is None  # nothing has run yet
        await pilot.press("space")
        await tick(app, pilot, clock, 90)
        assert run.left_ms() == 210_000

        for no in ("n", "escape"):
            await pilot.press("r")
            assert isinstance(app.screen, ConfirmScreen)
            assert "Restart this step's time?" in text_of(app, "#dialog-question")
            await pilot.press(no)
            assert isinstance(app.screen, RunScreen)
            assert run.left_ms() == 210_000

        await pilot.press("r", "y")
        assert isinstance(app.screen, RunScreen)
        assert run.left_ms() == 300_000
        assert run.running
        assert status_of(app).startswith("05:00 left")
        await tick(app, pilot, clock, 5)
        assert run.left_ms() == 295_000
        record = await saved(app, pilot)
        assert kinds(record)[-1] == "restart"


async def test_restart_in_turns_asks_about_the_turn(make: AppFactory, clock: FakeClock) -> None:
    app = make(ONION)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "3")
        await tick(app, pilot, clock, 20)
        await pilot.press("r")
        assert "Restart this turn's time?" in text_of(app, "#dialog-question")
        await pilot.press("enter")
        assert run_screen(app).run.left_ms() == 60_000  # the turn's minute, whole again


# -- a ------------------------------------------------------------------------------------


async def test_adapt_is_impossible_before_the_start(
    make: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        said = spy_notify(app, monkeypatch)
        screen = run_screen(app)
        assert screen.check_action("adapt", ()) is None
        await pilot.press("a")
        assert said == ["Start the meeting first: adapt fits the rest to its planned end."]
        assert [screen.run.step_planned_ms(i) for i in range(8)] == [m * MIN for m in TUNING_STEP_MINUTES]
        # Run directly (e.g. from the palette), it explains and changes nothing.
        screen.action_adapt()
        assert said and said[-1].startswith("Start the meeting first")
        record = await saved(app, pilot)
        assert "adapt" not in kinds(record)


async def test_adapt_refits_the_later_steps(
    make: AppFactory, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        said = spy_notify(app, monkeypatch)
        run = run_screen(app).run
        await pilot.press("space")
        await tick(app, pilot, clock, 10 * 60)  # five minutes over on a five-minute step
        assert "5 min behind plan" in status_of(app)
        await pilot.press("a")
        assert "Adapt the rest of the plan?" in text_of(app, "#dialog-question")
        await pilot.press("y")
        later = sum(run.step_planned_ms(i) for i in range(1, 8))
        assert later == 57 * MIN  # 67 planned - 10 spent
        assert run.step_planned_ms(0) == 5 * MIN  # the current step is not refitted
        assert run.step_planned_ms(7) == 5 * MIN  # the debrief is at its floor already
        assert said and said[-1].startswith(
            "5:00 behind plan: the remaining steps shrink to fit the 57:00 left."
        )
        assert "Presentation 15:00 → " in said[-1]
        assert "on plan" in status_of(app)
        record = await saved(app, pilot)
        assert kinds(record)[-1] == "adapt"
        assert sum(s.planned_seconds for s in record.steps[1:]) == 57 * 60
        # On the last step there is nothing after it to adapt.
        await pilot.press("8")
        assert app.screen.check_action("adapt", ()) is None


# -- e ------------------------------------------------------------------------------------


async def test_notes_box_takes_the_typing_and_escape_leaves_it(make: AppFactory) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        area = screen.query_one("#notes-area", TextArea)
        assert app.focused is None
        await pilot.press("e")
        assert app.focused is area
        await pilot.press(*"n p q", "space", "1")
        assert area.text == "n p q 1"
        assert screen.run.step == 0 and not screen.run.running  # keys went into the notes
        assert isinstance(app.screen, RunScreen)
        await pilot.press("escape")
        assert app.focused is None
        assert screen.session.notes[0] == "n p q 1"
        await pilot.press("n")  # keys drive the run again
        assert screen.run.step == 1
        assert area.text == ""
        record = await saved(app, pilot)
        assert record.steps[0].notes == "n p q 1"


async def test_notes_are_kept_per_step(make: AppFactory) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        screen = run_screen(app)
        area = screen.query_one("#notes-area", TextArea)
        await pilot.press("e", *"first", "escape", "n", "e", *"second", "escape", "3")
        assert area.text == ""
        await pilot.press("1")
        assert area.text == "first"
        await pilot.press("right")
        assert area.text == "second"
        assert {k: v for k, v in screen.session.notes.items() if v} == {0: "first", 1: "second"}
        record = await saved(app, pilot)
        assert [s.notes for s in record.steps[:3]] == ["first", "second", ""]


async def test_notes_are_saved_soon_after_typing(make: AppFactory, clock: FakeClock) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        screen = run_screen(app)
        await pilot.press("space", "e", *"said")
        await tick(app, pilot, clock, 2)
        assert screen._notes_timer is not None  # the delayed save is pending
        screen._save_notes()  # what the timer does, without sleeping for it
        record = await saved(app, pilot)
        assert record.steps[0].notes == "said"
        assert isinstance(app.focused, TextArea)  # still typing


# -- f ------------------------------------------------------------------------------------


async def test_projector_view_hides_the_side_and_the_notes(
    make: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        said = spy_notify(app, monkeypatch)
        screen = app.screen
        side, box = screen.query_one("#side"), screen.query_one("#notes-box")
        assert side.display and box.display
        await pilot.press("f")
        assert screen.has_class("-projector")
        assert not side.display and not box.display
        assert screen.query_one("#step-title").display
        assert screen.query_one("#status").display
        assert screen.query_one("#prompts").display
        await pilot.press("e")  # notes stay hidden in projector view
        assert app.focused is None
        assert said and "projector view" in said[-1]
        await pilot.press("f")
        assert not screen.has_class("-projector")
        assert side.display and box.display


async def test_projector_view_leaves_the_notes_box(make: AppFactory) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        screen = run_screen(app)
        await pilot.press("e", *"x", "escape", "e")
        assert isinstance(app.focused, TextArea)
        screen.action_projector()
        await pilot.pause()
        assert screen.has_class("-projector") and app.focused is None


# -- t ------------------------------------------------------------------------------------


async def test_theme_toggles_and_is_remembered(make: AppFactory, tmp_path) -> None:  # noqa: ANN001
    settings = tmp_path / "config" / "facilitator" / "settings.toml"
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "textual-dark"
        await pilot.press("t")
        assert app.theme == "textual-light"
        assert tomllib.loads(settings.read_text())["theme"] == "textual-light"
    again = make(RunProtocol("tuning"))
    async with again.run_test(size=SIZE) as pilot:
        assert again.theme == "textual-light"
        await pilot.press("t")
        assert again.theme == "textual-dark"
        assert tomllib.loads(settings.read_text())["theme"] == "textual-dark"


async def test_theme_option_wins_over_the_remembered_one(make: AppFactory) -> None:
    app = make(RunProtocol("tuning"), theme="light")
    async with app.run_test(size=SIZE):
        assert app.theme == "textual-light"


# -- ? ------------------------------------------------------------------------------------


async def test_help_lists_every_key(make: AppFactory) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("?")
        assert isinstance(app.screen, HelpScreen)
        lines = text_of(app, "#help-text").splitlines()
        starts = {line.split("   ")[0].strip() for line in lines}
        for key in ("space", "n or →", "p or ←", "1 … 9", "+ or =", "-", "r", "a", "e", "f", "t", "?", "q"):
            assert key in starts, key
        text = "\n".join(lines)
        assert "Escape leaves the notes box" in text
        assert "projector view" in text
        # Every action bound on the run screen is explained.
        for word in (
            "start / pause",
            "next step",
            "previous step",
            "go to step",
            "one more minute",
            "one minute less",
            "restart",
            "adapt",
            "notes",
            "theme",
            "finish",
        ):
            assert word in text, word
        await pilot.press("escape")
        assert isinstance(app.screen, RunScreen)
        await pilot.press("?", "?")
        assert isinstance(app.screen, RunScreen)


# -- q ------------------------------------------------------------------------------------


async def test_finish_asks_and_no_goes_back(make: AppFactory) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        for no in ("n", "escape"):
            await pilot.press("q")
            assert isinstance(app.screen, ConfirmScreen)
            assert text_of(app, "#dialog-question") == "Finish and save?"
            await pilot.press(no)
            assert isinstance(app.screen, RunScreen)
            assert not app.screen.run.state.finished
        record = await saved(app, pilot)
        assert record.status == "in_progress"
        assert "finish" not in kinds(record)


@pytest.mark.parametrize("yes", ["y", "enter"])
async def test_finish_saves_completed_and_exits_with_the_path(
    make: AppFactory, clock: FakeClock, yes: str
) -> None:
    app = make(RunProtocol("tuning", Details(group="Grade 5 team")))
    async with app.run_test(size=SIZE) as pilot:
        screen = run_screen(app)
        await settle(app, pilot)  # the first save creates the file
        path = session_file(screen)
        await pilot.press("space")
        await tick(app, pilot, clock, 100)
        await pilot.press("e", *"done", "q")  # q types into the notes
        await pilot.press("escape", "q", yes)
        await pilot.pause()
        assert screen.run.state.finished
    assert app.return_value == Outcome(saved=path)
    record = load_record(path)
    assert record.status == "completed"
    assert record.ended_at is not None
    assert record.group == "Grade 5 team"
    assert kinds(record)[-1] == "finish"
    assert record.steps[0].actual_seconds == 100
    assert record.steps[0].notes == "doneq"


# -- flows --------------------------------------------------------------------------------


async def test_the_last_minute_warns_in_words_and_colour(make: AppFactory, clock: FakeClock) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await tick(app, pilot, clock, 230)
        assert not view_of(app).has_class("-warning")
        assert "warning" not in status_of(app)
        await tick(app, pilot, clock, 20)
        assert status_of(app).startswith("00:50 left · 1-minute warning")
        assert view_of(app).has_class("-warning")
        assert not view_of(app).has_class("-over")


async def test_the_agenda_moves_at_the_minute_and_is_left_alone_between(
    make: AppFactory, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from facilitator.tui.widgets import agenda as agenda_module

    built: list[int] = []
    real_rows = agenda_module.agenda_rows

    def counted_rows(run: Run) -> list[AgendaRow]:
        built.append(1)
        return real_rows(run)

    monkeypatch.setattr(agenda_module, "agenda_rows", counted_rows)
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        built.clear()
        await tick(app, pilot, clock, 30)
        await tick(app, pilot, clock, 20)
        assert built == []  # the same minute: nothing to redo
        assert "1 Introduction" in text_of(app, "#agenda").splitlines()[0]
        assert "/ 1:00" not in text_of(app, "#agenda").splitlines()[0]
        await tick(app, pilot, clock, 15)  # 1:05 run
        assert built == [1]
        assert "5:00 / 1:00" in text_of(app, "#agenda").splitlines()[0]
        await pilot.press("plus")  # an action: the agenda is rebuilt at once
        assert len(built) == 2
        assert "6:00 / 1:00" in text_of(app, "#agenda").splitlines()[0]


async def test_overtime_shows_over_in_words_and_colour(make: AppFactory, clock: FakeClock) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await tick(app, pilot, clock, 5 * 60 + 75)
        status = status_of(app)
        assert status.startswith("+01:15 over")
        assert "1 min behind plan" in status
        assert view_of(app).has_class("-over")
        assert not view_of(app).has_class("-warning")
        assert run_screen(app).run.left_ms() == -75_000
        # Pausing while over says both.
        await pilot.press("space")
        assert status_of(app).startswith("PAUSED · +01:15 over")
        # The agenda marks the step as over.
        await pilot.press("space", "n")
        assert "over" in text_of(app, "#agenda").splitlines()[0]
        assert not view_of(app).has_class("-over")


async def test_moving_while_running_starts_the_next_step_and_time_adds_up(
    make: AppFactory, clock: FakeClock
) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        screen = run_screen(app)
        run = screen.run
        await pilot.press("space")
        await tick(app, pilot, clock, 60)
        await pilot.press("e", *"intro", "escape", "n")
        assert run.running and run.step == 1
        await tick(app, pilot, clock, 30)
        assert run.left_ms() == 15 * MIN - 30_000
        assert status_of(app).startswith("14:30 left")
        await pilot.press("p")
        assert run.step == 0 and run.running
        assert screen.query_one("#notes-area", TextArea).text == "intro"
        assert run.left_ms() == 240_000  # continues where it was
        await tick(app, pilot, clock, 15)
        assert run.left_ms() == 225_000
        await pilot.press("space")  # pausing saves the time run so far
        record = await saved(app, pilot)
        assert [s.actual_seconds for s in record.steps[:2]] == [75, 30]
        assert record.steps[0].notes == "intro"


async def test_moving_before_the_start_keeps_the_timer_stopped(make: AppFactory, clock: FakeClock) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await tick(app, pilot, clock, 30)
        assert run_screen(app).run.left_ms() == 15 * MIN
        assert "press space to start" in status_of(app)


async def test_every_action_saves_at_once(make: AppFactory, clock: FakeClock) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        record = await saved(app, pilot)
        assert kinds(record) == ["plan", "goto"]
        await pilot.press("space")
        await tick(app, pilot, clock, 45)
        await pilot.press("+")
        record = await saved(app, pilot)
        assert kinds(record) == ["plan", "goto", "start", "extend"]
        assert record.steps[1].actual_seconds == 45
        assert record.steps[1].planned_seconds == 16 * 60


async def test_the_bell_rings_once_at_the_warning_and_once_when_time_runs_out(
    make: AppFactory, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make(RunProtocol("tuning"), bell=True)
    rings: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: rings.append(1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await tick(app, pilot, clock, 239)
        assert rings == []
        await tick(app, pilot, clock, 2)  # 0:59 left: the 1-minute warning
        assert len(rings) == 1
        assert "1-minute warning" in status_of(app)
        await tick(app, pilot, clock, 30)
        run_screen(app).refresh_clock()
        assert len(rings) == 1  # once
        await tick(app, pilot, clock, 30)  # over
        run_screen(app).refresh_clock()
        await tick(app, pilot, clock, 30)
        assert len(rings) == 2
        # The next step warns and rings once when its own time runs out.
        await pilot.press("5")
        await tick(app, pilot, clock, 61)
        assert len(rings) == 3
        await tick(app, pilot, clock, 60)
        run_screen(app).refresh_clock()
        assert len(rings) == 4


async def test_no_warning_bell_with_warn_zero_but_the_end_still_rings(
    make: AppFactory, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make(RunProtocol("tuning", warn_minutes=0), bell=True)
    rings: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: rings.append(1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await tick(app, pilot, clock, 290)
        assert rings == [] and "warning" not in status_of(app)
        assert not view_of(app).has_class("-warning")
        await tick(app, pilot, clock, 11)
        assert len(rings) == 1 and view_of(app).has_class("-over")
        record = await saved(app, pilot)
        assert record.protocol.warn_minutes == 0  # the copy run says so: resume warns alike


async def test_warn_two_minutes_from_the_command_line(make: AppFactory, clock: FakeClock) -> None:
    app = make(RunProtocol("tuning", warn_minutes=2))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await tick(app, pilot, clock, 179)
        assert not view_of(app).has_class("-warning")
        await tick(app, pilot, clock, 2)
        assert view_of(app).has_class("-warning")
        assert status_of(app).startswith("01:59 left · 2-minute warning")


async def test_no_bell_with_no_bell(
    make: AppFactory, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make(RunProtocol("tuning"))
    rings: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: rings.append(1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await tick(app, pilot, clock, 301)
        run_screen(app).refresh_clock()
        assert view_of(app).has_class("-over")
        assert rings == []


# -- the command palette ------------------------------------------------------------------


async def test_the_command_palette_has_every_run_action(make: AppFactory) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        commands = list(app.get_system_commands(app.screen))
        titles = [c.title for c in commands]
        for title in (
            "Start, pause or resume the timer",
            "Next step (next turn in turns)",
            "Previous step (or turn)",
            "One more minute here",
            "One minute less (30 s always stay to run)",
            "Restart this step's time (asks)",
            "Adapt: refit the remaining steps to the planned end",
            "Notes: write notes for this step",
            "Norms: show them to the room, or hide them",
            "Projector view on/off",
            "Help: every key",
            "Finish and save (asks)",
            "Light or dark theme",
            "Go to step 3: Clarifying questions",
            "Go to step 8: Debrief",
        ):
            assert title in titles, title
        helps = {c.title: c.help for c in commands}
        # Keys as people write them.
        assert helps["Next step (next turn in turns)"] == "Key: n or →"
        assert helps["Help: every key"] == "Key: ?"
        assert helps["One more minute here"] == "Key: + or ="
        assert helps["One minute less (30 s always stay to run)"] == "Key: -"
        assert helps["Go to step 3: Clarifying questions"] == "Key: 3"
        # Quit from the palette asks, like q: it is finishing.
        assert helps["Quit"] == "Finish and save? (asks first, like q)"
        # Choosing one from the palette runs it.
        await pilot.press("ctrl+p")
        await pilot.press(*"Next step")

        def next_step_highlighted() -> bool:
            found = app.screen.query(CommandList)
            if not found:
                return False
            lists = found.first()
            highlighted = lists.highlighted
            if highlighted is None:
                return False
            return "Next step" in str(lists.get_option_at_index(highlighted).prompt)

        await wait_for(pilot, "the palette to find Next step", next_step_highlighted)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RunScreen)
        assert app.screen.run.step == 1


async def test_a_failing_save_is_shown_and_cleared(make: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        screen = run_screen(app)
        warning = screen.query_one("#save-warning")
        await settle(app, pilot)
        assert not warning.display
        real = screen.saver.save

        def full(seq: int, record: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(screen.saver, "save", full)
        await pilot.press("n")
        await settle(app, pilot)
        assert warning.display and screen.save_failing
        assert "NOT SAVING: No space left on device" in str(warning.render())
        monkeypatch.setattr(screen.saver, "save", real)
        await pilot.press("n")
        await settle(app, pilot)
        assert not warning.display and not screen.save_failing
        assert kinds(load_record(screen.session.path)) == ["plan", "goto", "goto"]


# -- small terminals and leaving ------------------------------------------------------------


async def test_a_small_terminal_still_shows_title_step_and_status(make: AppFactory) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=(60, 18)) as pilot:
        await pilot.pause()
        screen = app.screen
        for selector in ("#step-title", "#step-number", "#status"):
            widget = screen.query_one(selector)
            assert widget.display and widget.region.height >= 1, selector
            assert screen.region.contains_region(widget.region), selector
        assert text_of(app, "#step-number") == "Step 1 of 8"
        assert "05:00" in status_of(app)
        # No room for the notes box until e asks for it.
        box = screen.query_one("#notes-box")
        assert screen.has_class("-short") and not box.display
        await pilot.press("e")
        assert box.display and isinstance(app.focused, TextArea)
        await pilot.press("escape")
        assert not box.display


async def test_a_short_terminal_hides_the_facilitator_notes(make: AppFactory) -> None:
    # app.tcss hides #facilitator-notes on a short screen (RunScreen.-short), but
    # RunScreen._update sets `display` inline, which overrides the stylesheet: at 80x24 the
    # facilitator notes show, cut off by the footer.
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-short")
        assert not app.screen.query_one("#notes-box").display
        assert not app.screen.query_one("#facilitator-notes").display


async def test_notes_typed_just_before_quitting_are_saved(make: AppFactory) -> None:
    # PRODUCT.md: the file is saved "within 2 seconds of typing in the notes, and at exit".
    # The notes save waits 1 s after typing; quitting (ctrl+q) before that loses them.
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "e", *"last words")
        await settle(app, pilot)
        path = session_file(run_screen(app))
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert load_record(path).steps[0].notes == "last words"


async def test_the_notes_box_and_the_footer_follow_the_first_frame(make: AppFactory) -> None:
    # They are mounted once the step is on screen (start-up); then they work as ever.
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, "the footer's keys", lambda: app.screen.query("FooterKey"))
        keys = {key.description for key in app.screen.query(FooterKey)}
        assert {"Finish", "Help", "Timer"} <= keys
        await pilot.press("e", *"typed")
        assert isinstance(app.screen.focused, TextArea)
        assert app.screen.query_one("#notes-area", TextArea).text == "typed"
