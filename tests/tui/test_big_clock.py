"""BigClock: the block-digit renderer and the widget that shows it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.color import Color

from facilitator.tui.widgets.big_clock import BigClock, render_big, scale_for

ALPHABET = "0123456789:+- ."
DRAWABLE = set(ALPHABET) | set("▀▄█")


def lit_rows(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if line.strip()]


def lit_columns(lines: list[str]) -> list[int]:
    return [x for x in range(len(lines[0])) if any(line[x] != " " for line in lines)]


def assert_box(lines: list[str], width: int, height: int) -> None:
    assert len(lines) == height
    assert all(len(line) == width for line in lines), [len(line) for line in lines]


def test_glyphs_fill_a_quarter_of_a_wall_screen() -> None:
    lines = render_big("12:34", 160, 25)
    assert_box(lines, 160, 25)
    rows = lit_rows(lines)
    assert rows[-1] - rows[0] + 1 >= 12
    assert set("".join(lines)) <= {" ", "▀", "▄", "█"}


def test_the_largest_scale_that_fits_is_used() -> None:
    # "12:34" is 25 pixels wide (4 digits of 5, a colon of 1, 4 gaps) and 7 tall.
    assert scale_for("12:34", 160, 25) == 6  # 6 * 25 = 150 <= 160; 7 * 6 = 42 <= 50
    assert scale_for("12:34", 175, 25) == 7  # 7 * 25 = 175; 7 * 7 = 49 <= 50
    assert scale_for("12:34", 174, 25) == 6
    assert scale_for("12:34", 1000, 24) == 6  # 7 * 7 = 49 > 48 pixel rows
    # "0" has lit pixels in its first and last columns, so scale 7 touches both edges.
    columns = lit_columns(render_big("00:00", 175, 25))
    assert (columns[0], columns[-1]) == (0, 174)


def test_drawing_is_centred() -> None:
    # Scale 6: 150 x 42 pixels in 160 x 50, so 5 blank columns each side and
    # 4 blank pixel rows (2 terminal rows) above and below.
    lines = render_big("00:00", 160, 25)
    columns, rows = lit_columns(lines), lit_rows(lines)
    assert (columns[0], columns[-1]) == (5, 154)
    assert (rows[0], rows[-1]) == (2, 22)


def test_a_short_box_still_draws_block_digits() -> None:
    lines = render_big("12:34", 60, 6)
    assert_box(lines, 60, 6)
    assert scale_for("12:34", 60, 6) == 1
    assert any(ch in "▀▄█" for line in lines for ch in line)
    assert "1" not in "".join(lines)


def test_a_tiny_box_gets_the_plain_text() -> None:
    assert render_big("12:34", 10, 1) == ["  12:34   "]
    assert render_big("12:34", 9, 3) == [" " * 9, "  12:34  ", " " * 9]
    assert render_big("12:34", 3, 1) == ["12:"]


def test_unknown_characters_are_blank_digit_wide_cells() -> None:
    assert scale_for("1x2", 100, 20) == scale_for("102", 100, 20)
    assert all(not line.strip() for line in render_big("x", 20, 10))
    assert render_big("1\x1b2", 10, 1) == ["   1 2    "]
    assert render_big("\x1b[m\a", 5, 1) == ["     "]


def test_degenerate_boxes() -> None:
    assert render_big("12:34", 0, 3) == ["", "", ""]
    assert render_big("12:34", 5, 0) == []
    assert render_big("", 4, 2) == ["    ", "    "]


def test_callers_cannot_corrupt_the_cache() -> None:
    lines = render_big("05:00", 40, 10)
    lines[0] = "oops"
    assert render_big("05:00", 40, 10)[0] != "oops"


@given(
    text=st.text(alphabet=ALPHABET, max_size=8),
    width=st.integers(1, 200),
    height=st.integers(1, 60),
)
def test_output_is_always_exactly_the_box(text: str, width: int, height: int) -> None:
    lines = render_big(text, width, height)
    assert_box(lines, width, height)
    assert set("".join(lines)) <= DRAWABLE


@given(text=st.text(max_size=12), width=st.integers(1, 120), height=st.integers(1, 40))
def test_any_text_only_ever_draws_font_characters(text: str, width: int, height: int) -> None:
    lines = render_big(text, width, height)
    assert_box(lines, width, height)
    assert set("".join(lines)) <= DRAWABLE


class ClockApp(App[None]):
    CSS = "BigClock.-over { color: #ff0000; }"

    def compose(self) -> ComposeResult:
        yield BigClock("05:00")


def shown(clock: BigClock) -> list[str]:
    """The characters the widget actually paints, through Textual's render pipeline."""
    return [strip.text for strip in clock.render_lines(clock.size.region)]


async def test_widget_redraws_on_text_change_and_resize() -> None:
    app = ClockApp()
    async with app.run_test(size=(80, 24)) as pilot:
        clock = app.query_one(BigClock)
        assert clock.size == (80, 24)
        assert shown(clock) == render_big("05:00", 80, 24)

        clock.text = "+00:07"
        await pilot.pause()
        assert shown(clock) == render_big("+00:07", 80, 24)
        assert shown(clock) != render_big("05:00", 80, 24)

        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert clock.size == (120, 40)
        assert shown(clock) == render_big("+00:07", 120, 40)


async def test_colour_comes_from_css() -> None:
    app = ClockApp()
    async with app.run_test(size=(80, 24)) as pilot:
        clock = app.query_one(BigClock)
        clock.add_class("-over")
        await pilot.pause()
        styles = [
            segment.style
            for strip in clock.render_lines(clock.size.region)
            for segment in strip
            if segment.text.strip()
        ]
        assert styles
        red = Color(255, 0, 0).rich_color
        assert all(style is not None and style.color == red for style in styles)
