"""The rules of protocol format 1, checked with pydantic, and one line per problem.

`check` turns parsed TOML into a `protocol.Protocol` or raises `ProtocolError`. Running this
module rewrites `checked_protocols.json`, the record of the built-in protocols as checked:

    .venv/bin/python -m facilitator.core.protocol_schema
"""

from __future__ import annotations

import difflib
import json
import re
import sys
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

from .protocol import (
    CHECKED_PATH,
    CONTROL,
    DEFAULT_ROLES,
    EACH_PARTICIPANT,
    EVERYONE,
    FORMAT,
    MAX_STEPS,
    Protocol,
    ProtocolError,
    file_key,
    parse_toml_text,
    read_limited,
)


def _plain(text: str) -> str:
    """Refuse control characters: protocol text is shown literally and must not drive the terminal."""
    found = CONTROL.search(text)
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


class StepModel(BaseModel):
    """The rules for one step (see `protocol.Step`)."""

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


class ProtocolModel(BaseModel):
    """The rules for a protocol file (see `protocol.Protocol`)."""

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
    steps: list[StepModel] = Field(min_length=1, max_length=MAX_STEPS)


def _num(value: float) -> str:
    return f"{value:g}"


# ---------------------------------------------------------------------------------------------
# Turning pydantic's errors into one line each.

_FIELDS: dict[str, set[str]] = {
    "protocol": set(ProtocolModel.model_fields) - {"id"},
    "step": set(StepModel.model_fields),
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


def _role_problems(protocol: ProtocolModel) -> list[tuple[str, str]]:
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


def check(data: dict[str, Any], where: str, protocol_id: str) -> Protocol:
    """Check parsed TOML as a protocol; `where` names the file in messages."""
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
        model = ProtocolModel.model_validate({**data, "id": protocol_id})
    except ValidationError as exc:
        raise ProtocolError([f"{where}: {_place(e['loc'])}: {_message(e)}" for e in exc.errors()]) from None
    roles = _role_problems(model)
    if roles:
        raise ProtocolError([f"{where}: {place}: {message}" for place, message in roles])
    return Protocol.from_data(model.model_dump(mode="python", exclude_none=True))


def checked_record(folder: Path) -> dict[str, Any]:
    """The record of every protocol file in `folder`, keyed by the SHA-256 of its bytes;
    raises ProtocolError if one of them is not a good protocol."""
    files: dict[str, Any] = {}
    for path in sorted(folder.glob("*.toml")):
        raw = read_limited(path)
        data = check(parse_toml_text(raw, str(path)), str(path), path.stem).to_data()
        del data["id"]  # the id is the file name, which the bytes do not carry
        files[file_key(raw)] = data
    return {"format": FORMAT, "files": files}


def checked_text(folder: Path) -> str:
    """`checked_record` as the text of checked_protocols.json."""
    return json.dumps(checked_record(folder), indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> int:
    from .library import builtin_dir

    try:
        text = checked_text(builtin_dir())
    except ProtocolError as exc:
        print(exc, file=sys.stderr)
        return 1
    CHECKED_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {CHECKED_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
