"""The commitment form on the run screen: c opens it, Tab moves, Enter saves, Escape cancels."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from facilitator.core.session import Details
from facilitator.tui.screens.commitment import CommitmentScreen
from facilitator.tui.screens.run import RunScreen
from facilitator.tui.start import RunProtocol

from .conftest import AppFactory, run_screen, saved, spy_notify, text_of, wait_for

TEAM = RunProtocol("ten-tenets", Details(group="Grade 5", participants=["Ben", "Chi"]))


async def open_form(app, pilot) -> CommitmentScreen:  # noqa: ANN001
    await wait_for(pilot, "the footer", lambda: app.screen.query("FooterKey"))
    await pilot.press("c")
    await wait_for(pilot, "the form", lambda: isinstance(app.screen, CommitmentScreen))
    form = app.screen
    assert isinstance(form, CommitmentScreen)
    return form


async def test_c_tab_and_enter_keep_a_commitment_at_once(make: AppFactory) -> None:
    app = make(TEAM)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4")
        form = await open_form(app, pilot)
        assert form.focused is form.query_one("#commit-who", Input)
        await pilot.press(*"Ben", "tab", *"Try [b]exit[/b] tickets", "tab", *"next meeting", "enter")
        await wait_for(pilot, "the run screen", lambda: isinstance(app.screen, RunScreen))
        screen = run_screen(app)
        (made,) = screen.session.commitments
        assert (made.who, made.what, made.due, made.step) == (
            "Ben",
            "Try [b]exit[/b] tickets",
            "next meeting",
            4,
        )
        record = await saved(app, pilot)
        assert record.commitments == [made]
        assert text_of(app, "#commitments-count") == "Commitments: 1 (c adds one)"


async def test_escape_cancels_and_keeps_nothing(make: AppFactory) -> None:
    app = make(TEAM)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_form(app, pilot)
        await pilot.press(*"Ben", "tab", *"Something", "escape")
        await wait_for(pilot, "the run screen", lambda: isinstance(app.screen, RunScreen))
        assert run_screen(app).session.commitments == []
        assert not app.screen.query("#commitments-count")


async def test_enter_without_what_says_what_is_needed_and_keeps_what_was_typed(make: AppFactory) -> None:
    app = make(TEAM)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await open_form(app, pilot)
        await pilot.press(*"Ben", "enter")
        await pilot.pause()
        assert app.screen is form
        assert "the second field is needed" in str(form.query_one("#commit-problem").render())
        assert form.query_one("#commit-who", Input).value == "Ben"
        assert form.focused is form.query_one("#commit-what", Input)
        await pilot.press(*"Read the chapter", "enter")
        await wait_for(pilot, "the run screen", lambda: isinstance(app.screen, RunScreen))
        assert [c.what for c in run_screen(app).session.commitments] == ["Read the chapter"]


async def test_no_form_on_the_wall(make: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make(TEAM)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, "the footer", lambda: app.screen.query("FooterKey"))
        said = spy_notify(app, monkeypatch)
        await pilot.press("f", "c")
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        assert said and "press f to leave the projector view first" in said[-1]


# -- the check-in -------------------------------------------------------------------------------


async def test_check_in_marks_earlier_commitments_in_this_meeting_s_file_only(
    make: AppFactory,
    tmp_path,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    from facilitator.core.commitments import fold
    from facilitator.core.store.catalog import meetings as read_meetings
    from facilitator.core.store.record import load_record
    from facilitator.tui.screens.checkin import CheckInScreen

    first = make(TEAM)
    async with first.run_test(size=(100, 30)) as pilot:
        await open_form(first, pilot)
        await pilot.press(*"Ben", "tab", *"Try exit tickets", "enter")
        await wait_for(pilot, "the run screen", lambda: isinstance(first.screen, RunScreen))
        await open_form(first, pilot)
        await pilot.press(*"Chi", "tab", *"Share the rubric", "enter")
        await wait_for(pilot, "the run screen", lambda: isinstance(first.screen, RunScreen))
        earlier = await saved(first, pilot)
        earlier_path = run_screen(first).session.path
        await pilot.press("ctrl+q")
    assert earlier_path is not None
    before = earlier_path.read_bytes()

    second = make(TEAM)
    async with second.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, "the footer", lambda: second.screen.query("FooterKey"))
        await pilot.press("C")
        await wait_for(pilot, "the check-in", lambda: isinstance(second.screen, CheckInScreen))
        await pilot.press("n", *"half done", "enter", "c")  # Ben's: carried on, with a note
        await pilot.press("d")  # Chi's: done
        await pilot.press("escape")
        await wait_for(pilot, "the run screen", lambda: isinstance(second.screen, RunScreen))
        record = await saved(second, pilot)
        assert [(r.status, r.note) for r in record.commitment_reviews] == [
            ("carried", "half done"),
            ("done", ""),
        ]
        assert {r.id for r in record.commitment_reviews} == {c.id for c in earlier.commitments}
    assert earlier_path.read_bytes() == before  # the earlier file is never rewritten
    assert load_record(earlier_path).commitment_reviews == []
    states = fold(read_meetings([earlier_path.parent])[0])
    assert [(s.commitment.who, s.status, s.is_open) for s in states] == [
        ("Ben", "carried", True),
        ("Chi", "done", False),
    ]


async def test_check_in_with_nothing_open_says_so(make: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make(TEAM)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, "the footer", lambda: app.screen.query("FooterKey"))
        said = spy_notify(app, monkeypatch)
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        assert said == ["No open commitments from Grade 5's earlier meetings."]


# -- ratings ------------------------------------------------------------------------------------


async def test_v_takes_the_team_s_ratings_and_keeps_them_at_once(
    make: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from facilitator.tui.screens.rating import RatingScreen

    app = make(TEAM)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, "the footer", lambda: app.screen.query("FooterKey"))
        said = spy_notify(app, monkeypatch)
        await pilot.press("v")  # the opening rates nothing
        assert said[-1].startswith("This step has nothing to rate")
        await pilot.press("2", "v")
        await wait_for(pilot, "the ratings form", lambda: isinstance(app.screen, RatingScreen))
        await pilot.press(*"3", "tab", *"2,5", "tab", *"9")
        await pilot.press("ctrl+s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RatingScreen)  # 9 is outside 1 to 4: the form stays, and says so
        assert "Collaborative inquiry: 9 is outside 1 to 4" in str(form.query_one("#rate-problem").render())
        await pilot.press("backspace", "2")
        await pilot.press("ctrl+s")
        await wait_for(pilot, "the run screen", lambda: isinstance(app.screen, RunScreen))
        record = await saved(app, pilot)
        assert record.steps[1].ratings == {
            "Collective autonomy": 3.0,
            "Collective efficacy": 2.5,
            "Collaborative inquiry": 2.0,
        }
        await pilot.press("v")  # again: what was given is filled in
        await wait_for(pilot, "the ratings form", lambda: isinstance(app.screen, RatingScreen))
        assert app.screen.query_one("#rate-1", Input).value == "2.5"
        await pilot.press("escape")
        await wait_for(pilot, "the run screen", lambda: isinstance(app.screen, RunScreen))
        assert run_screen(app).session.ratings[1]["Collective efficacy"] == 2.5


# -- the commitments on the wall ----------------------------------------------------------------


async def test_s_shows_the_commitments_to_the_room_and_takes_them_away(
    make: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from facilitator.tui.widgets.meeting_view import MeetingView

    from .test_wall import shown

    app = make(TEAM)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4")
        await open_form(app, pilot)
        await pilot.press(*"Ben", "tab", *"Try [b]exit[/b] tickets", "tab", *"next meeting", "enter")
        await wait_for(pilot, "the run screen", lambda: isinstance(app.screen, RunScreen))
        view = app.screen.query_one(MeetingView)
        assert not view.has_class("-commitments") and not shown(app, "#commitments-room")
        await pilot.press("f")  # the wall: the commitments are not on it until shown
        await pilot.pause()
        assert not shown(app, "#commitments-room") and shown(app, "#clock")
        await pilot.press("s")
        await pilot.pause()
        assert view.has_class("-commitments")
        assert shown(app, "#commitments-room") and not shown(app, "#clock") and shown(app, "#status")
        assert text_of(app, "#commitments-room").splitlines() == [
            "Our commitments",
            "",
            "• Ben: Try [b]exit[/b] tickets (by next meeting)",  # literally, never markup
        ]
        record = await saved(app, pilot)
        assert record.events[-1].kind == "show" and record.events[-1].shown == "commitments"
        await pilot.press("s")
        await pilot.pause()
        assert not shown(app, "#commitments-room") and shown(app, "#clock")
        await pilot.press("s", "f")  # shown again, then the facilitator's own view: by the agenda
        await pilot.pause()
        assert shown(app, "#commitments-side") and shown(app, "#clock")
        await pilot.press("5")  # another step takes them away, like the norms
        await pilot.pause()
        assert not view.has_class("-commitments") and not shown(app, "#commitments-side")


async def test_the_follow_view_shows_the_commitments_only_while_they_are_shown(tmp_path) -> None:  # noqa: ANN001
    from pathlib import Path

    from facilitator.core.clock import FakeClock
    from facilitator.core.library import find, load_library
    from facilitator.core.run import COMMITMENTS
    from facilitator.core.session import Session, begin
    from facilitator.core.store.saver import Saver
    from facilitator.tui.follow import FollowApp, FollowScreen

    from .test_wall import shown

    clock = FakeClock()
    protocol = find("ten-tenets", load_library(cwd=Path("/nonexistent"), env={})).protocol
    live = Session.new(protocol, Details(group="Grade 5", participants=["Ben", "Chi"]), clock)
    begin(live, tmp_path / "s")
    assert live.path is not None

    def save() -> None:
        assert live.path is not None
        Saver(live.path.parent, live.path).save(len(live.run.events) + 1, live.record())

    live.run.toggle()
    live.run.goto(3)
    live.commit("Chi", "Share the rubric", "Friday")
    save()
    app = FollowApp(tmp_path / "s", live.path, clock=clock, theme="dark")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, FollowScreen)
        await pilot.pause()
        assert not shown(app, "#commitments-room") and shown(app, "#clock")
        live.run.show(COMMITMENTS)
        save()
        screen.poll()
        await pilot.pause()
        assert shown(app, "#commitments-room") and not shown(app, "#clock")
        assert "• Chi: Share the rubric (by Friday)" in text_of(app, "#commitments-room")
        live.run.show("")
        save()
        screen.poll()
        await pilot.pause()
        assert not shown(app, "#commitments-room") and shown(app, "#clock")
