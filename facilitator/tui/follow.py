"""The follow view: a read-only, projector-style view of a live session, for a second screen.

It never shows notes or facilitator notes and never writes anything.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Static

from ..core.clock import Clock, SystemClock
from ..core.status import mood, status_line, turn_text
from ..core.store.watch import Finder, Follower
from ..core.words import clock_face
from . import settings
from .step_text import TextSlots, show_step
from .widgets.agenda import Agenda
from .widgets.big_clock import BigClock
from .widgets.plain_line import PlainLine

POLL_S = 0.5
NARROW = 80


class FollowScreen(Screen[None]):
    """Follows one session file, or waits for the newest unfinished one in a folder."""

    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("q", "app.quit", "Quit", id="quit", tooltip="Stop following"),
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
        with Horizontal(id="heading"):
            yield Static(id="step-title")
            yield Static(id="step-number")
        with Horizontal(id="status-row"):  # as on the run screen: the 1 Hz repaint stays small
            yield PlainLine(id="status")
        yield Static(id="waiting")
        with Horizontal(id="body"):
            with Vertical(id="main"):
                yield BigClock(id="clock")
                yield Static(id="turn")
                yield Static(id="who")
                yield Static(id="prompts")
                yield Static(id="next")
            with Vertical(id="side"):
                yield Agenda(id="agenda")
        yield Static(id="follow-line")

    def on_mount(self) -> None:
        self.set_interval(POLL_S, self.poll)
        self.poll()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

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
        self.query_one("#body").display = False
        for selector in ("#step-title", "#step-number", "#status"):
            self._texts.set(selector, "")
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
        self.query_one("#body").display = True
        step = protocol.steps[run.step]
        key = (id(view), run.step, run.turn)
        if key != self._step_key:
            self._step_key = key
            show_step(self._texts, run, step)
        self.query_one(BigClock).text = clock_face(run.left_ms())
        status = "The meeting has finished." if view.finished else status_line(run)
        if self.follower.facilitator_gone():
            status += " · the facilitator's app has stopped; waiting for it"
        self._texts.set("#status", status)
        self._texts.set("#turn", turn_text(run))
        m = mood(run)
        self.set_class(m.over, "-over")
        self.set_class(m.warning and not m.over, "-warning")
        self.set_class(m.paused, "-paused")
        self.set_class(m.ready, "-ready")
        self.query_one(Agenda).show(run)
        where = f"Following {self.follower.path.name}"
        self._texts.set(
            "#follow-line",
            f"{where} · {view.group} · read-only · q quits"
            if view.group
            else f"{where} · read-only · q quits",
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
