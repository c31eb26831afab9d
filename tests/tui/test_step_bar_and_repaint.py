"""The step bar's text, the big clock repainting only the columns that changed, and text
slots laying out again only when a text may change shape (the 1 Hz repaint)."""

from __future__ import annotations

import pytest
from rich.style import Style
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from facilitator.tui.widgets.big_clock import BigClock, changed_columns, glyph_rows, render_big
from facilitator.tui.widgets.plain_line import PlainLine
from facilitator.tui.widgets.step_bar import StepBar, bar_cells, percent_text
from facilitator.tui.widgets.text_slots import TextSlots


def bar_text(used: float, width: int) -> str:
    """The run screen's bar as text: the plan fills the width, less the percentage's 5 cells."""
    within, unused, over = bar_cells(60, 60 * used, 60, max(0, width - 5))
    return "█" * within + "░" * unused + "█" * over + percent_text(60, 60 * used)


def test_bar_text_fills_the_share_used_and_says_the_percentage() -> None:
    assert bar_text(0.0, 25) == "░" * 20 + "   0%"
    assert bar_text(0.5, 25) == "█" * 10 + "░" * 10 + "  50%"
    assert bar_text(1.7, 25) == "█" * 20 + " 100%"  # over time: full, never more
    assert bar_text(-1, 25) == "░" * 20 + "   0%"
    assert len(bar_text(0.33, 80)) == 80
    assert bar_text(0.5, 3) == "  50%"[-5:]  # too narrow for a bar: just the number


def test_bars_of_several_steps_share_one_scale() -> None:
    # a saved session: every step on the scale of the longest
    assert bar_cells(300, 300, 600, 60) == (30, 0, 0)
    assert bar_cells(300, 150, 600, 60) == (15, 15, 0)
    assert bar_cells(300, 430, 600, 60) == (30, 0, 13)  # over in the error colour
    assert bar_cells(300, 331, 6000, 60) == (3, 0, 1)  # 31 s over shows, however small
    assert bar_cells(300, 329, 6000, 60) == (3, 0, 0)  # under 30 s over is keeping time
    assert bar_cells(600, 900, 600, 60) == (60, 0, 0)  # no room left past the plan
    assert bar_cells(300, 0, 0, 60) == bar_cells(300, 0, 600, 0) == (0, 0, 0)


def test_changed_columns_cover_exactly_the_changed_digits() -> None:
    width, height = 120, 20
    columns = changed_columns("04:59", "04:58", width, height)
    assert columns is not None
    first, last = columns
    before, after = render_big("04:59", width, height), render_big("04:58", width, height)
    differing = {
        x
        for a, b in zip(before, after, strict=True)
        for x, (p, q) in enumerate(zip(a, b, strict=True))
        if p != q
    }
    assert differing and min(differing) >= first and max(differing) <= last
    # only the last digit: the change starts right of the colon
    assert first > width // 2
    wider = changed_columns("04:59", "05:00", width, height)
    assert wider is not None and wider[0] < first


@pytest.mark.parametrize(("width", "height"), [(120, 20), (48, 16), (78, 13), (30, 5), (200, 50)])
def test_glyph_rows_cover_every_line_a_change_can_touch(width: int, height: int) -> None:
    first, last = glyph_rows("00:00", width, height)
    assert 0 <= first <= last < height
    for old, new in [("04:59", "04:58"), ("00:00", "88:88"), ("+01:00", "+00:59"), ("10:00", "09:59")]:
        before, after = render_big(old, width, height), render_big(new, width, height)
        changed = [y for y, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
        assert changed and first <= min(changed) and max(changed) <= last, (old, new)
        assert glyph_rows(new, width, height) == glyph_rows(old, width, height) or len(old) != len(new)
    lit = [y for y, line in enumerate(render_big("88:88", width, height)) if line.strip()]
    assert (min(lit), max(lit)) == (first, last)  # no more than the lines the digits use
    assert glyph_rows("04:59", 10, 1) == (0, 0)  # plain text fallback: the whole box


def test_changed_columns_asks_for_everything_when_the_layout_moves() -> None:
    assert changed_columns("04:59", "+00:01", 120, 20) is None  # another length
    assert changed_columns("", "05:00", 120, 20) is None
    assert changed_columns("04:59", "04:58", 10, 1) is None  # plain text fallback
    assert changed_columns("04:59", "04:59", 120, 20) == (0, -1)  # nothing to repaint


class ClockApp(App[None]):
    def compose(self) -> ComposeResult:
        yield BigClock("04:59")
        yield StepBar()


async def test_one_digit_change_is_on_screen_and_the_rest_is_unchanged() -> None:
    app = ClockApp()
    async with app.run_test(size=(100, 20)) as pilot:
        clock = app.query_one(BigClock)
        bar = app.query_one(StepBar)
        await pilot.pause()
        clock.text = "04:58"
        bar.show(60, 15)
        await pilot.pause()
        width, height = clock.size.width, clock.size.height
        drawn = [
            "".join(seg.text for seg in strip) for strip in clock.render_lines(clock.region.reset_offset)
        ]
        assert drawn == render_big("04:58", width, height)
        assert "".join(seg.text for seg in bar.render_lines(bar.region.reset_offset)[0]).startswith("█")


class SlotsApp(App[None]):
    CSS = """
    #fixed { width: 30; }
    #auto { width: auto; max-width: 100%; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="fixed")
        yield Static(id="auto")


async def test_text_slots_lay_out_again_only_when_the_shape_may_change(monkeypatch) -> None:  # noqa: ANN001
    app = SlotsApp()
    async with app.run_test(size=(60, 10)) as pilot:
        slots = TextSlots(app.screen)
        layouts: list[tuple[str, bool]] = []
        real_update = Static.update

        def update(widget: Static, content: object = "", *, layout: bool = True) -> None:
            layouts.append((widget.id or "", layout))
            real_update(widget, content, layout=layout)  # type: ignore[arg-type]

        monkeypatch.setattr(Static, "update", update)

        def said(selector: str, text: str) -> bool | None:
            layouts.clear()
            slots.set(selector, text)
            return layouts[0][1] if layouts else None

        async def show(selector: str, text: str) -> bool | None:
            layout = said(selector, text)
            await pilot.pause()
            return layout

        assert await show("#auto", "04:59 left · on plan") is True  # first time: a layout
        assert await show("#auto", "04:58 left · on plan") is False  # same width: repaint only
        assert await show("#auto", "04:58 left · on plan") is None  # same text: nothing
        assert await show("#auto", "04:57 left · 1 min behind plan") is True  # wider
        assert app.screen.query_one("#auto").size.width == len("04:57 left · 1 min behind plan")
        assert await show("#auto", "04:56 left") is True  # narrower: the band shrinks too
        assert app.screen.query_one("#auto").size.width == len("04:56 left")
        # as many characters, but wide ones take two cells each
        assert len("漢字漢字 left!") == len("04:56 left")
        assert await show("#auto", "漢字漢字 left!") is True

        assert await show("#fixed", "short") is True
        assert await show("#fixed", "shorter still") is False  # fits the fixed width: no layout
        assert await show("#fixed", "x" * 40) is True  # will wrap: a new number of lines
        assert await show("#fixed", "short again") is True  # back to one line
        assert await show("#fixed", "") is True  # hidden


def cells(strips: list[Strip]) -> list[list[tuple[str, Style | None]]]:
    """What a terminal would show: each cell's character and style, however it is split
    (without the mouse-offset metadata Textual adds to the text it draws itself)."""
    return [
        [
            (char, segment.style.clear_meta_and_links() if segment.style else None)
            for segment in strip
            for char in segment.text
        ]
        for strip in strips
    ]


class LineApp(App[None]):
    CSS = """
    #row { height: auto; background: $boost; }
    #line { width: auto; max-width: 100%; padding: 0 1; text-style: bold; }
    #line.-over { color: $error; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(id="row"):
            yield PlainLine(id="line")


@pytest.mark.parametrize("no_color", [False, True])
async def test_plain_line_draws_what_static_draws(no_color: bool, monkeypatch) -> None:  # noqa: ANN001
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = LineApp()
    async with app.run_test(size=(40, 6)) as pilot:
        line = app.query_one(PlainLine)
        fast_paths = 0
        texts = [
            ("04:59 left · on plan", False),
            ("+01:05 over · ends 15:09", True),
            ("漢字 left", False),
            ("a status line much longer than the screen is wide", False),
        ]
        for text, over in texts:
            line.update(Content(text))
            line.set_class(over, "-over")
            await pilot.pause()
            crop = Region(0, 0, line.outer_size.width, line.outer_size.height)
            drawn = line.render_lines(crop)
            assert cells(drawn) == cells(Static.render_lines(line, crop)), text
            fast_paths += line.outer_size.height == 1
            assert text.split()[0] in "".join(c for c, _ in cells(drawn)[0])
        assert fast_paths == 3  # the long line wraps, through Static's own rendering


@pytest.mark.parametrize("no_color", [False, True])
async def test_big_clock_draws_what_textual_would_draw(no_color: bool, monkeypatch) -> None:  # noqa: ANN001
    # Its own strips, for speed, still pass through the app's filters (NO_COLOR: monochrome).
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")

    class ClockApp(App[None]):
        CSS = "BigClock { color: red; background: blue; }"

        def compose(self) -> ComposeResult:
            yield BigClock("12:34")

    app = ClockApp()
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        clock = app.query_one(BigClock)
        crop = Region(0, 0, clock.size.width, clock.size.height)
        drawn = clock.render_lines(crop)
        assert cells(drawn) == cells(Widget.render_lines(clock, crop))
        colours = {style.color for row in cells(drawn) for _, style in row if style}
        assert any(
            c is not None
            and c.triplet is not None
            and (c.triplet.red == c.triplet.green == c.triplet.blue) == no_color
            for c in colours
        )


async def test_step_bar_draws_the_share_used_in_its_colour_and_the_rest_muted() -> None:
    class BarApp(App[None]):
        CSS = "StepBar { color: $primary; background: $boost; }"

        def compose(self) -> ComposeResult:
            yield StepBar(percent=True)

    app = BarApp()
    async with app.run_test(size=(40, 4)) as pilot:
        bar = app.query_one(StepBar)
        for used in (0.0, 0.37, 1.5):
            bar.show(60, 60 * used)
            await pilot.pause()
            crop = Region(0, 0, bar.outer_size.width, 1)
            drawn = cells(bar.render_lines(crop))[0]
            assert "".join(c for c, _ in drawn) == bar_text(used, 40)
            filled = {style.color if style else None for c, style in drawn if c == "█"}
            empty = {style.color if style else None for c, style in drawn if c == "░"}
            assert len(filled) <= 1 and len(empty) <= 1
            assert not (filled and empty) or filled != empty
            assert cells(bar.render_lines(crop)) == cells(
                Widget.render_lines(bar, crop)
            )  # as Textual draws it
        part = Region(3, 0, 10, 1)  # a partial repaint asks for some columns only
        assert cells(bar.render_lines(part)) == cells(Widget.render_lines(bar, part))


@pytest.mark.parametrize("no_color", [False, True])
async def test_step_bar_draws_what_textual_would_draw_over_time(no_color: bool, monkeypatch) -> None:  # noqa: ANN001
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")

    class BarApp(App[None]):
        CSS = "StepBar { color: $primary; background: $boost; }"

        def compose(self) -> ComposeResult:
            yield StepBar(300, 430, 600)

    app = BarApp()
    async with app.run_test(size=(40, 4)) as pilot:
        bar = app.query_one(StepBar)
        await pilot.pause()
        crop = Region(0, 0, bar.outer_size.width, 1)
        drawn = cells(bar.render_lines(crop))
        assert drawn == cells(Widget.render_lines(bar, crop))
        assert "".join(c for c, _ in drawn[0]).rstrip() == "█" * 20 + "█" * 9  # over, in the error colour
