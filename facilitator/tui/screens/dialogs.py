"""Small modal screens: a yes/no question and the help with every key."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool]):
    """Ask a yes/no question: y or Enter says yes, n or Escape says no."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="yes"),
        Binding("n,escape", "answer(False)", "No", id="no"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content(self.question), id="dialog-question")
            if self.detail:
                yield Static(Content(self.detail), id="dialog-detail")
            yield Static(Content("y / Enter: yes      n / Escape: no"), id="dialog-keys")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


KEYS = (
    ("space", "start / pause / resume the timer"),
    ("n or →", "next step (next turn, in a step taken in turns)"),
    ("p or ←", "previous step (previous turn)"),
    ("1 … 9", "go to step 1 … 9"),
    ("+ or =", "one more minute for this step (or turn)"),
    ("-", "one minute less (never below what has already run)"),
    ("r", "restart this step's time (asks first)"),
    ("a", "adapt: refit the remaining steps to end at the planned end"),
    ("e", "write notes for this step; Escape leaves the notes box"),
    ("f", "projector view on/off (notes and facilitator notes hidden)"),
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
