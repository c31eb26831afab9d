"""A one-line bar: how much of the step (or turn) is used, repainted only when it moves."""

from __future__ import annotations

from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from .plain_line import one_line


def bar_text(used: float, width: int) -> str:
    """ "█████░░░░░  45%": the filled share of `width` cells, then the percentage."""
    used = max(0.0, min(used, 1.0))
    room = max(0, width - 5)
    filled = round(room * used)
    return "█" * filled + "░" * (room - filled) + f"{int(used * 100):>4}%"[-5:]


class StepBar(Widget):
    """How much of the current step's time is used; full (and over) once time is up."""

    DEFAULT_CSS = "StepBar { height: 1; width: 1fr; }"

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self._used = 0.0
        self._text = ""

    def show(self, used: float) -> None:
        """Set the share used (0 to 1); repaints only when a cell or the percentage changes."""
        self._used = used
        text = bar_text(used, self.size.width)
        if text != self._text:
            self._text = text
            self.refresh()

    def on_resize(self) -> None:
        self._text = bar_text(self._used, self.size.width)
        self.refresh()

    def render(self) -> RenderResult:
        return Content(self._text or bar_text(self._used, self.size.width))

    def render_lines(self, crop: Region) -> list[Strip]:
        """The bar as one strip: cheaper than `render` (see PlainLine)."""
        drawn = one_line(self, self._text or bar_text(self._used, self.size.width), crop)
        return super().render_lines(crop) if drawn is None else drawn
