"""The picker: every protocol found, filtered by typing; Enter sets one up, q quits."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable, Input

from facilitator.core.library import Found
from facilitator.tui.screens.picker import PickerScreen, shorten, skipped_files
from facilitator.tui.screens.setup import SetupScreen
from facilitator.tui.start import Outcome

from .conftest import AppFactory, screen_of

SIZE = (100, 30)
BUILT_IN = sorted(p.stem for p in (Path(__file__).parents[2] / "protocols").glob("*.toml"))


def ids(screen: PickerScreen) -> list[str]:
    """The ids of the protocols listed (these tests have no unfinished sessions to list)."""
    listed = []
    for item in screen.shown:
        assert isinstance(item, Found), item
        listed.append(item.protocol.id)
    return listed


async def test_every_built_in_protocol_is_listed(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PickerScreen)
        assert len(BUILT_IN) >= 10
        assert sorted(ids(screen)) == BUILT_IN
        table = screen.query_one(DataTable)
        assert table.row_count == len(BUILT_IN)
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert "Tuning Protocol" in names and "Peeling the Onion" in names
        assert names == sorted(names, key=str.casefold)
        assert isinstance(app.focused, Input)


async def test_typing_filters_the_list(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app, PickerScreen)
        await pilot.press(*"onion")
        assert ids(screen) == ["peeling-the-onion"]
        table = screen.query_one(DataTable)
        assert table.row_count == 1
        assert str(table.get_row_at(0)[0]) == "Peeling the Onion"

        await pilot.press(*"zzz")
        assert ids(screen) == []
        assert str(table.get_row_at(0)[0]) == "No protocol matches"
        await pilot.press("enter")  # nothing to choose
        assert app.screen is screen

        await pilot.press("escape")  # clears the search
        assert screen.query_one(Input).value == ""
        assert sorted(ids(screen)) == BUILT_IN


async def test_a_family_and_a_number_of_minutes_find_the_protocol_that_fits(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app, PickerScreen)
        await pilot.press(*"data")
        assert ids(screen) == ["atlas-looking-at-data", "data-driven-dialogue", "atlas"]  # names first
        await pilot.press(*" 30")  # what fits in 30 minutes (floors kept, a team of 4)
        assert ids(screen) == ["atlas-looking-at-data", "data-driven-dialogue"]
        await pilot.press("escape", *"20m")
        assert set(ids(screen)) == {
            "tuning-short",
            "consultancy-short",
            "listening-dyad",
            "charrette",
            "chalk-talk",
            "text-rendering",
            "microlabs",
        }
        await pilot.press("escape", *"tuning")  # the name first, then those tagged tuning
        assert ids(screen)[:2] == ["tuning", "tuning-short"] and "charrette" in ids(screen)


def test_search_words_take_a_number_as_minutes() -> None:
    from facilitator.tui.screens.picker import search_words

    assert search_words("Data 30") == (["data"], 30.0)
    assert search_words("45min text") == (["text"], 45.0)
    assert search_words("nan 0 -5 inf") == (["nan", "0", "-5", "inf"], None)


async def test_enter_opens_the_setup_of_the_chosen_protocol(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"tuning", "enter")
        assert isinstance(app.screen, SetupScreen)
        assert app.screen.found.protocol.id == "tuning"


async def test_arrows_move_and_enter_chooses(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        picker = screen_of(app, PickerScreen)
        await pilot.press("down", "down", "up", "down")
        third = picker.shown[2]
        assert isinstance(third, Found), third
        expected = third.protocol.id
        await pilot.press("enter")
        assert isinstance(app.screen, SetupScreen)
        assert app.screen.found.protocol.id == expected


async def test_q_with_an_empty_search_quits(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0
    outcome = app.return_value or Outcome()
    assert outcome.saved is None and outcome.unfinished is None  # nothing was saved


async def test_q_in_a_search_is_typed(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"conq")
        assert app.return_code is None
        assert app.screen.query_one(Input).value == "conq"
        await pilot.press("escape", "q")
        await pilot.pause()
        assert app.return_code == 0


async def test_a_broken_protocol_file_is_reported_and_hides_nothing(make: AppFactory, tmp_path: Path) -> None:
    folder = tmp_path / "protocols"
    folder.mkdir()
    (folder / "broken.toml").write_text('name = "Broken"\nsteps = 3\n')
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        note = app.screen.query_one("#picker-problems")
        assert note.display
        assert "1 protocol file skipped" in str(note.render())
        assert sorted(ids(screen_of(app, PickerScreen))) == BUILT_IN


async def test_the_count_of_skipped_files_counts_files_not_problems(make: AppFactory, tmp_path: Path) -> None:
    folder = tmp_path / "protocols"
    folder.mkdir()
    (folder / "two-problems.toml").write_text('name = " "\n[[steps]]\ntitle = "Talk"\nminutes = 0\n')
    (folder / "syntax.toml").write_text("name = = 1\n")
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = screen_of(app, PickerScreen)
        assert len(screen.library.problems) == 3
        text = str(screen.query_one("#picker-problems").render())
        assert "2 protocol files skipped: " in text
        assert "facilitator list shows every problem" in text
        assert sorted(ids(screen)) == BUILT_IN


@pytest.mark.parametrize(
    ("problems", "files"),
    [
        ([], 0),
        (["a.toml: name: must not be blank"], 1),
        (["a.toml: name: must not be blank", "a.toml: steps[1].minutes: must be greater than 0"], 1),
        (["dir/a.toml:3:7: `minutes` is given twice (lines 3 and 5)", "dir/b.toml: name: is required"], 2),
        (["Team: Grade 5/a.toml: name: is required", "Team: Grade 5/b.toml: name: is required"], 2),
        (["/x/folder: cannot be read (Permission denied)", "/x/a.toml:2: not UTF-8 text"], 2),
    ],
)
def test_skipped_files_counts_each_file_once(problems: list[str], files: int) -> None:
    assert skipped_files(problems) == files


@pytest.mark.parametrize(
    ("text", "width", "short"),
    [
        ("Warm and cool feedback", 40, "Warm and cool feedback"),
        ("Warm and cool feedback", 22, "Warm and cool feedback"),
        ("Warm and cool feedback", 21, "Warm and cool…"),
        ("Warm and cool feedback", 14, "Warm and cool…"),
        ("Warm and cool feedback", 13, "Warm and…"),
        ("Describe, interpret and act", 12, "Describe…"),  # no comma before the "…"
        ("Describe, interpret and act", 11, "Describe…"),
        ("Supercalifragilistic words", 8, "Superca…"),  # one word longer than the column
        ("Two\nlines  of   text", 40, "Two lines of text"),  # one line in the table
        ("日本語の 要約です", 7, "日本語…"),  # wide characters count two cells
        ("anything", 0, ""),
    ],
)
def test_shorten_cuts_at_a_word_boundary(text: str, width: int, short: str) -> None:
    assert shorten(text, width) == short
    assert cell_len(shorten(text, width)) <= max(width, 0)


def summaries(screen: PickerScreen) -> dict[str, str]:
    table = screen.query_one(DataTable)
    return {str(key.value): str(table.get_cell(key, "summary")) for key in table.rows}


def assert_cut_at_words(shown: str, full: str) -> None:
    if shown == full:
        return
    assert shown.endswith("…"), shown
    kept = shown.removesuffix("…")
    assert full.startswith(kept), (shown, full)
    assert full[len(kept)] in " ,;:-–—", f"cut mid-word: {shown!r} of {full!r}"


async def test_summaries_are_shortened_at_word_boundaries_to_fit(make: AppFactory, tmp_path: Path) -> None:
    folder = tmp_path / "protocols"
    folder.mkdir()
    long = "Warm and cool feedback on a piece of work, then the presenter reflects aloud with the group"
    text = f'name = "Long"\nsummary = "{long}"\n[[steps]]\ntitle = "T"\nminutes = 5\n'
    (folder / "long.toml").write_text(text)
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = screen_of(app, PickerScreen)
        table = screen.query_one(DataTable)
        assert screen.summary_width is not None and screen.summary_width >= 12
        fulls = {found.protocol.id: found.protocol.summary for found in screen.library.sorted()}
        shown = summaries(screen)
        assert shown["long"] == shorten(long, screen.summary_width)
        assert shown["long"].endswith("…")
        for key, text in shown.items():
            assert_cut_at_words(text, fulls[key])
        # the whole table fits: nothing hides past the right edge
        assert sum(c.get_render_width(table) for c in table.ordered_columns) <= table.size.width
        assert table.max_scroll_x == 0

        narrow = screen.summary_width
        await pilot.resize_terminal(140, 30)
        await pilot.pause()
        assert screen.summary_width is not None and screen.summary_width > narrow
        wider = summaries(screen)
        assert len(wider["long"]) > len(shown["long"])
        for key, text in wider.items():
            assert_cut_at_words(text, fulls[key])
        assert table.max_scroll_x == 0

        await pilot.press(*"reflects aloud")  # a search shows the summaries fitted too
        assert summaries(screen) == {"long": wider["long"]}


async def test_a_table_too_narrow_for_summaries_shows_them_whole(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = screen_of(app, PickerScreen)
        assert screen.summary_width is None  # the table scrolls sideways to the summaries
        fulls = {found.protocol.id: found.protocol.summary for found in screen.library.sorted()}
        assert summaries(screen) == fulls


async def test_a_narrow_screen_keeps_the_steps_and_time_in_view(make: AppFactory) -> None:
    from facilitator.tui.screens.picker import compact_time

    app = make()
    async with app.run_test(size=(60, 18)) as pilot:
        screen = screen_of(app, PickerScreen)
        await pilot.pause()
        await pilot.pause()
        table = screen.query_one(DataTable)
        row = [str(c) for c in table.get_row_at(ids(screen).index("ten-tenets"))]
        assert row[0].endswith("…") and row[0].startswith("Ten Tenets")  # the name gives way
        assert row[2] == "18 + 4/person"
        width = sum(c.get_render_width(table) for c in list(table.columns.values())[:3])
        assert width <= 60  # name, steps and time all on the screen
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        await pilot.pause()
        row = [str(c) for c in table.get_row_at(ids(screen).index("ten-tenets"))]
        assert row[0] == "Ten Tenets of Collaborative Professionalism"
        assert row[2] == "18 min + 4 min per person"
    assert compact_time("23 min + 1 min per person") == "23 + 1/person" and compact_time("48 min") == "48 min"
