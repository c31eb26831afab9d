"""One writer per meeting: the lock beside a session file, held, refused, taken over."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from facilitator.core.store.lock import (
    LOCK_FRESH_S,
    Holder,
    SessionBusy,
    SessionLock,
    lock_path,
    this_computer,
)

WHEN = datetime(2026, 12, 1, 14, 5, tzinfo=timezone(timedelta(hours=1)))


def held_by(session: Path, pid: int, host: str, age_s: float = 0.0) -> Path:
    path = lock_path(session)
    path.write_text(Holder(pid, host, "2026-12-01T13:58+01:00").text(), encoding="utf-8")
    then = WHEN.timestamp() - age_s
    os.utime(path, (then, then))
    return path


def dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(done.stdout)


def test_a_new_lock_is_private_and_released(tmp_path: Path) -> None:
    session = tmp_path / "m.toml"
    lock, said = SessionLock.acquire(session, WHEN)
    assert said == "" and lock.path == tmp_path / ".m.lock"
    assert oct(lock.path.stat().st_mode & 0o777) == "0o600"
    assert Holder.read(lock.path) == Holder(os.getpid(), this_computer(), "2026-12-01T14:05+01:00")
    lock.release()
    assert not lock.path.exists()


def test_a_live_app_on_this_computer_keeps_its_meeting(tmp_path: Path) -> None:
    session = tmp_path / "m.toml"
    held_by(session, os.getppid(), this_computer())  # a process that is alive: pytest's parent
    with pytest.raises(SessionBusy) as busy:
        SessionLock.acquire(session, WHEN)
    assert str(busy.value) == (
        "m.toml is open in facilitator on this computer since 2026-12-01 13:58; "
        "carry on there, or close it there first"
    )


def test_a_stopped_app_on_this_computer_gives_its_meeting_up(tmp_path: Path) -> None:
    session = tmp_path / "m.toml"
    held_by(session, dead_pid(), this_computer())
    lock, said = SessionLock.acquire(session, WHEN)
    assert said == "The facilitator that had this meeting open had stopped; it is yours now."
    assert Holder.read(lock.path) == lock.holder


def test_another_computer_holds_it_while_its_lock_is_touched(tmp_path: Path) -> None:
    session = tmp_path / "m.toml"
    held_by(session, 4242, "staff-laptop", age_s=2)
    with pytest.raises(SessionBusy, match="open in facilitator on staff-laptop since 2026-12-01 13:58"):
        SessionLock.acquire(session, WHEN)
    held_by(session, 4242, "staff-laptop", age_s=LOCK_FRESH_S + 1)
    lock, said = SessionLock.acquire(session, WHEN)
    assert said == "The facilitator that had this meeting open on staff-laptop had stopped; it is yours now."


def test_a_lock_that_is_not_ours_is_never_removed(tmp_path: Path) -> None:
    session = tmp_path / "m.toml"
    lock, _ = SessionLock.acquire(session, WHEN)
    held_by(session, 4242, "staff-laptop")  # taken over elsewhere meanwhile
    lock.release()
    assert lock.path.exists()


def test_the_lock_moves_with_the_meeting(tmp_path: Path) -> None:
    lock, _ = SessionLock.acquire(tmp_path / "m.toml", WHEN)
    moved = lock.move(tmp_path / "m-2.toml", WHEN)
    assert not (tmp_path / ".m.lock").exists() and moved.path == tmp_path / ".m-2.lock"
    assert Holder.read(moved.path) == moved.holder
