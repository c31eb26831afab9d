"""The commitment form: who will do what, by when. Tab moves between the fields, Enter saves,
Escape cancels. What is typed is plain text, shown and kept as typed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

Typed = tuple[str, str, str]
"""(who, what, due) as typed."""


class CommitmentScreen(ModalScreen[Typed | None]):
    """Ask for one commitment; dismissed with (who, what, due), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, step_title: str, people: list[str]) -> None:
        super().__init__()
        self.step_title = step_title
        self.people = people

    def compose(self) -> ComposeResult:
        who_hint = ", ".join(self.people[:4]) if self.people else "a name"
        with Vertical(id="dialog"):
            yield Static(Content("A commitment"), id="dialog-question")
            yield Static(Content(f"Made at: {self.step_title}"), id="dialog-detail")
            yield Input(placeholder=f"Who ({who_hint})", id="commit-who", select_on_focus=False)
            yield Input(placeholder="What will be done (needed)", id="commit-what", select_on_focus=False)
            yield Input(placeholder="By when (next meeting, a date…)", id="commit-due", select_on_focus=False)
            yield Static(Content(""), id="commit-problem", classes="-empty")
            yield Static(Content("Tab: next field      Enter: save      Escape: cancel"), id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#commit-who", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in any field saves, once there is something to be done."""
        event.stop()
        who, what, due = (self.query_one(f"#commit-{name}", Input).value for name in ("who", "what", "due"))
        if not what.strip():
            problem = self.query_one("#commit-problem", Static)
            problem.update(Content("Say what will be done: the second field is needed."))
            problem.remove_class("-empty")
            self.query_one("#commit-what", Input).focus()
            return
        self.dismiss((who, what, due))

    def action_cancel(self) -> None:
        self.dismiss(None)
