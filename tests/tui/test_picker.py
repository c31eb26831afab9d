"""The picker: every protocol found, filtered by typing; Enter sets one up, q quits."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input

from facilitator.core.library import Found
from facilitator.tui.screens.picker import PickerScreen
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
        assert "1 protocol file(s) skipped" in str(note.render())
        assert sorted(ids(screen_of(app, PickerScreen))) == BUILT_IN
