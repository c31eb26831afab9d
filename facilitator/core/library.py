"""The protocol library: where protocol files are found, and reading one, checked once.

A file is checked (pydantic) the first time it is read; its checked form is then kept in the
user's cache directory under the SHA-256 of the file's bytes and of this code, so the next
start opens it without pydantic, for a team's own files as for the built-in ones. A missing,
stale or damaged cache entry only makes opening slower, never different.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from .. import __version__
from .checking import Invalid, NotRegularFile, check, parse_toml_text, plain, read_limited, sha256, trusted
from .protocol import FORMAT, MAX_FILE_BYTES, CheckedProtocol, Protocol, ProtocolError

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


def cache_dir() -> Path:
    """Where checked protocol files are remembered."""
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "checked-protocols"


# -- one file ----------------------------------------------------------------------------------


def protocol_from_data(data: dict[str, object], where: str, protocol_id: str) -> Protocol:
    """Check parsed TOML as a protocol file; `where` names the file in messages."""
    fmt = data.get("format", FORMAT)
    if isinstance(fmt, int) and not isinstance(fmt, bool) and fmt > FORMAT:
        raise ProtocolError(
            [
                f"{where}: format: this file uses protocol format {fmt}, newer than this "
                f"facilitator understands (format {FORMAT}); update facilitator to use it"
            ]
        )
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt != FORMAT:
        raise ProtocolError([f"{where}: format: must be {FORMAT}"])
    if "id" in data:
        raise ProtocolError(
            [f"{where}: id: not a key of protocol files; the id is the file name without .toml"]
        )
    try:
        protocol: Protocol = check(CheckedProtocol, {**data, "id": protocol_id}, where)
        return protocol
    except Invalid as exc:
        raise ProtocolError(exc.problems) from None


@functools.cache
def _code_key() -> bytes:
    """What the checked form depends on besides the file: the code that declares and checks it."""
    digest = sha256(__version__.encode())
    here = Path(__file__).resolve().parent
    for name in ("protocol.py", "checking.py", "library.py"):
        with contextlib.suppress(OSError):
            digest.update((here / name).read_bytes())
    return digest.digest()


def _cache_path(raw: bytes) -> Path:
    return cache_dir() / (sha256(_code_key() + raw).hexdigest() + ".json")


def _from_cache(raw: bytes, protocol_id: str) -> Protocol | None:
    """The checked form of these bytes, if it was kept whole; None otherwise."""
    try:
        seal, _, body = _cache_path(raw).read_bytes().partition(b"\n")
        if seal.decode("ascii") != sha256(body).hexdigest():
            return None
        return trusted(Protocol, {**json.loads(body), "id": protocol_id})
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _keep(raw: bytes, protocol: Protocol) -> None:
    """Remember a checked file; failing to (read-only home, full disk) costs only time."""
    data = plain(protocol)
    del data["id"]  # the id is the file name, which the bytes do not carry
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    target = _cache_path(raw)
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".checked-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(sha256(body).hexdigest().encode() + b"\n" + body)
            os.replace(temp, target)
        except OSError:
            os.unlink(temp)


def load_protocol(path: Path) -> Protocol:
    """Read a protocol file, checked (or as checked before); raise ProtocolError listing every
    problem, each naming the file and the place."""
    where = str(path)
    try:
        raw = read_limited(path, MAX_FILE_BYTES)
    except (IsADirectoryError, NotRegularFile):
        if path.is_dir():
            raise ProtocolError([f"{where}: is a directory, not a protocol file"]) from None
        raise ProtocolError([f"{where}: not a regular file (a FIFO or a device); not read"]) from None
    except FileNotFoundError:
        raise ProtocolError([f"{where}: no such file"]) from None
    except OSError as exc:
        raise ProtocolError([f"{where}: cannot be read ({exc.strerror})"]) from None
    if len(raw) <= MAX_FILE_BYTES and (known := _from_cache(raw, path.stem)) is not None:
        return known
    try:
        data = parse_toml_text(raw, where, MAX_FILE_BYTES)
    except Invalid as exc:
        raise ProtocolError(exc.problems) from None
    protocol = protocol_from_data(data, where, path.stem)
    _keep(raw, protocol)
    return protocol


# -- the search path -------------------------------------------------------------------------


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


def _places(cwd: Path | None, env: Mapping[str, str] | None, problems: list[str]) -> list[tuple[str, Path]]:
    """The search path's folders that exist, each once (the first label wins)."""
    places = []
    seen: set[Path] = set()
    for origin, folder in search_path(cwd, env):
        try:
            real = folder.resolve()
            if real in seen or not folder.is_dir():
                continue
        except OSError as exc:
            problems.append(f"{folder}: cannot be read ({exc.strerror})")
            continue
        seen.add(real)
        places.append((origin, folder))
    return places


def load_library(cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Library:
    """Load every protocol on the search path; a broken file is reported and hides nothing."""
    library = Library()
    for origin, folder in _places(cwd, env, library.problems):
        try:
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


def find_one(name: str, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Found:
    """What `find(name, load_library())` answers, reading only the files it can be: the path
    given, or NAME.toml in each place on the search path, the latest place first (a broken
    file there gives way to an earlier one, as in the library). A name no file has is looked
    for in the whole library, which suggests the closest one. Opening a meeting by name
    reads one protocol instead of every one (start-up time)."""
    if looks_like_path(name):
        path = Path(name).expanduser()
        return Found(load_protocol(path), path, "file")
    for origin, folder in reversed(_places(cwd, env, [])):
        path = folder / f"{name}.toml"
        try:
            if not path.is_file():
                continue
            return Found(load_protocol(path), path, origin)
        except (OSError, ProtocolError):
            continue
    return find(name, load_library(cwd, env))


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
