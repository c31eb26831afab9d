"""Layout boxes that draw nothing of their own but their background.

Textual renders every container around a widget it repaints; these tell it (`BLANK`) that
their lines are plain background, which it then draws without building them line by line.
The 1 Hz repaint of the clock and the status line passes through several of them.
"""

from __future__ import annotations

from textual.containers import Horizontal, Vertical


class Column(Vertical):
    """A vertical box with no border and no content of its own."""

    BLANK = True


class Row(Horizontal):
    """A horizontal box with no border and no content of its own."""

    BLANK = True
