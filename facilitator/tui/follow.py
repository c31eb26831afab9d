"""The follow view: a read-only, projector-style view of a live session, for a second screen.

It never shows notes or facilitator notes and never writes anything.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from ..core.clock import Clock, SystemClock
from ..core.status import status_line
from ..core.store.watch import Finder, Follower
from . import settings
from .widgets.meeting_view import MeetingView
from .widgets.text_slots import TextSlots

POLL_S = 0.5
NARROW = 80
TALL = 40


class FollowScreen(Screen[None]):
    """Follows one session file, or waits for the newest unfinished one in a folder."""

    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("q", "app.quit", "Quit", id="quit", tooltip="Stop following"),
        Binding("f", "projector", "Wall", id="projector", tooltip="Projector view on/off"),
        Binding("t", "app.toggle_theme", "Theme", id="theme", tooltip="Light or dark theme"),
    ]

    def __init__(self, folder: Path, path: Path | None, clock: Clock) -> None:
        super().__init__()
        self.folder = folder
        self.named = path is not None
        self.clock = clock
        self.follower = Follower(path, clock) if path else None
        self.finder = Finder(folder)
        self._texts = TextSlots(self)
        self._step_key: object = None

    def compose(self) -> ComposeResult:
        yield MeetingView(classes="-room")  # the room's own screen: norms, when shown, fill it
        yield Static(id="waiting")
        yield Static(id="follow-line")

    def on_mount(self) -> None:
        self._view = self.query_one(MeetingView)
        self.set_interval(POLL_S, self.poll)
        self.poll()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")
        self.set_class(self.size.height >= TALL, "-tall")  # room for the speaker's name at scale 2

    def action_projector(self) -> None:
        """Step, prompts and time fill the screen (the agenda steps aside), or back."""
        self.toggle_class("-projector")

    def poll(self) -> None:
        """Look for changes (one stat call), then repaint what the time changed."""
        if self.follower is None or (not self.named and self.follower.view.finished):
            found = self.finder.poll()
            if found is not None and (self.follower is None or found != self.follower.path):
                self.follower = Follower(found, self.clock)
        if self.follower is None:
            self.show_waiting(f"Waiting for a meeting to start in {self.folder} …")
            return
        self.follower.poll()
        self.refresh_view()

    def show_waiting(self, text: str) -> None:
        self._texts.set("#waiting", text)
        self._view.clear()
        self._texts.set("#follow-line", "Read-only view · q quits")

    def refresh_view(self) -> None:
        """Paint the followed session; called after every poll."""
        assert self.follower is not None
        view = self.follower.view
        if view.run is None or view.protocol is None:
            self.show_waiting(view.problem or "Waiting for the session file …")
            return
        run, protocol = view.run, view.protocol
        self._texts.set("#waiting", "")
        self._view.reveal()
        key = (id(view), run.step, run.turn)
        if key != self._step_key:
            self._step_key = key  # a new view after every change to the file
            self._view.show_meeting(protocol, view.details)
            self._view.show_commitments(view.commitments)
            self._view.show_step(run, protocol.steps[run.step])
        status = "The meeting has finished." if view.finished else status_line(run, room=True)
        if self.follower.facilitator_gone():
            status += " · the facilitator's app has stopped; waiting for it"
        self._view.show_time(run, status)
        where = f"Following {self.follower.path.name}"
        self._texts.set(
            "#follow-line",
            f"{where} · {view.group} · read-only · f projector · q quits"
            if view.group
            else f"{where} · read-only · f projector · q quits",
        )


class FollowApp(App[None]):
    """A second screen for the room: follows the facilitator's session, read-only."""

    CSS_PATH = "follow.tcss"
    TITLE = "facilitator follow"

    def __init__(
        self, folder: Path, path: Path | None = None, clock: Clock | None = None, theme: str | None = None
    ) -> None:
        super().__init__()
        self.folder = folder
        self.path = path
        self.clock = clock or SystemClock()
        self._theme_choice = theme

    def on_mount(self) -> None:
        chosen = self._theme_choice or settings.load_theme() or settings.DARK
        self.theme = settings.ALIASES.get(chosen, chosen)
        self.push_screen(FollowScreen(self.folder, self.path, self.clock))

    def action_toggle_theme(self) -> None:
        """Light or dark, for this screen only (the choice is not saved from here)."""
        self.theme = settings.LIGHT if self.current_theme.dark else settings.DARK
