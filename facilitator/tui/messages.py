"""Messages the screens send each other."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from ..core.library import Found


@dataclass
class ProtocolChosen(Message):
    """A protocol was chosen in the picker."""

    found: Found
