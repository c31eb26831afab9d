"""Small modal screens: a yes/no question and the help with every key."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ..widgets.hanging_text import HangingText, Row


class ConfirmScreen(ModalScreen[bool]):
    """Ask a yes/no question: y or Enter says yes, n or Escape says no. `lines` are listed one
    per line under the detail (each as written, never markup)."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="yes"),
        Binding("n,escape", "answer(False)", "No", id="no"),
    ]

    def __init__(self, question: str, detail: str = "", lines: Sequence[str] = ()) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.lines = tuple(lines)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content(self.question), id="dialog-question")
            if self.detail:
                yield Static(Content(self.detail), id="dialog-detail")
            if self.lines:
                lines = HangingText((Row(line, hang=2) for line in self.lines), id="dialog-lines")
                lines.styles.margin = (1, 0, 0, 0)  # a list apart from the question and its detail
                yield lines
            yield Static(Content("y / Enter: yes      n / Escape: no"), id="dialog-keys")

    def on_resize(self, event: events.Resize) -> None:
        # At most 90 wide (app.tcss), and never wider than the screen: long lines wrap instead
        # (a detail too long for one line takes the dialog's width, as auto width would not wrap).
        dialog = self.query_one("#dialog")
        dialog.styles.max_width = event.size.width - 2 if event.size.width < 92 else None
        room = min(90, event.size.width - 2) - dialog.styles.gutter.width
        for detail in self.query("#dialog-detail"):
            long = max(map(cell_len, self.detail.split("\n"))) > room
            detail.styles.width = "1fr" if long else None

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


KEYS = (
    ("space", "start / pause / resume the timer"),
    ("n or →", "next step (next turn, in a step taken in turns)"),
    ("p or ←", "previous step (previous turn)"),
    ("1 … 9", "go to step 1 … 9"),
    ("+ or =", "one more minute for this step (or turn)"),
    ("-", "one minute less (30 s always stay to run)"),
    ("r", "restart this step's time (asks first)"),
    ("a", "adapt: refit the steps after this one to the planned end (asks)"),
    ("e", "write notes for this step; Escape leaves the notes box"),
    ("f", "projector view on/off (notes and facilitator notes hidden)"),
    ("N", "show the norms to the room, or take them away"),
    ("c", "a commitment: who will do what, by when (saved at once)"),
    ("C", "check in on earlier meetings' open commitments"),
    ("v", "ratings: the team's rating of the items this step rates"),
    ("t", "light / dark theme"),
    ("ctrl+p", "command palette: every action by name"),
    ("?", "this help"),
    ("q", "finish: asks, then saves and closes"),
)


class HelpScreen(ModalScreen[None]):
    """Every key of the run screen, in words."""

    BINDINGS = [Binding("escape,question_mark,q,enter", "dismiss", "Close", id="close")]

    def compose(self) -> ComposeResult:
        width = max(len(k) for k, _ in KEYS)
        lines = ["Keys on the run screen", ""]
        lines += [f"{key.ljust(width)}   {what}" for key, what in KEYS]
        lines += ["", "Escape, ? or Enter closes this help."]
        with Vertical(id="dialog"):
            yield Static(Content("\n".join(lines)), id="help-text")
