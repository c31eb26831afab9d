"""Times and counts in words: the clock face, lengths, minutes, planned against actual, plurals."""

from __future__ import annotations

import pytest

from facilitator.core.words import (
    clock_face,
    clock_text,
    drift_text,
    planned_actual,
    plural,
    protocol_minutes,
)


def test_protocol_minutes_are_exact() -> None:
    assert protocol_minutes(5) == "5 min"
    assert protocol_minutes(7.25) == "7.25 min"
    assert protocol_minutes(0.5) == "0.5 min"


@pytest.mark.parametrize(
    ("left_ms", "face"),
    [
        (300_000, "05:00"),
        (299_001, "05:00"),  # seconds round up: 00:00 means time is up
        (299_000, "04:59"),
        (1, "00:01"),
        (0, "00:00"),
        (-1, "+00:00"),
        (-65_000, "+01:05"),
        (6_000_000, "100:00"),
    ],
)
def test_clock_face(left_ms: int, face: str) -> None:
    assert clock_face(left_ms) == face


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00"), (59.6, "1:00"), (312, "5:12"), (3599, "59:59"), (3600, "1:00:00"), (-90, "1:30")],
)
def test_clock_text(seconds: float, text: str) -> None:
    assert clock_text(seconds) == text


def test_planned_actual_says_over_and_under_from_30_seconds() -> None:
    assert planned_actual(300, 430) == "5:00 planned · 7:10 actual · +2:10 over"
    assert planned_actual(300, 329) == "5:00 planned · 5:29 actual"
    assert planned_actual(300, 240) == "5:00 planned · 4:00 actual · 1:00 under"
    assert planned_actual(300, 0, reached=False) == "5:00 planned · not reached"


def test_drift_text() -> None:
    assert drift_text(0) == drift_text(29_999) == drift_text(-29_999) == "on plan"
    assert drift_text(30_000) == "1 min behind plan"
    assert drift_text(-150_000) == "2 min ahead of plan"


def test_plural() -> None:
    assert [plural(n, "session") for n in (0, 1, 2)] == ["0 sessions", "1 session", "2 sessions"]
