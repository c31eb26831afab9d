"""Saving for the run screen: after every action, off the UI thread, and when leaving.

Kept apart from the screen's layout and keys: the newest record always wins, a failure shows a
lasting warning and is retried, and a meeting that cannot be saved where it belongs is rescued.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.content import Content
from textual.widgets import Static

from ...core.run import Run
from ...core.session import Session
from ...core.store.files import sweep_leftovers
from ...core.store.heartbeat import Heartbeat
from ...core.store.lock import SessionBusy, SessionLock
from ...core.store.saver import Saver, rescue
from ...core.store.trouble import note
from ..messages import MeetingEnded
from ..start import Outcome

if TYPE_CHECKING:
    from textual.screen import Screen

    from ...core.store.record import SessionRecord

    _Base = Screen[None]
else:
    _Base = object


class SavingMixin(_Base):
    """The run screen's saving; the screen provides these attributes and `_flush_notes`."""

    session: Session
    run: Run
    saver: Saver
    heartbeat: Heartbeat | None
    save_failing: bool
    _seq: int
    _last_save: float
    _warned: bool
    _ended: Outcome | None
    _loop: asyncio.AbstractEventLoop

    if TYPE_CHECKING:

        def _flush_notes(self) -> None: ...

    def save(self) -> None:
        """Save now, off the UI thread; the newest record always wins."""
        self._seq += 1
        self._last_save = self.run.clock.monotonic()
        self._loop = asyncio.get_running_loop()
        self._write(self._seq, self.session.record(completed=self.run.state.finished))

    def _tell(self, callback: Callable[..., object], *args: object) -> None:
        """From the save thread: run `callback` on the UI thread soon, without waiting for it.
        (Waiting, as call_from_thread does, would hang the save thread, and the app's exit
        with it, when the terminal closes while the app shuts down.)"""
        app = self.app
        with contextlib.suppress(RuntimeError):  # the loop is closed: the app has gone
            self._loop.call_soon_threadsafe(lambda: app.call_later(callback, *args))

    @work(thread=True, group="sweep")
    def sweep(self) -> None:
        """Remove what interrupted saves left in the sessions folder (off the UI thread)."""
        sweep_leftovers(self.saver.folder, self.run.clock.wall().timestamp())

    @work(thread=True, group="save")
    def _write(self, seq: int, record: SessionRecord) -> None:
        try:
            self.saver.save(seq, record)
        except OSError as exc:
            self._tell(self.save_failed, exc)
        else:
            if self.session.path != self.saver.path and self.saver.moved_from is None:
                self._tell(self.file_created)
            if self.save_failing:
                self._tell(self.save_ok)
            if self.saver.moved_from is not None:
                self._tell(self.file_moved)

    def file_created(self) -> None:
        """The first save made the session file: the heartbeat and the lock go beside it."""
        self.session.path = self.saver.path
        if self.heartbeat is None and self.session.path is not None:
            self.heartbeat = Heartbeat(self.session.path)
        if self.session.lock is None and self.session.path is not None:
            with contextlib.suppress(SessionBusy):  # a new file: nobody else can hold it
                self.session.lock, _ = SessionLock.acquire(self.session.path, self.run.clock.wall())

    def file_moved(self) -> None:
        old, self.saver.moved_from = self.saver.moved_from, None
        if old is None:  # two saves in a row both saw the move: said once
            return
        self.notify(
            f"{old} was changed by something else, so it was left alone; "
            f"this meeting is now saved in {self.saver.path}.",
            severity="warning",
            timeout=15,
            markup=False,
        )
        self.session.path = self.saver.path
        if self.heartbeat is not None and self.session.path is not None:
            self.heartbeat.close(remove=True)  # the beat goes with the meeting to its new file
            self.heartbeat = Heartbeat(self.session.path)
        if self.session.lock is not None and self.session.path is not None:
            self.session.lock = self.session.lock.move(self.session.path, self.run.clock.wall())

    def save_failed(self, exc: OSError) -> None:
        if not self.save_failing:  # once per failure, not at every retry
            note(
                "save failed",
                f"{self.saver.path or self.saver.folder}: {exc.strerror or exc}",
                self.run.clock.wall(),
            )
        self.save_failing = True
        warning = self.query_one("#save-warning", Static)
        reason = exc.strerror or str(exc)
        warning.update(
            Content(f"NOT SAVING: {reason}. Everything is kept in memory; retrying every few seconds.")
        )
        warning.remove_class("-empty")
        if not self._warned:
            self._warned = True
            self.notify(f"Notes are not being saved: {reason}", severity="error", timeout=10, markup=False)

    def save_ok(self) -> None:
        self.save_failing = False
        self._warned = False
        self.query_one("#save-warning").add_class("-empty")
        self.notify("Saving works again: everything is saved.", timeout=5)

    # -- actions ---------------------------------------------------------------------------
    def finish(self) -> Path | None:
        """End the run, save the completed record at once, and tell the app it ended."""
        self._flush_notes()
        self.run.finish()
        self._seq += 1
        record = self.session.record(completed=True)
        rescued = False
        try:
            path = self.saver.save(self._seq, record)
        except OSError as exc:
            try:
                path = rescue(record)
                note(
                    "rescued",
                    f"finished meeting saved in {path}: {self.saver.folder} not writable ({exc.strerror})",
                )
            except OSError:
                self.save_failed(exc)
                self.notify(
                    "Cannot save anywhere: free some space, then press q again.", severity="error", timeout=15
                )
                return None
            rescued = True
        if self.heartbeat is not None:
            self.heartbeat.close(remove=True)
        if self.session.lock is not None:
            self.session.lock.release()
        self._ended = Outcome(saved=path, rescued=rescued)
        self.post_message(MeetingEnded(self._ended))
        return path

    def on_unmount(self) -> None:
        self.leave()

    def leave(self) -> Outcome:
        """Leaving (ctrl+q, a signal): save what is there, unless finishing or leaving saved it
        already, and say where it is."""
        if self._ended is not None:
            return self._ended
        self._flush_notes()
        self._seq += 1
        record = self.session.record(completed=self.run.state.finished)
        outcome = Outcome(unfinished=self.saver.path)
        try:
            outcome = Outcome(unfinished=self.saver.save(self._seq, record))
        except OSError:
            with contextlib.suppress(OSError):
                outcome = Outcome(saved=rescue(record), rescued=True)
                note(
                    "rescued",
                    f"unfinished meeting saved in {outcome.saved}: {self.saver.folder} could not be written",
                )
        if self.heartbeat is not None:
            self.heartbeat.close()
        if self.session.lock is not None:
            self.session.lock.release()
        self._ended = outcome
        return outcome
