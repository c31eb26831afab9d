"""Protocol files: the pydantic model of format 1 and a loader that explains every problem."""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

FORMAT = 1
MAX_FILE_BYTES = 256 * 1024
MAX_STEPS = 100
EACH_PARTICIPANT = "each participant"
EVERYONE = "everyone"
DEFAULT_ROLES = ("facilitator", "presenter", "participants")

# C0 and C1 controls (ESC starts terminal sequences) and the bidi embedding, override and
# isolate characters, which reorder how text is shown.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class ProtocolError(Exception):
    """A protocol that cannot be used: one line per problem, each naming the file and place."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _plain(text: str) -> str:
    """Refuse control characters: protocol text is shown literally and must not drive the terminal."""
    found = _CONTROL.search(text)
    if found:
        code = f"U+{ord(found.group()):04X}"
        raise ValueError(
            f"contains a control character ({code}); only plain text, newlines and tabs are allowed"
            if found.group() < "\u2000"
            else f"contains a text-direction override ({code}); remove it, plain text only"
        )
    return text


def _non_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank")
    return text


PlainText = Annotated[str, AfterValidator(_plain)]
Title = Annotated[str, AfterValidator(_plain), AfterValidator(_non_blank)]


def _check_turns(value: Any) -> Any:
    if value is None:
        return value
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f'must be a whole number from 2 to 50 or "{EACH_PARTICIPANT}"')
    if isinstance(value, str):
        if value.strip().lower() != EACH_PARTICIPANT:
            raise ValueError(f'must be a whole number from 2 to 50 or "{EACH_PARTICIPANT}"')
        return EACH_PARTICIPANT
    if not 2 <= value <= 50:
        raise ValueError(f"must be from 2 to 50 turns (got {value})")
    return value


Turns = Annotated[int | str | None, BeforeValidator(_check_turns)]


class Step(BaseModel):
    """One step of a protocol, run in order; `minutes` is per turn in a step taken in turns."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    title: Title
    minutes: float = Field(gt=0, le=480, allow_inf_nan=False)
    min_minutes: float | None = Field(default=None, gt=0, le=480, allow_inf_nan=False)
    speakers: list[PlainText] = []
    silent: list[PlainText] = []
    description: PlainText = ""
    prompts: list[PlainText] = []
    facilitator_notes: PlainText = ""
    turns: Turns = None

    @field_validator("min_minutes")
    @classmethod
    def _floor_within_minutes(cls, value: float | None, info: Any) -> float | None:
        minutes = info.data.get("minutes")
        if value is not None and minutes is not None and value > minutes:
            raise ValueError(f"must not be more than minutes ({_num(minutes)})")
        return value

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


class Protocol(BaseModel):
    """A protocol: its description and its steps. `id` comes from the file name."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    id: str = ""
    format: int = FORMAT
    name: Title
    summary: PlainText = ""
    purpose: PlainText = ""
    source: PlainText = ""
    tags: list[PlainText] = []
    group_size: PlainText = ""
    roles: list[Title] = list(DEFAULT_ROLES)
    norms: list[PlainText] = []
    materials: list[PlainText] = []
    steps: list[Step] = Field(min_length=1, max_length=MAX_STEPS)

    @property
    def has_each_participant(self) -> bool:
        """Whether some step has one turn per participant (setup needs the number of people)."""
        return any(step.turns == EACH_PARTICIPANT for step in self.steps)

    def total_minutes(self, people: int | None = None) -> float:
        """The planned length, with `people` turns for steps taken by each participant."""
        return sum(step.minutes * step.turn_count(people) for step in self.steps)


def _num(value: float) -> str:
    return f"{value:g}"


# ---------------------------------------------------------------------------------------------
# Turning pydantic's errors into one line each.

_FIELDS: dict[str, set[str]] = {
    "protocol": set(Protocol.model_fields) - {"id"},
    "step": set(Step.model_fields),
}


_UNPRINTABLE_KEY = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _place(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            # A key may hold a newline or an escape: keep the message one plain line.
            part = _UNPRINTABLE_KEY.sub(lambda m: f"\\u{ord(m.group()):04x}", part)
            out += ("." if out else "") + part
    return out or "(top level)"


def _message(error: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx", {})
    loc = error["loc"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        key = str(loc[-1])
        known = _FIELDS["step" if "steps" in loc else "protocol"]
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f'; did you mean "{close[0]}"?' if close else f"; known keys: {', '.join(sorted(known))}"
        return f"unknown key{hint}"
    if kind == "greater_than":
        return f"must be greater than {_num(ctx['gt'])}"
    if kind == "less_than_equal":
        return f"must be at most {_num(ctx['le'])}"
    if kind in ("finite_number",):
        return "must be a finite number"
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing"):
        return "must be a number"
    if kind == "string_type":
        return "must be text in quotes"
    if kind == "list_type":
        return 'must be a list, like ["a", "b"]'
    if kind == "too_short":
        return "needs at least one [[steps]] entry" if loc == ("steps",) else "is too short"
    if kind == "too_long":
        return f"has more than {MAX_STEPS} steps" if loc == ("steps",) else "is too long"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "must be a table"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return str(error["msg"])


def _role_problems(protocol: Protocol) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    roles = set(protocol.roles)
    if len(roles) != len(protocol.roles):
        problems.append(("roles", "names a role twice"))
    for number, step in enumerate(protocol.steps, start=1):
        for key in ("speakers", "silent"):
            for role in getattr(step, key):
                if role != EVERYONE and role not in roles:
                    close = difflib.get_close_matches(role, [*roles, EVERYONE], n=1)
                    hint = f'; did you mean "{close[0]}"?' if close else ""
                    declared = ", ".join([*protocol.roles, EVERYONE])
                    problems.append(
                        (
                            f"steps[{number}].{key}",
                            f'"{role}" is not a declared role ({declared}){hint}',
                        )
                    )
    return problems


def protocol_from_data(data: dict[str, Any], where: str, protocol_id: str) -> Protocol:
    """Validate parsed TOML as a protocol; `where` names the file in messages."""
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
        protocol = Protocol.model_validate({**data, "id": protocol_id})
    except ValidationError as exc:
        raise ProtocolError(
            [f"{where}: {_place(e['loc'])}: {_message(e)}" for e in exc.errors()]
        ) from None
    roles = _role_problems(protocol)
    if roles:
        raise ProtocolError([f"{where}: {place}: {message}" for place, message in roles])
    return protocol


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def parse_toml_text(raw: bytes, where: str, limit: int = MAX_FILE_BYTES) -> dict[str, Any]:
    """Decode and parse TOML bytes, or raise ProtocolError with `where:LINE:COL:` for syntax."""
    if len(raw) > limit:
        raise ProtocolError(
            [f"{where}: the file is larger than {limit // 1024} KiB; split or shorten it"]
        )
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
    data = parse_toml_text(raw, where)
    return protocol_from_data(data, where, path.stem)
