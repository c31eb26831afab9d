"""Across sessions: for each protocol, how many sessions, how long, and which steps run over."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from ...core.stats import ProtocolStat, counts_text, length_text, overrun_bar, protocol_stats, step_line
from ...core.store.catalog import Summary, gather
from ...core.words import plural

BAR = 12
TITLE = 28


def protocol_block(stat: ProtocolStat) -> Vertical:
    """One protocol: a heading, its typical length, and a bar per step of how often it ran over."""
    head = f"{stat.name} ({stat.protocol_id}) · {counts_text(stat)}"
    parts: list[Widget] = [Static(Content(head), classes="stats-protocol")]
    if not stat.sessions:
        parts.append(Static(Content("No completed sessions yet.")))
        return Vertical(*parts, classes="protocol-stats")
    parts += [
        Static(Content(length_text(stat))),
        Static(Content("How often each step ran over (█ = share of sessions):")),
    ]
    cells: list[Widget] = []
    for step in stat.steps:
        title = step.title if len(step.title) <= TITLE else step.title[: TITLE - 1] + "…"
        bar = overrun_bar(step, BAR)
        filled = len(bar) - len(bar.lstrip("█"))
        cells += [
            Static(Content(title), classes="stats-step"),
            Static(
                Content.assemble((bar[:filled], "$warning"), (bar[filled:], "$text-muted")),
                classes="stats-bar",
            ),
            Static(Content(step_line(step)), classes="stats-words" + (" -over" if step.overruns else "")),
        ]
    parts.append(Grid(*cells, classes="stats-steps"))
    return Vertical(*parts, classes="protocol-stats")


class StatsScreen(Screen[None]):
    """Statistics of every saved session, per protocol."""

    CSS_PATH = "review.tcss"
    SCOPED_CSS = False  # the rules name screens and ids, like the app's own stylesheet

    BINDINGS = [Binding("escape", "back", "Back", id="back", tooltip="Back to the list of sessions")]

    def __init__(self, folders: Path | list[Path]) -> None:
        super().__init__()
        self.folders = [folders] if isinstance(folders, Path) else list(folders)
        self.stats: list[ProtocolStat] | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            Content("Across sessions · how long each protocol takes, what runs over"), id="stats-title"
        )
        with VerticalScroll(id="stats-body"):
            yield Static(Content("Reading every session…"), id="stats-loading")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="stats")
    def load(self) -> None:
        """Read every session file in full, off the UI thread."""
        try:
            summaries = [s for _, s in gather(self.folders, full=True)]
        except OSError:
            summaries = []
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, summaries)

    def show(self, summaries: list[Summary]) -> None:
        """Show the statistics, once read (unless the screen was closed meanwhile)."""
        if not self.is_attached:
            return
        self.stats = protocol_stats(summaries)
        body = self.query_one("#stats-body", VerticalScroll)
        loading = self.query_one("#stats-loading", Static)
        if not self.stats:
            loading.update(Content("No saved sessions to learn from yet."))
            return
        loading.remove()
        unreadable = sum(not s.readable for s in summaries)
        if unreadable:
            body.mount(
                Static(Content(f"{plural(unreadable, 'unreadable file')} left out."), classes="stats-note")
            )
        body.mount_all(protocol_block(p) for p in self.stats)

    def action_back(self) -> None:
        self.app.pop_screen()
