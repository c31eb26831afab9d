"""TextSlots: plain text in a screen's Static widgets, updated only when it changes."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.dom import DOMNode
from textual.widgets import Static


class TextSlots:
    """Shows plain text in a screen's Static widgets by selector: only when the text changed,
    and with a new layout only when the text may not fit the widget's one line as it is
    (this runs on the 1 Hz tick). Empty text hides the widget (class `-empty`)."""

    def __init__(self, screen: DOMNode) -> None:
        self.screen = screen
        self._shown: dict[str, str] = {}
        self._widgets: dict[str, Static] = {}

    def bind(self, selector: str, widget: Static) -> None:
        """Name a widget that was made after the screen (mounted when first needed)."""
        self._widgets[selector] = widget

    def set(self, selector: str, text: str) -> None:
        old = self._shown.get(selector)
        if old == text:
            return
        self._shown[selector] = text
        widget = self._widgets.get(selector)
        if widget is None:
            widget = self._widgets[selector] = self.screen.query_one(selector, Static)
        content = Content(text)
        width = widget.size.width  # of the content area
        same_shape = (
            old is not None
            and bool(old) == bool(text)
            and "\n" not in old + text
            and cell_len(old) <= width
            and content.cell_length <= width
            # an auto-width widget is as wide as its text: it keeps its width if the text does
            and (
                not widget.styles.width
                or not widget.styles.width.is_auto
                or cell_len(old) == content.cell_length
            )
        )
        widget.update(content, layout=not same_shape)
        widget.set_class(not text, "-empty")
