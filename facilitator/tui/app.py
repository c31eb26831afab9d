"""FacilitatorApp: the screens, the theme, and the command palette's actions."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ..core.clock import Clock, SystemClock
from ..core.library import Found, Library
from ..core.session import Details, Saver, Session
from . import settings
from .screens.run import RunScreen

if TYPE_CHECKING:
    from ..core.export import Listed

# The other screens are imported when first shown: start-up only pays for the one it opens.


class FacilitatorApp(App[Path | None]):
    """The full-screen app: picker → setup → run. Exits with the saved session's path."""

    CSS_PATH = "app.tcss"
    TITLE = "facilitator"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(
        self,
        library: Library,
        sessions_dir: Path,
        clock: Clock | None = None,
        *,
        session: tuple[Session, Saver] | None = None,
        setup: tuple[Found, Details] | None = None,
        theme: str | None = None,
        bell: bool = True,
        notice: str | None = None,
        unfinished: list[Listed] | None = None,
        review: tuple[Path, Path | None] | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.sessions_dir = sessions_dir
        self.clock = clock or SystemClock()
        self.ring_bell = bell
        self._start_session = session
        self._start_setup = setup
        self._theme_choice = theme
        self.saved_path: Path | None = None
        self.rescued = False
        self.last_session: Session | None = None
        self.notice = notice
        self.unfinished = unfinished or []
        self._start_review = review
        self._shown = False
        self._after_shown: list[Callable[[], object]] = []

    def after_first_frame(self, callback: Callable[[], object]) -> None:
        """Call `callback` once the app's first frame is on the terminal, or after the next
        refresh if it is already (the run screen's first save waits for this: start-up)."""
        if self._shown:
            self.call_after_refresh(callback)
        else:
            self._after_shown.append(callback)

    def on_ready(self) -> None:
        self._shown = True
        waiting, self._after_shown = self._after_shown, []
        for callback in waiting:
            self.call_after_refresh(callback)

    def get_default_screen(self) -> Screen:
        # Opening straight on a run, the run screen is the first screen, so the first frame
        # Textual draws is the step (start-up time) rather than an empty screen, then the step.
        if self._start_session is not None:
            return RunScreen(*self._start_session, size=self.size)
        return super().get_default_screen()

    def on_mount(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError, AttributeError):
                loop.add_signal_handler(sig, self.on_signal)
        chosen = self._theme_choice or settings.load_theme() or settings.DARK
        self.theme = settings.ALIASES.get(chosen, chosen) if chosen else settings.DARK
        if self._start_review is not None:
            folder, opened = self._start_review
            from .screens.review import ReviewScreen

            self.push_screen(ReviewScreen(folder))
            if opened is not None:
                from .screens.session_view import SessionScreen

                self.push_screen(SessionScreen(opened))
        elif self._start_session is not None:
            pass  # the run screen is the first screen: see get_default_screen
        elif self._start_setup is not None:
            from .screens.setup import SetupScreen

            self.push_screen(SetupScreen(*self._start_setup))
        else:
            from .screens.picker import PickerScreen

            self.push_screen(PickerScreen(self.library, self.unfinished))
        if self.notice:
            self.notify(self.notice, timeout=10, markup=False)

    def on_signal(self) -> None:
        """The terminal closed or the system asked us to stop: save, then leave cleanly."""
        for screen in self.screen_stack:
            if isinstance(screen, RunScreen):
                screen.save_now()
        self.exit()

    def resume(self, path: Path) -> None:
        """Carry on an unfinished session chosen in the picker."""
        from ..core.resume import resume_session
        from ..core.session_files import SessionFileError

        try:
            session, message = resume_session(path, self.clock)
        except SessionFileError as exc:
            self.notify(str(exc), severity="error", timeout=10, markup=False)
            return
        self.switch_screen(RunScreen(session, Saver(path.parent, path), size=self.size))
        self.notify(message, timeout=10, markup=False)

    def action_toggle_theme(self) -> None:
        """Switch between the light and the dark theme, and remember the choice."""
        self.theme = settings.LIGHT if self.current_theme.dark else settings.DARK
        settings.save_theme(self.theme)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Light or dark theme", "Switch the theme (t)", self.action_toggle_theme)
        if isinstance(screen, RunScreen):
            yield from screen.commands()
