"""A team over time, from the review browser: the group's meetings, who presented and
facilitated, its commitments and its ratings, as `facilitator team GROUP` prints them; or
every group, when the highlighted session names none."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from ...core.store.catalog import meetings
from ...core.team import groups, groups_text, history, history_text


def team_text(folders: list[Path], group: str) -> str:
    """What the screen shows: the group's history, or every group."""
    found, problems = meetings(folders)
    left_out = f"\n{len(problems)} unreadable file(s) left out.\n" if problems else ""
    if group.strip():
        told = history(found, group)
        if told.meetings:
            return history_text(told) + left_out
    every = groups(found)
    if not every:
        return "No groups yet: a group is named at setup, or with run --group.\n" + left_out
    return (
        "Every group (highlight a session of one and press g for its history):\n\n"
        + groups_text(every)
        + left_out
    )


class TeamScreen(Screen[None]):
    """One group's history over time, or every group."""

    CSS_PATH = "review.tcss"
    SCOPED_CSS = False  # the rules name screens and ids, like the app's own stylesheet

    BINDINGS = [Binding("escape", "back", "Back", id="back", tooltip="Back to the list of sessions")]

    def __init__(self, folders: list[Path], group: str) -> None:
        super().__init__()
        self.folders = folders
        self.group = " ".join(group.split())

    def compose(self) -> ComposeResult:
        title = f"Team over time · {self.group}" if self.group else "Team over time · every group"
        yield Static(Content(title), id="team-title")
        with VerticalScroll(id="team-body"):
            yield Static(Content("Reading the sessions…"), id="team-text")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="team")
    def load(self) -> None:
        """Read the sessions' heads (and the index), off the UI thread."""
        try:
            text = team_text(self.folders, self.group)
        except OSError as exc:
            text = f"The sessions cannot be read: {exc.strerror}"
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, text)

    def show(self, text: str) -> None:
        if self.is_attached:
            self.query_one("#team-text", Static).update(Content(text))

    def action_back(self) -> None:
        self.app.pop_screen()
