"""What the screens tell the app; the app decides where to go next."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from ..core.library import Found
from ..core.session import Session
from ..core.store.saver import Saver
from .start import Outcome


@dataclass
class ProtocolChosen(Message):
    """A protocol was chosen in the picker: set it up."""

    found: Found


@dataclass
class ResumeChosen(Message):
    """An unfinished session was chosen: carry it on."""

    path: Path


@dataclass
class MeetingReady(Message):
    """Setup is done: run the meeting."""

    session: Session
    saver: Saver


class SetupCancelled(Message):
    """Setup was left: back to the protocols."""


@dataclass
class MeetingEnded(Message):
    """The meeting was finished and saved: the app closes with this outcome."""

    outcome: Outcome
