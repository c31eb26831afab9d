"""The baseline for bench_run_screen.py: the least a Textual app can do to show a step and a clock.

A title (a Static "Introduction") and a `Digits` clock updated by `set_interval(1, ...)`,
counting down from 05:00 once started. Space starts (and pauses) it, like facilitator's run
screen, so both apps are measured the same way; q quits.

Run it on its own with `.venv/bin/python bench/minimal_app.py`.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Digits, Static

START_SECONDS = 5 * 60


def face(seconds: int) -> str:
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class MinimalClockApp(App[None]):
    """A title and a 1 Hz countdown in `Digits`: nothing else."""

    BINDINGS = [("space", "toggle", "Start/Pause"), ("q", "quit", "Quit")]

    def __init__(self) -> None:
        super().__init__()
        self.left = START_SECONDS
        self.running = False

    def compose(self) -> ComposeResult:
        yield Static("Introduction", id="title")
        yield Digits(face(self.left), id="clock")

    def on_mount(self) -> None:
        # Like the run screen: the interval runs from the start, the time moves once started.
        self.set_interval(1, self.tick)

    def tick(self) -> None:
        if self.running and self.left > 0:
            self.left -= 1
            self.query_one(Digits).update(face(self.left))

    def action_toggle(self) -> None:
        self.running = not self.running


if __name__ == "__main__":
    MinimalClockApp().run()
