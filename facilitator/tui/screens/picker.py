"""The picker: every protocol found, searchable by typing; Enter chooses, q quits."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.events import Key
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from ...core.choosing import fits
from ...core.export import total_text
from ...core.library import Found, Library
from ...core.store.catalog import Unfinished
from ...core.words import plural
from ..messages import ProtocolChosen, ResumeChosen

COLUMNS = ("Protocol", "Steps", "Time", "Summary")
NO_MATCH = ("No protocol matches", "", "", "Escape shows them all")
NO_MATCH_KEY = "no-match"
MIN_SUMMARY = 12
"""Below this many cells the summary is not shortened: the table scrolls sideways to show it."""
COMFORT_SUMMARY = 30
"""A summary this wide reads well; the times, then the names, give way to keep it."""
MIN_NAME = 24
"""Names are not cut below this to make room for a summary."""

_PROBLEM_FILE = re.compile(r"(.*?\.toml|.*?)(?::\d+)*: ")


def shorten(text: str, width: int) -> str:
    """`text` on one line in at most `width` cells: cut at a word boundary and ended with "…"
    when it is longer (a single word longer than `width` is cut)."""
    flat = " ".join(text.split())
    if cell_len(flat) <= width:
        return flat
    if width < 1:
        return ""
    limit = width - 1  # the "…"
    cut = ""
    for word in flat.split(" "):
        longer = f"{cut} {word}" if cut else word
        if cell_len(longer) > limit:
            break
        cut = longer
    if not cut:  # the first word alone is too long: cut inside it
        for char in flat:
            if cell_len(cut + char) > limit:
                break
            cut += char
    return cut.rstrip(" ,;:-–—") + "…"


def skipped_files(problems: list[str]) -> int:
    """How many files the library's problems are about: each problem starts with its file's
    path (`path: ...` or `path:LINE:COL: ...`), and one file may have several problems."""
    files: set[str] = set()
    for problem in problems:
        found = _PROBLEM_FILE.match(problem)
        files.add(found.group(1) if found else problem)
    return len(files)


def compact_time(text: str) -> str:
    """ "23 min + 4 min per person" as "23 + 4/person" (a narrow screen)."""
    return text.replace(" min per person", "/person").replace(" min + ", " + ")


def _width(text: str) -> int:
    return max((cell_len(line) for line in text.split("\n")), default=0)


def search_words(query: str) -> tuple[list[str], float | None]:
    """The words of a search, and the minutes it asks to fit in (a number: "30", "30m")."""
    words, minutes = [], None
    for word in query.casefold().split():
        number = word.removesuffix("min").removesuffix("m")
        try:
            value = float(number)
        except ValueError:
            value = math.nan
        if 0 < value < math.inf:  # also refuses nan
            minutes = value
        else:
            words.append(word)
    return words, minutes


@dataclass(frozen=True)
class _Row:
    """One row the picker can show: what it is, the words a search matches, its cells."""

    item: Found | Unfinished
    key: str
    haystack: str
    cells: tuple[str, str, str, str]
    title: str = ""
    """The id and name: a search matching them lists the row before those matching elsewhere."""


class SearchInput(Input):
    """The search box: `q` quits while it is empty, so the picker still quits with one key."""

    async def _on_key(self, event: Key) -> None:
        if event.character == "q" and not self.value:
            event.stop()
            event.prevent_default()
            self.app.exit()
            return
        await super()._on_key(event)


class PickerScreen(Screen[None]):
    """Choose a protocol to run."""

    CSS_PATH = "picker.tcss"
    SCOPED_CSS = False  # the rules name screens and ids, like the app's own stylesheet

    BINDINGS = [
        Binding("enter", "choose", "Choose", id="choose", tooltip="Set up the chosen protocol"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("escape", "clear", "Clear search", id="clear", tooltip="Show every protocol"),
        Binding("q", "app.quit", "Quit", id="quit", tooltip="Leave facilitator (when the search is empty)"),
        Binding("t", "app.toggle_theme", "Theme", show=False),
    ]

    def __init__(self, library: Library, unfinished: list[Unfinished] | None = None) -> None:
        super().__init__()
        self.library = library
        self.unfinished = unfinished or []
        self.shown: list[Found | Unfinished] = []
        self.name_width: int | None = None
        """The cells the names have room for on a narrow screen; None: names whole."""
        self.compact_times = False
        """Lengths in short ("23 + 4/person"), to leave the summary room."""
        self.summary_width: int | None = None
        """The cells the summary column has room for; None (summaries whole) until the table is
        laid out, or when it is too narrow and scrolls sideways anyway."""

    def compose(self) -> ComposeResult:
        yield Static(
            Content("facilitator · choose a protocol   ↑↓ move · Enter choose · q quit"),
            id="picker-title",
        )
        yield SearchInput(
            placeholder="Search: name, family (data, text…), or 30 for what fits in 30 min",
            id="search",
        )
        yield DataTable(id="protocols", cursor_type="row", zebra_stripes=True)
        yield Static(id="picker-problems")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in COLUMNS:
            table.add_column(label, key=label.casefold())
        problems = self.library.problems
        note = self.query_one("#picker-problems", Static)
        lines = []
        if self.unfinished:
            lines.append(
                f"{plural(len(self.unfinished), 'unfinished session')}: choose one marked ↻ to carry "
                "on where it stopped (or run facilitator resume)."
            )
        if problems:
            skipped = f"{plural(skipped_files(problems), 'protocol file')} skipped: {problems[0]}"
            if len(problems) > 1:
                skipped += " (facilitator list shows every problem)"
            lines.append(skipped)
        note.update(Content("\n".join(lines)))
        note.display = bool(lines)
        self.fill("")
        self.query_one(SearchInput).focus()
        self.call_after_refresh(self.fit_summaries)

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit_summaries)

    def rows(self) -> list[_Row]:
        """Every row the picker can show, unfinished sessions first, then protocols by name."""
        rows = []
        for item in self.unfinished:
            record = item.record
            label = " ".join(["↻ Resume", record.protocol.name, f"· {record.group}" if record.group else ""])
            moves = [e.step for e in record.events if e.kind == "goto"]
            at = moves[-1] if moves else 1
            cells = (
                label.strip(),
                f"{at} of {len(record.steps)}",
                "",
                f"started {record.started_at.strftime('%a %d %b %H:%M')}",
            )
            rows.append(_Row(item, f"resume:{item.path}", label.casefold(), cells))
        for found in self.library.sorted():
            p = found.protocol
            haystack = " ".join([p.id, p.name, p.summary, *p.tags]).casefold()
            cells = (p.name, str(len(p.steps)), total_text(p), p.summary)
            rows.append(_Row(found, p.id, haystack, cells, f"{p.id} {p.name}".casefold()))
        return rows

    def fit_summaries(self) -> None:
        """Fit the columns to the screen, when its width changed: first the times give way
        ("23 + 4/person"), then the names, so a summary keeps a readable width; on a screen
        too narrow for any summary the names and times fit and the summary is off to the
        right (the table scrolls sideways to it)."""
        table = self.query_one(DataTable)
        rows = self.rows()
        cells = [COLUMNS, NO_MATCH, *(row.cells for row in rows)]
        names, steps, times = (max(_width(row[i]) for row in cells) for i in range(3))
        short_times = max(_width(compact_time(row[2])) for row in cells)
        padding = 2 * table.cell_padding  # each side of every column
        # room for a vertical scrollbar is kept, so a longer list never pushes the summary out
        inside = table.content_region.width - table.styles.scrollbar_size_vertical
        left = inside - steps - len(COLUMNS) * padding  # for the names, the times and the summary
        compact, name_width = False, None
        if left - names - times >= COMFORT_SUMMARY:
            width: int | None = left - names - times
        elif left - names - short_times >= COMFORT_SUMMARY:
            compact, width = True, left - names - short_times
        elif left - short_times - COMFORT_SUMMARY >= MIN_NAME:
            compact, width, name_width = True, COMFORT_SUMMARY, left - short_times - COMFORT_SUMMARY
        else:
            room = left + padding - short_times  # no summary column in view
            compact, width, name_width = True, None, None if room >= names else max(MIN_SUMMARY, room)
        if (width, name_width, compact) == (self.summary_width, self.name_width, self.compact_times):
            return
        columns_changed = (name_width, compact) != (self.name_width, self.compact_times)
        self.summary_width, self.name_width, self.compact_times = width, name_width, compact
        if columns_changed:
            self.call_after_refresh(self._refill)
            return
        by_key = {row.key: row.cells[3] for row in rows} | {NO_MATCH_KEY: NO_MATCH[3]}
        for key in table.rows:
            # update_width: the column narrows too when the room shrinks
            table.update_cell(key, "summary", self.summary(by_key[str(key.value)]), update_width=True)

    def _refill(self) -> None:
        """The rows again, for names of a new width (a column's width only ever grows, so
        the columns are made again); the highlighted row stays."""
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        for label in COLUMNS:
            table.add_column(label, key=label.casefold())
        self.fill(self.query_one(SearchInput).value)
        table.move_cursor(row=row, animate=False)

    def name_cell(self, text: str) -> Text:
        """A protocol's name, shortened when the screen is narrow."""
        return Text(text if self.name_width is None else shorten(text, self.name_width))

    def time_cell(self, text: str) -> Text:
        """A protocol's length, in short when the screen is narrow ("23 + 4/person")."""
        return Text(compact_time(text) if self.compact_times else text)

    def summary(self, text: str) -> Text:
        """A summary cell, shortened to the room the column has."""
        return Text(text if self.summary_width is None else shorten(text, self.summary_width))

    def fill(self, query: str) -> None:
        """Show the protocols matching `query`: every word must match the name, summary or
        tags (a family: tuning, data, text…), and a number of minutes keeps those that can run
        in that time (fitted, for a small team). Those whose name matches come first."""
        words, minutes = search_words(query)
        table = self.query_one(DataTable)
        table.clear()
        self.shown = []
        found = [row for row in self.rows() if all(word in row.haystack for word in words)]
        if minutes is not None:
            found = [row for row in found if isinstance(row.item, Found) and fits(row.item.protocol, minutes)]
        found.sort(key=lambda row: not (row.title and all(word in row.title for word in words)))
        for row in found:
            self.shown.append(row.item)
            name, steps, time, summary = row.cells
            cells = (self.name_cell(name), Text(steps), self.time_cell(time), self.summary(summary))
            table.add_row(*cells, key=row.key)
        if not self.shown:
            name, steps, time, summary = NO_MATCH
            table.add_row(
                self.name_cell(name), Text(steps), Text(time), self.summary(summary), key=NO_MATCH_KEY
            )

    @on(Input.Changed, "#search")
    def search(self, event: Input.Changed) -> None:
        self.fill(event.value)

    @on(Input.Submitted, "#search")
    def submitted(self) -> None:
        self.action_choose()

    @on(DataTable.RowSelected)
    def selected(self) -> None:
        self.action_choose()

    def action_move(self, delta: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=table.cursor_row + delta)

    def action_clear(self) -> None:
        self.query_one(SearchInput).value = ""

    def action_choose(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if not 0 <= row < len(self.shown):
            return
        chosen = self.shown[row]
        if isinstance(chosen, Unfinished):
            self.post_message(ResumeChosen(chosen.path))
        else:
            self.post_message(ProtocolChosen(chosen))
