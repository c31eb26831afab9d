"""Setup: the meeting details, fit to time, and the way into the run screen (or back)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomli_w
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from facilitator.core.store.record import load_record
from facilitator.tui.screens.picker import PickerScreen
from facilitator.tui.screens.run import RunScreen
from facilitator.tui.screens.setup import SetupScreen
from facilitator.tui.start import RunProtocol
from facilitator.tui.widgets.big_clock import BigName
from facilitator.tui.widgets.hanging_text import HangingText

from .conftest import AppFactory, screen_of, settle, text_of

SIZE = (100, 30)
FIELDS = ["group", "facilitator", "presenter", "participants", "question", "fit"]


async def open_setup(app: App[Any], pilot: Pilot[Any], protocol: str = "tuning") -> SetupScreen:
    await pilot.press(*protocol, "enter")
    await pilot.pause()
    return screen_of(app, SetupScreen)


def field(screen: SetupScreen, key: str) -> Input:
    return screen.query_one(f"#field-{key}", Input)


def session_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


async def test_setup_shows_the_fields_and_the_plan(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(app, pilot)
        for key in FIELDS:
            assert field(screen, key).value == ""
        assert not screen.query("#field-people")  # no turns for each participant in tuning
        assert app.focused is field(screen, "group")
        assert text_of(app, "#setup-plan") == "Planned: 1:07:00 in 8 steps"
        assert "Set up: Tuning Protocol" in [str(s.render()) for s in screen.query(".form-title")]


async def test_ctrl_s_starts_the_run_with_the_details(make: AppFactory, sessions: Path) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await open_setup(app, pilot)
        await pilot.press(*"Grade 5 team", "enter")  # Enter moves to the next field
        await pilot.press(*"Dee", "enter", *"Pat")
        screen = screen_of(app, SetupScreen)
        field(screen, "question").value = "How do we give feedback?"
        field(screen, "fit").value = "60"
        await pilot.pause()
        assert text_of(app, "#setup-plan") == "Planned: 1:00:00 in 8 steps"
        await pilot.press("ctrl+s")
        await pilot.pause()
        run_screen = app.screen
        assert isinstance(run_screen, RunScreen)
        assert run_screen.run.total_planned_ms() == 60 * 60_000
        await settle(app, pilot)
        path = run_screen.session.path
        assert path is not None and path.parent == sessions
        assert "grade-5-team" in path.name
        record = load_record(path)
        assert (record.group, record.facilitator, record.presenter) == ("Grade 5 team", "Dee", "Pat")
        assert record.focus_question == "How do we give feedback?"
        assert record.fit_minutes == 60
        assert record.status == "in_progress"


async def test_a_bad_fit_value_shows_an_error_and_does_not_start(make: AppFactory, sessions: Path) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(app, pilot)
        field(screen, "fit").value = "an hour"
        await pilot.pause()
        assert text_of(app, "#setup-error") == 'Fit to minutes: "an hour" is not a number'
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert session_files(sessions) == []


async def test_an_impossible_fit_says_why_and_does_not_start(make: AppFactory, sessions: Path) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(app, pilot)
        field(screen, "fit").value = "5"
        await pilot.pause()
        error = text_of(app, "#setup-error")
        assert error.startswith("Tuning Protocol cannot fit in 5:00: its steps need at least")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert session_files(sessions) == []
        # Fixing it clears the error and starts.
        field(screen, "fit").value = "45"
        await pilot.pause()
        assert text_of(app, "#setup-error") == ""
        screen.query_one("#start").scroll_visible(animate=False)
        await pilot.pause()
        await pilot.click("#start")
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        assert app.screen.run.total_planned_ms() == 45 * 60_000


async def test_escape_goes_back_to_the_picker(make: AppFactory, sessions: Path) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        picker = screen_of(app, PickerScreen)
        await open_setup(app, pilot)
        await pilot.press("escape")
        assert app.screen is picker
        await pilot.press("escape")  # clear the search
        assert len(picker.shown) > 1
        assert session_files(sessions) == []


async def test_run_with_each_participant_and_no_names_opens_setup(make: AppFactory, sessions: Path) -> None:
    app = make(RunProtocol("final-word"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SetupScreen)
        assert screen.found.protocol.id == "final-word"
        assert session_files(sessions) == []
        assert "give names or a number" in text_of(app, "#setup-plan")
        field(screen, "people").value = "seven"
        await pilot.pause()
        assert "not a whole number" in text_of(app, "#setup-error")
        field(screen, "people").value = ""
        field(screen, "participants").value = "Ana, Ben, Chi, Dev"
        await pilot.pause()
        assert text_of(app, "#setup-plan") == "Planned: 37:00 in 2 steps"
        await pilot.press("ctrl+s")
        await pilot.pause()
        run_screen = app.screen
        assert isinstance(run_screen, RunScreen)
        assert run_screen.run.shapes[0].turn_names == ("Ana", "Ben", "Chi", "Dev")
        assert text_of(app, "#speaker-detail").startswith("turn 1 of 4 · next: Ben")
        assert app.screen.query_one("#speaker-name", BigName).text == "Ana"


async def test_run_with_a_count_of_people(make: AppFactory) -> None:
    app = make(RunProtocol("final-word"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        field(screen_of(app, SetupScreen), "people").value = "3"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        assert app.screen.run.shapes[0].turns == 3
        assert text_of(app, "#speaker-detail").startswith("turn 1 of 3 · next: turn 2")
        assert app.screen.query_one("#speaker-name", BigName).text == "Turn 1"


async def test_escape_from_a_setup_opened_by_run_goes_to_the_picker(make: AppFactory) -> None:
    app = make(RunProtocol("final-word"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


# -- fit to time: each step's new time, before the meeting starts -----------------------------

LONG_PROMPT = "What would make this work stronger for the students who found the first part hardest?"


def write_fit_protocol(folder: Path) -> None:
    """A protocol in ./protocols (found by the picker): 15 + 3 turns × 2 + 5 minutes."""
    data = {
        "format": 1,
        "name": "Fit test",
        "purpose": "To see each step's time after fitting, before the meeting starts.",
        "norms": ["Be kind, specific and helpful to the presenter and to one another"],
        "steps": [
            {"title": "Presentation", "minutes": 15, "min_minutes": 5, "prompts": [LONG_PROMPT]},
            {"title": "Rounds", "minutes": 2, "min_minutes": 1, "turns": 3},
            {"title": "Debrief [b]x[/b]", "minutes": 5, "min_minutes": 5},
        ],
    }
    (folder / "protocols").mkdir(exist_ok=True)
    (folder / "protocols" / "fit-test.toml").write_text(tomli_w.dumps(data), encoding="utf-8")


def fit_lines(app: App[Any]) -> list[str]:
    text = str(app.screen.query_one("#setup-fit", HangingText).render())
    return text.split("\n") if text else []


async def test_typing_minutes_to_fit_shows_each_steps_new_time_as_typed(
    make: AppFactory, isolated: Path, sessions: Path
) -> None:
    write_fit_protocol(isolated)
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_setup(app, pilot, "fit test")
        assert screen.found.protocol.name == "Fit test"
        assert fit_lines(app) == []  # no minutes to fit: the protocol's times stand
        field(screen, "fit").focus()
        await pilot.press("2")
        await pilot.pause()
        # 2 minutes cannot hold the floors: the one-line reason, before the meeting starts
        assert fit_lines(app)[0].startswith("Fit test cannot fit in 2:00: its steps need at least")
        await pilot.press("0")
        await pilot.pause()
        assert fit_lines(app) == [
            "Fitted to 20 min, each step:",
            "  Presentation 15:00 → 10:30",
            "  Rounds 6:00 → 4:30 (3 turns of 1:30)",
            "  Debrief [b]x[/b] 5:00 (no change)",
            "",
        ]
        assert text_of(app, "#setup-plan") == "Planned: 20:00 in 3 steps"
        assert text_of(app, "#setup-error") == ""
        await pilot.press("backspace", "backspace")
        await pilot.pause()
        assert fit_lines(app) == []
        assert text_of(app, "#setup-plan") == "Planned: 26:00 in 3 steps"
        # What was shown is what the meeting gets.
        await pilot.press(*"20", "ctrl+s")
        await pilot.pause()
        run = screen_of(app, RunScreen).run
        assert [run.step_planned_ms(i) for i in range(3)] == [630_000, 270_000, 300_000]
        assert session_files(sessions) != []


async def test_a_bad_fit_value_says_so_beside_the_agenda_too(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(app, pilot)
        field(screen, "fit").value = "an hour"
        await pilot.pause()
        assert fit_lines(app)[0] == 'Fit to minutes: "an hour" is not a number'
        field(screen, "fit").value = ""
        await pilot.pause()
        assert fit_lines(app) == []


async def test_the_agenda_wraps_with_its_items_indented_under_their_text(
    make: AppFactory, isolated: Path
) -> None:
    write_fit_protocol(isolated)
    app = make()
    async with app.run_test(size=(60, 30)) as pilot:
        screen = await open_setup(app, pilot, "fit test")
        agenda = screen.query_one("#setup-agenda-text", HangingText)
        lines = str(agenda.render()).split("\n")
        assert max(len(line) for line in lines) <= agenda.content_size.width
        # The prompt wraps: its first line has the bullet, the rest sit under its text.
        first = next(i for i, line in enumerate(lines) if line.startswith("    • What would make"))
        rest = []
        for line in lines[first + 1 :]:
            if not line.startswith("      "):
                break
            rest.append(line)
        assert rest, lines
        assert " ".join(part.strip() for part in [lines[first][6:], *rest]) == LONG_PROMPT
        # A norm wraps under its text too; the purpose, a paragraph, wraps flush.
        norm = next(i for i, line in enumerate(lines) if line.startswith("  - Be kind"))
        assert lines[norm + 1].startswith("    ") and lines[norm + 1].strip()
        purpose = next(i for i, line in enumerate(lines) if line.startswith("To see each"))
        assert lines[purpose + 1].strip() and not lines[purpose + 1].startswith(" ")


# -- a group that met before --------------------------------------------------------------------


def earlier_meeting(sessions: Path) -> None:
    from facilitator.core.clock import FakeClock
    from facilitator.core.library import find, load_library
    from facilitator.core.session import Details, Session, begin
    from facilitator.core.store.saver import Saver

    protocol = find("ten-tenets", load_library(cwd=Path("/nonexistent"), env={})).protocol
    details = Details(
        group="Grade 5 team", presenter="Ana", facilitator="Ben", participants=["Ana", "Ben", "Chi"]
    )
    session = Session.new(protocol, details, FakeClock())
    begin(session, sessions)
    session.run.toggle()
    session.commit("Ben", "Try exit tickets with [b]7B[/b]", "next meeting")
    session.run.finish()
    assert session.path is not None
    Saver(sessions, session.path).save(3, session.record(completed=True))


async def test_a_group_that_met_before_gets_its_roster_suggestions_and_open_commitments(
    make: AppFactory, sessions: Path
) -> None:
    earlier_meeting(sessions)
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_setup(app, pilot)
        await pilot.press(*"grade 5 team")
        await pilot.pause()
        assert field(screen, "participants").value == "Ana, Ben, Chi"
        assert field(screen, "presenter").value == "Ben"  # Ana presented last time
        assert field(screen, "facilitator").value == "Ana"  # Ben facilitated last time
        team = "\n".join(str(line) for line in screen.query_one("#setup-team", HangingText).lines(100))
        assert "1 earlier meeting" in team
        assert "Ben: Try exit tickets with [b]7B[/b] (by next meeting)" in team  # as typed
        # The facilitator changes a suggestion: it stays, whatever the group becomes.
        field(screen, "presenter").value = "Chi"
        field(screen, "group").value = "Year 9"
        await pilot.pause()
        assert field(screen, "presenter").value == "Chi"
        assert field(screen, "participants").value == ""  # setup's own suggestion follows the group
        assert screen.query_one("#setup-team", HangingText).lines(100) == []
