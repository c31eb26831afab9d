"""The meeting details given at setup: who meets, who presents, the question, the time."""

from __future__ import annotations

from dataclasses import dataclass, field

from .protocol import Cleaned


@dataclass(frozen=True, kw_only=True)
class Details:
    """The meeting details given at setup (any may be empty)."""

    group: Cleaned = ""
    facilitator: Cleaned = ""
    presenter: Cleaned = ""
    participants: list[Cleaned] = field(default_factory=list)
    focus_question: Cleaned = ""
    fit_minutes: float | None = None

    @staticmethod
    def split_names(text: str) -> list[str]:
        """ "Ana, Ben ,  Chi" → ["Ana", "Ben", "Chi"]."""
        return [name.strip() for name in text.split(",") if name.strip()]
