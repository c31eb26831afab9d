"""HangingText: rows of plain text, each wrapped with a hanging indent, so a list whose items
run over several lines stays readable (setup's agenda, a dialog's list of changes)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget


@dataclass(frozen=True)
class Row:
    """One item of a `HangingText`: plain text after an indent and a marker ("• ", "3. ").
    Its wrapped lines start under the text (and `hang` cells further in)."""

    text: str
    marker: str = ""
    indent: int = 0
    hang: int = 0
    style: str = ""
    """A Textual style for the whole row ("bold"); the text itself is never read as markup."""


class HangingText(Widget):
    """Rows of plain text, each wrapped to the width with a hanging indent, so a list whose
    items run over several lines stays readable."""

    DEFAULT_CSS = "HangingText { height: auto; }"

    def __init__(
        self, rows: Iterable[Row] = (), *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: tuple[Row, ...] = tuple(rows)
        self._lines: tuple[int, list[Content]] | None = None

    def update(self, rows: Iterable[Row]) -> None:
        """Show other rows."""
        rows = tuple(rows)
        if rows != self.rows:
            self.rows = rows
            self._lines = None
            self.refresh(layout=True)

    def lines(self, width: int) -> list[Content]:
        """The rows wrapped to `width` cells, one Content per line."""
        if self._lines is not None and self._lines[0] == width:
            return self._lines[1]
        out: list[Content] = []
        for row in self.rows:
            lead = " " * row.indent + row.marker
            under = " " * (cell_len(lead) + row.hang)
            # Every line wraps to the room the continuation lines have, so none overflows.
            for k, part in enumerate(Content(row.text).wrap(max(1, width - len(under)))):
                line = Content(lead if k == 0 else under) + part
                out.append(line.stylize(row.style) if row.style else line)
        self._lines = (width, out)
        return out

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.content_size.width))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        widest = 0
        for row in self.rows:
            under = cell_len(" " * row.indent + row.marker) + row.hang
            widest = max(widest, *(under + cell_len(line) for line in row.text.split("\n")))
        return min(widest, container.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width)) if width else 0
