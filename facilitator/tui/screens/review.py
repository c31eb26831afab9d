"""The review browser: every saved session in a table, filtered by typing, sorted by column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import get_current_worker

from ...core.store.catalog import Summary, gather, matches
from ...core.words import OVER_S, clock_text
from .picker import SearchInput
from .session_view import SessionScreen
from .stats import StatsScreen

COLUMNS = (
    ("date", "Date"),
    ("protocol", "Protocol"),
    ("group", "Group"),
    ("presenter", "Presenter"),
    ("planned", "Planned"),
    ("actual", "Actual"),
    ("status", "Status"),
)
# The sort key of each column, and whether it reads best reversed (newest, longest first).
SORTS: dict[str, tuple[Callable[[Summary], Any], bool]] = {
    "date": (lambda s: s.started_at.timestamp() if s.started_at else 0.0, True),
    "protocol": (lambda s: (s.protocol_name or s.protocol_id).casefold(), False),
    "group": (lambda s: s.group.casefold(), False),
    "presenter": (lambda s: s.presenter.casefold(), False),
    "planned": (lambda s: s.planned, True),
    "actual": (lambda s: s.actual, True),
    "status": (lambda s: status_of(s), False),
}
CYCLE = ("date", "protocol", "group", "actual")
LENGTH_WORDS = ("shortest first", "longest first")  # (ascending, descending)
ORDER_WORDS = {"date": ("oldest first", "newest first"), "planned": LENGTH_WORDS, "actual": LENGTH_WORDS}
SHRINK = ("protocol", "group", "presenter")  # they give way on a narrow screen
MIN_WIDTH = 6
NARROW = 80


def reason(summary: Summary, path: Path) -> str:
    """Why a file cannot be read, without the path the table already shows."""
    problem = summary.problem or ""
    for prefix in (str(path), summary.name):
        if problem.startswith(prefix):
            return problem[len(prefix) :].lstrip(": ") or problem
    return problem


def status_of(summary: Summary) -> str:
    """ "completed", "in progress", or "not started" once the file is read and its timer never ran."""
    if summary.started is False:
        return "not started"
    return "completed" if summary.status == "completed" else "in progress"


def cut(text: str, width: int) -> str:
    """`text` in at most `width` cells, an ellipsis marking a cut."""
    shown = Text(text)
    shown.truncate(width, overflow="ellipsis")
    return shown.plain


class ReviewSearch(SearchInput):
    """The search box: Enter opens the highlighted session, ↓ goes down into the list."""

    BINDINGS = [
        Binding("enter", "submit", "Open", id="open-from-search", tooltip="Show the highlighted session"),
        Binding(
            "down",
            "screen.to_list",
            "List",
            id="to-list",
            tooltip="Into the list, where s sorts, t shows statistics, g the team and q quits",
        ),
    ]


class ReviewScreen(Screen[None]):
    """Browse saved sessions: type to filter, Enter to open one, t for statistics."""

    CSS_PATH = "review.tcss"
    SCOPED_CSS = False  # the rules name screens and ids, like the app's own stylesheet

    BINDINGS = [
        Binding("enter", "open", "Open", id="open", tooltip="Show the chosen session"),
        Binding(
            "s",
            "sort",
            "Sort",
            id="sort",
            tooltip="Sort by the next column: date, protocol, group, actual (from the list)",
        ),
        Binding(
            "S", "reverse", "Reverse", show=False, id="reverse", tooltip="Reverse the order (from the list)"
        ),
        Binding(
            "t",
            "stats",
            "Stats",
            id="stats",
            tooltip="Across sessions: lengths and overruns per protocol (from the list)",
        ),
        Binding(
            "g",
            "team",
            "Team",
            id="team",
            tooltip="The highlighted session's group over time: meetings, roles, commitments, ratings",
        ),
        Binding("slash", "search", "Search", id="search", tooltip="Back to the search box"),
        Binding(
            "escape", "back", "Clear/Quit", id="back", tooltip="Clear the search, or leave when it is empty"
        ),
        Binding("q", "app.quit", "Quit", id="quit", tooltip="Leave facilitator (when the search is empty)"),
    ]

    def __init__(self, folders: Path | list[Path]) -> None:
        super().__init__()
        self.folders = [folders] if isinstance(folders, Path) else list(folders)
        self.paths: dict[str, Path] = {}
        """Each listed file's path, by name (the folders may be several)."""
        self.summaries: list[Summary] = []
        self.shown: list[Summary] = []
        self.full = False
        self.sort_by = "date"
        self.reverse = SORTS["date"][1]

    def compose(self) -> ComposeResult:
        where = " and ".join(str(f) for f in self.folders)
        yield Static(Content(f"facilitator · sessions in {where}"), id="review-title")
        yield ReviewSearch(
            placeholder="Type to search: protocol, group, presenter, date, notes", id="review-search"
        )
        yield Static(id="review-count")
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Static(id="review-file")
        yield Footer()

    def on_mount(self) -> None:
        self.summaries = self.gathered()
        self.fill()
        self.query_one(SearchInput).focus()
        self.load_notes()

    @work(thread=True, exclusive=True, group="catalog")
    def load_notes(self) -> None:
        """Read every file in full (notes and steps), off the UI thread, then search again."""
        try:
            summaries = self.gathered(full=True)
        except OSError:
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.loaded, summaries)

    def gathered(self, full: bool = False) -> list[Summary]:
        """Every folder's sessions (a thread may call this: the paths are swapped in whole)."""
        found = gather(self.folders, full=full)
        self.paths = {s.name: path for path, s in found}
        return [s for _, s in found]

    def path_of(self, summary: Summary) -> Path:
        return self.paths.get(summary.name, self.folders[0] / summary.name)

    def loaded(self, summaries: list[Summary]) -> None:
        if not self.is_attached:
            return
        self.summaries = summaries
        self.full = True
        self.fill()

    def on_resize(self) -> None:
        """Refit the names once the table has its new size."""
        self.call_after_refresh(self.fill)

    # -- the table -------------------------------------------------------------------------
    @property
    def search_text(self) -> str:
        """What is typed in the search box."""
        return self.query_one(SearchInput).value

    def ordered(self) -> list[Summary]:
        """The matching sessions, sorted; unreadable files last, by name."""
        key, _ = SORTS[self.sort_by]
        found = [s for s in self.summaries if matches(s, self.search_text)]
        readable = sorted((s for s in found if s.readable), key=SORTS["date"][0], reverse=True)
        readable.sort(key=key, reverse=self.reverse)
        return readable + sorted((s for s in found if not s.readable), key=lambda s: s.name)

    @property
    def columns(self) -> list[tuple[str, str]]:
        """The columns that fit: a narrow screen goes without presenter, plan and time of day."""
        if self.size.width >= NARROW:
            return list(COLUMNS)
        return [(key, label) for key, label in COLUMNS if key not in ("presenter", "planned")]

    def cells(self, s: Summary) -> dict[str, str]:
        """A row's text, whole: `fit` shortens the names to the width of the screen."""
        if not s.readable:
            return {"protocol": s.name, "group": reason(s, self.path_of(s)), "status": "unreadable"}
        over = s.actual - s.planned
        when = "%Y-%m-%d %H:%M" if self.size.width >= NARROW else "%Y-%m-%d"
        return {
            "date": s.started_at.strftime(when) if s.started_at else "",
            "protocol": s.protocol_name or s.protocol_id,
            "group": s.group,
            "presenter": s.presenter,
            "planned": clock_text(s.planned),
            "actual": clock_text(s.actual) + (f" +{clock_text(over)}" if over >= OVER_S else ""),
            "status": status_of(s),
        }

    def fit(self, labels: dict[str, str], rows: list[dict[str, str]]) -> list[list[str]]:
        """Shorten protocol, group and presenter (widest first) until a row fits the screen.

        Unreadable files take what room is left for their reason (it is shown whole under the
        table when the row is highlighted).
        """
        sized = [row for row in rows if row.get("status") != "unreadable"]
        widths = {
            key: max([cell_len(label), *(cell_len(row.get(key, "")) for row in sized)])
            for key, label in labels.items()
        }
        widths["protocol"] = max([widths["protocol"], *(cell_len(row["protocol"]) for row in rows)])
        floor = {key: max(MIN_WIDTH, cell_len(labels[key])) for key in SHRINK if key in labels}
        scrollbar = 2 if len(rows) + 1 >= self.query_one(DataTable).size.height else 0
        margin = 0 if self.has_class("-narrow") else 2
        room = self.size.width - 2 * len(labels) - margin - scrollbar - sum(widths.values())
        while room < 0 and any(widths[key] > floor[key] for key in floor):
            widest = max((key for key in floor if widths[key] > floor[key]), key=lambda key: widths[key])
            widths[widest] -= 1
            room += 1
        widths["group"] += max(0, room)
        return [
            [cut(row.get(key, ""), widths[key]) if key in floor else row.get(key, "") for key in labels]
            for row in rows
        ]

    def fill(self) -> None:
        """Show the sessions matching the search, in the chosen order, keeping the cursor."""
        table = self.query_one(DataTable)
        current = self.current()
        self.set_class(self.size.width < NARROW, "-narrow")
        table.clear(columns=True)
        labels = {}
        for key, label in self.columns:
            labels[key] = label + ((" ▼" if self.reverse else " ▲") if key == self.sort_by else "")
            table.add_column(Text(labels[key]), key=key)
        self.shown = self.ordered()
        for s, cells in zip(self.shown, self.fit(labels, [self.cells(s) for s in self.shown]), strict=True):
            table.add_row(*(Text(cell) for cell in cells), key=s.name)
        if not self.shown:
            empty = "No session matches" if self.summaries else "No saved sessions yet"
            table.add_row(Text(empty), *(Text("") for _ in list(labels)[1:]))
        names = [s.name for s in self.shown]
        if current is not None and current.name in names:
            table.move_cursor(row=names.index(current.name), animate=False)
        self.show_count()
        self.show_file()
        self.refresh_bindings()

    def show_count(self) -> None:
        total = len(self.summaries)
        unreadable = sum(not s.readable for s in self.summaries)
        words = [f"{len(self.shown)} of {total} session{'s' if total != 1 else ''} shown"]
        if unreadable:
            words.append(f"{unreadable} unreadable")
        direction = ORDER_WORDS.get(self.sort_by, ("A to Z", "Z to A"))[self.reverse]
        words.append(f"sorted by {self.sort_by}, {direction}")
        if not self.full:
            words.append("searching notes…")
        self.query_one("#review-count", Static).update(Content(" · ".join(words)))

    def show_file(self) -> None:
        """Under the table: the highlighted file's name, or why it cannot be read."""
        chosen = self.current()
        text = ""
        if chosen is not None:
            why = reason(chosen, self.path_of(chosen))
            text = chosen.name if chosen.readable else f"{chosen.name}: {why}"
        widget = self.query_one("#review-file", Static)
        widget.update(Content(text))
        widget.set_class(chosen is not None and not chosen.readable, "-unreadable")

    def current(self) -> Summary | None:
        """The highlighted session, if any."""
        row = self.query_one(DataTable).cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    # -- events ----------------------------------------------------------------------------
    @on(Input.Changed, "#review-search")
    def search(self) -> None:
        self.fill()

    @on(Input.Submitted, "#review-search")
    @on(DataTable.RowSelected)
    def selected(self) -> None:
        self.action_open()

    @on(DataTable.RowHighlighted)
    def highlighted(self) -> None:
        self.show_file()

    @on(DataTable.HeaderSelected)
    def header(self, event: DataTable.HeaderSelected) -> None:
        self.sort(str(event.column_key.value))

    def sort(self, column: str) -> None:
        """Sort by `column`; the same column again reverses the order."""
        if column == self.sort_by:
            self.reverse = not self.reverse
        else:
            self.sort_by, self.reverse = column, SORTS[column][1]
        self.fill()

    # -- actions ---------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        in_search = isinstance(self.focused, Input)
        if action in ("sort", "reverse", "stats", "team"):
            return None if in_search else True  # letters go to the search box
        if action == "search":
            return not in_search
        if action == "open":
            return True if self.current() is not None else None
        return True

    def action_open(self) -> None:
        chosen = self.current()
        if chosen is None:
            return
        self.app.push_screen(SessionScreen(self.path_of(chosen)))

    def action_to_list(self) -> None:
        self.query_one(DataTable).focus()

    def action_search(self) -> None:
        self.query_one(SearchInput).focus()

    def action_sort(self) -> None:
        at = CYCLE.index(self.sort_by) if self.sort_by in CYCLE else -1
        self.sort(CYCLE[(at + 1) % len(CYCLE)])

    def action_reverse(self) -> None:
        self.sort(self.sort_by)

    def action_stats(self) -> None:
        self.app.push_screen(StatsScreen(self.folders))

    def action_team(self) -> None:
        from .team import TeamScreen

        chosen = self.current()
        self.app.push_screen(TeamScreen(self.folders, chosen.group if chosen is not None else ""))

    def action_back(self) -> None:
        search = self.query_one(SearchInput)
        if search.value:
            search.value = ""
            search.focus()
        else:
            self.app.exit()
