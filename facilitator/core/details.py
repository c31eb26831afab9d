"""The meeting details given at setup: who meets, who presents, the question, the time."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class Details:
    """The meeting details given at setup (any may be empty)."""

    group: str = ""
    facilitator: str = ""
    presenter: str = ""
    participants: list[str] = field(default_factory=list)
    focus_question: str = ""
    fit_minutes: float | None = None

    @staticmethod
    def split_names(text: str) -> list[str]:
        """ "Ana, Ben ,  Chi" → ["Ana", "Ben", "Chi"]."""
        return [name.strip() for name in text.split(",") if name.strip()]
