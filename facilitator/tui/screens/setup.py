"""Setup: the chosen protocol's agenda and the meeting details, then the run."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from ...core.clock import Clock
from ...core.export import agenda_text
from ...core.library import Found
from ...core.session import Details, FitError, Session, plan_for
from ...core.store.saver import SaveError, probe
from ...core.words import minutes_text
from ..messages import MeetingReady, SetupCancelled

FIELDS = (
    ("group", "Group", "e.g. Grade 5 team"),
    ("facilitator", "Facilitator", ""),
    ("presenter", "Presenter", ""),
    ("participants", "Participants", "names, separated by commas (turns go in this order)"),
    ("people", "How many people take turns?", "a number, when no names are given"),
    ("question", "Focusing question", ""),
    ("fit", "Fit to minutes", "leave empty to keep the protocol's times"),
)


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
        self, found: Found, details: Details, sessions_dir: Path, clock: Clock, people: int | None = None
    ) -> None:
        super().__init__()
        self.sessions_dir = sessions_dir
        self.clock = clock
        self.found = found
        self.details = details
        self.people = people

    def compose(self) -> ComposeResult:
        protocol = self.found.protocol
        with Horizontal(id="setup"):
            with VerticalScroll(id="setup-agenda"):
                yield Static(Content(agenda_text(protocol, width=10_000)))
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

    def plan_summary(self) -> str:
        details, people = self.read()
        shapes, plan, _ = plan_for(self.found.protocol, details, people)
        total = sum(ms for units in plan for ms in units) / 1000
        text = f"Planned: {minutes_text(total)} in {len(shapes)} steps"
        if self.found.protocol.has_each_participant and not (details.participants or people):
            text += " (turns for 1 person: give names or a number)"
        return text

    @on(Input.Changed)
    def update_plan(self) -> None:
        error = self.query_one("#setup-error", Static)
        try:
            self.query_one("#setup-plan", Static).update(Content(self.plan_summary()))
            error.update("")
        except (ValueError, FitError) as exc:
            error.update(Content(str(exc)))

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
