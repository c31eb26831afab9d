"""The wall: who presents, the question, the step's reminder, the speaker, the norms, the
warning, and readable digits, on the run screen, its projector view and the follow view."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widget import Widget
from textual.widgets._footer import FooterKey

from facilitator.core.clock import FakeClock
from facilitator.core.library import find, load_library
from facilitator.core.run import NORMS
from facilitator.core.session import Details, Session, begin
from facilitator.tui.app import FacilitatorApp
from facilitator.tui.follow import FollowApp, FollowScreen
from facilitator.tui.start import RunProtocol
from facilitator.tui.widgets.big_clock import BigClock, BigName
from facilitator.tui.widgets.meeting_view import MeetingView

from .conftest import AppFactory, run_screen, saved, screen_of, spy_notify, text_of, tick, wait_for

QUESTION = "How do we get [b]deeper[/b] revision in Year 8 essays?"
DETAILS = Details(presenter="Ana", focus_question=QUESTION, participants=["Ben", "Chi", "Dee"])


def shown(app: FacilitatorApp | FollowApp, selector: str) -> bool:
    """Whether a widget is on screen: made, displayed, inside displayed boxes, and given rows
    (the parts a meeting does not need are never made)."""
    found = app.screen.query(selector)
    if not found:
        return False
    widget = found.first(Widget)
    node: Widget | None = widget
    while isinstance(node, Widget):
        if not node.display:
            return False
        node = node.parent if isinstance(node.parent, Widget) else None
    return widget.region.height > 0 and widget.region.width > 0


def glyph_rows(clock: BigClock) -> int:
    """How many terminal rows the digits cover."""
    return sum(1 for line in clock.lines() if line.strip())


async def steady(app: FacilitatorApp, pilot) -> None:  # noqa: ANN001
    await wait_for(pilot, "the footer", lambda: app.screen.query(FooterKey))
    await pilot.pause()


# -- who and what question ------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_presenter_question_and_reminder_in_the_normal_and_projector_views(
    make: AppFactory, size: tuple[int, int]
) -> None:
    app = make(RunProtocol("tuning", DETAILS))
    async with app.run_test(size=size) as pilot:
        await steady(app, pilot)
        context = text_of(app, "#context")
        assert context == f"Presenter: Ana · Focusing question: {QUESTION}"  # literally, no markup
        assert shown(app, "#context")
        assert not shown(app, "#reminder")  # the introduction has no rule for the room
        await pilot.press("n")
        reminder = run_screen(app).session.protocol.steps[1].reminder
        assert reminder and text_of(app, "#reminder") == reminder
        assert shown(app, "#reminder") and shown(app, "#context")
        await pilot.press("f")
        await pilot.pause()
        assert shown(app, "#reminder") and shown(app, "#context") and shown(app, "#step-title")


async def test_no_presenter_no_line(make: AppFactory) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=(80, 24)) as pilot:
        await steady(app, pilot)
        assert not shown(app, "#context")


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_the_speaker_in_large_type_and_who_is_next(make: AppFactory, size: tuple[int, int]) -> None:
    app = make(RunProtocol("peeling-the-onion", DETAILS))
    async with app.run_test(size=size) as pilot:
        await steady(app, pilot)
        assert not shown(app, "#speaker-box")
        await pilot.press("3")
        await pilot.pause()
        name = app.screen.query_one("#speaker-name", BigName)
        assert name.text == "Ben" and not name.plain()  # in block letters
        assert glyph_rows(name) >= 4
        assert text_of(app, "#speaker-detail").startswith("turn 1 of 3 · next: Chi")
        await pilot.press("f")
        await pilot.pause()
        assert shown(app, "#speaker-name") and glyph_rows(name) >= 4
        await pilot.press("n", "n")
        assert name.text == "Dee" and "last turn" in text_of(app, "#speaker-detail")


# -- the norms ------------------------------------------------------------------------------


async def test_norms_show_in_the_first_step_and_the_key_hides_and_shows_them(make: AppFactory) -> None:
    app = make(RunProtocol("tuning", DETAILS))
    async with app.run_test(size=(100, 30)) as pilot:
        await steady(app, pilot)
        view = app.screen.query_one(MeetingView)
        norms = run_screen(app).session.protocol.norms
        assert view.has_class("-norms")
        # The facilitator's own view: beside the step, above the agenda; the clock stays.
        assert shown(app, "#norms-side") and shown(app, "#clock")
        assert norms[0] in text_of(app, "#norms-side")
        # The projector view: the norms fill the screen, the status line stays.
        await pilot.press("f")
        await pilot.pause()
        assert shown(app, "#norms-room") and not shown(app, "#clock") and shown(app, "#status")
        assert all(norm in text_of(app, "#norms-room") for norm in norms)
        await pilot.press("N")  # hide them
        await pilot.pause()
        assert not view.has_class("-norms") and shown(app, "#clock")
        await pilot.press("N")  # and show them again
        await pilot.pause()
        assert view.has_class("-norms")
        await pilot.press("space", "n")  # the next step: they give way to it
        await pilot.pause()
        assert not view.has_class("-norms") and shown(app, "#clock")
        await pilot.press("N")  # shown on purpose at any step, until pressed again
        assert view.has_class("-norms")
        record = await saved(app, pilot)
        assert [e.shown for e in record.events if e.kind == "show"] == ["", NORMS, NORMS]


async def test_a_protocol_without_norms_says_so(make: AppFactory, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    path = tmp_path / "bare.toml"
    path.write_text('name = "Bare"\n[[steps]]\ntitle = "Talk"\nminutes = 5\n', encoding="utf-8")
    app = make(RunProtocol(str(path)))
    async with app.run_test(size=(100, 30)) as pilot:
        await steady(app, pilot)
        said = spy_notify(app, monkeypatch)
        assert not app.screen.query_one(MeetingView).has_class("-norms")
        await pilot.press("N")
        assert said == ["This protocol has no norms to show."]


# -- the warning ----------------------------------------------------------------------------


async def test_the_warning_colours_and_says_it_once_and_not_before(
    make: AppFactory, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make(RunProtocol("tuning"), bell=True)
    rings: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: rings.append(1))
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.screen.query_one(MeetingView)
        await pilot.press("5")  # Pause to reflect: 2 minutes, warned at 1:00 left
        await pilot.press("space")
        await tick(app, pilot, clock, 59)
        assert not view.has_class("-warning") and rings == []
        await tick(app, pilot, clock, 2)
        assert view.has_class("-warning") and rings == [1]
        assert "1-minute warning" in text_of(app, "#status")
        await pilot.press("space")  # paused: the words stay, nothing rings again
        await tick(app, pilot, clock, 20)
        await pilot.press("space")
        await tick(app, pilot, clock, 20)
        assert rings == [1]


# -- the keys -------------------------------------------------------------------------------


async def test_keys_that_can_do_nothing_say_why(
    make: AppFactory, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=(100, 30)) as pilot:
        await steady(app, pilot)
        said = spy_notify(app, monkeypatch)
        await pilot.press("9")
        assert said[-1] == "There is no step 9: this protocol has 8 steps."
        await pilot.press("r")
        assert said[-1] == "Nothing to restart: no time has run on this step yet."
        await pilot.press("p")
        assert said[-1] == "This is the first step: there is none before it."
        await pilot.press("space", "8")
        await tick(app, pilot, clock, 5)
        await pilot.press("a")
        assert said[-1] == "This is the last step: there is nothing after it to adapt."
        await pilot.press("n")
        assert said[-1] == "This is the last step: press q to finish the meeting."
        assert run_screen(app).run.step == 7  # and nothing moved


async def test_typing_in_the_notes_box_is_never_refused(
    make: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=(100, 30)) as pilot:
        await steady(app, pilot)
        said = spy_notify(app, monkeypatch)
        await pilot.press("e", *"p9r")
        assert said == []
        assert run_screen(app).session.notes[0] == "p9r"


@pytest.mark.parametrize("size", [(80, 24), (60, 18)])
async def test_finish_and_help_are_always_in_the_footer(make: AppFactory, size: tuple[int, int]) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=size) as pilot:
        await steady(app, pilot)
        width = size[0]
        keys = {key.action: key for key in app.screen.query(FooterKey)}
        for action in ("finish", "help"):
            region = keys[action].region
            assert region.width > 0 and region.right <= width - 10, (action, region)  # before ^p palette
        assert keys["help"].key_display == "?"


# -- readable at 80x24 ------------------------------------------------------------------------


@pytest.mark.parametrize(("protocol", "step"), [("peeling-the-onion", "3"), ("final-word", "1")])
async def test_block_digits_are_at_least_five_rows_at_80x24(
    make: AppFactory, protocol: str, step: str
) -> None:
    names = Details(presenter="Ana", focus_question=QUESTION, participants=["Ben", "Chiamaka", "Dee"])
    app = make(RunProtocol(protocol, names))
    async with app.run_test(size=(80, 24)) as pilot:
        await steady(app, pilot)
        clock = app.screen.query_one("#clock", BigClock)
        await pilot.press("N")  # the norms aside: the step as the room sees it in later steps
        await pilot.pause()
        assert glyph_rows(clock) >= 5, clock.lines()
        await pilot.press(step, "n")  # a step taken in turns: the speaker's name above the clock
        await pilot.pause()
        assert app.screen.query_one("#speaker-name", BigName).text == "Chiamaka"
        assert glyph_rows(clock) >= 5, clock.lines()
        await pilot.press("f")
        await pilot.pause()
        assert glyph_rows(clock) >= 5, clock.lines()
        assert glyph_rows(app.screen.query_one("#speaker-name", BigName)) >= 4


async def test_at_160x50_the_spare_rows_go_to_the_name_and_the_notes(make: AppFactory) -> None:
    app = make(RunProtocol("peeling-the-onion", DETAILS))
    async with app.run_test(size=(160, 50)) as pilot:
        await steady(app, pilot)
        assert app.screen.has_class("-tall")
        await pilot.press("3")
        await pilot.pause()
        name = app.screen.query_one("#speaker-name", BigName)
        assert glyph_rows(name) >= 7  # scale 2, not 1
        assert app.screen.query_one("#notes-box").region.height == 12
        clock = app.screen.query_one("#clock", BigClock)
        assert glyph_rows(clock) >= 14


# -- the follow view ----------------------------------------------------------------------------


@pytest.fixture
def live(tmp_path: Path, clock: FakeClock) -> Session:
    protocol = find("tuning", load_library(cwd=Path("/nonexistent"), env={})).protocol
    session = Session.new(protocol, DETAILS, clock)
    begin(session, tmp_path / "s")
    return session


def save(session: Session) -> None:
    from facilitator.core.store.saver import Saver

    assert session.path is not None
    Saver(session.path.parent, session.path).save(len(session.run.events) + 1, session.record())


async def test_the_follow_view_shows_who_the_question_the_reminder_and_the_norms(
    live: Session, clock: FakeClock, tmp_path: Path
) -> None:
    app = FollowApp(tmp_path / "s", live.path, clock=clock, theme="dark")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = screen_of(app, FollowScreen)
        await pilot.pause()
        assert text_of(app, "#context") == f"Presenter: Ana · Focusing question: {QUESTION}"
        assert "not started yet" in text_of(app, "#status")  # nobody in the room presses space
        # The first step: the norms fill the room's screen by themselves.
        assert shown(app, "#norms-room") and not shown(app, "#clock")
        live.run.toggle()
        live.run.show("")  # the facilitator takes them away
        save(live)
        screen.poll()
        await pilot.pause()
        clock_widget = app.screen.query_one("#clock", BigClock)
        assert not shown(app, "#norms-room") and shown(app, "#clock")
        assert glyph_rows(clock_widget) >= 5
        live.run.next()
        save(live)
        screen.poll()
        await pilot.pause()
        assert text_of(app, "#reminder") == live.protocol.steps[1].reminder
        assert shown(app, "#context") and shown(app, "#reminder")
        live.run.show(NORMS)  # shown on purpose
        save(live)
        screen.poll()
        await pilot.pause()
        assert shown(app, "#norms-room")


async def test_the_follow_view_has_the_projector_toggle(
    live: Session, clock: FakeClock, tmp_path: Path
) -> None:
    app = FollowApp(tmp_path / "s", live.path, clock=clock, theme="dark")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        live.run.show("")
        save(live)
        screen_of(app, FollowScreen).poll()
        await pilot.pause()
        assert shown(app, "#agenda")
        await pilot.press("f")
        await pilot.pause()
        assert not shown(app, "#agenda") and shown(app, "#clock")
        await pilot.press("f")
        await pilot.pause()
        assert shown(app, "#agenda")


async def test_the_help_lists_every_key_within_an_80x24_screen(make: AppFactory) -> None:
    from facilitator.tui.screens.dialogs import HelpScreen

    app = make(RunProtocol("tuning"))
    async with app.run_test(size=(80, 24)) as pilot:
        await steady(app, pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, "the help", lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        dialog = app.screen.query_one("#dialog", Widget)
        assert dialog.region.x >= 0 and dialog.region.right <= 80 and dialog.region.bottom <= 24
        assert dialog.max_scroll_y == 0  # nothing hidden below
        text = str(app.screen.query_one("#help-text").render())
        for key in ("N ", "c ", "C ", "v ", "q "):
            assert f"\n{key}" in text
