"""Listing many session files fast: summaries from the head of each file, kept in an index.

A session file written by facilitator starts with its summary (date, status, protocol,
group, total times, then the commitments, check-ins and ratings a team's history needs) and
ends with `TRAILER` and the checksum of the rest. A listing parses only that head, up to
`[protocol]`, when the checksum says the file is whole and as written; any other file is
loaded in full and checked. The index (`.facilitator-index.json`
in the sessions directory, private like the files) remembers summaries by file identity
(inode, size, modification time), so an unchanged file is never read twice and a changed,
added or removed one is always noticed.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import tempfile
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from ..checking import Invalid, check, open_regular, read_limited
from ..commitments import Commitment, CommitmentReview
from ..protocol import CONTROL, Cleaned, cleaned
from .files import SessionFileError, identity
from .record import FORMAT, MAX_SESSION_BYTES, RatedItem, SessionRecord, is_sealed, load_record, rated_in
from .saver import moved_path

INDEX_NAME = ".facilitator-index.json"
INDEX_VERSION = 6
MAX_INDEX_BYTES = 256 * 1024 * 1024
"""An index larger than this is not read (it would be for some hundred thousand files)."""
_HEAD_END = b"\n[protocol]\n"


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
    `team` says whether the participants, commitments, check-ins and ratings are known: the
    head of a file written before they were in it does not hold them (`summaries(team=True)`
    reads such a file in full).
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
    team: bool = False
    participants: tuple[str, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    commitment_reviews: tuple[CommitmentReview, ...] = ()
    rated: tuple[RatedItem, ...] = ()

    @property
    def readable(self) -> bool:
        return self.problem is None

    def to_json(self) -> dict[str, Any]:
        """As JSON data: dates as ISO 8601 text."""
        data = dict(vars(self))
        data["started_at"] = self.started_at.isoformat() if self.started_at else None
        if self.steps is not None:
            data["steps"] = [vars(s) for s in self.steps]
        data["commitments"] = [vars(c) | {"made_at": c.made_at.isoformat()} for c in self.commitments]
        data["commitment_reviews"] = [vars(r) | {"at": r.at.isoformat()} for r in self.commitment_reviews]
        data["rated"] = [vars(r) for r in self.rated]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Summary:
        """From `to_json` data; raises TypeError, KeyError or ValueError for data of another shape."""
        if not isinstance(data, dict) or set(data) - _SUMMARY_FIELDS:
            raise TypeError("not a summary")
        steps = data.get("steps")

        def dated(kind: type, items: Any, key: str) -> tuple[Any, ...]:
            # (no nested dataclasses in these: built directly, the warm listing's hot loop)
            return tuple(kind(**{**item, key: datetime.fromisoformat(item[key])}) for item in items)

        return cls(
            **{
                **data,
                "started_at": datetime.fromisoformat(data["started_at"]) if data.get("started_at") else None,
                "steps": None if steps is None else tuple(StepSummary(**s) for s in steps),
                "participants": tuple(str(p) for p in data.get("participants", ())),
                "commitments": dated(Commitment, data.get("commitments", ()), "made_at"),
                "commitment_reviews": dated(CommitmentReview, data.get("commitment_reviews", ()), "at"),
                "rated": tuple(RatedItem(**item) for item in data.get("rated", ())),
            }
        )


_SUMMARY_FIELDS = {f.name for f in fields(Summary)}


@dataclass(frozen=True, kw_only=True)
class _TeamHead:
    """The tables of a session file's head, checked when a listing reads them."""

    participants: list[Cleaned] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    commitment_reviews: list[CommitmentReview] = field(default_factory=list)
    rated: list[RatedItem] = field(default_factory=list)


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
        team=True,
        participants=tuple(record.participants),
        commitments=tuple(record.commitments),
        commitment_reviews=tuple(record.commitment_reviews),
        # From the steps themselves: a file from before kept no summary of its ratings.
        rated=tuple(rated_in(record.protocol, record.steps)),
    )


def _full(path: Path) -> Summary:
    try:
        return summary_of(path.name, load_record(path))
    except SessionFileError as exc:
        return Summary(name=path.name, problem=str(exc))


def _head(path: Path) -> bytes | None:
    """The head of a whole, sealed file facilitator wrote (its text up to `[protocol]`), or
    None to read the file in full (cut off, changed by hand, written before the seal)."""
    try:
        raw = read_limited(path, MAX_SESSION_BYTES)
    except OSError:
        return None
    cut = raw.find(_HEAD_END)
    if cut < 0 or len(raw) > MAX_SESSION_BYTES or not is_sealed(raw):
        return None
    return raw[: cut + 1]


def _quick(path: Path) -> Summary | None:
    """The summary from the head of a file facilitator wrote, or None to read it in full."""
    head = _head(path)
    if head is None:
        return None
    try:
        data = tomllib.loads(head.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return None
    kinds = {
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
    if not all(isinstance(data.get(key), kind) for key, kind in kinds.items()):
        return None
    team = _team_head(path, data)
    return Summary(
        name=path.name,
        started_at=data["started_at"],
        status=data["status"],
        # Control characters dropped, as reading the file in full drops them (Cleaned).
        protocol_id=cleaned(data["protocol_id"]),
        protocol_name=cleaned(data["protocol_name"]),
        group=cleaned(data["group"]),
        presenter=cleaned(data["presenter"]),
        facilitator=cleaned(data["facilitator"]),
        planned=data["total_planned_seconds"],
        actual=data["total_actual_seconds"],
        started=(
            data["timer_started"]
            if isinstance(data.get("timer_started"), bool)
            else True
            if data["total_actual_seconds"] > 0  # time runs only once started
            else None
        ),
        team=team is not None,
        participants=tuple(team.participants) if team else (),
        commitments=tuple(team.commitments) if team else (),
        commitment_reviews=tuple(team.commitment_reviews) if team else (),
        rated=tuple(team.rated) if team else (),
    )


_COUNTS = {
    "commitments_made": "commitments",
    "commitments_checked": "commitment_reviews",
    "items_rated": "rated",
}


def _team_head(path: Path, data: dict[str, Any]) -> _TeamHead | None:
    """The head's participants, commitments, check-ins and ratings, checked; None when the head
    does not hold them all (a file from before they were there) or they are not valid."""
    got = {key: data.get(key, []) for key in ("participants", *_COUNTS.values())}
    for count, key in _COUNTS.items():
        listed = got[key]
        if not isinstance(data.get(count), int) or not isinstance(listed, list) or len(listed) != data[count]:
            return None
    if not any(got[key] for key in _COUNTS.values()) and all(isinstance(p, str) for p in got["participants"]):
        return _TeamHead(participants=[cleaned(p) for p in got["participants"]])  # most: nothing to check
    try:
        head: _TeamHead = check(_TeamHead, got, str(path))
    except Invalid:
        return None
    return head


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """The garbage collector paused: a listing makes many objects that hold no cycles, and
    scanning them again and again as they are made costs a listing of thousands of files
    about a sixth of its time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class Catalog:
    """The session files of one directory, summarised, newest first."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.index_path = folder / INDEX_NAME
        with _no_collection():
            self._cache: dict[str, tuple[list[int], Summary]] = self._load_index()
        self._dirty = False

    def _load_index(self) -> dict[str, tuple[list[int], Summary]]:
        """The index, checked like any input: an entry of another shape, or one that names a
        file other than its own, is dropped (that file is read again); a damaged index is
        no index."""
        try:
            with open_regular(self.index_path) as handle:
                data = json.loads(handle.read(MAX_INDEX_BYTES + 1))
            if not isinstance(data, dict) or data.get("version") != INDEX_VERSION:
                return {}
            files = data["files"]
            if not isinstance(files, dict):
                return {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return {}
        kept: dict[str, tuple[list[int], Summary]] = {}
        for name, entry in files.items():
            try:
                file_id, summary = entry["id"], Summary.from_json(entry["summary"])
            except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
                continue
            plain_name = isinstance(name, str) and name.endswith(".toml") and os.path.basename(name) == name
            if plain_name and summary.name == name and _shape_ok(file_id, summary):
                kept[name] = (file_id, summary)
        return kept

    def summaries(self, full: bool = False, team: bool = False) -> list[Summary]:
        """Every session file, newest first; `full` reads notes and steps too; `team` makes
        sure participants, commitments, check-ins and ratings are known (see Summary.team)."""
        with _no_collection():
            return self._summaries(full, team)

    def _summaries(self, full: bool, team: bool) -> list[Summary]:
        found: dict[str, tuple[list[int], Summary]] = {}
        try:
            entries = [e for e in os.scandir(self.folder) if e.name.endswith(".toml")]
            inside = os.path.realpath(self.folder)
        except OSError:
            entries = []
        for entry in entries:
            refused = _refused(entry, inside)
            if refused is not None:
                found[entry.name] = ([0, 0, 0, 0], Summary(name=entry.name, problem=refused))
                continue
            now = identity(entry)
            if now is None:
                continue
            cached = self._cache.get(entry.name)
            if (
                cached
                and cached[0] == list(now)
                and (not full or cached[1].steps is not None or not cached[1].readable)
                and (not team or cached[1].team or not cached[1].readable)
            ):
                found[entry.name] = cached
                continue
            path = Path(entry.path)
            summary = None if full else _quick(path)
            if summary is None or (team and not summary.team):
                summary = _full(path)
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
                handle.write(json.dumps(data, ensure_ascii=False))  # dumps: the C encoder
            os.replace(temp, self.index_path)
            self._dirty = False
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _shape_ok(file_id: object, s: Summary) -> bool:
    """Whether an index entry has the types a listing relies on (and no control characters)."""
    texts = [s.name, s.status, s.protocol_id, s.protocol_name, s.group, s.presenter, s.facilitator]
    texts += [s.problem or "", s.notes or "", *s.participants]
    texts += [t for c in s.commitments for t in (c.id, c.who, c.what, c.due)]
    texts += [t for r in s.commitment_reviews for t in (r.id, r.status, r.note)]
    texts += [r.item for r in s.rated] + [step.title for step in s.steps or ()]
    numbers = [s.planned, s.actual, *(c.step for c in s.commitments), *(r.step for r in s.rated)]
    numbers += [r.scale for r in s.rated] + [n for step in s.steps or () for n in (step.planned, step.actual)]
    return (
        isinstance(file_id, list)
        and len(file_id) == 4
        and all(type(n) is int for n in file_id)
        and all(type(t) is str for t in texts)
        and not CONTROL.search("\n".join(texts))  # one search: newlines and tabs are allowed
        and all(type(n) is int for n in numbers)
        and all(type(r.rating) in (int, float) for r in s.rated)
        and (s.started_at is None or isinstance(s.started_at, datetime))
        and all(isinstance(c.made_at, datetime) for c in s.commitments)
        and all(isinstance(r.at, datetime) for r in s.commitment_reviews)
        and s.started in (None, True, False)
        and s.team in (True, False)
    )


def _refused(entry: os.DirEntry[str], inside: str) -> str | None:
    """Why a directory entry is never opened: not a regular file (a FIFO would hang the
    listing), or a link to somewhere outside the sessions folder."""
    where = os.path.join(inside, entry.name)
    try:
        if entry.is_symlink() and os.path.commonpath([os.path.realpath(entry.path), inside]) != inside:
            return f"{where}: a link to outside the sessions folder; not followed"
        if not entry.is_file():
            return f"{where}: not a regular file (a FIFO, device or folder); not read"
    except (OSError, ValueError):
        return f"{where}: cannot be read"
    return None


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


def finished_elsewhere(rescued: Iterable[Path]) -> set[tuple[str, str, str]]:
    """The meetings finished in a rescue folder (the sessions folder could not be written when
    they finished), as (start, protocol, group): their files in the sessions folder still say
    in progress."""
    return {
        (s.started_at.isoformat(), s.protocol_id, s.group)
        for _, s in gather(rescued)
        if s.readable and s.status == "completed" and s.started_at is not None
    }


def resumable(folders: Path | Iterable[Path], rescued: Iterable[Path] | None = None) -> list[Unfinished]:
    """Sessions that were not finished, newest first (found through the catalog); one that
    was finished in a rescue folder (`rescued`: the rescue folders) is not offered, nor a file
    a meeting had to leave (it went on in a new file, see saver.moved_path)."""
    if rescued is None:
        from .saver import rescue_dirs

        rescued = rescue_dirs()
    done = finished_elsewhere(rescued)
    found = []
    for path, summary in gather([folders] if isinstance(folders, Path) else folders):
        key = (
            summary.started_at.isoformat() if summary.started_at else "",
            summary.protocol_id,
            summary.group,
        )
        left = moved_path(path).exists()
        if summary.readable and summary.status == "in_progress" and key not in done and not left:
            try:
                found.append(Unfinished(path, load_record(path)))
            except SessionFileError:
                continue
    return found


def gather(folders: Iterable[Path], full: bool = False, team: bool = False) -> list[tuple[Path, Summary]]:
    """The session files of several folders (a school's and a district's, say), each as
    (path, summary), newest first. A file name found in two folders is one meeting copied
    (names carry the machine's tag): the first folder's copy is kept."""
    found: dict[str, tuple[Path, Summary]] = {}
    for folder in folders:
        for summary in Catalog(folder).summaries(full=full, team=team):
            found.setdefault(summary.name, (folder / summary.name, summary))
    return sorted(
        found.values(),
        key=lambda item: (item[1].started_at.timestamp() if item[1].started_at else 0.0, item[1].name),
        reverse=True,
    )


@dataclass(frozen=True)
class Meeting:
    """One meeting as a team's history needs it (see `meetings`)."""

    name: str
    started_at: datetime
    group: str
    protocol_name: str
    presenter: str
    facilitator: str
    participants: tuple[str, ...]
    commitments: tuple[Commitment, ...]
    commitment_reviews: tuple[CommitmentReview, ...]
    rated: tuple[RatedItem, ...]


def meetings(folders: Iterable[Path]) -> tuple[list[Meeting], list[str]]:
    """What a team's history needs of every session file of the folders (participants, roles,
    commitments, check-ins, ratings; from the head of each file and the index), oldest first,
    and one line per file that could not be read (the others are read all the same)."""
    with _no_collection():
        return _meetings(folders)


def _meetings(folders: Iterable[Path]) -> tuple[list[Meeting], list[str]]:
    good: list[Meeting] = []
    problems: list[str] = []
    for _, s in reversed(gather(folders, team=True)):
        if s.problem is not None:
            problems.append(s.problem)
        elif s.started_at is not None:
            good.append(
                Meeting(
                    s.name,
                    s.started_at,
                    s.group,
                    s.protocol_name or s.protocol_id,
                    s.presenter,
                    s.facilitator,
                    s.participants,
                    s.commitments,
                    s.commitment_reviews,
                    s.rated,
                )
            )
    return good, problems
