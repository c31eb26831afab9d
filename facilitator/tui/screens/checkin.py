"""The check-in on earlier commitments: each one marked done, carried on or dropped, with an
optional note. Every answer is kept at once in this meeting's file (the earlier files are
never touched). Plain text throughout: what was typed is shown as typed."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...core.commitments import CommitmentState, Status
from ...core.words import plural

WORDS = {"open": "open", "carried": "carried on", "done": "done", "dropped": "dropped"}

Mark = Callable[[str, Status, str], None]
"""What marking one does: (commitment id, status, note)."""


def row_text(state: CommitmentState, answer: str | None) -> Content:
    """ "Ben: Try exit tickets (by next meeting) · made 2026-11-24 · now: done"."""
    made = state.made_on.strftime("%Y-%m-%d")
    was = WORDS.get(state.status, state.status)
    now = f" · now: {WORDS[answer]}" if answer else f" · {was}"
    return Content(f"{state.commitment.line()} · made {made}{now}")


class CheckInScreen(ModalScreen[None]):
    """The group's open commitments from earlier meetings; d done, c carried on, x dropped."""

    BINDINGS = [
        Binding("d", "mark('done')", "Done", id="done"),
        Binding("c", "mark('carried')", "Carried on", id="carried"),
        Binding("x", "mark('dropped')", "Dropped", id="dropped"),
        Binding("n", "note", "Note", id="note"),
        Binding("escape", "close", "Close", id="close"),
    ]

    def __init__(self, states: list[CommitmentState], answers: Mapping[str, str], mark: Mark) -> None:
        super().__init__()
        self.states = states
        self.answers = dict(answers)
        self.mark = mark

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            count = plural(len(self.states), "commitment")
            yield Static(Content(f"Check in on {count} from earlier meetings"), id="dialog-question")
            yield OptionList(
                *(
                    Option(row_text(s, self.answers.get(s.commitment.id)), id=s.commitment.id)
                    for s in self.states
                ),
                id="checkin-list",
            )
            yield Input(placeholder="A note (optional): n to write, Enter to keep it", id="checkin-note")
            yield Static(
                Content("↑↓ choose · d done · c carried on · x dropped · n note · Escape closes"),
                id="dialog-keys",
            )

    def on_mount(self) -> None:
        self.query_one("#checkin-note", Input).can_focus = False
        self.query_one(OptionList).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the note is being written, the letters are the note's.
        return not (action in ("mark", "note") and isinstance(self.focused, Input))

    def action_note(self) -> None:
        note = self.query_one("#checkin-note", Input)
        note.can_focus = True
        note.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.input.can_focus = False
        self.query_one(OptionList).focus()

    def action_mark(self, status: Status) -> None:
        """Answer for the highlighted commitment, keep it at once, and move to the next."""
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None:
            return
        state = self.states[index]
        note_field = self.query_one("#checkin-note", Input)
        self.mark(state.commitment.id, status, note_field.value)
        self.answers[state.commitment.id] = status
        note_field.value = ""
        options.replace_option_prompt_at_index(index, row_text(state, status))
        if index + 1 < len(self.states):
            options.highlighted = index + 1

    def action_close(self) -> None:
        self.dismiss(None)
