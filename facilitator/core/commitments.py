"""Commitments: what someone promised to do by when, made in a meeting so the team can
return to it next time. Declared once: the session file holds them as `[[commitments]]`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from .checking import STRICT, Rule
from .protocol import CONTROL

MAX_TEXT = 500
"""The longest who, what or due a commitment keeps (a sentence, not an essay)."""


def _plain(text: str) -> str:
    if CONTROL.search(text):
        raise ValueError("contains a control character; only plain text is allowed")
    return text


def _said(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank")
    return text


Said = Annotated[str, STRICT, Rule(_plain)]
What = Annotated[str, STRICT, Rule(_plain), Rule(_said)]


def _step(value: int) -> int:
    if value < 1:
        raise ValueError("must be at least 1")
    return value


@dataclass(frozen=True, kw_only=True)
class Commitment:
    """One promise: who will do what, by when; made at a step of a meeting."""

    id: Said
    """Unique and stable: the session file's name and a number ("2026-12-01-1400-tuning-1")."""
    who: Said = ""
    what: What
    due: Said = ""
    """Free text ("next meeting") or a date."""
    step: Annotated[int, Rule(_step)]
    made_at: datetime

    def line(self) -> str:
        """ "Ben: Try exit tickets with 7B (by next meeting)"."""
        who = f"{self.who}: " if self.who else ""
        due = f" (by {self.due})" if self.due else ""
        return f"{who}{self.what}{due}"


def tidy(text: str) -> str:
    """What was typed in a form, as one plain line: control characters and line breaks go,
    spaces around are trimmed, and it is cut at MAX_TEXT characters."""
    return " ".join(CONTROL.sub(" ", text).split())[:MAX_TEXT]
