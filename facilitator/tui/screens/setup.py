"""Setup: the chosen protocol's agenda and the meeting details, then the run."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from ...core.adapt import plan_changes
from ...core.clock import Clock
from ...core.export import agenda_text
from ...core.library import Found
from ...core.plan import initial_plan
from ...core.protocol import Protocol
from ...core.session import Details, FitError, Session, plan_for
from ...core.store.saver import SaveError, probe
from ...core.words import clock_text, plural, protocol_minutes
from ..messages import MeetingReady, SetupCancelled
from ..widgets.hanging_text import HangingText, Row

if TYPE_CHECKING:
    from ...core.store.catalog import Meeting

FIELDS = (
    ("group", "Group", "e.g. Grade 5 team"),
    ("facilitator", "Facilitator", ""),
    ("presenter", "Presenter", ""),
    ("participants", "Participants", "names, separated by commas (turns go in this order)"),
    ("people", "How many people take turns?", "a number, when no names are given"),
    ("question", "Focusing question", ""),
    ("fit", "Fit to minutes", "leave empty to keep the protocol's times"),
)

_LINE = re.compile(r"( *)(\d+\. |• |- )?(.*)")
"""A line of the agenda: its indent, a list marker (a step's number, a bullet), the text."""


def agenda_rows(protocol: Protocol) -> list[Row]:
    """The printable agenda as rows, so that a wrapped prompt or step hangs under its text."""
    rows = []
    for line in agenda_text(protocol, width=10_000).splitlines():
        match = _LINE.fullmatch(line)
        indent, marker, text = match.groups() if match else ("", "", line)
        rows.append(Row(text, marker or "", len(indent)))
    return rows


class SetupScreen(Screen[None]):
    """Meeting details for a protocol; ctrl+s (or the Start button) begins the meeting."""

    CSS_PATH = "setup.tcss"
    SCOPED_CSS = False  # the rules name screens and ids, like the app's own stylesheet

    BINDINGS = [
        Binding(
            "ctrl+s",
            "start",
            "Start meeting",
            id="start",
            priority=True,
            tooltip="Open the run screen with these details",
        ),
        Binding("escape", "back", "Back", id="back", tooltip="Back to the list of protocols"),
    ]

    def __init__(
        self,
        found: Found,
        details: Details,
        folders: Path | list[Path],
        clock: Clock,
        people: int | None = None,
    ) -> None:
        super().__init__()
        self.folders = [folders] if isinstance(folders, Path) else list(folders)
        self.sessions_dir = self.folders[0]
        """Where the meeting is saved; the team's earlier meetings are read from every folder."""
        self.clock = clock
        self.found = found
        self.details = details
        self.people = people
        self._meetings: list[Meeting] | None = None
        self._suggested: dict[str, str] = {}
        """What setup filled in itself from the group's earlier meetings, per field."""

    def compose(self) -> ComposeResult:
        protocol = self.found.protocol
        with Horizontal(id="setup"):
            with VerticalScroll(id="setup-agenda"):
                yield HangingText(id="setup-team")  # the group's open commitments, when it met before
                yield HangingText(id="setup-fit")  # each step's time after fitting, when asked for
                yield HangingText(agenda_rows(protocol), id="setup-agenda-text")
            with VerticalScroll(id="setup-form"):
                yield Static(Content(f"Set up: {protocol.name}"), classes="form-title")
                values = {
                    "group": self.details.group,
                    "facilitator": self.details.facilitator,
                    "presenter": self.details.presenter,
                    "participants": ", ".join(self.details.participants),
                    "people": str(self.people or ""),
                    "question": self.details.focus_question,
                    "fit": f"{self.details.fit_minutes:g}" if self.details.fit_minutes else "",
                }
                for key, label, hint in FIELDS:
                    if key == "people" and not protocol.has_each_participant:
                        continue
                    yield Label(label)
                    yield Input(values[key], placeholder=hint, id=f"field-{key}")
                yield Static(id="setup-plan")
                yield Static(id="setup-error")
                yield Button("Start meeting (ctrl+s)", id="start", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#field-group", Input).focus()
        self.update_plan()

    def value(self, key: str) -> str:
        found = self.query(f"#field-{key}")
        return found.first(Input).value.strip() if found else ""

    def read(self) -> tuple[Details, int | None]:
        """The details as typed; raises ValueError with a message for a bad number."""
        fit_text = self.value("fit")
        people_text = self.value("people")
        try:
            fit = float(fit_text) if fit_text else None
        except ValueError:
            raise ValueError(f'Fit to minutes: "{fit_text}" is not a number') from None
        try:
            people = int(people_text) if people_text else None
        except ValueError:
            raise ValueError(f'How many people: "{people_text}" is not a whole number') from None
        if people is not None and not 1 <= people <= 50:
            raise ValueError("How many people: give a number from 1 to 50")
        details = Details(
            group=self.value("group"),
            facilitator=self.value("facilitator"),
            presenter=self.value("presenter"),
            participants=Details.split_names(self.value("participants")),
            focus_question=self.value("question"),
            fit_minutes=fit,
        )
        return details, people

    def plan_summary(self) -> tuple[str, list[Row]]:
        """The plan in one line and, when fitted to time, each step's protocol time and its
        time after fitting; raises ValueError or FitError (why it cannot fit)."""
        details, people = self.read()
        protocol = self.found.protocol
        shapes, plan, _ = plan_for(protocol, details, people)
        total = sum(ms for units in plan for ms in units) / 1000
        text = f"Planned: {clock_text(total)} in {len(shapes)} steps"
        if protocol.has_each_participant and not (details.participants or people):
            text += " (turns for 1 person: give names or a number)"
        if details.fit_minutes is None:
            return text, []
        changes = plan_changes(
            [shape.title for shape in shapes],
            initial_plan(protocol, shapes),
            plan,
            [shape.turn_names is not None for shape in shapes],
        )
        heading = Row(f"Fitted to {protocol_minutes(details.fit_minutes)}, each step:", style="bold")
        rows = [Row(change.text(), indent=2, hang=2) for change in changes]
        return text, [heading, *rows, Row("")]

    @on(Input.Changed)
    def update_plan(self, event: Input.Changed | None = None) -> None:
        """The plan as typed, live; with minutes to fit, each step's time after fitting (or why
        it cannot fit) at the top of the agenda, beside the protocol's own times."""
        error = self.query_one("#setup-error", Static)
        fitted = self.query_one("#setup-fit", HangingText)
        try:
            text, rows = self.plan_summary()
        except (ValueError, FitError) as exc:
            error.update(Content(str(exc)))
            fitted.update([Row(str(exc), style="bold"), Row("")] if self.value("fit") else [])
        else:
            self.query_one("#setup-plan", Static).update(Content(text))
            fitted.update(rows)
            error.update("")
        if event is not None and event.input.id == "field-fit":
            self.query_one("#setup-agenda").scroll_home(animate=False)

    def earlier_meetings(self) -> list[Meeting]:
        """The session files of the sessions folders, read once (those that cannot be read are
        left out here: `facilitator sessions` reports them)."""
        if self._meetings is None:
            from ...core.store.catalog import meetings

            self._meetings = meetings(self.folders)[0]
        return self._meetings

    @on(Input.Changed, "#field-group")
    def group_changed(self, event: Input.Changed) -> None:
        """A group that met before: its participants as last time, the suggested presenter and
        facilitator (who has not had the role for longest), and its open commitments. Fields the
        facilitator typed in are left alone; what setup suggested follows the group."""
        from ...core.commitments import fold
        from ...core.team import roster, same_group

        group = event.value.strip()
        meetings = self.earlier_meetings() if group else []
        found = roster(meetings, group)
        for key, value in (
            ("participants", ", ".join(found.participants)),
            ("presenter", found.presenter),
            ("facilitator", found.facilitator),
        ):
            fields = self.query(f"#field-{key}")
            if not fields:
                continue
            field = fields.first(Input)
            if field.value in ("", self._suggested.get(key, "")):
                field.value = value
                self._suggested[key] = value
        rows: list[Row] = []
        if found.meetings:
            rows.append(Row(f"{group}: {plural(found.meetings, 'earlier meeting')} on record", style="bold"))
            open_ones = [s for s in fold(meetings) if s.is_open and same_group(s.group, group)]
            if open_ones:
                rows.append(Row("Open commitments (C on the run screen checks in on them):", style="bold"))
                for state in open_ones:
                    made = state.made_on.strftime("%Y-%m-%d")
                    rows.append(Row(f"{state.commitment.line()} · from {made}", "• ", 2))
            rows.append(Row(""))
        self.query_one("#setup-team", HangingText).update(rows)

    @on(Input.Submitted)
    def next_field(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        error = self.query_one("#setup-error", Static)
        try:
            details, people = self.read()
            session = Session.new(self.found.protocol, details, self.clock, people)
            saver = probe(self.sessions_dir)
        except (ValueError, FitError, SaveError) as exc:
            error.update(Content(str(exc)))
            self.notify(str(exc), severity="error", markup=False)
            return
        self.post_message(MeetingReady(session, saver))

    def action_back(self) -> None:
        self.post_message(SetupCancelled())
