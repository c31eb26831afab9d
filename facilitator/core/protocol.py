"""Protocols: the checked form of a protocol file, and loading one.

`Protocol` and `Step` are plain frozen dataclasses, so the app can open a built-in protocol
without importing pydantic (start-up time). The rules of format 1 and their one-line error
messages are in `protocol_schema.py`. A file whose exact bytes were checked before, as every
built-in protocol was (see `checked_protocols.json`), is taken from that record; any other
file is checked by `protocol_schema.py`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT = 1
MAX_FILE_BYTES = 256 * 1024
MAX_STEPS = 100
EACH_PARTICIPANT = "each participant"
EVERYONE = "everyone"
DEFAULT_ROLES = ("facilitator", "presenter", "participants")

# C0 and C1 controls (ESC starts terminal sequences) and the bidi embedding, override and
# isolate characters, which reorder how text is shown.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

CHECKED_PATH = Path(__file__).with_name("checked_protocols.json")
"""The built-in protocols as checked, keyed by the SHA-256 of each file's bytes."""


class ProtocolError(Exception):
    """A protocol that cannot be used: one line per problem, each naming the file and place."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, kw_only=True)
class Step:
    """One step of a protocol, run in order; `minutes` is per turn in a step taken in turns."""

    title: str
    minutes: float
    min_minutes: float | None = None
    speakers: list[str] = field(default_factory=list)
    silent: list[str] = field(default_factory=list)
    description: str = ""
    prompts: list[str] = field(default_factory=list)
    facilitator_notes: str = ""
    turns: int | str | None = None

    @property
    def in_turns(self) -> bool:
        """Whether the step is taken in turns."""
        return self.turns is not None

    def turn_count(self, people: int | None) -> int:
        """How many turns the step has, given the number of people named at setup."""
        if self.turns is None:
            return 1
        if isinstance(self.turns, int):
            return self.turns
        return max(1, people or 1)


@dataclass(frozen=True, kw_only=True)
class Protocol:
    """A protocol: its description and its steps. `id` comes from the file name."""

    id: str = ""
    format: int = FORMAT
    name: str
    summary: str = ""
    purpose: str = ""
    source: str = ""
    tags: list[str] = field(default_factory=list)
    group_size: str = ""
    roles: list[str] = field(default_factory=lambda: list(DEFAULT_ROLES))
    norms: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    steps: list[Step]

    @property
    def has_each_participant(self) -> bool:
        """Whether some step has one turn per participant (setup needs the number of people)."""
        return any(step.turns == EACH_PARTICIPANT for step in self.steps)

    def total_minutes(self, people: int | None = None) -> float:
        """The planned length, with `people` turns for steps taken by each participant."""
        return sum(step.minutes * step.turn_count(people) for step in self.steps)

    def to_data(self) -> dict[str, Any]:
        """The protocol as plain data (what a session file keeps), without empty optional keys."""
        data = {k: v for k, v in vars(self).items() if k != "steps"}
        data["steps"] = [{k: v for k, v in vars(step).items() if v is not None} for step in self.steps]
        return _copy_lists(data)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Protocol:
        """Rebuild a protocol from `to_data` output that was checked before; no checks here."""
        data = _copy_lists(data)
        data["steps"] = [Step(**step) for step in data["steps"]]
        return cls(**data)


def _copy_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy_lists(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_lists(v) for v in value]
    return value


def protocol_from_data(data: dict[str, Any], where: str, protocol_id: str) -> Protocol:
    """Check parsed TOML as a protocol; `where` names the file in messages."""
    from .protocol_schema import check  # pydantic: only for files not checked before

    return check(data, where, protocol_id)


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def parse_toml_text(raw: bytes, where: str, limit: int = MAX_FILE_BYTES) -> dict[str, Any]:
    """Decode and parse TOML bytes, or raise ProtocolError with `where:LINE:COL:` for syntax."""
    if len(raw) > limit:
        raise ProtocolError([f"{where}: the file is larger than {limit // 1024} KiB; split or shorten it"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProtocolError(
            [f"{where}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"]
        ) from None
    text = text.removeprefix("\ufeff")
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise ProtocolError([f"{where}: arrays or tables are nested too deeply"]) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_POSITION.search(message)
        if found:
            row, col = found.groups()
            message = message[: found.start()]
            raise ProtocolError([f"{where}:{row}:{col}: {message}"]) from None
        raise ProtocolError([f"{where}: {message}"]) from None


def read_limited(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """Read at most limit + 1 bytes, so a huge file is refused without reading it all."""
    with path.open("rb") as handle:
        return handle.read(limit + 1)


def file_key(raw: bytes) -> str:
    """The key of a file's bytes in the checked record."""
    return hashlib.sha256(raw).hexdigest()


@functools.cache
def checked() -> dict[str, dict[str, Any]]:
    """The record of protocol files checked in advance; empty if it is missing or unreadable
    (every file is then checked as it loads, which is slower but the same)."""
    try:
        found = json.loads(CHECKED_PATH.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict) or found.get("format") != FORMAT:
        return {}
    files = found.get("files")
    return files if isinstance(files, dict) else {}


def load_protocol(path: Path) -> Protocol:
    """Load and check a protocol file; raise ProtocolError listing every problem."""
    where = str(path)
    try:
        raw = read_limited(path)
    except IsADirectoryError:
        raise ProtocolError([f"{where}: is a directory, not a protocol file"]) from None
    except FileNotFoundError:
        raise ProtocolError([f"{where}: no such file"]) from None
    except OSError as exc:
        raise ProtocolError([f"{where}: cannot be read ({exc.strerror})"]) from None
    known = checked().get(file_key(raw)) if len(raw) <= MAX_FILE_BYTES else None
    if known is not None:
        try:
            return Protocol.from_data({**known, "id": path.stem})
        except (TypeError, KeyError):
            pass  # a damaged record: check the file itself
    data = parse_toml_text(raw, where)
    return protocol_from_data(data, where, path.stem)
