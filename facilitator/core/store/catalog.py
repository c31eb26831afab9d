"""Listing many session files fast: summaries from the head of each file, kept in an index.

A session file written by facilitator starts with its summary (date, status, protocol,
group, total times) and ends with `TRAILER`. A listing parses only that head when the trailer
is there; any other file is loaded in full and checked. The index (`.facilitator-index.json`
in the sessions directory, private like the files) remembers summaries by file identity
(inode, size, modification time), so an unchanged file is never read twice and a changed,
added or removed one is always noticed.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import tomllib
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .files import SessionFileError, identity
from .record import FORMAT, TRAILER, SessionRecord, load_record

INDEX_NAME = ".facilitator-index.json"
INDEX_VERSION = 5
_HEAD_BYTES = 4096
_TRAILER = TRAILER.encode()


@dataclass(frozen=True)
class StepSummary:
    """One step of a saved session, for statistics."""

    title: str
    planned: int
    actual: int


@dataclass(frozen=True)
class Summary:
    """A session file as a listing shows it; `problem` is set when the file cannot be read.

    `notes` and `steps` are None until the file has been read in full (see `Catalog.full`).
    `started` says whether the timer ever ran (a `start` event): None when only the head was
    read and it cannot tell (a file written before the summary said so, with no time run).
    """

    name: str
    problem: str | None = None
    started_at: datetime | None = None
    status: str = ""
    protocol_id: str = ""
    protocol_name: str = ""
    group: str = ""
    presenter: str = ""
    facilitator: str = ""
    planned: int = 0
    actual: int = 0
    notes: str | None = None
    steps: tuple[StepSummary, ...] | None = None
    started: bool | None = None

    @property
    def readable(self) -> bool:
        return self.problem is None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["started_at"] = self.started_at.isoformat() if self.started_at else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Summary:
        steps = data.get("steps")
        return cls(
            **{
                **data,
                "started_at": datetime.fromisoformat(data["started_at"]) if data.get("started_at") else None,
                "steps": None if steps is None else tuple(StepSummary(**s) for s in steps),
            }
        )


def summary_of(name: str, record: SessionRecord) -> Summary:
    """The full summary of a loaded record (notes and steps included)."""
    return Summary(
        name=name,
        started_at=record.started_at,
        status=record.status,
        protocol_id=record.protocol.id or record.protocol_id,
        protocol_name=record.protocol.name or record.protocol_name,
        group=record.group,
        presenter=record.presenter,
        facilitator=record.facilitator,
        planned=sum(s.planned_seconds for s in record.steps),
        actual=sum(s.actual_seconds for s in record.steps),
        notes="\n".join(s.notes for s in record.steps if s.notes),
        steps=tuple(StepSummary(s.title, s.planned_seconds, s.actual_seconds) for s in record.steps),
        started=any(e.kind == "start" for e in record.events),
    )


def _full(path: Path) -> Summary:
    try:
        return summary_of(path.name, load_record(path))
    except SessionFileError as exc:
        return Summary(name=path.name, problem=str(exc))


def _quick(path: Path) -> Summary | None:
    """The summary from the head of a file facilitator wrote, or None to read it in full."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
            handle.seek(-len(_TRAILER), os.SEEK_END)
            tail = handle.read()
    except OSError:
        return None
    cut = head.find(b"\n[")
    if tail != _TRAILER or cut < 0:
        return None
    try:
        data = tomllib.loads(head[: cut + 1].decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    fields = {
        "status": str,
        "started_at": datetime,
        "protocol_id": str,
        "protocol_name": str,
        "group": str,
        "presenter": str,
        "facilitator": str,
        "total_planned_seconds": int,
        "total_actual_seconds": int,
    }
    if data.get("format") != FORMAT or data.get("status") not in ("in_progress", "completed"):
        return None
    if not all(isinstance(data.get(key), kind) for key, kind in fields.items()):
        return None
    return Summary(
        name=path.name,
        started_at=data["started_at"],
        status=data["status"],
        protocol_id=data["protocol_id"],
        protocol_name=data["protocol_name"],
        group=data["group"],
        presenter=data["presenter"],
        facilitator=data["facilitator"],
        planned=data["total_planned_seconds"],
        actual=data["total_actual_seconds"],
        started=(
            data["timer_started"]
            if isinstance(data.get("timer_started"), bool)
            else True
            if data["total_actual_seconds"] > 0  # time runs only once started
            else None
        ),
    )


class Catalog:
    """The session files of one directory, summarised, newest first."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.index_path = folder / INDEX_NAME
        self._cache: dict[str, tuple[list[int], Summary]] = self._load_index()
        self._dirty = False

    def _load_index(self) -> dict[str, tuple[list[int], Summary]]:
        try:
            data = json.loads(self.index_path.read_text(encoding="utf-8"))
            if data.get("version") != INDEX_VERSION:
                return {}
            return {
                name: (entry["id"], Summary.from_json(entry["summary"]))
                for name, entry in data["files"].items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    def summaries(self, full: bool = False) -> list[Summary]:
        """Every session file, newest first; `full` reads notes and steps too."""
        found: dict[str, tuple[list[int], Summary]] = {}
        try:
            entries = [e for e in os.scandir(self.folder) if e.name.endswith(".toml")]
        except OSError:
            entries = []
        for entry in entries:
            now = identity(entry)
            if now is None:
                continue
            cached = self._cache.get(entry.name)
            if (
                cached
                and cached[0] == list(now)
                and (not full or cached[1].steps is not None or not cached[1].readable)
            ):
                found[entry.name] = cached
                continue
            path = Path(entry.path)
            summary = (None if full else _quick(path)) or _full(path)
            found[entry.name] = (list(now), summary)
            self._dirty = True
        if set(found) != set(self._cache):
            self._dirty = True
        self._cache = found
        self.save_index()
        return sorted(
            (s for _, s in found.values()),
            key=lambda s: (s.started_at.timestamp() if s.started_at else 0.0, s.name),
            reverse=True,
        )

    def save_index(self) -> None:
        """Write the index if it changed; a directory we cannot write just goes without."""
        if not self._dirty:
            return
        data = {
            "version": INDEX_VERSION,
            "files": {
                name: {"id": file_id, "summary": summary.to_json()}
                for name, (file_id, summary) in self._cache.items()
            },
        }
        try:
            fd, temp = tempfile.mkstemp(prefix=".index.", suffix=".tmp", dir=self.folder)
        except OSError:
            return
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False)
            os.replace(temp, self.index_path)
            self._dirty = False
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def matches(summary: Summary, query: str) -> bool:
    """Whether every word of `query` is in the protocol, group, presenter, date or notes."""
    words = query.casefold().split()
    if not words:
        return True
    when = summary.started_at.strftime("%Y-%m-%d %a %b") if summary.started_at else ""
    haystack = " ".join(
        [
            summary.name,
            summary.protocol_id,
            summary.protocol_name,
            summary.group,
            summary.presenter,
            summary.facilitator,
            summary.status,
            when,
            summary.notes or "",
            summary.problem or "",
        ]
    ).casefold()
    return all(word in haystack for word in words)


@dataclass(frozen=True)
class Unfinished:
    """A session that was not finished, read in full, to offer carrying on."""

    path: Path
    record: SessionRecord


def resumable(folder: Path) -> list[Unfinished]:
    """Sessions that were not finished, newest first (found through the catalog)."""
    found = []
    for summary in Catalog(folder).summaries():
        if summary.readable and summary.status == "in_progress":
            path = folder / summary.name
            try:
                found.append(Unfinished(path, load_record(path)))
            except SessionFileError:
                continue
    return found


def records(folder: Path) -> tuple[list[tuple[str, SessionRecord]], list[str]]:
    """Every session file of a folder read in full, as (file name, record), and one line per
    file that could not be read (the others are read all the same)."""
    found: list[tuple[str, SessionRecord]] = []
    problems: list[str] = []
    try:
        names = sorted(e.name for e in os.scandir(folder) if e.name.endswith(".toml") and e.is_file())
    except OSError as exc:
        return [], [f"{folder}: cannot be read ({exc.strerror})"]
    for name in names:
        try:
            found.append((name, load_record(folder / name)))
        except SessionFileError as exc:
            problems.append(str(exc))
    return found, problems
