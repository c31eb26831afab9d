"""Finding protocols: the built-in library, the user's, the current directory's and the env's."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from .protocol import Protocol, ProtocolError, load_protocol

APP_NAME = "facilitator"
ENV_PROTOCOLS = "FACILITATOR_PROTOCOLS"


def builtin_dir() -> Path:
    """Where the built-in protocols are: inside the installed package, or the source checkout."""
    here = Path(__file__).resolve().parent.parent
    installed = here / "builtin_protocols"
    return installed if installed.is_dir() else here.parent / "protocols"


def user_protocols_dir() -> Path:
    """The user's own protocols, in the platform's config directory."""
    return Path(platformdirs.user_config_dir(APP_NAME)) / "protocols"


@dataclass(frozen=True)
class Found:
    """A protocol found on the search path, with the file it came from."""

    protocol: Protocol
    path: Path
    origin: str


@dataclass
class Library:
    """Every protocol found, by id (later places override earlier), and every broken file."""

    protocols: dict[str, Found] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def sorted(self) -> list[Found]:
        """The protocols in name order."""
        return sorted(self.protocols.values(), key=lambda f: f.protocol.name.casefold())


def search_path(cwd: Path | None = None, env: Mapping[str, str] | None = None) -> list[tuple[str, Path]]:
    """The places protocols are looked for, earliest first, each with a short label."""
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    places = [
        ("built-in", builtin_dir()),
        ("user", user_protocols_dir()),
        ("./protocols", cwd / "protocols"),
    ]
    for entry in env.get(ENV_PROTOCOLS, "").split(os.pathsep):
        if entry.strip():
            places.append((ENV_PROTOCOLS, Path(entry.strip()).expanduser()))
    return places


def load_library(cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Library:
    """Load every protocol on the search path; a broken file is reported and hides nothing."""
    library = Library()
    seen: set[Path] = set()
    for origin, folder in search_path(cwd, env):
        try:
            real = folder.resolve()
            if real in seen or not folder.is_dir():
                continue
            seen.add(real)
            files = sorted(folder.glob("*.toml"))
        except OSError as exc:
            library.problems.append(f"{folder}: cannot be read ({exc.strerror})")
            continue
        for path in files:
            try:
                protocol = load_protocol(path)
            except ProtocolError as exc:
                library.problems.extend(exc.problems)
                continue
            library.protocols[protocol.id] = Found(protocol, path, origin)
    return library


def looks_like_path(name: str) -> bool:
    """Whether a protocol name given by the user is a file path rather than an id."""
    return name.endswith(".toml") or "/" in name or os.sep in name


class NotFoundError(LookupError):
    """A protocol name that matches nothing: the message says what exists."""


def find(name: str, library: Library) -> Found:
    """The protocol a user means by `name`: an id on the search path or a path to a file."""
    if looks_like_path(name):
        path = Path(name).expanduser()
        return Found(load_protocol(path), path, "file")
    if name in library.protocols:
        return library.protocols[name]
    close = difflib.get_close_matches(name, list(library.protocols), n=1)
    hint = f'; did you mean "{close[0]}"?' if close else ""
    raise NotFoundError(f'no protocol named "{name}"{hint} (facilitator list shows them all)')
