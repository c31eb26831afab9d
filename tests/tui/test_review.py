"""The review browser: saved sessions listed, filtered, sorted, opened, exported, resumed."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey

from facilitator.cli import main
from facilitator.core.clock import FakeClock
from facilitator.core.library import find, load_library
from facilitator.core.session import Details, Session, begin
from facilitator.core.store import catalog as catalog_module
from facilitator.core.store.catalog import Catalog
from facilitator.tui.screens.review import ReviewScreen
from facilitator.tui.screens.run import RunScreen
from facilitator.tui.screens.session_view import SessionScreen
from facilitator.tui.screens.stats import StatsScreen
from facilitator.tui.start import Review

from .conftest import AppFactory

SIZE = (100, 30)


def record_session(
    folder: Path,
    clock: FakeClock,
    protocol_id: str,
    group: str,
    *,
    presenter: str = "",
    overs: dict[int, int] | None = None,
    notes: dict[int, str] | None = None,
    stop_at: int | None = None,
    participants: tuple[str, ...] = (),
) -> Path:
    """Run a session through the engine: each step its planned time plus `overs[step]` seconds.

    With `stop_at`, the session stops (unfinished) in that step. The clock then moves to 14:00
    the next day, so every session starts on its own day.
    """
    protocol = find(protocol_id, load_library()).protocol
    details = Details(group=group, presenter=presenter, participants=list(participants))
    session = Session.new(protocol, details, clock)
    saver = begin(session, folder)
    run = session.run
    run.toggle()
    while True:
        step, turn = run.step, run.turn
        clock.advance(run.unit_planned_ms(step, turn) / 1000)
        names = run.shapes[step].turn_names
        if turn + 1 == (len(names) if names else 1):
            clock.advance((overs or {}).get(step, 0))
        if step == stop_at or run.at_end():
            break
        run.next()
    for step, text in (notes or {}).items():
        session.set_notes(step, text)
    if stop_at is None:
        run.finish()
    path = saver.save(1, session.record(completed=stop_at is None))
    assert path is not None
    start = session.started_at
    clock.advance((start + timedelta(days=1) - clock.wall()).total_seconds())
    return path


def make_sessions(folder: Path, clock: FakeClock) -> dict[str, Path]:
    """Five sessions of two protocols with known overruns, and two files that cannot be read.

    Tuning's "Clarifying questions" (5:00) runs over in 2 of 3 sessions, by 2:10 and 1:00.
    """
    paths = {
        "grade5": record_session(
            folder,
            clock,
            "tuning",
            "Grade 5 team",
            presenter="Ana",
            overs={2: 130},
            notes={0: "Norms read aloud.", 5: "Warm: clear rubric.\nCool: the anchor papers are missing."},
        ),
        "science": record_session(
            folder,
            clock,
            "tuning",
            "Science dept",
            presenter="Ben",
            overs={2: 60, 3: 200, 5: 10},
            notes={3: "Looked at the photosynthesis lab reports."},
        ),
        "grade5-again": record_session(
            folder,
            clock,
            "tuning",
            "Grade 5 team",
            presenter="Chi",
            notes={6: "Chi will try peer review next term."},
        ),
        "maths": record_session(
            folder,
            clock,
            "consultancy",
            "Maths team",
            presenter="Dee",
            overs={3: 300},
            notes={3: "A zebra crossing analogy helped."},
        ),
        "art": record_session(
            folder,
            clock,
            "consultancy",
            "Art team",
            presenter="Eve",
            stop_at=2,
            notes={0: "Dilemma: portfolio deadlines."},
        ),
    }
    (folder / "broken.toml").write_text("format = 1\nstatus = [", encoding="utf-8")
    (folder / "future.toml").write_text("format = 2\n", encoding="utf-8")
    return paths


@pytest.fixture
def saved(sessions: Path, clock: FakeClock) -> dict[str, Path]:
    return make_sessions(sessions, clock)


def rows(app) -> list[list[str]]:  # noqa: ANN001
    table = app.screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def groups(app) -> list[str]:  # noqa: ANN001
    return [row[2] for row in rows(app)]


def screen_text(app) -> str:  # noqa: ANN001
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def ready(app: App[Any], pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_list_shows_every_session_and_the_unreadable_files(make: AppFactory, saved) -> None:
    app = make(Review())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert isinstance(app.focused, Input)
        table = rows(app)
        assert len(table) == 7
        assert [row[2] for row in table[:5]] == [
            "Art team",
            "Maths team",
            "Grade 5 team",
            "Science dept",
            "Grade 5 team",
        ]
        assert table[0][0] == "2026-11-27 14:00" and table[4][0] == "2026-11-23 14:00"
        assert table[4][1:] == [
            "Tuning Protocol",
            "Grade 5 team",
            "Ana",
            "1:07:00",
            "1:09:10 +2:10",
            "completed",
        ]
        assert table[0][-1] == "in progress"
        broken, future = table[5], table[6]
        assert broken[1] == "broken.toml" and broken[-1] == "unreadable"
        assert broken[2].startswith("2:10: a list")  # shortened to fit; whole under the table
        assert future[1] == "future.toml" and future[2].startswith("session form")
        count = str(app.screen.query_one("#review-count", Static).render())
        assert count.startswith("7 of 7 sessions shown · 2 unreadable · sorted by date, newest first")
        assert "searching notes" not in count

        await pilot.press("down", *["down"] * 6)  # the unreadable file's whole reason, under the table
        file_line = str(app.screen.query_one("#review-file", Static).render())
        assert file_line.startswith("future.toml: session format 2 is newer")

        await pilot.resize_terminal(200, 30)  # room for the whole reason
        await pilot.pause()
        assert rows(app)[6][2] == (
            "session format 2 is newer than this facilitator understands "
            "(format 1); update facilitator to open it"
        )
        assert rows(app)[4][1] == "Tuning Protocol"


async def test_typing_filters_by_protocol_group_and_notes(make: AppFactory, saved) -> None:
    app = make(Review())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press(*"consultancy")
        assert groups(app) == ["Art team", "Maths team"]
        assert str(app.screen.query_one("#review-count", Static).render()).startswith("2 of 7")
        await pilot.press("escape")
        await pilot.press(*"grade 5")
        assert groups(app) == ["Grade 5 team", "Grade 5 team"]
        await pilot.press("escape", *"photosynthesis")
        assert groups(app) == ["Science dept"]
        await pilot.press("escape", *"zebra")
        assert groups(app) == ["Maths team"]
        await pilot.press("escape", *"nothing like this")
        assert rows(app)[0][0] == "No session matches"
        await pilot.press("enter")  # nothing to open
        assert isinstance(app.screen, ReviewScreen)


async def test_notes_are_searched_once_read(make: AppFactory, saved, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    class SlowCatalog(Catalog):
        def summaries(self, full: bool = False, team: bool = False):  # noqa: ANN202
            if full:
                release.wait(10)
            return super().summaries(full, team)

    monkeypatch.setattr(catalog_module, "Catalog", SlowCatalog)
    app = make(Review())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"zebra")
        assert rows(app)[0][0] == "No session matches"
        assert "searching notes…" in str(app.screen.query_one("#review-count", Static).render())
        release.set()
        await ready(app, pilot)
        assert groups(app) == ["Maths team"]
        assert "searching notes" not in str(app.screen.query_one("#review-count", Static).render())


async def test_s_cycles_the_sort_column_and_S_reverses(make: AppFactory, saved) -> None:
    app = make(Review())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        screen = app.screen
        assert screen.check_action("sort", ()) is None  # dimmed: typing goes to the search box
        await pilot.press("down")  # into the list
        assert isinstance(app.focused, DataTable) and screen.check_action("sort", ()) is True
        await pilot.press("s")
        assert [row[1] for row in rows(app)] == ["Consultancy"] * 2 + ["Tuning Protocol"] * 3 + [
            "broken.toml",
            "future.toml",
        ]
        assert str(app.screen.query_one(DataTable).columns[ColumnKey("protocol")].label) == "Protocol ▲"
        await pilot.press("s")
        assert groups(app)[:5] == ["Art team", "Grade 5 team", "Grade 5 team", "Maths team", "Science dept"]
        await pilot.press("s")  # actual length, longest first
        assert groups(app)[:5] == ["Science dept", "Grade 5 team", "Grade 5 team", "Maths team", "Art team"]
        await pilot.press("S")
        assert groups(app)[:5] == ["Art team", "Maths team", "Grade 5 team", "Grade 5 team", "Science dept"]
        assert "sorted by actual, shortest first" in str(screen.query_one("#review-count").render())
        await pilot.press("s")  # back to the date, newest first
        assert groups(app)[0] == "Art team"
        assert rows(app)[-2][1] == "broken.toml"  # unreadable files stay at the end


async def test_clicking_a_header_sorts_and_again_reverses(make: AppFactory, saved) -> None:
    app = make(Review())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        table = app.screen.query_one(DataTable)
        x = sum(c.get_render_width(table) for c in table.ordered_columns[:2]) + 2
        await pilot.click(DataTable, offset=(x, 0))  # the Group header
        assert groups(app)[:5] == ["Art team", "Grade 5 team", "Grade 5 team", "Maths team", "Science dept"]
        await pilot.click(DataTable, offset=(x, 0))
        assert groups(app)[:5] == ["Science dept", "Maths team", "Grade 5 team", "Grade 5 team", "Art team"]


async def test_enter_opens_the_session_with_times_bars_and_notes(make: AppFactory, saved) -> None:
    app = make(Review())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press(*"grade ana", "enter")
        screen = app.screen
        assert isinstance(screen, SessionScreen) and screen.path == saved["grade5"]
        text = screen_text(app)
        assert "Tuning Protocol · Grade 5 team" in text
        assert "Presenter\nAna" in text
        assert "1:09:10 against 1:07:00 planned (+2:10 over)" in text
        assert "3. Clarifying questions" in text
        assert "5:00 planned · 7:10 actual · +2:10 over" in text
        assert "15:00 planned · 15:00 actual" in text
        assert "Warm: clear rubric.\nCool: the anchor papers are missing." in text
        assert "(no notes)" in text
        over = screen.query(".step-times.-over")
        assert [str(w.render()) for w in over] == ["5:00 planned · 7:10 actual · +2:10 over"]
        bars = [str(bar.render()) for bar in screen.query(".step-bar")]
        assert len(bars) == 8
        assert bars[2].count("█") > bars[0].count("█")  # ran over: a longer bar
        assert screen.check_action("resume", ()) is None and screen.check_action("export", ())
        await pilot.press("r")  # a finished session cannot be resumed
        assert app.screen is screen
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_x_exports_markdown_to_the_current_directory(
    make: AppFactory, saved, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    monkeypatch.setattr(SessionScreen, "notify", lambda self, message, **kw: said.append(message))
    app = make(Review(saved["maths"].stem))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("x")
    target = tmp_path / f"{saved['maths'].stem}.md"
    assert said == [f"Exported to {target}"]
    assert target.stat().st_mode & 0o777 == 0o600
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Consultancy: Maths team\n")
    assert "A zebra crossing analogy helped." in text
    assert "| 4 | Discussing the dilemma | 15:00 | 15:00 | 20:00 (+5:00 over) |  |" in text


async def test_r_resumes_an_unfinished_session(make: AppFactory, saved) -> None:
    app = make(Review())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press(*"art", "enter")
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        assert "in progress: r carries on where it stopped" in screen_text(app)
        assert "5:00 planned · not reached" in screen_text(app)
        assert screen.check_action("resume", ()) is True
        await pilot.press("r")
        assert isinstance(app.screen, RunScreen)
        assert app.screen.session.path == saved["art"]
        assert app.screen.run.step == 2


async def test_t_shows_statistics_across_sessions(make: AppFactory, saved) -> None:
    app = make(Review())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("down", "t")
        await ready(app, pilot)
        assert isinstance(app.screen, StatsScreen)
        text = screen_text(app)
        assert "Tuning Protocol (tuning) · 3 completed sessions" in text
        assert "Consultancy (consultancy) · 1 completed session, 1 unfinished" in text
        assert "ran over in 2 of 3, typically by 1:35" in text
        assert "kept its time in all 3 sessions" in text
        assert "2 unreadable files left out." in text
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_leaving_the_statistics_before_they_are_read(
    make: AppFactory, saved, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    class SlowCatalog(Catalog):
        def summaries(self, full: bool = False, team: bool = False):  # noqa: ANN202
            release.wait(10)
            return super().summaries(full, team)

    monkeypatch.setattr(catalog_module, "Catalog", SlowCatalog)
    app = make(Review())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("down", "t")
        assert "Reading every session…" in screen_text(app)
        await pilot.press("escape")
        release.set()
        await ready(app, pilot)
        assert isinstance(app.screen, ReviewScreen) and app.is_running


async def test_review_name_opens_the_session_directly(make: AppFactory, saved) -> None:
    app = make(Review(saved["science"].name))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, SessionScreen) and app.screen.path == saved["science"]
        assert "Looked at the photosynthesis lab reports." in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


def test_review_of_an_unknown_session_is_a_one_line_error(
    sessions: Path, saved, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--sessions-dir", str(sessions), "review", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith('facilitator: no session "nope"') and err.count("\n") == 1


async def test_an_unreadable_file_opens_to_its_reason(make: AppFactory, saved) -> None:
    app = make(Review())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press(*"broken", "enter")
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        assert "This session cannot be opened." in screen_text(app)
        assert "broken.toml:2:10: a list that starts on line 2 is never closed" in screen_text(app)
        assert screen.check_action("export", ()) is None
        assert screen.check_action("resume", ()) is None


async def test_turns_are_listed_with_who_and_times(make: AppFactory, sessions: Path, clock) -> None:  # noqa: ANN001
    path = record_session(
        sessions, clock, "peeling-the-onion", "Team", overs={2: 45}, participants=("Ana", "Ben", "Chi")
    )
    app = make(Review(path.name))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        text = screen_text(app)
        assert "Turn 1 · Ana: 1:00 planned · 1:00 actual" in text
        assert "Turn 3 · Chi: 1:00 planned · 1:45 actual · +0:45 over" in text


async def test_q_and_escape_quit_only_with_an_empty_search(make: AppFactory, saved) -> None:
    app = make(Review())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press(*"aq")
        assert app.screen.query_one(Input).value == "aq" and app.is_running
        await pilot.press("escape")
        assert app.screen.query_one(Input).value == "" and app.is_running
        await pilot.press("escape")
    assert app.return_code == 0 and not app.is_running

    app = make(Review())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("q")
    assert not app.is_running


async def test_an_empty_folder_says_so(make: AppFactory) -> None:
    app = make(Review())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert rows(app)[0][0] == "No saved sessions yet"
        assert str(app.screen.query_one("#review-count", Static).render()).startswith("0 of 0 sessions shown")


def skip_and_lengthen(folder: Path, clock: FakeClock, title: str = "Clarifying questions") -> Path:
    """A Tuning meeting that passes over step 2 and gives step 3 (titled `title`) one more minute."""
    from dataclasses import replace

    protocol = find("tuning", load_library()).protocol
    steps = list(protocol.steps)
    steps[2] = replace(steps[2], title=title)
    session = Session.new(replace(protocol, steps=steps), Details(group="Team"), clock)
    saver = begin(session, folder)
    run = session.run
    run.toggle()
    clock.advance(run.left_ms() / 1000)
    run.goto(2)
    run.extend(1)
    while True:
        clock.advance(run.left_ms() / 1000)
        if run.at_end():
            break
        run.next()
    run.finish()
    path = saver.save(1, session.record(completed=True))
    assert path is not None
    return path


async def test_the_session_shows_the_plan_at_the_start_and_what_was_skipped_or_adapted(
    make: AppFactory, sessions: Path, clock: FakeClock
) -> None:
    path = skip_and_lengthen(sessions, clock, title="[bold]Clarifying[/bold] questions")
    app = make(Review(path.name))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        text = screen_text(app)
        assert "Plan\n1:07:00 at the start, 1:08:00 at the end" in text
        assert "Skipped\n2. Presentation (passed over)" in text
        assert (
            "Adapted\n3. [bold]Clarifying[/bold] questions "
            "(5:00 at the start, 6:00 at the end, made longer with +)"
        ) in text
        assert "2. Presentation" in text and "15:00 planned · skipped" in text
        assert "3. [bold]Clarifying[/bold] questions" in text  # a title is shown literally
        outcomes = [str(w.render()) for w in app.screen.query(".step-outcome")]
        assert outcomes == [
            "Skipped: passed over.",
            "Adapted: 5:00 at the start, 6:00 at the end, made longer with +.",
        ]
        assert "6:00 planned · 6:00 actual" in text


async def test_a_meeting_never_started_is_not_completed_in_the_list_the_session_or_the_stats(
    make: AppFactory, sessions: Path, clock: FakeClock
) -> None:
    record_session(sessions, clock, "consultancy", "Ran")
    protocol = find("consultancy", load_library()).protocol
    session = Session.new(protocol, Details(group="Idle"), clock)
    saver = begin(session, sessions)
    session.run.finish()  # opened and finished: the timer never ran
    idle = saver.save(1, session.record(completed=True))
    assert idle is not None
    app = make(Review())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        table = rows(app)
        assert [(row[2], row[-1]) for row in table] == [("Idle", "not started"), ("Ran", "completed")]
        await pilot.press("down", "t")
        await ready(app, pilot)
        assert isinstance(app.screen, StatsScreen)
        assert "Consultancy (consultancy) · 1 completed session, 1 not started" in screen_text(app)
        await pilot.press("escape")
        await pilot.press(*"idle", "enter")
        assert isinstance(app.screen, SessionScreen)
        text = screen_text(app)
        assert "Status\nnot started: finished before the timer ever ran" in text
        assert "Skipped\nevery step: the timer was never started" in text


async def test_g_shows_the_highlighted_session_s_group_over_time(make: AppFactory, saved) -> None:
    from facilitator.tui.screens.team import TeamScreen

    app = make(Review())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("down", "down", "down")  # into the list, to the newer Grade 5 meeting
        assert groups(app)[2] == "Grade 5 team"
        assert str(app.screen.query_one("#review-file", Static).render()) == saved["grade5-again"].name
        await pilot.press("g")
        await ready(app, pilot)
        assert isinstance(app.screen, TeamScreen)
        text = str(app.screen.query_one("#team-text", Static).render())
        assert text.startswith("Grade 5 team: 2 meetings")
        assert "Tuning Protocol" in text and "Commitments: 0 made" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("slash", *"zzz-nothing", "down")  # nothing highlighted: every group
        await pilot.press("escape")
        await ready(app, pilot)


async def test_the_team_view_without_a_group_lists_every_group(sessions: Path, saved) -> None:
    from facilitator.tui.screens.team import team_text

    text = team_text([sessions], "")
    assert text.startswith("Every group")
    assert "Grade 5 team" in text and "Art team" in text and "unreadable file(s) left out" in text
    assert team_text([sessions], "grade 5 TEAM").startswith("Grade 5 team: 2 meetings")
