"""BigClock and BigName: the block-character renderers and the widgets that show them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.color import Color
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from facilitator.tui.widgets.big_clock import (
    FONT_CHARS,
    BigClock,
    BigName,
    changed_columns,
    fit_for,
    glyph_rows,
    in_letters,
    render_big,
    render_name,
    scale_for,
)

ALPHABET = "0123456789:+- ."
DRAWABLE = FONT_CHARS | set("▀▄█")


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
    lines = render_big("12:34", 60, 4)
    assert_box(lines, 60, 4)
    assert scale_for("12:34", 60, 4) == 1
    assert fit_for("12:34", 60, 4) == (1, 7)  # 4 rows: square scale 1, not tall mode
    assert lit_rows(lines) == [0, 1, 2, 3]
    assert "1" not in "".join(lines)


# "05:00" at 48 x 7 (the run screen at 80 x 24): tall mode, one font row per terminal row.
TALL_05_00 = [
    "            ███  █████    ███   ███             ",
    "           █   █ █       █   █ █   █            ",
    "           █   █ ████  █ █   █ █   █            ",
    "           █   █     █   █   █ █   █            ",
    "           █   █     █ █ █   █ █   █            ",
    "           █   █ █   █   █   █ █   █            ",
    "            ███   ███     ███   ███             ",
]


def test_tall_mode_when_square_scale_1_would_be_only_4_rows() -> None:
    # "05:00" is 25 pixels wide: 48 columns is under scale 2's 50.
    assert scale_for("05:00", 48, 7) == 1
    assert fit_for("05:00", 48, 7) == (1, 14)
    assert render_big("05:00", 48, 7) == TALL_05_00
    # more rows than 7: the same 7 rows of full blocks, centred on whole rows
    lines = render_big("05:00", 48, 16)
    assert_box(lines, 48, 16)
    assert lines[4:11] == TALL_05_00 and lit_rows(lines) == list(range(4, 11))
    assert glyph_rows("05:00", 48, 16) == (4, 10)


@pytest.mark.parametrize(("height", "span"), [(5, 10), (6, 12), (7, 14), (9, 14)])
def test_tall_mode_stretches_the_font_over_5_to_7_rows(height: int, span: int) -> None:
    assert fit_for("05:00", 48, height) == (1, span)
    lines = render_big("05:00", 48, height)
    assert_box(lines, 48, height)
    rows = lit_rows(lines)
    assert len(rows) == span // 2 and rows == list(range(rows[0], rows[0] + span // 2))
    assert glyph_rows("05:00", 48, height) == (rows[0], rows[-1])
    # one column per pixel, as at scale 1: 25 columns from the first lit to the last
    columns = lit_columns(lines)
    assert columns[-1] - columns[0] + 1 == 25
    # nearest neighbour keeps the first and last font rows: the "0" is round at both ends
    assert lines[rows[0]][11:16] == " ███ "
    assert lines[rows[-1]][11:16] == (" ███ " if span == 14 else "▀▄▄▄▀")


def test_tall_mode_at_5_rows_touches_all_5() -> None:
    lines = render_big("05:00", 48, 5)
    assert_box(lines, 48, 5)
    assert lit_rows(lines) == [0, 1, 2, 3, 4]
    assert glyph_rows("05:00", 48, 5) == (0, 4)
    assert lines[0] == TALL_05_00[0]  # font row 0 fills the first row's both halves
    assert lines[4] == "           ▀▄▄▄▀ ▀▄▄▄▀   ▀▄▄▄▀ ▀▄▄▄▀            "


def test_square_scales_are_unchanged_in_a_large_box() -> None:
    # scale 4: 100 x 28 pixels in 120 x 40, centred: 10 columns, 6 half-rows (3 rows) margin.
    assert scale_for("05:00", 120, 20) == 4
    assert fit_for("05:00", 120, 20) == (4, 28)
    lines = render_big("05:00", 120, 20)
    assert_box(lines, 120, 20)
    assert lit_rows(lines) == list(range(3, 17))
    columns = lit_columns(lines)
    assert (columns[0], columns[-1]) == (10, 109)
    assert glyph_rows("05:00", 120, 20) == (3, 16)
    # square pixels: each font row is 2 identical rows of full blocks, each pixel 4 columns
    assert all(lines[y] == lines[y + 1] for y in range(3, 17, 2))
    assert set("".join(lines)) == {" ", "█"}
    assert lines[3][10:30] == "    ████████████    "  # the top of the "0"


def apply_repaint(
    before: list[str], after: list[str], old: str, new: str, width: int, height: int
) -> list[str]:
    """`before` with only the region a BigClock repaints, for `old` becoming `new`, redrawn."""
    columns = changed_columns(old, new, width, height)
    if columns is None:
        return after  # the whole widget is repainted
    first, last = glyph_rows(new, width, height)
    return [
        a[: columns[0]] + b[columns[0] : columns[1] + 1] + a[columns[1] + 1 :] if first <= y <= last else a
        for y, (a, b) in enumerate(zip(before, after, strict=True))
    ]


@pytest.mark.parametrize(
    ("width", "height"), [(48, 5), (48, 6), (48, 7), (48, 16), (32, 9), (120, 20), (60, 4), (100, 12)]
)
def test_a_partial_repaint_equals_a_full_one_in_every_mode(width: int, height: int) -> None:
    pairs = [
        ("04:59", "04:58"),
        ("05:00", "04:59"),
        ("10:00", "09:59"),
        ("+00:09", "+00:10"),
        ("88:88", "11:11"),
    ]
    for old, new in pairs:
        before, after = render_big(old, width, height), render_big(new, width, height)
        assert before != after
        assert apply_repaint(before, after, old, new, width, height) == after, (old, new)
        columns = changed_columns(old, new, width, height)
        assert columns is not None and columns[1] - columns[0] < width - 1  # only part of it


@given(
    old=st.text(alphabet="0123456789", min_size=4, max_size=4),
    new=st.text(alphabet="0123456789", min_size=4, max_size=4),
    width=st.integers(1, 130),
    height=st.integers(1, 30),
)
def test_a_partial_repaint_always_equals_a_full_one(old: str, new: str, width: int, height: int) -> None:
    old, new = f"{old[:2]}:{old[2:]}", f"{new[:2]}:{new[2:]}"
    before, after = render_big(old, width, height), render_big(new, width, height)
    assert apply_repaint(before, after, old, new, width, height) == after


def test_a_tiny_box_gets_the_plain_text() -> None:
    assert render_big("12:34", 10, 1) == ["  12:34   "]
    assert render_big("12:34", 9, 3) == [" " * 9, "  12:34  ", " " * 9]
    assert render_big("12:34", 3, 1) == ["12:"]


def test_unknown_characters_are_blank_digit_wide_cells() -> None:
    assert scale_for("1?2", 100, 20) == scale_for("102", 100, 20)
    assert all(not line.strip() for line in render_big("?", 20, 10))
    assert all(not line.strip() for line in render_big("é", 20, 10))
    assert render_big("1\x1b2", 10, 1) == ["   1 2    "]
    assert render_big("\x1b[m\a", 5, 1) == ["   m "]  # the escape and the bell: blanks
    assert render_big("\x1b[\a", 5, 1) == ["     "]


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


@pytest.mark.parametrize("char", sorted(FONT_CHARS - {" "}))
def test_every_font_character_renders(char: str) -> None:
    lines = render_big(char, 30, 10)
    assert_box(lines, 30, 10)
    assert set("".join(lines)) <= {" ", "▀", "▄", "█"}
    scale = scale_for(char, 30, 10)
    assert scale == 2  # 7 * 2 <= 20 half-rows
    columns = lit_columns(lines)
    assert columns, char
    expected = 1 if char in ":.'" else 5
    assert columns[-1] - columns[0] + 1 <= expected * scale
    if char.isalpha():
        # a letter has lit pixels at its left and right edges (I and J centred within 5)
        assert columns[-1] - columns[0] + 1 >= 3 * scale
        assert render_big(char.lower(), 30, 10) == render_big(char.upper(), 30, 10)


def test_letters_are_distinct_from_each_other() -> None:
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    drawings = {tuple(render_big(letter, 10, 4)) for letter in letters}
    assert len(drawings) == 26
    assert set("abcdefghijklmnopqrstuvwxyz'") <= FONT_CHARS


BEN_40X4 = [
    "           █▀▀▀▄ █▀▀▀▀ █   █            ",
    "           █▄▄▄▀ █▄▄▄  █▀▄ █            ",
    "           █   █ █     █  ▀█            ",
    "           ▀▀▀▀  ▀▀▀▀▀ ▀   ▀            ",
]


def test_a_name_in_block_letters() -> None:
    assert in_letters("Ben", 40, 4)
    assert render_name("Ben", 40, 4) == BEN_40X4
    assert render_name("BEN", 40, 4) == render_name("ben", 40, 4) == BEN_40X4
    # the apostrophe is one pixel wide, one pixel apart from its neighbours
    lines = render_name("O'Brien", 40, 4)
    assert in_letters("O'Brien", 40, 4)
    assert_box(lines, 40, 4)
    assert lines == render_big("O'BRIEN", 40, 4)
    assert lines[0][1:10] == "▄▀▀▀▄ █ █"
    assert all(line[7] == " " for line in lines[1:])  # the apostrophe is at the top only
    # a taller box: larger letters
    assert fit_for("Ben", 40, 8) == (2, 14)
    assert lit_rows(render_name("Ben", 40, 8)) == list(range(8))  # 14 of 16 half-rows


def test_a_name_outside_the_font_is_plain_text_with_every_letter() -> None:
    assert not in_letters("José", 40, 4)
    assert render_name("José", 40, 4) == [" " * 40, " " * 18 + "José" + " " * 18, " " * 40, " " * 40]
    decomposed = "Jose\u0301"  # e and a combining accent: still every character
    assert any(decomposed in line for line in render_name(decomposed, 40, 4))
    lines = render_name("李小龍", 20, 3)
    assert lines[1] == " " * 7 + "李小龍" + " " * 7
    assert [cell_len(line) for line in lines] == [20, 20, 20]
    # the clock's renderer still blanks what it cannot draw
    assert "é" not in "".join(render_big("José", 40, 1))


def test_a_name_too_long_for_the_font_is_plain_text_wrapped_if_need_be() -> None:
    assert in_letters("Alexandra", 80, 8)  # 53 pixels: tall mode in 80 columns
    assert fit_for("Alexandra", 80, 8) == (1, 14)
    assert not in_letters("Alexandra", 48, 8)
    lines = render_name("Alexandra", 48, 8)
    assert_box(lines, 48, 8)
    assert lines[3].strip() == "Alexandra" and lit_rows(lines) == [3]
    lines = render_name("Maria Fernanda Gonzalez", 20, 3)
    assert [line.strip() for line in lines] == ["Maria Fernanda", "Gonzalez", ""]
    assert render_name("Bartholomew", 5, 1) == ["Bart…"]  # only when the box cannot hold it


def test_a_name_is_shown_literally_and_safely() -> None:
    assert "[bold]Ann[/]" in render_name("[bold]Ann[/]", 30, 3)[1]  # no markup: as typed
    line = render_name("Ann\x1b[31m\nBo", 30, 1)[0]
    assert "\x1b" not in line and "\n" not in line
    assert line.strip() == "Ann\ufffd[31m\ufffdBo"  # shown, not dropped


@given(text=st.text(max_size=30), width=st.integers(1, 80), height=st.integers(1, 12))
def test_a_name_is_always_exactly_the_box(text: str, width: int, height: int) -> None:
    lines = render_name(text, width, height)
    assert len(lines) == height
    assert all(cell_len(line) == width for line in lines)
    if not in_letters(text, width, height) and cell_len(text) <= width and text.isprintable():
        assert text in lines[(height - 1) // 2]  # one line: the name on the middle line, whole


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


class NameApp(App[None]):
    CSS = "BigName { height: 4; width: 40; }"

    def compose(self) -> ComposeResult:
        yield BigName("Ben")


def bold(widget: Widget, crop: Region) -> set[bool]:
    return {
        bool(segment.style and segment.style.bold)
        for strip in widget.render_lines(crop)
        for segment in strip
        if segment.text.strip()
    }


def bold_cells(strips: list[Strip]) -> list[list[tuple[str, bool]]]:
    """Each character drawn, with whether it is bold (spaces: only the character)."""
    return [
        [
            (char, bool(segment.style and segment.style.bold) and char != " ")
            for segment in strip
            for char in segment.text
        ]
        for strip in strips
    ]


async def test_big_name_widget_draws_letters_or_bold_plain_text() -> None:
    app = NameApp()
    async with app.run_test(size=(60, 10)) as pilot:
        name = app.query_one(BigName)
        assert name.size == (40, 4)
        region = name.size.region
        assert shown(name) == BEN_40X4
        assert not name.plain() and bold(name, region) == {False}

        for text in ("José", "李小龍", "[b]x[/b]"):
            name.text = text
            await pilot.pause()
            assert name.plain()
            assert text in shown(name)[1]
            assert bold(name, region) == {True}
            # its own strips are what Textual would draw from `render`
            # its own strips are what Textual would draw from `render`, letter by letter, bold
            own = bold_cells(name.render_lines(region))
            assert own == bold_cells(Widget.render_lines(name, region))
            assert sum(len(row) for row in own) == 40 * 4 - cell_len(text) + len(text)

        name.text = "O'Brien"
        await pilot.pause()
        assert not name.plain() and shown(name) == render_name("O'Brien", 40, 4)
        name.text = ""
        await pilot.pause()
        assert shown(name) == [" " * 40] * 4
