"""The agenda: every step, done, current or upcoming, with planned and actual times."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from ...core.run import Run
from ...core.status import AgendaRow, agenda_rows

MARKS = {"done": "✓", "skipped": "–", "current": "▶", "upcoming": " "}
STYLES = {"done": "$text-muted", "skipped": "$text-muted", "current": "bold", "upcoming": ""}


def agenda_content(rows: list[AgendaRow], width: int) -> Content:
    """The agenda as styled plain text (titles are never read as markup)."""
    lines = []
    for row in rows:
        if row.overrun:
            times = f"{row.planned} +{row.overrun} over"  # the plan, and how far past it
        else:
            times = row.planned + (f" / {row.actual}" if row.actual else "") + (" over" if row.over else "")
        head = f"{MARKS[row.state]} {row.number:>2} "
        room = max(4, width - len(head) - len(times) - 1)
        title = row.title if len(row.title) <= room else row.title[: room - 1] + "…"
        style = STYLES[row.state]
        lines.append(
            Content.assemble(
                (head, style),
                (title.ljust(room), style),
                " ",
                (times, "$error" if row.over else style),
            )
        )
    return Content("\n").join(lines)


class Agenda(Static):
    """The steps of the protocol with their times; repaints only when a line changes."""

    DEFAULT_CSS = "Agenda { height: auto; }"

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[AgendaRow] | None = None
        self._width = 0
        self._key: object = None

    def show(self, run: Run) -> None:
        """Show the agenda as it stands; called every second, it does the work only when an
        action was taken, or the current step's minute or overrun changed (what the rows show)."""
        ran = run.step_ran_ms(run.step)
        key = (len(run.events), run.step, ran // 60_000, ran > run.step_planned_ms(run.step))
        if key == self._key and self._rows is not None:
            return
        self._key = key
        rows = agenda_rows(run)
        width = self.content_region.width or 30
        if rows != self._rows or width != self._width:
            self._rows, self._width = rows, width
            self.update(agenda_content(rows, width))

    def on_resize(self) -> None:
        if self._rows is not None:
            self._width = self.content_region.width
            self.update(agenda_content(self._rows, self._width))
