"""StepBar: a step's time as a one-line bar, on the run screen and in a saved session."""

from __future__ import annotations

from textual.app import RenderResult
from textual.content import Content
from textual.strip import Strip
from textual.widget import Widget

from ...core.words import OVER_S


def bar_cells(planned: float, actual: float, longest: float, width: int) -> tuple[int, int, int]:
    """Seconds as (run within the plan, planned and not run, run over the plan) in cells of `width`, on a
    scale where `longest` fills the width; an overrun of OVER_S or more shows at least one cell."""
    if width <= 0 or longest <= 0:
        return 0, 0, 0
    actual = max(0.0, actual)
    scale = width / longest
    plan = min(width, round(planned * scale))
    within = min(plan, round(min(actual, planned) * scale))
    over = round(max(0.0, actual - planned) * scale)
    if actual - planned >= OVER_S:
        over = max(1, over)
    over = min(over, width - plan)
    return within, plan - within, over


def percent_text(planned: float, actual: float) -> str:
    """The share of the plan used, as the end of the run screen's bar: "  45%"."""
    used = max(0.0, min(actual / planned, 1.0)) if planned > 0 else 0.0
    return f"{int(used * 100):>4}%"[-5:]


class StepBar(Widget):
    """A step's time: █ run within the plan, ░ planned and not yet run, and █ in the error
    colour for time run over it. Bars of several steps share one scale (`longest`); on the run
    screen the plan fills the width and the share used is written at the end (`percent`).
    The filled part takes the widget's colour, so the screen can say how the time stands."""

    COMPONENT_CLASSES = {"step-bar--unused", "step-bar--over"}
    DEFAULT_CSS = """
    StepBar { height: 1; width: 1fr; }
    StepBar > .step-bar--unused { color: $text-muted; }
    StepBar > .step-bar--over { color: $error; }
    """

    def __init__(
        self,
        planned: float = 0,
        actual: float = 0,  # seconds
        longest: float | None = None,
        *,
        percent: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.planned = planned
        self.actual = actual
        self.longest = longest
        self.percent = percent
        self._drawn: tuple[int, int, int, str] | None = None
        self._strip_key: object = None
        self._strip: Strip | None = None

    def _shape(self) -> tuple[int, int, int, str]:
        width = self.size.width - (5 if self.percent else 0)
        longest = self.longest if self.longest is not None else self.planned
        cells = bar_cells(self.planned, self.actual, max(longest, 1e-9), max(0, width))
        return (*cells, percent_text(self.planned, self.actual) if self.percent else "")

    def show(self, planned: float, actual: float) -> None:
        """Show new times; repaints only when a cell or the percentage changes."""
        self.planned, self.actual = planned, actual
        shape = self._shape()
        if shape != self._drawn:
            self._drawn = shape
            self.refresh()

    def on_resize(self) -> None:
        self._drawn = self._shape()

    def render(self) -> RenderResult:
        within, unused, over, percent = self._shape()
        return Content.assemble(
            ("█" * within, ""), ("░" * unused, "$text-muted"), ("█" * over, "$error"), percent
        )
