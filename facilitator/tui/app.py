"""FacilitatorApp: the screens, where each leads, the theme and the command palette; and
`make_app`, which builds it from a typed `Start` for the command line and the tests alike."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ..core.clock import Clock, SystemClock
from ..core.library import Found, Library, find, find_one, load_library
from ..core.session import Details, FitError, Session, resume_session
from ..core.store.files import SessionFileError, session_path
from ..core.store.saver import SaveError, Saver, probe
from . import settings
from .messages import MeetingEnded, MeetingReady, ProtocolChosen, ResumeChosen, SetupCancelled
from .screens.run import RunScreen
from .start import Options, Outcome, Pick, Resume, Review, Start, StartError

if TYPE_CHECKING:
    from ..core.store.catalog import Unfinished

# The other screens are imported when first shown: start-up only pays for the one it opens.


class FacilitatorApp(App[Outcome]):
    """The full-screen app: picker → setup → run, or review. Returns what it saved."""

    CSS_PATH = "app.tcss"
    TITLE = "facilitator"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(
        self,
        library: Library | None,
        options: Options,
        clock: Clock | None = None,
        *,
        session: tuple[Session, Saver] | None = None,
        setup: tuple[Found, Details] | None = None,
        notice: str | None = None,
        unfinished: list[Unfinished] | None = None,
        review: Path | None = None,
        reviewing: bool = False,
    ) -> None:
        super().__init__()
        self._library = library
        self.options = options
        self.exit_deadline: float | None = None
        """Seconds a signal's exit may take before the process ends anyway (the command line
        sets it; tests, which run the app in their own process, leave it None)."""
        self.clock = clock or SystemClock()
        self._start_session = session
        self._start_setup = setup
        self._notice = notice
        self._unfinished = unfinished or []
        self._review = review
        self._reviewing = reviewing or review is not None

    def get_default_screen(self) -> Screen:
        # Opening straight on a run, the run screen is the first screen, so the first frame
        # Textual draws is the step (start-up time) rather than an empty screen, then the step.
        if self._start_session is not None:
            return self._run_screen(*self._start_session, first=True)
        return super().get_default_screen()

    def _run_screen(self, session: Session, saver: Saver, first: bool = False) -> RunScreen:
        return RunScreen(
            session,
            saver,
            bell=self.options.bell,
            size=self.size,
            first_screen=first,
            more_dirs=self.options.more_dirs,
        )

    @property
    def library(self) -> Library:
        """Every protocol found, read the first time the picker needs it (a meeting opened
        by name reads only its own protocol: start-up time)."""
        if self._library is None:
            self._library = load_library()
        return self._library

    def on_mount(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError, AttributeError):
                loop.add_signal_handler(sig, self.on_signal)
        chosen = self.options.theme or settings.load_theme() or settings.DARK
        self.theme = settings.ALIASES.get(chosen, chosen) if chosen else settings.DARK
        if self._reviewing:
            from .screens.review import ReviewScreen

            self.push_screen(ReviewScreen(self.options.folders))
            if self._review is not None:
                from .screens.session_view import SessionScreen

                self.push_screen(SessionScreen(self._review))
        elif self._start_session is not None:
            pass  # the run screen is the first screen: see get_default_screen
        elif self._start_setup is not None:
            self._set_up(*self._start_setup)
        else:
            self._pick()
        if self._notice:
            self.notify(self._notice, timeout=10, markup=False)

    def on_ready(self) -> None:
        # A meeting opened straight on the run screen completes itself (notes box, footer,
        # first save) once its first frame is on the terminal (start-up time).
        screen = self.screen
        if isinstance(screen, RunScreen):
            screen.first_frame_shown()

    # -- where each screen leads ----------------------------------------------------------------
    def _pick(self) -> None:
        from .screens.picker import PickerScreen

        self.push_screen(PickerScreen(self.library, self._unfinished))

    def _set_up(self, found: Found, details: Details) -> None:
        from .screens.setup import SetupScreen

        self.push_screen(SetupScreen(found, details, self.options.folders, self.clock))

    @on(ProtocolChosen)
    def protocol_chosen(self, message: ProtocolChosen) -> None:
        self._set_up(message.found, Details())

    @on(SetupCancelled)
    def setup_cancelled(self) -> None:
        if len(self.screen_stack) > 2:
            self.pop_screen()
        else:
            from .screens.picker import PickerScreen

            self.switch_screen(PickerScreen(self.library))

    @on(MeetingReady)
    def meeting_ready(self, message: MeetingReady) -> None:
        self.switch_screen(self._run_screen(message.session, message.saver))

    @on(ResumeChosen)
    def resume_chosen(self, message: ResumeChosen) -> None:
        """Carry on an unfinished session chosen in the picker or the review."""
        try:
            session, said = resume_session(message.path, self.clock)
        except SessionFileError as exc:
            self.notify(str(exc), severity="error", timeout=10, markup=False)
            return
        self.switch_screen(self._run_screen(session, Saver(message.path.parent, message.path)))
        self.notify(said, timeout=10, markup=False)

    @on(MeetingEnded)
    def meeting_ended(self, message: MeetingEnded) -> None:
        self.exit(message.outcome)

    # -- leaving ------------------------------------------------------------------------------
    def _leave(self) -> Outcome:
        """Save a meeting still running, and say where it is."""
        for screen in self.screen_stack:
            if isinstance(screen, RunScreen):
                return screen.leave()
        return Outcome()

    async def action_quit(self) -> None:
        self.exit(self._leave())

    def on_signal(self) -> None:
        """The terminal closed or the system asked us to stop: save, then leave cleanly. With
        the terminal gone, leaving can hang in Textual's writing to it; the meeting is saved by
        then, so after `exit_deadline` seconds the process ends anyway."""
        outcome = self._leave()
        if self.exit_deadline is not None:
            _arm_last_resort(self.exit_deadline)
        self.exit(outcome)

    def action_toggle_theme(self) -> None:
        """Switch between the light and the dark theme, and remember the choice."""
        self.theme = settings.LIGHT if self.current_theme.dark else settings.DARK
        settings.save_theme(self.theme)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        meeting = screen if isinstance(screen, RunScreen) and not screen.run.state.finished else None
        for command in super().get_system_commands(screen):
            if meeting is not None and command.title == "Quit":
                # In a meeting, quitting from the palette is finishing: it asks, like q.
                yield SystemCommand("Quit", "Finish and save? (asks first, like q)", meeting.action_finish)
            else:
                yield command
        yield SystemCommand("Light or dark theme", "Switch the theme (t)", self.action_toggle_theme)
        if isinstance(screen, RunScreen):
            yield from screen.commands()


def _arm_last_resort(seconds: float) -> None:
    threading.Thread(target=_end_after, args=(seconds,), daemon=True, name="last-resort").start()


def _end_after(seconds: float) -> None:
    """The process's last resort after a signal: end it, the meeting already saved."""
    time.sleep(seconds)  # real time on purpose: how long the process may outlive its terminal
    os._exit(0)


def _named_session(name: str | None, folders: list[Path]) -> Path:
    """The session to carry on: the one named, else the newest unfinished one."""
    if name:
        return session_path(name, folders)
    from ..core.store.catalog import resumable

    unfinished = resumable(folders)
    if not unfinished:
        where = " and ".join(str(f) for f in folders)
        raise StartError(f"no unfinished session in {where} (facilitator sessions lists them all)")
    return unfinished[0].path


def make_app(
    start: Start, options: Options, library: Library | None = None, clock: Clock | None = None
) -> FacilitatorApp:
    """The app for what was asked, shared by the command line and the tests. Raises StartError,
    SessionFileError, NotFoundError or ProtocolError with one line for the user."""
    clock = clock or SystemClock()
    folders = options.folders
    if isinstance(start, Review):
        opened = session_path(start.session, folders) if start.session else None
        return FacilitatorApp(library, options, clock, review=opened, reviewing=True)
    if isinstance(start, Resume):
        path = _named_session(start.session, folders)
        session, said = resume_session(path, clock)
        return FacilitatorApp(
            library, options, clock, session=(session, Saver(path.parent, path)), notice=said
        )
    if isinstance(start, Pick):
        from ..core.store.catalog import resumable

        return FacilitatorApp(library, options, clock, unfinished=resumable(folders))
    found = find_one(start.protocol) if library is None else find(start.protocol, library)
    people = start.people
    if people is not None and not 1 <= people <= 50:
        raise StartError("--people must be from 1 to 50")
    warn = start.warn_minutes
    if warn is not None:
        if not (0 <= warn <= 480):  # also refuses nan
            raise StartError("--warn must be from 0 (no warning) to 480 minutes")
        found = replace(found, protocol=found.protocol.with_warning(warn))
    if found.protocol.has_each_participant and not (start.details.participants or people):
        return FacilitatorApp(library, options, clock, setup=(found, start.details))
    try:
        session = Session.new(found.protocol, start.details, clock, people)
        saver = probe(options.sessions_dir)
    except (FitError, SaveError) as exc:
        raise StartError(str(exc)) from None
    return FacilitatorApp(library, options, clock, session=(session, saver))
