"""Checking what comes from files: TOML text read with clear messages, and plain data checked
against the rules declared on the dataclasses that hold it.

A field's rules are part of its declaration: `Annotated[float, STRICT, Rule(positive)]`.
`check(kind, data, where)` builds a validator for `kind` the first time it is needed (pydantic,
imported only then) and turns every problem into one line, `where: steps[2].minutes: must be
greater than 0`, with list positions counted from 1. `plain` is the way back out: a dataclass
as plain data (lists and tables, no None) for TOML and JSON.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import functools
import importlib
import os
import re
import stat
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

T = TypeVar("T")

UNPRINTABLE_KEY = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class Invalid(Exception):
    """Data that cannot be used: one line per problem, each naming the file and the place."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Problems(ValueError):
    """Raised by a rule to report problems at places inside the value it checks."""

    def __init__(self, found: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _, message in found))
        self.found = found


class Rule:
    """A check on a field, run when untrusted data is read: `check(value)` returns the value
    (perhaps normalised) or raises ValueError with the message for the user. `before` rules
    see the value as it was read, before its type is checked."""

    def __init__(self, check: Callable[[Any], Any], before: bool = False) -> None:
        self.check = check
        self.before = before

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        make = (
            core_schema.no_info_before_validator_function
            if self.before
            else core_schema.no_info_after_validator_function
        )
        return make(self.check, handler(source))


class _Strict:
    """Marks a field whose value must already have its type: 5 is not "5", true is not 1."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return _strict(handler(source))


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    if schema.get("type") in ("int", "float", "str", "bool", "list", "tuple", "union"):
        schema["strict"] = True
    for key in ("schema", "items_schema"):
        if isinstance(schema.get(key), dict):
            _strict(schema[key])
    for choice in schema.get("choices", ()):
        _strict(choice[0] if isinstance(choice, tuple) else choice)
    return schema


STRICT = _Strict()


# -- TOML text ---------------------------------------------------------------------------------


def _builtin_sha256() -> Any:
    """SHA-256 from Python's own module (`_sha256`, `_sha2` from 3.12): hashlib would load
    OpenSSL first, some milliseconds of every start-up."""
    for name in ("_sha256", "_sha2"):
        with contextlib.suppress(ImportError, AttributeError):
            return importlib.import_module(name).sha256
    import hashlib

    return hashlib.sha256


sha256 = _builtin_sha256()


class NotRegularFile(OSError):
    """A FIFO, a device or a directory where a file was expected: never read (a FIFO would
    wait forever for a writer)."""


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading; raise NotRegularFile for anything else, without
    waiting on it (a FIFO is opened non-blocking, then refused)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_limited(path: Path, limit: int) -> bytes:
    """Read at most limit + 1 bytes of a regular file, so a huge file is refused without
    reading it all (and anything but a regular file is refused: NotRegularFile)."""
    with open_regular(path) as handle:
        return handle.read(limit + 1)


def parse_toml_text(raw: bytes, where: str, limit: int) -> dict[str, Any]:
    """Decode and parse TOML bytes, or raise Invalid with `where:LINE:COL:` for syntax."""
    if len(raw) > limit:
        raise Invalid([f"{where}: the file is larger than {limit // 1024} KiB; split or shorten it"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise Invalid(
            [f"{where}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"]
        ) from None
    text = text.removeprefix("\ufeff")
    import tomllib  # only when a file is read: a protocol checked before is not

    try:
        return tomllib.loads(text)
    except RecursionError:
        raise Invalid([f"{where}: arrays or tables are nested too deeply"]) from None
    except tomllib.TOMLDecodeError as exc:
        from .toml_words import toml_problem  # only when a file is broken

        said = toml_problem(text, where, str(exc))
        raise Invalid([UNPRINTABLE_KEY.sub(lambda m: f"\\u{ord(m.group()):04x}", said)]) from None


# -- checking data against a declaration ------------------------------------------------------


@functools.cache
def _validator(kind: Any) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(kind)


def check(kind: Any, data: Any, where: str) -> Any:
    """`data` as a `kind` (a dataclass, or an Annotated one), every rule checked; raises
    Invalid with one line per problem."""
    from pydantic import ValidationError

    try:
        return _validator(kind).validate_python(data)
    except ValidationError as exc:
        problems: list[str] = []
        for error in exc.errors():
            reported = error.get("ctx", {}).get("error")
            if isinstance(reported, Problems):
                problems += [f"{where}: {_join(_place(error['loc']), p)}: {m}" for p, m in reported.found]
            else:
                problems.append(f"{where}: {_place(error['loc'])}: {_message(kind, error)}")
        raise Invalid(problems) from None


def _join(place: str, inner: str) -> str:
    if place == "(top level)":
        return inner
    return f"{place}.{inner}" if inner else place


def _place(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            # A key may hold a newline or an escape: keep the message one plain line.
            part = UNPRINTABLE_KEY.sub(lambda m: f"\\u{ord(m.group()):04x}", part)
            out += ("." if out else "") + part
    return out or "(top level)"


def _message(kind: Any, error: Any) -> str:
    what = error["type"]
    loc = error["loc"]
    if what == "missing":
        return "is required"
    if what in ("unexpected_keyword_argument", "extra_forbidden"):
        import difflib

        known = file_keys(_kind_at(kind, loc[:-1]))
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        return (
            f'unknown key; did you mean "{close[0]}"?'
            if close
            else f"unknown key; known keys: {', '.join(sorted(known))}"
        )
    if what == "finite_number":
        return "must be a finite number"
    if what in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"):
        return "must be a number"
    if what == "string_type":
        return "must be text in quotes"
    if what in ("list_type", "tuple_type"):
        return 'must be a list, like ["a", "b"]'
    if what in ("dataclass_type", "dataclass_args_type", "model_type", "dict_type"):
        return "must be a table"
    if what == "datetime_type":
        return "must be a date and time"
    if what == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    return str(error["msg"]).lower()


def file_keys(kind: Any) -> list[str]:
    """The keys a file may give for a dataclass: its fields, less those marked `derived`
    (such as a protocol's id, which comes from the file name)."""
    if not dataclasses.is_dataclass(kind):
        return []
    return [f.name for f in dataclasses.fields(kind) if not f.metadata.get("derived")]


def _kind_at(kind: Any, loc: tuple[int | str, ...]) -> Any:
    """The dataclass that holds the value at `loc` inside `kind`."""
    current = _dataclass_in(kind)
    for part in loc:
        if isinstance(part, str) and current is not None:
            current = _nested(current).get(part)
    return current


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def _dataclass_in(hint: Any) -> Any:
    """The dataclass a type names, looking inside Annotated, lists and optional types."""
    if hint is None:
        return None
    if dataclasses.is_dataclass(hint):
        return hint
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return _dataclass_in(typing.get_args(hint)[0])
    if origin in (list, tuple, typing.Union, types.UnionType):
        for arg in typing.get_args(hint):
            found = _dataclass_in(arg)
            if found is not None:
                return found
    return None


# -- plain data out, and back when it was checked before --------------------------------------


def plain(value: Any) -> Any:
    """A dataclass (or list or dict of them) as plain lists and tables, None values left out
    (TOML has no null): what a file or JSON holds."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if item is not None:
                out[f.name] = plain(item)
        return out
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items() if item is not None}
    return value


def trusted(kind: type[T], data: dict[str, Any]) -> T:
    """A dataclass from plain data that was checked before (a cache of checked files): no
    checks, only the nested dataclasses rebuilt. Raises TypeError, KeyError or ValueError for
    data of another shape, which the caller treats as not checked."""
    nested = _nested(typing.cast(Any, kind))
    values = dict(data)
    for key, item in data.items():
        inner = nested[key]
        if inner is not None and isinstance(item, list):
            values[key] = [trusted(inner, element) for element in item]
        elif inner is not None and isinstance(item, dict):
            values[key] = trusted(inner, item)
    return kind(**values)


@functools.cache
def _nested(kind: type) -> dict[str, Any]:
    """For each field of a dataclass, the dataclass its values hold (None for plain values)."""
    return {name: _dataclass_in(hint) for name, hint in _hints(kind).items()}
