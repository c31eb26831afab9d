"""The picker: every protocol found, searchable by typing; Enter chooses, q quits."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.events import Key
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from ...core.export import total_text
from ...core.library import Found, Library
from ...core.store.catalog import Unfinished
from ..messages import ProtocolChosen, ResumeChosen


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

    def compose(self) -> ComposeResult:
        yield Static(
            Content("facilitator · choose a protocol   ↑↓ move · Enter choose · q quit"),
            id="picker-title",
        )
        yield SearchInput(placeholder="Type to search protocols (name, summary, tags)", id="search")
        yield DataTable(id="protocols", cursor_type="row", zebra_stripes=True)
        yield Static(id="picker-problems")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Protocol", "Steps", "Time", "Summary")
        problems = self.library.problems
        note = self.query_one("#picker-problems", Static)
        lines = []
        if self.unfinished:
            lines.append(
                f"{len(self.unfinished)} unfinished session(s): choose one marked ↻ to carry on "
                "where it stopped (or run facilitator resume)."
            )
        if problems:
            lines.append(f"{len(problems)} protocol file(s) skipped: {problems[0]}")
        note.update(Content("\n".join(lines)))
        note.display = bool(lines)
        self.fill("")
        self.query_one(SearchInput).focus()

    def fill(self, query: str) -> None:
        """Show the protocols matching `query` (every word must match)."""
        words = query.casefold().split()
        table = self.query_one(DataTable)
        table.clear()
        self.shown = []
        for item in self.unfinished:
            record = item.record
            name = record.protocol.name
            label = " ".join(["↻ Resume", name, f"· {record.group}" if record.group else ""])
            if all(word in label.casefold() for word in words):
                self.shown.append(item)
                moves = [e.step for e in record.events if e.kind == "goto"]
                at = moves[-1] if moves else 1
                table.add_row(
                    Text(label.strip()),
                    Text(f"{at} of {len(record.steps)}"),
                    Text(""),
                    Text(f"started {record.started_at.strftime('%a %d %b %H:%M')}"),
                    key=f"resume:{item.path}",
                )
        for found in self.library.sorted():
            p = found.protocol
            haystack = " ".join([p.id, p.name, p.summary, *p.tags]).casefold()
            if all(word in haystack for word in words):
                self.shown.append(found)
                table.add_row(
                    Text(p.name),
                    Text(str(len(p.steps))),
                    Text(total_text(p)),
                    Text(p.summary),
                    key=p.id,
                )
        if not self.shown:
            table.add_row(Text("No protocol matches"), Text(""), Text(""), Text("Escape shows them all"))

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
