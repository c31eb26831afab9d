"""The clock the session engine asks for the time: real in the app, fake in tests."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from typing import Protocol


class Clock(Protocol):
    """A source of time: a monotonic reading for durations and a wall time for the record."""

    def monotonic(self) -> float:
        """Seconds from an arbitrary start; never goes backwards, and goes on while the
        computer sleeps (a meeting goes on in the room while the lid is closed)."""
        ...

    def wall(self) -> datetime:
        """The current local time, with its UTC offset."""
        ...

    def slept(self) -> float:
        """Seconds the computer slept since this was last asked (0 when it cannot tell)."""
        ...


def _counting_sleep() -> Callable[[], float]:
    """A monotonic clock that counts the time the computer sleeps: CLOCK_BOOTTIME on Linux,
    CLOCK_MONOTONIC on macOS (where time.monotonic stops in sleep); elsewhere time.monotonic
    (on Windows it goes on in sleep)."""
    if sys.platform.startswith("linux") and hasattr(time, "CLOCK_BOOTTIME"):
        return partial(time.clock_gettime, time.CLOCK_BOOTTIME)
    if sys.platform == "darwin" and hasattr(time, "CLOCK_MONOTONIC"):
        return partial(time.clock_gettime, time.CLOCK_MONOTONIC)
    return time.monotonic


class SystemClock:
    """The machine's clocks. Durations come from a clock that goes on while the computer
    sleeps, never from the wall clock, so a time zone change, an NTP correction or daylight
    saving never changes how long a step has run."""

    def __init__(self) -> None:
        self._running = _counting_sleep()
        self._asked = (self._running(), time.monotonic())

    def monotonic(self) -> float:
        return self._running()

    def wall(self) -> datetime:
        return datetime.now(UTC).astimezone()

    def slept(self) -> float:
        # time.monotonic stops while the computer sleeps (Linux, macOS); the running clock
        # does not: what one gained on the other since last asked is the sleep.
        now = (self._running(), time.monotonic())
        (run_then, mono_then), self._asked = self._asked, now
        return max(0.0, (now[0] - run_then) - (now[1] - mono_then))


class FakeClock:
    """A clock that only moves when told to: tests call `advance`."""

    def __init__(self, start: datetime | None = None) -> None:
        self._wall = start or datetime(2026, 11, 23, 14, 0, 0, tzinfo=timezone(timedelta(hours=1)))
        self._mono = 1000.0
        self._slept = 0.0

    def monotonic(self) -> float:
        return self._mono

    def wall(self) -> datetime:
        return self._wall

    def advance(self, seconds: float) -> None:
        """Move both clocks forward by `seconds`."""
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        self._mono += seconds
        self._wall += timedelta(seconds=seconds)

    def sleep(self, seconds: float) -> None:
        """The computer sleeps for `seconds`: both clocks move on, and `slept` says so."""
        self.advance(seconds)
        self._slept += seconds

    def slept(self) -> float:
        slept, self._slept = self._slept, 0.0
        return slept

    def set_wall(self, when: datetime) -> None:
        """The wall clock jumps (time zone, NTP, daylight saving); durations do not move."""
        self._wall = when
