"""MeetingView: what the room sees of a meeting, shared by the run screen and the follow view.

The step's title and number, its reminder, the status line, the presenter and the focusing
question, the speaker in large type (in a step taken in turns), the time in block digits,
the step bar, who speaks, the prompts, what comes next, the agenda, and the norms or the
meeting's commitments when they are shown. Its classes say how the time stands (`-warning`,
`-over`, `-paused`, `-ready`; the words on the status line say it too), what is shown
(`-norms`, `-commitments`), and whether the view is the room's own (`-room`: the projector
and follow views, where what is shown fills the screen; on the facilitator's normal view it
sits above the agenda).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ...core.details import Details
from ...core.protocol import Protocol, Step
from ...core.run import COMMITMENTS, NORMS, Run
from ...core.status import (
    Mood,
    commitments_text,
    context_line,
    mood,
    next_text,
    norms_text,
    speaker,
    status_line,
    step_heading,
    who_text,
)
from ...core.words import clock_face
from .agenda import Agenda
from .big_clock import BigClock, BigName
from .boxes import Column, Row
from .plain_line import PlainLine
from .step_bar import StepBar
from .text_slots import TextSlots

if TYPE_CHECKING:
    from ...core.commitments import Commitment

MOOD_CLASSES = ("-over", "-warning", "-paused", "-ready")


def mood_classes(m: Mood) -> set[str]:
    """The classes for how the time stands (the words say it too)."""
    wanted = {"-over"} if m.over else {"-warning"} if m.warning else set()
    return wanted | ({"-paused"} if m.paused else set()) | ({"-ready"} if m.ready else set())


class MeetingView(Column):
    """The meeting as the room sees it; `private` adds the facilitator's notes beside the agenda."""

    SCOPED_CSS = False  # the rules name the view and its parts by id, below
    DEFAULT_CSS = """
    MeetingView {
        height: 1fr;
        #heading { height: auto; padding: 0 1; background: $primary; color: $text; }
        #step-title { width: 1fr; text-style: bold; }
        #step-number { width: auto; text-style: bold; }
        #reminder { height: auto; padding: 0 1; background: $primary-muted; color: $text; text-style: bold; }
        #status-row { height: auto; background: $boost; }
        #status { width: auto; max-width: 100%; height: auto; padding: 0 1; text-style: bold; }
        #context { height: auto; padding: 0 1; text-style: bold; }
        #norms-room, #commitments-room {
            display: none; height: 1fr; padding: 1 4; text-style: bold; content-align: center middle;
        }
        #body { height: 1fr; }
        #main { width: 2fr; padding: 0 1; }
        #side { width: 1fr; min-width: 30; max-width: 64; }
        #side-box { padding: 0 1; border-left: vkey $panel; }
        #norms-side, #commitments-side { display: none; height: auto; text-style: bold; margin-bottom: 1; }
        #commitments-count { height: auto; margin-top: 1; color: $text-muted; }
        #speaker-box { height: auto; }
        #speaker-name { height: 4; color: $text; }
        #speaker-detail { height: auto; text-style: bold; }
        #clock { height: 1fr; min-height: 5; max-height: 16; color: $text; }
        #bar { color: $primary; }
        #step-text, #bar-box, #step-words { height: auto; }
        #who { height: auto; color: $text-muted; }
        #prompts { height: auto; text-style: bold; padding-top: 1; }
        #next { height: auto; color: $text-muted; padding-top: 1; }
        #facilitator-notes { height: auto; color: $text-muted; text-style: italic; margin-top: 1; }
        .-empty { display: none; }
        &.-norms #norms-side { display: block; }
        &.-room.-norms #norms-side { display: none; }
        &.-room.-norms #norms-room { display: block; }
        &.-room.-norms #body { display: none; }
        &.-commitments #commitments-side { display: block; }
        &.-room.-commitments #commitments-side { display: none; }
        &.-room.-commitments #commitments-room { display: block; }
        &.-room.-commitments #body { display: none; }
        /* The words and the band's inverse carry the warning too: NO_COLOR and washed-out
           projectors keep it. */
        &.-warning #clock, &.-warning #bar { color: $text-warning; }
        &.-over #clock, &.-over #bar { color: $text-error; }
        &.-warning #status { color: $text-warning; text-style: bold reverse; }
        &.-over #status { color: $text-error; text-style: bold reverse; }
        &.-paused #clock, &.-ready #clock { color: $text-muted; }
    }
    """

    def __init__(self, *, private: bool = False, classes: str | None = None) -> None:
        super().__init__(id="meeting", classes=classes)
        self.private = private
        self._texts = TextSlots(self)
        self._norms = ""
        self._commitments = commitments_text([])
        self._made: dict[str, Static] = {}
        self._speaker: tuple[BigName, Column] | None = None

    def compose(self) -> ComposeResult:
        with Row(id="heading"):
            yield Static(id="step-title")
            yield Static(id="step-number")
        # (#reminder comes here, when a step has one)
        with Row(id="status-row"):  # the band; the text is only as wide as it needs
            yield PlainLine(id="status")  # so the 1 Hz repaint stays next to the clock
        # (#context, the presenter and the question, and #norms-room come here when needed:
        # what a meeting does not show is never made, which keeps start-up short)
        with Row(id="body"):
            with Column(id="main"):
                # (#speaker-box comes here, in a step taken in turns)
                yield BigClock(id="clock")
                # The rest in boxes of their own: Textual renders every child of a box that
                # holds a repainted widget, so the 1 Hz repaint of the clock and the status
                # line does not render these again.
                with Column(id="step-text"):
                    with Column(id="bar-box"):  # the bar moves every few seconds, the words not
                        yield StepBar(id="bar", percent=True)
                    with Column(id="step-words"):
                        yield Static(id="who")
                        yield Static(id="prompts")
                        yield Static(id="next")
            with Column(id="side"), Vertical(id="side-box"):
                # (#norms-side comes here, when the norms are first shown)
                yield Agenda(id="agenda")
                if self.private:
                    yield Static(id="facilitator-notes")

    def on_mount(self) -> None:
        self._clock = self.query_one("#clock", BigClock)
        self._bar = self.query_one(StepBar)
        self._agenda = self.query_one(Agenda)

    def _put(self, name: str, text: str) -> None:
        """Text in one of the parts made only once there is something to show in them."""
        widget = self._made.get(name)
        if widget is None:
            if not text:
                return
            widget = self._made[name] = Static(id=name)
            if name == "reminder":
                self.mount(widget, after=self.query_one("#heading"))
            elif name == "context":
                self.mount(widget, after=self.query_one("#status-row"))
            elif name in ("norms-room", "commitments-room"):
                self.mount(widget, before=self.query_one("#body"))
            elif name == "commitments-count":
                self.query_one("#side-box").mount(widget, after=self._agenda)
            else:  # norms-side, commitments-side
                self.query_one("#side-box").mount(widget, before=self._agenda)
            self._texts.bind(f"#{name}", widget)
        self._texts.set(f"#{name}", text)

    def _show_norms(self) -> None:
        """The norms (and the commitments, once shown) where this view shows them: over the
        body in the room's views, above the agenda on the facilitator's own (CSS shows each
        only with `-norms` or `-commitments`)."""
        where = "room" if self.has_class("-room") else "side"
        self._put(f"norms-{where}", self._norms)
        if self.has_class("-commitments") or f"commitments-{where}" in self._made:
            self._put(f"commitments-{where}", self._commitments)

    def set_room(self, room: bool) -> None:
        """The room's own view (projector) or the facilitator's."""
        self.set_class(room, "-room")
        self._show_norms()

    def show_meeting(self, protocol: Protocol, details: Details) -> None:
        """What holds for the whole meeting: who presents, the question, the norms."""
        self._put("context", context_line(details))
        self._norms = norms_text(protocol)
        self._show_norms()

    def show_commitments(self, made: Sequence[Commitment]) -> None:
        """The meeting's commitments: how many, under the agenda on the facilitator's view, and
        the list, which the room sees only while the facilitator shows it."""
        if self.private:
            count = len(made)
            self._put("commitments-count", f"Commitments: {count} (c adds one)" if count else "")
        self._commitments = commitments_text(made)
        self._show_norms()

    def _show_speaker(self, name: str | None) -> None:
        """The speaker's name in large type, or nothing outside a step taken in turns."""
        if self._speaker is None:
            if name is None:
                return
            big, detail = BigName(id="speaker-name"), Static(id="speaker-detail")
            box = Column(big, detail, id="speaker-box")
            self.query_one("#main").mount(box, before=self._clock)
            self._texts.bind("#speaker-detail", detail)
            self._speaker = (big, box)
        big, box = self._speaker
        box.set_class(name is None, "-empty")
        big.text = name or ""

    def show_step(self, run: Run, step: Step) -> None:
        """What belongs to the step: after moving to another step or turn."""
        texts = self._texts
        texts.set("#step-title", step.title)
        texts.set("#step-number", step_heading(run))
        self._put("reminder", step.reminder)
        texts.set("#who", who_text(step))
        who = speaker(run)
        self._show_speaker(None if who is None else who.name)
        texts.set("#prompts", "\n".join(f"• {p}" for p in step.prompts))
        texts.set("#next", next_text(run))
        if self.private:
            tips = step.facilitator_notes
            texts.set("#facilitator-notes", f"Facilitator notes: {tips}" if tips else "")

    def show_time(self, run: Run, status: str | None = None) -> Mood:
        """What the passing time changes: every second and after every action. `status`
        replaces the status line (the follow view says when the meeting has finished)."""
        left = run.left_ms()
        self._clock.text = clock_face(left)
        self._texts.set("#status", status_line(run) if status is None else status)
        who = speaker(run)
        if self._speaker is not None:
            self._texts.set("#speaker-detail", "" if who is None else who.detail)
        self._bar.show(
            run.unit_planned_ms(run.step, run.turn) / 1000, run.unit_ran_ms(run.step, run.turn) / 1000
        )
        m = mood(run)
        wanted = mood_classes(m)
        for name in MOOD_CLASSES:
            self.set_class(name in wanted, name)
        shown = run.showing(bool(self._norms))
        self.set_class(shown == NORMS, "-norms")
        if shown == COMMITMENTS and not self.has_class("-commitments"):
            self.set_class(True, "-commitments")
            self._show_norms()  # the list's part is made when first shown
        else:
            self.set_class(shown == COMMITMENTS, "-commitments")
        self._agenda.show(run)
        return m

    def clear(self) -> None:
        """Nothing to show yet (the follow view, waiting for a meeting): the view steps aside."""
        self.display = False

    def reveal(self) -> None:
        self.display = True
