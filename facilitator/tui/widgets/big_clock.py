"""A time display in large block digits that grows with its box, readable from the back of a room,
and a speaker's name in large block capitals.

`render_big` and `render_name` are pure (no Textual): they draw text in a 5x7 bitmap font
(digits, ``: . + - '``, space and the letters A-Z, lowercase drawn as uppercase) with
half-block characters, two pixel rows ("half-rows") per terminal row. `BigClock` and
`BigName` are the widgets that show them.

Scale rule: at square scale ``s`` one font pixel is ``s`` columns wide and ``s`` half-rows
(``s / 2`` terminal rows) tall. A terminal cell is about twice as tall as it is wide, so
these pixels look square at every scale. ``s`` is the largest integer with
``s * text_pixel_width <= width`` and ``s * 7 <= 2 * height``.

Tall mode: when ``s`` is 1 and the box has at least 5 rows, square pixels would leave the
text only 4 rows tall. Instead each pixel is one column wide and the 7 font rows are
stretched over ``v = min(2 * height, 14)`` half-rows (5 to 7 terminal rows), half-row ``r``
showing font row ``r * 7 // v`` (nearest neighbour). Square scale ``s`` is the same rule
with ``v = 7 * s``, so every mode is "``x`` columns per pixel, ``v`` half-rows", centred.

When ``s`` would be 0 (the box is narrower than the text's pixels, or under 4 rows) the
text is shown as plain characters on the middle line.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from rich.cells import cell_len, chop_cells, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from .plain_line import filtered

GLYPH_HEIGHT = 7
"""Font height in pixels."""

TALL_MIN_ROWS = 5
"""The fewest rows at which tall mode replaces square scale 1 (which is 4 rows tall)."""

_DIGIT_WIDTH = 5

# Each glyph is GLYPH_HEIGHT rows of equal width; "#" is a lit pixel.
_FONT: dict[str, tuple[str, ...]] = {
    "0": (".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "1": ("..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "2": (".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"),
    "3": ("#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."),
    "4": ("...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."),
    "5": ("#####", "#....", "####.", "....#", "....#", "#...#", ".###."),
    "6": ("..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."),
    "7": ("#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."),
    "8": (".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."),
    "9": (".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."),
    ":": (".", ".", "#", ".", "#", ".", "."),
    ".": (".", ".", ".", ".", ".", ".", "#"),
    "+": (".....", "..#..", "..#..", "#####", "..#..", "..#..", "....."),
    "-": (".....", ".....", ".....", "#####", ".....", ".....", "....."),
    " ": ("...", "...", "...", "...", "...", "...", "..."),
    "'": ("#", "#", ".", ".", ".", ".", "."),
    "A": (".###.", "#...#", "#...#", "#...#", "#####", "#...#", "#...#"),
    "B": ("####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."),
    "C": (".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."),
    "D": ("###..", "#..#.", "#...#", "#...#", "#...#", "#..#.", "###.."),
    "E": ("#####", "#....", "#....", "####.", "#....", "#....", "#####"),
    "F": ("#####", "#....", "#....", "####.", "#....", "#....", "#...."),
    "G": (".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"),
    "H": ("#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "I": (".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "J": ("..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."),
    "K": ("#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"),
    "L": ("#....", "#....", "#....", "#....", "#....", "#....", "#####"),
    "M": ("#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"),
    "N": ("#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"),
    "O": (".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "P": ("####.", "#...#", "#...#", "####.", "#....", "#....", "#...."),
    "Q": (".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"),
    "R": ("####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"),
    "S": (".####", "#....", "#....", ".###.", "....#", "....#", "####."),
    "T": ("#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."),
    "U": ("#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "V": ("#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."),
    "W": ("#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."),
    "X": ("#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"),
    "Y": ("#...#", "#...#", "#...#", ".#.#.", "..#..", "..#..", "..#.."),
    "Z": ("#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"),
}
_FONT.update({char.lower(): glyph for char, glyph in _FONT.items() if "A" <= char <= "Z"})
"""Lowercase ASCII letters are drawn as their uppercase."""

FONT_CHARS = frozenset(_FONT)
"""The characters the font draws (lowercase ASCII letters drawn as their uppercase)."""
_BLANK: tuple[str, ...] = ("." * _DIGIT_WIDTH,) * GLYPH_HEIGHT
"""What a character outside the font is drawn as: an empty digit-wide cell."""

# (upper pixel lit, lower pixel lit) -> the character for one terminal cell.
_HALF_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def _plain(text: str, width: int, height: int) -> tuple[str, ...]:
    """`text` as ordinary characters on the middle row, for boxes too small for the font."""
    safe = "".join(char if char in _FONT else " " for char in text)[:width]
    blank = " " * width
    lines = [blank] * height
    lines[(height - 1) // 2] = safe.center(width)
    return tuple(lines)


_WIDTHS = {char: len(glyph[0]) for char, glyph in _FONT.items()}
"""Each character's width in pixels."""


def _widths(text: str) -> tuple[int, ...]:
    return tuple(_WIDTHS.get(char, _DIGIT_WIDTH) for char in text)


@lru_cache(maxsize=64)
def _scale(widths: tuple[int, ...], width: int, height: int) -> int:
    pixel_width = sum(widths) + len(widths) - 1 if widths else 0
    by_height = (2 * height) // GLYPH_HEIGHT
    if pixel_width == 0:
        return by_height
    return min(width // pixel_width, by_height)


def scale_for(text: str, width: int, height: int) -> int:
    """The largest square scale at which `text` fits in `width` x `height` cells (0: none fits).

    It depends only on the characters' widths, so "04:59" and "03:12" share one cached answer
    (this runs every second)."""
    return _scale(_widths(text), width, height)


@lru_cache(maxsize=64)
def _fit(widths: tuple[int, ...], width: int, height: int) -> tuple[int, int]:
    scale = _scale(widths, width, height)
    if scale < 1:
        return 0, 0
    if scale == 1 and height >= TALL_MIN_ROWS:
        return 1, min(2 * height, 2 * GLYPH_HEIGHT)  # tall mode
    return scale, GLYPH_HEIGHT * scale


def fit_for(text: str, width: int, height: int) -> tuple[int, int]:
    """How `text` is drawn in `width` x `height` cells: (columns per font pixel, half-rows the
    7 font rows span); (0, 0) when the font does not fit and the text is shown plain.

    Square scale ``s`` is ``(s, 7 * s)``; tall mode is ``(1, min(2 * height, 14))``."""
    return _fit(_widths(text), width, height)


def _top(scale: int, span: int, height: int) -> int:
    """The half-row the glyphs start on, to centre `span` half-rows in `height` rows. In tall
    mode it is even (a whole row down), so 14 half-rows are 7 rows of full blocks."""
    if span == GLYPH_HEIGHT * scale:
        return (2 * height - span) // 2
    return (2 * height - span) // 4 * 2


@lru_cache(maxsize=512)
def _glyph_lines(char: str, scale: int, span: int, height: int) -> tuple[str, ...]:
    """One character, `scale` columns per pixel and its 7 rows over `span` half-rows centred in
    `height` rows, as `height` lines of half blocks."""
    glyph = _FONT.get(char, _BLANK)
    empty = [False] * (len(glyph[0]) * scale)
    rows = [[pixel == "#" for pixel in row for _ in range(scale)] for row in glyph]
    top = _top(scale, span, height)
    canvas = [empty] * top
    canvas += [rows[r * GLYPH_HEIGHT // span] for r in range(span)]
    canvas += [empty] * (2 * height - len(canvas))
    return tuple(
        "".join(_HALF_BLOCKS[pair] for pair in zip(upper, lower, strict=True))
        for upper, lower in zip(canvas[0::2], canvas[1::2], strict=True)
    )


def _layout(text: str, width: int, height: int) -> tuple[int, int, list[tuple[str, ...]]]:
    """Columns per pixel, left margin and each character's lines (0: too small for the font)."""
    scale, span = fit_for(text, width, height)
    if scale < 1:
        return 0, 0, []
    glyphs = [_glyph_lines(char, scale, span, height) for char in text]
    drawn = sum(len(g[0]) for g in glyphs) + scale * (len(text) - 1)
    return scale, (width - drawn) // 2, glyphs


@lru_cache(maxsize=256)
def _render_cached(text: str, width: int, height: int) -> tuple[str, ...]:
    if width <= 0 or height <= 0:
        return (" " * max(width, 0),) * max(height, 0)
    if not text:
        return (" " * width,) * height
    scale, left, glyphs = _layout(text, width, height)
    if scale < 1:
        return _plain(text, width, height)
    # Characters are drawn side by side, one blank pixel column (scale cells) apart.
    gap = " " * scale
    lines = []
    for row in range(height):
        middle = gap.join(g[row] for g in glyphs)
        lines.append(" " * left + middle + " " * (width - left - len(middle)))
    return tuple(lines)


def changed_columns(old: str, new: str, width: int, height: int) -> tuple[int, int] | None:
    """The first and last columns that differ between drawing `old` and `new` (None: all)."""
    widths = _widths(new)
    if len(old) != len(new) or not old or _widths(old) != widths:
        return None
    scale = _fit(widths, width, height)[0]
    if scale < 1:
        return None
    drawn = scale * (sum(widths) + len(widths) - 1)
    x, first, last = (width - drawn) // 2, width, -1
    for a, b, glyph_width in zip(old, new, widths, strict=True):
        right = x + glyph_width * scale
        if a != b:
            first, last = min(first, x), max(last, right - 1)
        x = right + scale
    return (first, last) if last >= first else (0, -1)


def glyph_rows(text: str, width: int, height: int) -> tuple[int, int]:
    """The first and last lines the characters of `text` can touch (all lines if the font
    does not fit): a repaint need not cover the blank lines above and below."""
    scale, span = fit_for(text, width, height) if text else (0, 0)
    if scale < 1:
        return 0, height - 1
    top = _top(scale, span, height)
    return top // 2, (top + span - 1) // 2


def render_big(text: str, width: int, height: int) -> list[str]:
    """Draw `text` in block digits, as large as fits, centred in `width` x `height` cells.

    Returns exactly `height` lines of exactly `width` characters. Characters outside the
    font are drawn as a blank digit-wide cell (`render_name` never loses one). When even
    scale 1 does not fit, the text is returned as plain characters centred on the middle
    line (cut to `width`, characters outside the font as spaces). Results are cached, so
    calling this once a second is cheap.
    """
    return list(_render_cached(text, width, height))


def in_letters(name: str, width: int, height: int) -> bool:
    """Whether `render_name` draws `name` in block letters: every character is in the font
    and it fits at scale 1 at least (otherwise it is shown as plain text)."""
    return bool(name) and all(char in _FONT for char in name) and fit_for(name, width, height)[0] >= 1


_UNSAFE = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _visible(char: str) -> str:
    """`char`, or U+FFFD for one a terminal would act on rather than show (a control
    character, a line break, a direction override): it is shown, not dropped."""
    return "\ufffd" if char in _BIDI or unicodedata.category(char) in _UNSAFE else char


def _wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells, broken between words where it can be."""
    if cell_len(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        joined = f"{line} {word}" if line else word
        if cell_len(joined) <= width:
            line = joined
            continue
        if line:
            lines.append(line)
        pieces = chop_cells(word, width) if word else [""]
        lines += pieces[:-1]
        line = pieces[-1]
    lines.append(line)
    return [line for line in lines if line] or [""]


@lru_cache(maxsize=64)
def _plain_name(name: str, width: int, height: int) -> tuple[str, ...]:
    lines = _wrap("".join(_visible(char) for char in name), width)
    if len(lines) > height:  # more than the box holds: say so, rather than end mid-name
        lines = lines[:height]
        lines[-1] = (chop_cells(lines[-1], width - 1)[0] if width > 1 else "") + "…"
    out = [" " * width] * height
    for y, line in enumerate(lines, (height - len(lines)) // 2):
        room = max(width - cell_len(line), 0)
        # set_cell_size: exactly `width` cells even for a 2-cell character in a 1-cell box
        out[y] = set_cell_size(" " * (room // 2) + line, width)
    return tuple(out)


def render_name(name: str, width: int, height: int) -> list[str]:
    """Draw a name in block capitals, as large as fits, centred in `width` x `height` cells;
    or, when it has a character outside the font or does not fit even at scale 1, as plain
    text centred on the middle line (wrapped over the lines around it when it is wider than
    the box, an ellipsis only when even that cannot hold it).

    Returns exactly `height` lines of exactly `width` cells: every character of the name
    is drawn (characters are never blanked; a control character shows as U+FFFD)."""
    if width <= 0 or height <= 0 or not name or in_letters(name, width, height):
        return render_big(name, width, height)
    return list(_plain_name(name, width, height))


class BigClock(Widget):
    """Time in large block digits that scale with the widget's size.

    Sets no colours: the text takes the widget's CSS `color` (e.g. from classes
    such as `-warning`, `-over` or `-paused` set by the screen).
    """

    DEFAULT_CSS = """
    BigClock {
        width: 1fr;
        height: 1fr;
        content-align: center middle;
    }
    """

    text: reactive[str] = reactive("", repaint=False)
    """What the clock shows, e.g. "12:34" or "+01:05"; changing it repaints the widget."""

    def __init__(
        self,
        text: str = "",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.set_reactive(BigClock.text, text)
        self._strips_key: object = None
        self._strips: list[Strip] = []
        self._made: dict[tuple[str, Style], Strip] = {}

    def watch_text(self, old: str, new: str) -> None:
        """Repaint only the columns that changed, on the lines the characters use: usually one
        digit a second, not the whole clock."""
        width, height = self.size.width, self.size.height
        columns = changed_columns(old, new, width, height)
        if columns is None:
            self.refresh()
        elif columns[1] >= columns[0]:
            first, last = glyph_rows(new, width, height)
            self.refresh(Region(columns[0], first, columns[1] - columns[0] + 1, last - first + 1))

    def lines(self) -> list[str]:
        """The lines this widget currently draws, for its current text and size."""
        return render_big(self.text, self.size.width, self.size.height)

    def line_style(self) -> Style:
        """The style every line is drawn in: the widget's own."""
        return self.rich_style

    def render(self) -> RenderResult:
        """Draw the text in block characters filling the content area."""
        return Content("\n".join(self.lines()))

    def render_lines(self, crop: Region) -> list[Strip]:
        """The drawn lines as strips in the widget's style: cheaper than `render` once a second.

        The widget has no border or padding, so its lines are exactly its content; the app's
        line filters (NO_COLOR, ANSI colours) apply as they do to any widget.
        """
        style = self.line_style()
        key = (self.text, self.size.width, self.size.height, style)
        if key != self._strips_key:
            self._strips_key = key
            # A line drawn before (the blank ones above and below, a digit shown again) keeps
            # its strip, and with it the strip's own caches of filtered and cropped copies.
            made = self._made
            if len(made) > 256:
                made.clear()
            strips = []
            for line in self.lines():
                strip = made.get((line, style))
                if strip is None:
                    strip = made[line, style] = Strip([Segment(line, style)], cell_len(line))
                strips.append(strip)
            self._strips = strips
        strips = self._strips
        if crop.x == 0 and crop.right >= self.size.width and crop.y >= 0 and crop.bottom <= len(strips):
            shown = strips[crop.y : crop.bottom]  # the whole width: nothing to cut (every second)
        else:
            blank = Strip.blank(self.size.width, style)
            shown = [
                (strips[y] if 0 <= y < len(strips) else blank).crop(crop.x, crop.right)
                for y in range(crop.y, crop.bottom)
            ]
        return filtered(self, shown, style)


class BigName(BigClock):
    """A name (the speaker's) in large block capitals that scale with the widget's size.

    Its CSS height decides how large (e.g. 4 rows: scale 1; 7 rows: tall mode; 8 rows and
    wide enough: scale 2). A name with a character outside the font ("José", "李") or too long
    for the width is shown as plain bold text on the middle line instead, never losing a
    letter. The name is drawn literally: no markup. Sets no colours (CSS `color` applies).
    """

    text: reactive[str] = reactive("", repaint=False)
    """The name shown; changing it repaints the whole widget."""

    def watch_text(self, old: str, new: str) -> None:
        """A new name may change scale or mode: repaint it all."""
        self.refresh()

    def lines(self) -> list[str]:
        """The lines this widget currently draws, for its current name and size."""
        return render_name(self.text, self.size.width, self.size.height)

    def plain(self) -> bool:
        """Whether the name is shown as plain text (bold), not in block letters."""
        return bool(self.text) and not in_letters(self.text, self.size.width, self.size.height)

    def line_style(self) -> Style:
        """The widget's style, bold when the name is shown as plain text."""
        style = self.rich_style
        return style + Style(bold=True) if self.plain() else style

    def render(self) -> RenderResult:
        """The name's lines, bold when shown as plain text."""
        content = Content("\n".join(self.lines()))
        return content.stylize("bold") if self.plain() else content
