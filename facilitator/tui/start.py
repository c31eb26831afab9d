"""What the app is asked to open, and what it tells at the end: plain typed values that the
command line and the tests build (no Textual here, so plain commands never import it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.details import Details


@dataclass(frozen=True)
class Pick:
    """The picker of protocols, with the unfinished sessions to carry on."""


@dataclass(frozen=True)
class RunProtocol:
    """Straight to the run screen (or to setup, when turns need the number of people)."""

    protocol: str
    """An id on the search path, or a path to a .toml file."""
    details: Details = field(default_factory=Details)
    people: int | None = None
    warn_minutes: float | None = None
    """`run --warn`: one warning for every step, instead of the protocol's."""


@dataclass(frozen=True)
class Resume:
    """Carry on an unfinished session: the one named, else the newest."""

    session: str | None = None


@dataclass(frozen=True)
class Review:
    """Browse saved sessions, with the one named open on top."""

    session: str | None = None


Start = Pick | RunProtocol | Resume | Review


@dataclass(frozen=True)
class Options:
    """How the app looks and sounds, where sessions are saved, and which more folders of
    sessions are read (a team's history, the review browser, what to resume)."""

    sessions_dir: Path
    theme: str | None = None
    bell: bool = True
    more_dirs: tuple[Path, ...] = ()

    @property
    def folders(self) -> list[Path]:
        """Every folder sessions are read from, the one they are saved in first."""
        return [self.sessions_dir, *self.more_dirs]


@dataclass(frozen=True)
class Outcome:
    """What the app leaves behind when it closes."""

    saved: Path | None = None
    """The finished session's file."""
    rescued: bool = False
    """True when the sessions folder could not be written and `saved` is elsewhere."""
    unfinished: Path | None = None
    """A session left unfinished, to carry on with `facilitator resume`."""


class StartError(Exception):
    """The app cannot open as asked: one line for the user."""
