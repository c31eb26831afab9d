"""The run screen: the step, its prompts and the time, driven from the keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, cast

from textual import events
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

from ...core.run import COMMITMENTS, NORMS
from ...core.session import Session
from ...core.status import mood
from ...core.store.heartbeat import Heartbeat
from ...core.store.saver import Saver
from ...core.words import duration_words, plural
from ..start import Outcome
from ..widgets.boxes import Column
from ..widgets.meeting_view import MeetingView, mood_classes
from .run_saving import SavingMixin

if TYPE_CHECKING:
    from pathlib import Path

    from textual.widgets import TextArea

    from ...core.commitments import Status

KEY_WORDS = {"right": "→", "left": "←", "equals_sign": "=", "plus": "+", "minus": "-"}
"""Keys as people write them, for the command palette."""

NARROW = 70
SLEPT_S = 60.0
"""A sleep this long or longer is said on the screen when the computer wakes."""
SHORT = 26
TALL = 40
RETRY_S = 3.0


def size_classes(size: Size) -> set[str]:
    """`-narrow` (no agenda beside the step), `-short` (no notes box unless writing), `-tall`
    (the rows to spare go to the speaker's name, the prompts and the notes box)."""
    wanted = {"-narrow"} if size.width < NARROW else set()
    if size.height < SHORT:
        wanted.add("-short")
    elif size.height >= TALL:
        wanted.add("-tall")
    return wanted


class RunScreen(SavingMixin, Screen[None]):
    """One protocol running: step, time, prompts, agenda, notes. Saves after every action."""

    AUTO_FOCUS = ""
    BLANK = True  # the screen draws only its background: Textual then draws it cheaply (1 Hz)
    # The footer shows the keys in this order, as many as fit: the ones a facilitator needs
    # most come first, with q and ? among them, so they are there at 80 columns too.
    BINDINGS = [
        Binding(
            "space",
            "start_pause",
            "Timer",
            id="start-pause",
            key_display="space",
            tooltip="Start, pause or resume the timer",
        ),
        Binding("n,right", "next", "Next", id="next", tooltip="Next step (next turn in turns)"),
        Binding("p,left", "previous", "Prev", id="previous", tooltip="Previous step (or turn)"),
        Binding("q", "finish", "Finish", id="finish", tooltip="Finish and save (asks)"),
        Binding("question_mark", "help", "Help", id="help", key_display="?", tooltip="Help: every key"),
        Binding(
            "plus,equals_sign", "more", "+1 min", id="more", key_display="+", tooltip="One more minute here"
        ),
        Binding(
            "minus",
            "less",
            "-1 min",
            id="less",
            key_display="-",
            tooltip="One minute less (30 s always stay to run)",
        ),
        Binding(
            "a", "adapt", "Adapt", id="adapt", tooltip="Adapt: refit the remaining steps to the planned end"
        ),
        Binding("e", "notes", "Notes", id="notes", tooltip="Notes: write notes for this step"),
        Binding("f", "projector", "Wall", id="projector", tooltip="Projector view on/off"),
        Binding(
            "N",
            "norms",
            "Norms",
            id="norms",
            key_display="N",
            tooltip="Norms: show them to the room, or hide them",
        ),
        Binding(
            "c", "commitment", "Commit", id="commitment", tooltip="Commitment: who will do what, by when"
        ),
        Binding(
            "C",
            "check_in",
            "Check in",
            id="check-in",
            tooltip="Check in on earlier commitments",
            key_display="C",
        ),
        Binding(
            "s",
            "show_commitments",
            "Show",
            id="show-commitments",
            tooltip="Show this meeting's commitments to the room, or hide them",
        ),
        Binding("v", "rate", "Rate", id="rate", tooltip="Ratings: the team's rating of this step's items"),
        Binding("r", "restart", "Restart", id="restart", tooltip="Restart this step's time (asks)"),
        Binding("t", "app.toggle_theme", "Theme", id="theme", tooltip="Light or dark theme"),
        Binding("escape", "leave_notes", "Leave notes", show=False, id="leave-notes"),
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
        more_dirs: tuple[Path, ...] = (),
    ) -> None:
        # The classes that depend on size and time are set now, not after mounting: each
        # class change after mounting restyles the whole screen, and start-up pays for it.
        super().__init__(classes=" ".join(sorted(size_classes(size))) if size is not None else None)
        self.session = session
        self.run = session.run
        self.saver = saver
        self.more_dirs = more_dirs
        """More folders the group's earlier meetings are read from (the check-in)."""
        self._seq = 0
        self._rung: set[tuple[int, int]] = set()
        self._warned_units: set[tuple[int, int]] = set()
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
        # Its classes are right from the start: a class changed after mounting restyles it all.
        classes = mood_classes(mood(self.run))
        shown = self.run.showing(bool(self.session.protocol.norms))
        if shown in (NORMS, COMMITMENTS):
            classes.add(f"-{shown}")
        yield MeetingView(private=True, classes=" ".join(sorted(classes)))
        with Column(id="bottom"):  # one box, so the 1 Hz repaint above does not render its parts
            with Vertical(id="notes-box"):
                yield Static(Content("Notes for this step (e to write, Escape to leave)"), id="notes-label")
            yield Static(id="save-warning", classes="-empty")
        # The notes box's text area and the footer come in the frame after the first
        # (`first_frame_shown`): the room sees the step sooner (start-up time).

    def on_mount(self) -> None:
        self._view = self.query_one(MeetingView)
        self._view.show_meeting(self.session.protocol, self.session.details)
        if self.session.commitments or self._view.has_class("-commitments"):
            self._view.show_commitments(self.session.commitments)
        self.set_interval(1.0, self.second_passed)
        self.refresh_step()
        if not self._first_screen:  # opened from setup or the picker: the app is on screen
            self.call_after_refresh(self.first_frame_shown)

    def first_frame_shown(self) -> None:
        """The step is on the terminal: add the notes box's text area and the footer, and save
        (the first save of a new meeting makes its file). The app calls this on its Ready event when the run
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
        # The first save creates the file, once the step shows; a resumed meeting is saved at
        # once too, so the live views show it paused straight away.
        self.call_after_refresh(self.save)
        self.call_after_refresh(self.sweep)  # what interrupted saves left in the folder goes

    def on_resize(self) -> None:
        wanted = size_classes(self.size)
        for name in ("-narrow", "-short", "-tall"):
            self.set_class(name in wanted, name)

    # -- painting --------------------------------------------------------------------------
    def refresh_step(self) -> None:
        """Repaint what belongs to the step: called after moving to another step or turn."""
        self._view.show_step(self.run, self.session.protocol.steps[self.run.step])
        self._load_notes()
        self.refresh_clock()

    def second_passed(self) -> None:
        """The 1 Hz interval: say so when the computer slept (the meeting's time went on
        meanwhile: the room did not stop), then repaint."""
        if self.session.lock is not None:
            self.session.lock.refresh()  # still here: another app will not take the meeting
        slept = self.run.clock.slept()
        if slept >= SLEPT_S:
            went_on = "the meeting's time went on" if self.run.running else "the timer was paused"
            self.notify(
                f"This computer was asleep for {duration_words(slept)}; {went_on}.",
                title="Welcome back",
                timeout=10,
            )
        self.refresh_clock()

    def refresh_clock(self) -> None:
        """Repaint what the passing time changes; the 1 Hz interval and every action call it."""
        run = self.run
        m = self._view.show_time(run)
        self._maybe_ring(m.over, m.warning)
        if run.running and self.heartbeat is not None:
            self.heartbeat.beat(run.now_ms())
        if self.save_failing and run.clock.monotonic() - self._last_save >= RETRY_S:
            self.save()

    def _maybe_ring(self, over: bool, warning: bool) -> None:
        """One bell when the warning comes and one when the time runs out, once each per step
        (or turn), and only while the timer runs."""
        key = (self.run.step, self.run.turn)
        if not self.run.running:
            return
        for now, rung in ((over, self._rung), (warning, self._warned_units)):
            if now and key not in rung:
                rung.add(key)
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

    def why_not(self, action: str, parameters: tuple[object, ...] = ()) -> str | None:
        """Why an action can do nothing now, in a few words; None when it can."""
        run = self.run
        what = "turn" if run.shapes[run.step].turn_names is not None else "step"
        if action == "next" and run.at_end():
            return "This is the last step: press q to finish the meeting."
        if action == "previous" and run.at_start():
            return "This is the first step: there is none before it."
        if action == "less" and not run.can_shorten():
            if run.over():
                return f"This {what} is over its time: there is no minute left to take off."
            return f"Cannot take a minute off: 30 s of this {what} always stay to run."
        if action == "more" and not run.can_extend():
            return "A step can be at most 480 minutes long."
        if action == "adapt":
            if not run.state.started:
                return "Start the meeting first: adapt fits the rest to its planned end."
            if run.step + 1 >= len(run.shapes):
                return "This is the last step: there is nothing after it to adapt."
        if action == "restart" and run.unit_ran_ms(run.step, run.turn) == 0:
            return f"Nothing to restart: no time has run on this {what} yet."
        if action == "goto" and parameters:
            count = len(run.shapes)
            if int(str(parameters[0])) > count:
                return f"There is no step {parameters[0]}: this protocol has {plural(count, 'step')}."
        if action == "rate" and not self.session.protocol.steps[run.step].ratings:
            return "This step has nothing to rate (a protocol names the items with `ratings`)."
        if action == "norms" and not self.session.protocol.norms:
            return "This protocol has no norms to show."
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # None greys the key out in the footer; pressing it says why (`on_key`). Once the
        # meeting has finished, only help, the projector view and finishing are left.
        if self.run.state.finished and action not in ("help", "projector", "finish"):
            return None
        return None if self.why_not(action, parameters) else True

    def on_key(self, event: events.Key) -> None:
        """A key that can do nothing now says why, briefly (its binding does not run)."""
        if self.has_class("-editing") or self.run.state.finished:
            return
        found = KEY_ACTIONS.get(event.key)
        if found is not None:
            why = self.why_not(*found)
            if why:
                self.notify(why, timeout=4, markup=False)

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

    def action_norms(self) -> None:
        """Show the protocol's norms to the room, or take them away."""
        run = self.run
        showing = run.showing(bool(self.session.protocol.norms)) == NORMS
        self._after(run.show("" if showing else NORMS))

    def action_show_commitments(self) -> None:
        """Show the meeting's commitments to the room (they fill the wall), or take them away."""
        run = self.run
        showing = run.showing(bool(self.session.protocol.norms)) == COMMITMENTS
        self._after(run.show("" if showing else COMMITMENTS))

    def action_commitment(self) -> None:
        """The form for a commitment; it is saved at once."""
        if self.has_class("-projector"):
            self.notify("Commitments are written off the wall: press f to leave the projector view first.")
            return
        from .commitment import CommitmentScreen, Typed

        def made(typed: Typed | None) -> None:
            if typed is None:
                return
            try:
                made = self.session.commit(*typed)
            except ValueError as exc:
                self.notify(str(exc), severity="warning", markup=False)
                return
            self.save()
            self._view.show_commitments(self.session.commitments)
            self.notify(f"Commitment kept: {made.line()}", title="Commitment", markup=False)

        step = self.session.protocol.steps[self.run.step]
        self.app.push_screen(CommitmentScreen(step.title, self.session.details.participants), made)

    def action_check_in(self) -> None:
        """The group's open commitments from earlier meetings: done, carried on or dropped."""
        if self.has_class("-projector"):
            self.notify("The check-in is done off the wall: press f to leave the projector view first.")
            return
        from ...core.commitments import fold
        from ...core.store.catalog import meetings
        from .checkin import CheckInScreen

        group = self.session.details.group.strip().casefold()
        mine = self.session.path.name if self.session.path else ""
        found, _ = meetings([self.saver.folder, *self.more_dirs])
        reviewed = {r.id: r.status for r in self.session.reviews}
        earlier = [
            s
            for s in fold([m for m in found if m.name != mine])
            if s.group.strip().casefold() == group and (s.is_open or s.commitment.id in reviewed)
        ]
        if not earlier:
            whose = f"{self.session.details.group}'s" if group else "this group's (no group was named)"
            self.notify(f"No open commitments from {whose} earlier meetings.", markup=False)
            return

        def mark(commitment_id: str, status: Status, note: str) -> None:
            self.session.review(commitment_id, status, note)
            self.save()

        self.app.push_screen(CheckInScreen(earlier, reviewed, mark))

    def action_rate(self) -> None:
        """The form for the team's ratings of this step's items; saved at once."""
        if self.has_class("-projector"):
            self.notify("Ratings are typed off the wall: press f to leave the projector view first.")
            return
        from .rating import RatingScreen, Typed

        index = self.run.step
        step = self.session.protocol.steps[index]

        def rated(values: Typed | None) -> None:
            if values is None:
                return
            try:
                self.session.rate(index, values)
            except ValueError as exc:
                self.notify(str(exc), severity="warning", markup=False)
                return
            self.save()
            count = len(self.session.ratings.get(index, {}))
            self.notify(f"Ratings kept: {count} of {len(step.ratings)}", title="Ratings")

        given = self.session.ratings.get(index, {})
        self.app.push_screen(RatingScreen(step.title, step.ratings, step.rating_scale, given), rated)

    def action_restart(self) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self._rung.discard((self.run.step, self.run.turn))
                self._warned_units.discard((self.run.step, self.run.turn))
                self._after(self.run.restart())

        from .dialogs import ConfirmScreen

        what = "turn" if self.run.shapes[self.run.step].turn_names is not None else "step"
        self.app.push_screen(
            ConfirmScreen(f"Restart this {what}'s time?", "The time already run here is lost."),
            answer,
        )

    def action_adapt(self) -> None:
        """Show what adapting would change and apply it only on yes; or say why nothing would."""
        proposal = self.run.adapt_plan()
        if proposal.plan_ms is None:
            self.notify(proposal.headline, title="Adapt", timeout=10, markup=False)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                event, message = self.run.adapt(proposal)
                self.notify(message, title="Adapt", timeout=10, markup=False)
                self._after(event, step_changed=True)

        from .dialogs import ConfirmScreen

        self.app.push_screen(
            ConfirmScreen("Adapt the rest of the plan?", proposal.headline, proposal.lines), answer
        )

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
        self._view.set_room(self.has_class("-projector"))
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
        """Every run action for the command palette, found by its words ("adapt", "finish",
        "go to step 3"), with its key as people write it."""
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding) or not binding.show:
                continue
            action = binding.action
            if action.startswith("app."):
                continue
            keys = [binding.key_display or KEY_WORDS.get(key, key) for key in binding.key.split(",")][:1]
            keys += [KEY_WORDS.get(key, key) for key in binding.key.split(",")[1:]]
            yield SystemCommand(
                binding.tooltip or binding.description,
                f"Key: {' or '.join(keys)}",
                lambda a=action: self._from_palette(a),
            )
        for number, step in enumerate(self.session.protocol.steps, start=1):
            key = f"Key: {number}" if number <= 9 else "No key: from the palette only"
            yield SystemCommand(
                f"Go to step {number}: {step.title}",
                key,
                lambda n=number: self._from_palette(f"goto({n})"),
            )

    def _from_palette(self, action: str) -> None:
        """Run an action chosen in the palette, or say why it can do nothing now."""
        name, _, rest = action.partition("(")
        why = self.why_not(name, (int(rest.rstrip(")")),) if rest else ())
        if why:
            self.notify(why, timeout=4, markup=False)
        else:
            self.call_later(self.run_action, action)


def _key_actions() -> dict[str, tuple[str, tuple[object, ...]]]:
    """Each run screen key and the action it names, with its parameters."""
    found: dict[str, tuple[str, tuple[object, ...]]] = {}
    for binding in RunScreen.BINDINGS:
        assert isinstance(binding, Binding)
        name, _, rest = binding.action.partition("(")
        params: tuple[object, ...] = (int(rest.rstrip(")")),) if rest else ()
        for key in binding.key.split(","):
            found[key] = (name, params)
    return found


KEY_ACTIONS = _key_actions()
