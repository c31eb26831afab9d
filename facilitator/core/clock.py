"""The clock the session engine asks for the time: real in the app, fake in tests."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    """A source of time: a monotonic reading for durations and a wall time for the record."""

    def monotonic(self) -> float:
        """Seconds from an arbitrary start; never goes backwards."""
        ...

    def wall(self) -> datetime:
        """The current local time, with its UTC offset."""
        ...


class SystemClock:
    """The machine's clocks."""

    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> datetime:
        return datetime.now(UTC).astimezone()


class FakeClock:
    """A clock that only moves when told to: tests call `advance`."""

    def __init__(self, start: datetime | None = None) -> None:
        self._wall = start or datetime(2026, 11, 23, 14, 0, 0, tzinfo=timezone(timedelta(hours=1)))
        self._mono = 1000.0

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
