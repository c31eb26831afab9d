"""One saved session, read-only: meeting details, each step's planned and actual time, notes."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static

from ...core.export import (
    MeetingOutcome,
    StepOutcome,
    commitment_lines,
    listed,
    outcome_of,
    session_markdown,
    skipped_words,
    status_words,
)
from ...core.store.files import SessionFileError, write_private
from ...core.store.record import SessionRecord, StepRecord, load_record
from ...core.words import OVER_S, clock_text, planned_actual
from ..messages import ResumeChosen
from ..widgets.step_bar import StepBar


class SessionScreen(Screen[None]):
    """A saved session, to read: export it to Markdown (x), or carry on an unfinished one (r)."""

    CSS_PATH = "review.tcss"
    SCOPED_CSS = False  # the rules name screens and ids, like the app's own stylesheet

    BINDINGS = [
        Binding("escape", "back", "Back", id="back", tooltip="Back to the list of sessions"),
        Binding(
            "x",
            "export",
            "Export",
            id="export",
            tooltip="Write this session as Markdown to the current directory",
        ),
        Binding(
            "r", "resume", "Resume", id="resume", tooltip="Carry on this unfinished session where it stopped"
        ),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.record: SessionRecord | None = None
        self.outcome: MeetingOutcome | None = None
        self.problem: str | None = None
        try:
            self.record = load_record(path)
        except SessionFileError as exc:
            self.problem = str(exc)
        else:
            self.outcome = outcome_of(self.record)

    def compose(self) -> ComposeResult:
        record, outcome = self.record, self.outcome
        if record is None or outcome is None:
            yield Static(Content(f"facilitator · {self.path.name}"), id="session-title")
            yield Static(Content(f"This session cannot be opened.\n\n{self.problem}"), id="session-error")
            yield Footer()
            return
        name = record.protocol.name
        title = f"{name} · {record.group}" if record.group else name
        yield Static(Content(title), id="session-title")
        with VerticalScroll(id="session-body"):
            with Grid(id="session-details"):
                for label, value in self.details(record):
                    yield Static(Content(label), classes="detail-label")
                    yield Static(Content(value), classes="detail-value")
            yield Static(Content("Steps"), classes="session-heading")
            longest = max((max(s.planned_seconds, s.actual_seconds) for s in record.steps), default=1)
            for step, saved in zip(outcome.steps, record.steps, strict=True):
                yield self.step_block(step, saved, longest)
        yield Footer()

    # -- what is shown ---------------------------------------------------------------------
    def details(self, record: SessionRecord) -> list[tuple[str, str]]:
        """The meeting details as (label, value), the empty ones left out; the plan at the start
        beside the plan at the end, and which steps were skipped or adapted."""
        outcome = self.outcome or outcome_of(record)
        when = record.started_at.strftime("%a %d %b %Y, %H:%M")
        if record.ended_at:
            when += f"–{record.ended_at.strftime('%H:%M')}"
        protocol_id = record.protocol.id
        name = record.protocol.name
        planned = sum(s.planned_seconds for s in record.steps)
        actual = sum(s.actual_seconds for s in record.steps)
        length = f"{clock_text(actual)} against {clock_text(planned)} planned"
        if actual - planned >= OVER_S:
            length += f" (+{clock_text(actual - planned)} over)"
        elif planned - actual >= OVER_S and record.status == "completed":
            length += f" ({clock_text(planned - actual)} under)"
        status = status_words(record, outcome)
        if record.status == "in_progress":
            status += ": r carries on where it stopped"
        rows = [
            ("Date", when),
            ("Protocol", f"{name} ({protocol_id})" if protocol_id else name),
            ("Group", record.group),
            ("Facilitator", record.facilitator),
            ("Presenter", record.presenter),
            ("Participants", ", ".join(record.participants)),
            ("Focusing question", record.focus_question),
            ("Status", status),
            ("Length", length),
            ("Fitted at setup to", "" if record.fit_minutes is None else clock_text(record.fit_minutes * 60)),
            ("Plan", outcome.plan_words()),
            ("Skipped", skipped_words(outcome)),
            ("Adapted", listed(outcome.adapted, StepOutcome.change_words)),
            ("Commitments", "\n".join(commitment_lines(record))),
            ("File", self.path.name),
        ]
        return [(label, value) for label, value in rows if value]

    def step_block(self, outcome: StepOutcome, step: StepRecord, longest: int) -> Vertical:
        """A step: its title and times, its bar, what happened to it, its turns and its notes."""
        over = step.actual_seconds - step.planned_seconds >= OVER_S
        if outcome.skipped:
            times_text = f"{clock_text(step.planned_seconds)} planned · skipped"
        else:
            reached = outcome.state == "ran"  # not the steps ahead of an unfinished meeting
            times_text = planned_actual(step.planned_seconds, step.actual_seconds, reached)
        times = Static(Content(times_text), classes="step-times" + (" -over" if over else ""))
        parts: list[Widget] = [
            Horizontal(
                Static(Content(f"{outcome.number}. {step.title}"), classes="step-title"),
                times,
                classes="step-head",
            ),
            StepBar(step.planned_seconds, step.actual_seconds, longest, classes="step-bar"),
        ]
        happened = []
        if outcome.skipped:
            happened.append(f"Skipped: {outcome.why}.")
        if outcome.adapted:
            happened.append(f"Adapted: {outcome.change_words()}.")
        if happened:
            parts.append(Static(Content("\n".join(happened)), classes="step-turns step-outcome"))
        starts = outcome.turns_at_start or ()
        turns = []
        for n, turn in enumerate(step.turns or [], start=1):
            line = f"Turn {n}{' · ' + turn.who if turn.who else ''}: " + planned_actual(
                turn.planned_seconds, turn.actual_seconds
            )
            if n <= len(starts) and starts[n - 1] != turn.planned_seconds:
                line += f" ({clock_text(starts[n - 1])} planned at the start)"
            turns.append(line)
        if turns:
            parts.append(Static(Content("\n".join(turns)), classes="step-turns"))
        notes = step.notes.strip()
        parts.append(
            Static(Content(notes or "(no notes)"), classes="step-notes" + ("" if notes else " -none"))
        )
        return Vertical(*parts, classes="step")

    # -- actions ---------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return True if self.record is not None else None
        if action == "resume":
            return True if self.record is not None and self.record.status == "in_progress" else None
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_export(self) -> None:
        """Write the Markdown record to `<session file name>.md` here, private (0600)."""
        if self.record is None:
            return
        text = session_markdown(self.record)
        try:
            target = Path.cwd() / f"{self.path.stem}.md"
            write_private(target, text)
        except OSError as exc:
            self.notify(f"Could not export: {exc.strerror or exc}", severity="error", timeout=10)
            return
        self.notify(f"Exported to {target}", timeout=10)

    def action_resume(self) -> None:
        if self.record is not None and self.record.status == "in_progress":
            self.post_message(ResumeChosen(self.path))
