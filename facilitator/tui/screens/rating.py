"""The ratings form: one line per item the step rates, where the facilitator types the team's
rating (the number agreed, or the average of a show of hands, to one decimal). Tab moves,
Enter on the last line (or ctrl+s) saves, Escape cancels; an empty line is not rated."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

Typed = dict[str, float | None]


def read_rating(text: str, scale: int) -> float | None:
    """What was typed as a rating: None for nothing; ValueError when it is not one."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f'"{text}" is not a number') from None
    if not 1 <= value <= scale:
        raise ValueError(f"{text} is outside 1 to {scale}")
    return round(value, 1)


class RatingScreen(ModalScreen[Typed | None]):
    """Ask for the team's rating of each item; dismissed with every item's value, or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("ctrl+s", "save", "Save", id="save", priority=True),
    ]

    def __init__(self, step_title: str, items: list[str], scale: int, given: dict[str, float]) -> None:
        super().__init__()
        self.step_title = step_title
        self.items = items
        self.scale = scale
        self.given = given

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(Content(f"Ratings: {self.step_title} (1 to {self.scale})"), id="dialog-question")
            for number, item in enumerate(self.items):
                yield Label(Content(item))
                value = self.given.get(item)
                yield Input(
                    f"{value:g}" if value is not None else "",
                    placeholder=f"1-{self.scale}",
                    id=f"rate-{number}",
                )
            yield Static(Content(""), id="rate-problem", classes="-empty")
            yield Static(
                Content("Tab: next line · Enter on the last line or ctrl+s: save · Escape: cancel"),
                id="dialog-keys",
            )

    def on_mount(self) -> None:
        self.query_one("#rate-0", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == f"rate-{len(self.items) - 1}":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        values: Typed = {}
        for number, item in enumerate(self.items):
            field = self.query_one(f"#rate-{number}", Input)
            try:
                values[item] = read_rating(field.value, self.scale)
            except ValueError as exc:
                problem = self.query_one("#rate-problem", Static)
                problem.update(Content(f"{item}: {exc}"))
                problem.remove_class("-empty")
                field.focus()
                return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
