"""The room's web view: one process serves a page and the meeting's state to every browser."""
