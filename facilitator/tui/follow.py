"""The follow view: a read-only, projector-style view of a live meeting, for a second screen.

It never shows notes or facilitator notes and never writes anything. Which meeting it shows,
and how it keeps up with it, is core/store/watch.py's `Watch`.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from ..core.clock import Clock, SystemClock
from ..core.status import status_line
from ..core.store.watch import Follower, Watch
from . import settings
from .widgets.meeting_view import MeetingView
from .widgets.text_slots import TextSlots

POLL_S = 0.5
NARROW = 80
TALL = 40


class FollowScreen(Screen[None]):
    """Follows the meeting named, or the newest in a folder and then each one that starts."""

    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("q", "app.quit", "Quit", id="quit", tooltip="Stop following"),
        Binding("f", "projector", "Wall", id="projector", tooltip="Projector view on/off"),
        Binding("t", "app.toggle_theme", "Theme", id="theme", tooltip="Light or dark theme"),
    ]

    def __init__(self, folder: Path, path: Path | None, clock: Clock) -> None:
        super().__init__()
        self.folder = folder
        self.clock = clock
        self.live = Watch(folder, path, clock)
        self._texts = TextSlots(self)
        self._step_key: object = None

    @property
    def follower(self) -> Follower | None:
        """The meeting's file being followed, once there is one."""
        return self.live.follower

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
        """Look for changes (a stat call or two), then repaint what the time changed."""
        self.live.poll()
        self.refresh_view()

    def show_waiting(self, text: str, line: str = "Read-only view · q quits") -> None:
        self._texts.set("#waiting", text)
        self._view.clear()
        self._step_key = None
        self._texts.set("#follow-line", line)

    def refresh_view(self) -> None:
        """Paint the followed meeting; called after every poll."""
        view = self.live.view
        if self.follower is None:
            self.show_waiting(f"Waiting for a meeting to start in {self.folder} …")
            return
        where = f"Following {view.name}" + (f" · {view.group}" if view.group else "")
        if view.run is None or view.protocol is None:
            self.show_waiting(view.problem or "Waiting for the session file …", f"{where} · q quits")
            return
        if view.finished:
            after = "" if self.live.named else "\n\nWaiting for the next meeting to start …"
            self.show_waiting(f"{view.finished_words()}.{after}", f"{where} · read-only · q quits")
            return
        run, protocol = view.run, view.protocol
        self._texts.set("#waiting", "")
        self._view.reveal()
        key = (id(run), run.step, run.turn)
        if key != self._step_key:
            self._step_key = key  # a new run after every change to the file
            self._view.show_meeting(protocol, view.details)
            self._view.show_commitments(view.commitments)
            self._view.show_step(run, protocol.steps[run.step])
        status = f"STOPPED · {view.stopped_words()}" if view.stopped else status_line(run, room=True)
        self._view.show_time(run, status)
        trouble = f" · {view.problem}" if view.problem else ""
        self._texts.set("#follow-line", f"{where}{trouble} · read-only · f projector · q quits")


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
