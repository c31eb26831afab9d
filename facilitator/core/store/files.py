"""Session files on disk: the sessions folder, file names, finding a named session, and
writing files safely (atomic, private, never over another file or through a link)."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

ENV_SESSIONS = "FACILITATOR_SESSIONS_DIR"


class SessionFileError(Exception):
    """A session file that cannot be read or found: the message names it and the problem."""


def sessions_dirs(
    option: str | Path | Sequence[str | Path] | None = None, env: Mapping[str, str] | None = None
) -> list[Path]:
    """Every --sessions-dir given, in order (a new session is saved in the first; the others
    are read too: a school's and a district's folders together), else
    FACILITATOR_SESSIONS_DIR, else ./sessions."""
    env = os.environ if env is None else env
    given = [option] if isinstance(option, str | Path) else list(option or [])
    folders = [Path(f).expanduser() for f in given if f]
    return folders or [Path(env.get(ENV_SESSIONS) or "sessions").expanduser()]


def sessions_dir(
    option: str | Path | Sequence[str | Path] | None = None, env: Mapping[str, str] | None = None
) -> Path:
    """The folder a new session is saved in: the first of `sessions_dirs`."""
    return sessions_dirs(option, env)[0]


def session_path(name: str, folders: Path | Sequence[Path]) -> Path:
    """A session named by path, file name, or file name without .toml, in the first folder
    that has it."""
    folders = [folders] if isinstance(folders, Path) else list(folders)
    candidates = [Path(name).expanduser()]
    for folder in folders:
        candidates += [folder / name, folder / f"{name}.toml"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    where = " and ".join(str(f) for f in folders)
    raise SessionFileError(f'no session "{name}" (facilitator sessions lists those in {where})')


def identity(path: Path | os.DirEntry[str]) -> tuple[int, int, int, int] | None:
    """Device, inode, size and modification time: a file replaced or changed has another."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def ensure_dir(folder: Path) -> None:
    """Create the sessions directory, private (0700) when it is new."""
    if not folder.is_dir():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            folder.chmod(0o700)


def slug(text: str, limit: int = 40) -> str:
    """A file-name-safe form of a name: ASCII letters, digits and dashes only."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return out[:limit].rstrip("-")


def session_name(started_at: datetime, protocol_id: str, group: str, machine: str = "") -> str:
    """Date, time, protocol, group and this computer's tag, slugged:
    `2026-11-23_1405_tuning_grade-5-team_k3f9`. The tag keeps two laptops that save in one
    shared folder in the same minute from ever choosing the same name."""
    parts = [started_at.strftime("%Y-%m-%d_%H%M"), slug(protocol_id) or "protocol"]
    if slug(group):
        parts.append(slug(group))
    if slug(machine):
        parts.append(slug(machine))
    return "_".join(parts)


_TAG = re.compile(r"[a-z0-9]{4}")


def machine_tag() -> str:
    """Four letters and digits for this computer (this user's installation), made at random
    once and kept in the user's config directory (a new one each time if it cannot be kept).
    Read when a session file is made, once a meeting."""
    import secrets

    import platformdirs

    path = Path(platformdirs.user_config_dir("facilitator")) / "machine"
    try:
        kept = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        kept = ""
    if _TAG.fullmatch(kept):
        return kept
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o or 1/l to mix up when read aloud
    made = "".join(secrets.choice(alphabet) for _ in range(4))
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(made + "\n", encoding="ascii")
    return made


def _write_temp(folder: Path, name: str, text: str) -> Path:
    fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return Path(temp)


def _sync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_new_file(folder: Path, base: str, text: str) -> Path:
    """Write `text` to `folder` as BASE.toml, or BASE-2.toml and so on: never overwrites."""
    ensure_dir(folder)
    temp = _write_temp(folder, base, text)
    try:
        for n in range(1, 10_000):
            target = folder / (f"{base}.toml" if n == 1 else f"{base}-{n}.toml")
            try:
                os.link(temp, target)
            except FileExistsError:
                continue
            _sync_dir(folder)
            return target
        raise OSError(f"{folder}: no free file name for {base}")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def replace_file(path: Path, text: str) -> None:
    """Replace a file atomically: a failed write leaves the old file as it was."""
    temp = _write_temp(path.parent, path.stem, text)
    try:
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_dir(path.parent)


def write_private(path: Path, text: str) -> None:
    """Write an export of a session: readable by the user alone (0600), and never through a
    symbolic link someone left at that name. Raises OSError."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(text)


LEFTOVER_AGE_S = 600.0
"""A temporary copy older than this was left by a save that never finished (a save takes
milliseconds); a younger one may be a save in progress on another computer, and is kept."""


def sweep_leftovers(folder: Path, now: float) -> list[Path]:
    """Remove the temporary copies interrupted saves left in `folder` (`.NAME.XXXX.tmp`, and
    the index's `.index.XXXX.tmp`) older than LEFTOVER_AGE_S at wall time `now`; the paths
    removed. Anything that cannot be looked at or removed is left alone."""
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if not (entry.name.startswith(".") and entry.name.endswith(".tmp")):
                continue
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False) and now - entry.stat().st_mtime >= LEFTOVER_AGE_S:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed
