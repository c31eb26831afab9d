"""A time display in large block digits that grows with its box, readable from the back of a room.

`render_big` is pure (no Textual): it draws text in a 5x7 bitmap font with half-block
characters, two pixel rows per terminal row. `BigClock` is the widget that shows it.

Scale rule: at scale ``s`` one font pixel is ``s`` columns wide and ``s`` pixel rows
(``s / 2`` terminal rows) tall. A terminal cell is about twice as tall as it is wide, so
these pixels look square at every scale. ``s`` is the largest integer with
``s * text_pixel_width <= width`` and ``s * 7 <= 2 * height``.
"""

from __future__ import annotations

from functools import lru_cache

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
}
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
    """The largest scale at which `text` fits in `width` x `height` cells (0: none fits).

    It depends only on the characters' widths, so "04:59" and "03:12" share one cached answer
    (this runs every second)."""
    return _scale(_widths(text), width, height)


@lru_cache(maxsize=512)
def _glyph_lines(char: str, scale: int, top: int, height: int) -> tuple[str, ...]:
    """One character at `scale`, `top` pixel rows down, as `height` lines of half blocks."""
    glyph = _FONT.get(char, _BLANK)
    empty = [False] * (len(glyph[0]) * scale)
    canvas = [empty] * top
    canvas += [[pixel == "#" for pixel in row for _ in range(scale)] for row in glyph for _ in range(scale)]
    canvas += [empty] * (2 * height - len(canvas))
    return tuple(
        "".join(_HALF_BLOCKS[pair] for pair in zip(upper, lower, strict=True))
        for upper, lower in zip(canvas[0::2], canvas[1::2], strict=True)
    )


def _layout(text: str, width: int, height: int) -> tuple[int, int, list[tuple[str, ...]]]:
    """Scale, left margin and each character's lines (scale 0: too small for the font)."""
    scale = scale_for(text, width, height)
    if scale < 1:
        return 0, 0, []
    top = (2 * height - GLYPH_HEIGHT * scale) // 2
    glyphs = [_glyph_lines(char, scale, top, height) for char in text]
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
    scale = _scale(widths, width, height)
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
    scale = scale_for(text, width, height) if text else 0
    if scale < 1:
        return 0, height - 1
    top = (2 * height - GLYPH_HEIGHT * scale) // 2
    return top // 2, (top + GLYPH_HEIGHT * scale - 1) // 2


def render_big(text: str, width: int, height: int) -> list[str]:
    """Draw `text` in block digits, as large as fits, centred in `width` x `height` cells.

    Returns exactly `height` lines of exactly `width` characters. Characters outside
    "0123456789:.+- " are drawn as a blank digit-wide cell. When even scale 1 does not
    fit, the text is returned as plain characters centred on the middle line (cut to
    `width`). Results are cached, so calling this once a second is cheap.
    """
    return list(_render_cached(text, width, height))


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

    def render(self) -> RenderResult:
        """Draw the text in block characters filling the content area."""
        return Content("\n".join(self.lines()))

    def render_lines(self, crop: Region) -> list[Strip]:
        """The drawn lines as strips in the widget's style: cheaper than `render` once a second.

        The widget has no border or padding, so its lines are exactly its content; the app's
        line filters (NO_COLOR, ANSI colours) apply as they do to any widget.
        """
        style = self.rich_style
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
                    strip = made[line, style] = Strip([Segment(line, style)], len(line))
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
