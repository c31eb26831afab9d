"""The run screen: the step, its prompts and the time, driven from the keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

from ...core.session import Session
from ...core.status import mood
from ...core.store.heartbeat import Heartbeat
from ...core.store.saver import Saver
from ..start import Outcome
from ..widgets.boxes import Column
from ..widgets.meeting_view import MeetingView, mood_classes
from .run_saving import SavingMixin

if TYPE_CHECKING:
    from textual.widgets import TextArea

NARROW = 70
SHORT = 26
RETRY_S = 3.0


def size_classes(size: Size) -> set[str]:
    return ({"-narrow"} if size.width < NARROW else set()) | ({"-short"} if size.height < SHORT else set())


class RunScreen(SavingMixin, Screen[None]):
    """One protocol running: step, time, prompts, agenda, notes. Saves after every action."""

    AUTO_FOCUS = ""
    BLANK = True  # the screen draws only its background: Textual then draws it cheaply (1 Hz)
    BINDINGS = [
        Binding(
            "space",
            "start_pause",
            "Start/Pause",
            id="start-pause",
            tooltip="Start, pause or resume the timer",
        ),
        Binding("n,right", "next", "Next", id="next", tooltip="Next step (next turn in turns)"),
        Binding("p,left", "previous", "Prev", id="previous", tooltip="Previous step (or turn)"),
        Binding("plus,equals_sign", "more", "+1 min", id="more", tooltip="One more minute here"),
        Binding("minus", "less", "-1 min", id="less", tooltip="One minute less (not below time run)"),
        Binding("r", "restart", "Restart", id="restart", tooltip="Restart this step's time (asks)"),
        Binding("a", "adapt", "Adapt", id="adapt", tooltip="Refit the remaining steps to the planned end"),
        Binding("e", "notes", "Notes", id="notes", tooltip="Write notes for this step"),
        Binding("escape", "leave_notes", "Leave notes", show=False, id="leave-notes"),
        Binding("f", "projector", "Projector", id="projector", tooltip="Projector view on/off"),
        Binding("t", "app.toggle_theme", "Theme", id="theme", tooltip="Light or dark theme"),
        Binding("question_mark", "help", "Help", id="help", tooltip="Every key"),
        Binding("q", "finish", "Finish", id="finish", tooltip="Finish and save (asks)"),
        *(Binding(str(n), f"goto({n})", f"Step {n}", show=False, id=f"goto-{n}") for n in range(1, 10)),
    ]

    def __init__(
        self,
        session: Session,
        saver: Saver,
        *,
        bell: bool = True,
        size: Size | None = None,
        first_screen: bool = False,
    ) -> None:
        # The classes that depend on size and time are set now, not after mounting: each
        # class change after mounting restyles the whole screen, and start-up pays for it.
        super().__init__(classes=" ".join(sorted(size_classes(size))) if size is not None else None)
        self.session = session
        self.run = session.run
        self.saver = saver
        self._seq = 0
        self._rung: set[tuple[int, int]] = set()
        self._notes_step = -1
        self._notes_timer: object | None = None
        self.save_failing = False
        self._warned = False
        self._last_save = 0.0
        self.heartbeat: Heartbeat | None = Heartbeat(session.path) if session.path else None
        self.bell = bell
        self._ended: Outcome | None = None
        self._first_screen = first_screen
        self._complete = False

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield MeetingView(private=True, classes=" ".join(sorted(mood_classes(mood(self.run)))))
        with Column(id="bottom"):  # one box, so the 1 Hz repaint above does not render its parts
            with Vertical(id="notes-box"):
                yield Static(Content("Notes for this step (e to write, Escape to leave)"), id="notes-label")
            yield Static(id="save-warning")
        # The notes box's text area and the footer come in the frame after the first
        # (`first_frame_shown`): the room sees the step sooner (start-up time).

    def on_mount(self) -> None:
        self._view = self.query_one(MeetingView)
        self.query_one("#save-warning").add_class("-empty")
        self.set_interval(1.0, self.refresh_clock)
        self.refresh_step()
        if not self._first_screen:  # opened from setup or the picker: the app is on screen
            self.call_after_refresh(self.first_frame_shown)

    def first_frame_shown(self) -> None:
        """The step is on the terminal: add the notes box's text area and the footer, and make
        the session file (the first save). The app calls this on its Ready event when the run
        screen is its first screen."""
        if self._complete:
            return
        self._complete = True
        from textual.widgets import Footer, TextArea

        area = TextArea(
            self.session.notes.get(self.run.step, ""),
            id="notes-area",
            soft_wrap=True,
            show_line_numbers=False,
        )
        area.can_focus = False
        self._notes_step = self.run.step
        self.query_one("#notes-box").mount(area)
        self.query_one("#bottom").mount(Footer())
        self.call_after_refresh(self.refresh_bindings)  # the footer shows the keys when told
        if self.session.path is None:
            self.call_after_refresh(self.save)  # the first save creates the file, once the step shows

    def on_resize(self) -> None:
        wanted = size_classes(self.size)
        for name in ("-narrow", "-short"):
            self.set_class(name in wanted, name)

    # -- painting --------------------------------------------------------------------------
    def refresh_step(self) -> None:
        """Repaint what belongs to the step: called after moving to another step or turn."""
        self._view.show_step(self.run, self.session.protocol.steps[self.run.step])
        self._load_notes()
        self.refresh_clock()

    def refresh_clock(self) -> None:
        """Repaint what the passing time changes; the 1 Hz interval and every action call it."""
        run = self.run
        m = self._view.show_time(run)
        self._maybe_ring(m.over)
        if run.running and self.heartbeat is not None:
            self.heartbeat.beat(run.now_ms())
        if self.save_failing and run.clock.monotonic() - self._last_save >= RETRY_S:
            self.save()

    def _maybe_ring(self, over: bool) -> None:
        key = (self.run.step, self.run.turn)
        if over and self.run.running and key not in self._rung:
            self._rung.add(key)
            if self.bell:
                self.app.bell()

    # -- notes -----------------------------------------------------------------------------
    def _notes_area(self) -> TextArea | None:
        """The notes box, once it is there (the frame after the first)."""
        found = self.query("#notes-area")
        return cast("TextArea", found.first()) if found else None

    def _load_notes(self) -> None:
        area = self._notes_area()
        if area is None or self._notes_step == self.run.step:
            return
        if self._notes_step >= 0:
            self.session.set_notes(self._notes_step, area.text)
        self._notes_step = self.run.step
        area.load_text(self.session.notes.get(self.run.step, ""))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """What is typed in the notes box is kept at once and saved within about a second."""
        if event.text_area.id != "notes-area" or self._notes_step < 0:
            return
        if event.text_area.text == self.session.notes.get(self._notes_step, ""):
            return
        self.session.set_notes(self._notes_step, event.text_area.text)
        if self._notes_timer is None:
            self._notes_timer = self.set_timer(1.0, self._save_notes)

    def _save_notes(self) -> None:
        self._notes_timer = None
        self.save()

    def _after(self, event: object, step_changed: bool = False) -> None:
        if event is None:
            return
        if step_changed:
            self.refresh_step()
        else:
            self.refresh_clock()
        self.refresh_bindings()
        self.save()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        run = self.run
        if run.state.finished and action not in ("help", "projector", "finish"):
            return None
        if action == "next":
            return None if run.at_end() else True
        if action == "previous":
            return None if run.at_start() else True
        if action == "less":
            return True if run.can_shorten() else None
        if action == "more":
            return True if run.can_extend() else None
        if action == "adapt":
            return True if run.state.started and run.step + 1 < len(run.shapes) else None
        if action == "restart":
            return True if run.unit_ran_ms(run.step, run.turn) > 0 else None
        if action == "goto":
            return True if parameters and int(parameters[0]) <= len(run.shapes) else None  # type: ignore[call-overload]
        return True

    def _flush_notes(self) -> None:
        """Take the notes from the box (the box may be gone already when the app closes)."""
        area = self._notes_area()
        if self._notes_step >= 0 and area is not None:
            self.session.set_notes(self._notes_step, area.text)

    def action_start_pause(self) -> None:
        self._after(self.run.toggle())

    def action_next(self) -> None:
        self._flush_notes()
        self._after(self.run.next(), step_changed=True)

    def action_previous(self) -> None:
        self._flush_notes()
        self._after(self.run.previous(), step_changed=True)

    def action_goto(self, number: int) -> None:
        self._flush_notes()
        self._after(self.run.goto(number - 1), step_changed=True)

    def action_more(self) -> None:
        self._after(self.run.extend(1))

    def action_less(self) -> None:
        self._after(self.run.extend(-1))

    def action_restart(self) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self._rung.discard((self.run.step, self.run.turn))
                self._after(self.run.restart())

        from .dialogs import ConfirmScreen

        what = "turn" if self.run.shapes[self.run.step].turn_names is not None else "step"
        self.app.push_screen(
            ConfirmScreen(f"Restart this {what}'s time?", "The time already run here is lost."),
            answer,
        )

    def action_adapt(self) -> None:
        event, message = self.run.adapt()
        self.notify(message, title="Adapt", timeout=10, markup=False)
        self._after(event, step_changed=True)

    def action_notes(self) -> None:
        if self.has_class("-projector"):
            self.notify("Notes are hidden in projector view: press f to leave it first.")
            return
        area = self._notes_area()
        if area is None:  # in the first instant after opening: the box is on its way
            return
        self.add_class("-editing")
        area.can_focus = True
        area.focus()

    def action_leave_notes(self) -> None:
        self._flush_notes()
        self.remove_class("-editing")
        area = self._notes_area()
        if area is not None:
            area.can_focus = False
        self.set_focus(None)
        self.save()

    def action_projector(self) -> None:
        self.toggle_class("-projector")
        if self.has_class("-projector"):
            self.action_leave_notes()

    def action_help(self) -> None:
        from .dialogs import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_finish(self) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self.finish()

        from .dialogs import ConfirmScreen

        self.app.push_screen(ConfirmScreen("Finish and save?", "The meeting ends here."), answer)

    def commands(self) -> Iterator[SystemCommand]:
        """Every run action for the command palette."""
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding) or not binding.show:
                continue
            action = binding.action
            if action.startswith("app."):
                continue
            yield SystemCommand(
                binding.tooltip or binding.description,
                f"Key: {binding.key.replace(',', ' or ')}",
                lambda a=action: self.run_action(a),
            )
