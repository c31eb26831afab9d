"""PlainLine: a Static for a line of plain text that changes every second (the status line)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static


def filtered(widget: Widget, strips: Iterable[Strip]) -> list[Strip]:
    """Strips drawn by a widget itself, passed through the app's line filters (NO_COLOR,
    ANSI colours) as Textual's own rendering does."""
    filters = widget.get_line_filters()
    if not filters:
        return list(strips)
    background = widget.background_colors[1]
    out = []
    for strip in strips:
        for line_filter in filters:
            strip = strip.apply_filter(line_filter, background)
        out.append(strip)
    return out


class PlainLine(Static):
    """Shows plain text like a Static. When the text fits on the widget's one line, that line
    is drawn directly as one strip in the widget's style, which costs a fraction of Static's
    general rendering; a longer text is wrapped by Static as usual.

    The fast path supports what the status line uses: left and right padding, no border, no
    text alignment other than left.
    """

    def render_lines(self, crop: Region) -> list[Strip]:
        content = self.content
        text = content.plain if isinstance(content, Content) else None
        styles = self.styles
        padding = styles.padding
        width, height = self.outer_size
        room = width - padding.left - padding.right
        if (
            text is None or "\n" in text or height != 1 or padding.top or padding.bottom
            or styles.border.top[0] or styles.border.bottom[0] or styles.border.left[0]
            or styles.border.right[0] or styles.text_align not in ("left", "start")
            or cell_len(text) > room
        ):
            return super().render_lines(crop)
        style = self.rich_style
        pad = Style(bgcolor=style.bgcolor)  # padding is background only, as Textual draws it
        segments = [Segment(text, style)]
        if padding.left:
            segments.insert(0, Segment(" " * padding.left, pad))
        if rest := room - cell_len(text) + padding.right:
            segments.append(Segment(" " * rest, pad))
        strip = Strip(segments, width)
        return filtered(self, [strip.crop(crop.x, crop.right)] if crop.y <= 0 < crop.bottom else [])
