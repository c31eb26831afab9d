"""PlainLine: a Static for a line of plain text that changes every second (the status line)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.filter import ANSIToTruecolor, LineFilter
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static


def _changes(line_filter: LineFilter, style: Style | None) -> bool:
    """Whether a filter can change text drawn in `style`: the ANSI-to-truecolor filter leaves
    truecolor text as it is (and theme colours are truecolor), so it need not run."""
    if style is None or not isinstance(line_filter, ANSIToTruecolor):
        return True
    colors = (style.color, style.bgcolor)
    return style.dim or any(color is not None and color.triplet is None for color in colors)


def filtered(widget: Widget, strips: Iterable[Strip], style: Style | None = None) -> list[Strip]:
    """Strips drawn by a widget itself, passed through the app's line filters (NO_COLOR,
    ANSI colours) as Textual's own rendering does; `style`, when every strip is drawn in it
    alone, lets a filter that would change nothing be skipped (this runs every second)."""
    filters = [f for f in widget.get_line_filters() if _changes(f, style)]
    if not filters:
        return list(strips)
    background = widget.background_colors[1]
    out = []
    for strip in strips:
        for line_filter in filters:
            strip = strip.apply_filter(line_filter, background)
        out.append(strip)
    return out


def one_line(widget: Widget, text: str, crop: Region) -> list[Strip] | None:
    """`text` drawn as the widget's single line, in its style and padding, as Textual would
    draw it; None if the widget is not a one-line box this can draw (border, top or bottom
    padding, alignment) or the text does not fit, for the caller to render as usual."""
    styles = widget.styles
    padding = styles.padding
    width, height = widget.outer_size
    room = width - padding.left - padding.right
    if (
        "\n" in text
        or height != 1
        or padding.top
        or padding.bottom
        or any(
            edge[0]
            for edge in (styles.border.top, styles.border.bottom, styles.border.left, styles.border.right)
        )
        or styles.text_align not in ("left", "start")
        or cell_len(text) > room
    ):
        return None
    style = widget.rich_style
    pad = Style(bgcolor=style.bgcolor)  # padding is background only, as Textual draws it
    segments = [Segment(text, style)]
    if padding.left:
        segments.insert(0, Segment(" " * padding.left, pad))
    if rest := room - cell_len(text) + padding.right:
        segments.append(Segment(" " * rest, pad))
    strip = Strip(segments, width)
    return filtered(widget, [strip.crop(crop.x, crop.right)] if crop.y <= 0 < crop.bottom else [], style)


class PlainLine(Static):
    """Shows plain text like a Static. When the text fits on the widget's one line, that line
    is drawn directly as one strip in the widget's style (`one_line`), which costs a fraction
    of Static's general rendering; a longer text is wrapped by Static as usual."""

    def render_lines(self, crop: Region) -> list[Strip]:
        content = self.content
        drawn = one_line(self, content.plain, crop) if isinstance(content, Content) else None
        return super().render_lines(crop) if drawn is None else drawn
