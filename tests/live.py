"""A facilitator's meeting for the live-view tests: driven by a fake clock, saved after every
action and beating once a second while the timer runs, as the run screen does."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from facilitator.core.clock import FakeClock
from facilitator.core.library import find, load_library
from facilitator.core.protocol import Protocol
from facilitator.core.run import Run
from facilitator.core.session import Details, Session, begin, resume_session
from facilitator.core.store.heartbeat import Heartbeat
from facilitator.core.store.saver import Saver


def builtin(protocol_id: str) -> Protocol:
    return find(protocol_id, load_library(cwd=Path("/nonexistent"), env={})).protocol


def hostile(protocol_id: str = "tuning") -> Protocol:
    """A built-in protocol whose name and first step's title are markup: shown as typed."""
    protocol = builtin(protocol_id)
    first = replace(protocol.steps[0], title="<script>alert(1)</script>")
    return replace(protocol, name="<b>Tuning</b> & [bold]friends[/bold]", steps=[first, *protocol.steps[1:]])


class LiveMeeting:
    """One meeting in `folder`, its file made at once (as the run screen's first save does)."""

    def __init__(
        self,
        folder: Path,
        clock: FakeClock,
        protocol: Protocol | str = "tuning",
        details: Details | None = None,
    ) -> None:
        self.clock = clock
        chosen = builtin(protocol) if isinstance(protocol, str) else protocol
        self.session = Session.new(chosen, details or Details(group="Grade 5"), clock)
        self.session.set_notes(0, "SECRET note about Sam")
        self.saver = begin(self.session, folder)
        self.seq = 0
        self.heartbeat: Heartbeat | None = None

    @property
    def run(self) -> Run:
        return self.session.run

    @property
    def path(self) -> Path:
        assert self.session.path is not None
        return self.session.path

    def save(self) -> Path:
        """Save now, as after every action (a file changed by something else: a new file)."""
        self.seq += 1
        saved = self.saver.save(self.seq, self.session.record(completed=self.run.state.finished))
        assert saved is not None
        if saved != self.session.path and self.heartbeat is not None:
            self.heartbeat.close(remove=True)
            self.heartbeat = None
        self.session.path = saved
        return saved

    def beat(self) -> None:
        if self.heartbeat is None:
            self.heartbeat = Heartbeat(self.path)
        self.heartbeat.beat(self.run.now_ms())

    def tick(self, seconds: int) -> None:
        """Let `seconds` pass with the app alive: one beat a second while the timer runs."""
        for _ in range(seconds):
            self.clock.advance(1)
            if self.run.running:
                self.beat()

    def space(self) -> None:
        self.run.toggle()
        self.save()
        if self.run.running:
            self.beat()

    def next(self) -> None:
        self.run.next()
        self.save()

    def finish(self) -> None:
        self.run.finish()
        self.save()

    def crash(self) -> None:
        """The app is killed: no more saves, no more beats."""
        if self.heartbeat is not None:
            self.heartbeat.close()
            self.heartbeat = None

    def resume(self) -> None:
        """`facilitator resume`: the meeting comes back paused and is saved at once."""
        self.session, _ = resume_session(self.path, self.clock)
        self.saver = Saver(self.path.parent, self.path)
        self.save()
