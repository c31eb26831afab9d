"""Every time and count in words, in one place: the clock face, lengths, minutes, plurals."""

from __future__ import annotations

OVER_S = 30
"""Running over (or under) by less than this is keeping time."""


def clock_face(left_ms: int) -> str:
    """Time left as MM:SS, or +MM:SS once over; seconds round up so 00:00 means time is up."""
    if left_ms >= 0:
        seconds = -(-left_ms // 1000)
        return f"{seconds // 60:02d}:{seconds % 60:02d}"
    seconds = -left_ms // 1000
    return f"+{seconds // 60:02d}:{seconds % 60:02d}"


def clock_text(seconds: float) -> str:
    """A length as M:SS (or H:MM:SS from an hour): 312 → "5:12"."""
    seconds = int(round(abs(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def protocol_minutes(minutes: float) -> str:
    """Minutes as a protocol file gives them, exactly: 7.25 → "7.25 min"."""
    return f"{minutes:g} min"


def planned_actual(planned: int, actual: int, reached: bool = True) -> str:
    """ "5:00 planned · 7:10 actual · +2:10 over" (over or under only from OVER_S seconds)."""
    words = f"{clock_text(planned)} planned · "
    if not reached:
        return words + "not reached"
    words += f"{clock_text(actual)} actual"
    if actual - planned >= OVER_S:
        words += f" · +{clock_text(actual - planned)} over"
    elif planned - actual >= OVER_S:
        words += f" · {clock_text(planned - actual)} under"
    return words


def drift_text(drift_ms: int) -> str:
    """How far ahead or behind the plan the meeting is, in words."""
    if abs(drift_ms) < 30_000:
        return "on plan"
    minutes = max(1, round(abs(drift_ms) / 60_000))
    return f"{minutes} min {'behind' if drift_ms > 0 else 'ahead of'} plan"


def plural(n: int, word: str) -> str:
    """ "1 session", "3 sessions"."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def duration_words(seconds: float) -> str:
    """A long stretch in words, to the minute: "10 minutes", "1 hour 5 minutes"."""
    minutes = max(1, round(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    parts = ([plural(hours, "hour")] if hours else []) + ([plural(minutes, "minute")] if minutes else [])
    return " ".join(parts)
