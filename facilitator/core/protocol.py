"""A protocol and its steps, declared once: the fields, their defaults and the rules of format 1.

`Protocol` and `Step` are plain frozen dataclasses; each field's rules are declared with it
(see checking.py) and checked only when a file is read (library.py), so a meeting on a
protocol checked before never needs pydantic. Every text is plain text: shown literally,
never read as markup, and never allowed to carry control characters to the terminal.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field, replace
from typing import Annotated, Any

from .checking import STRICT, Invalid, Problems, Rule

FORMAT = 1
MAX_FILE_BYTES = 256 * 1024
MAX_STEPS = 100
MAX_MINUTES = 480
EACH_PARTICIPANT = "each participant"
EVERYONE = "everyone"
DEFAULT_ROLES = ("facilitator", "presenter", "participants")
DEFAULT_WARN_MINUTES = 1
DEFAULT_RATING_SCALE = 4
"""How long before a step ends the room is warned, when the protocol does not say."""

# C0 and C1 controls (ESC starts terminal sequences) and the bidi embedding, override and
# isolate characters, which reorder how text is shown.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class ProtocolError(Invalid):
    """A protocol that cannot be used: one line per problem, each naming the file and place."""


# -- the rules on single fields ---------------------------------------------------------------


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


def _one_line(text: str) -> str:
    if "\n" in text:
        raise ValueError("must be one line (no line breaks)")
    return text


def _warn(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    if value < 0:
        raise ValueError("must be 0 (no warning) or more")
    if value > MAX_MINUTES:
        raise ValueError(f"must be at most {MAX_MINUTES}")
    return value


def _items(items: list[str]) -> list[str]:
    for item in items:
        if not item.strip():
            raise ValueError("an item to rate must not be blank")
    if len({item.strip().casefold() for item in items}) != len(items):
        raise ValueError("names an item twice")
    if len(items) > 30:
        raise ValueError("has more than 30 items to rate")
    return items


def _scale(value: int) -> int:
    if not 2 <= value <= 10:
        raise ValueError(f"must be from 2 to 10 (got {value})")
    return value


def _minutes(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    if value <= 0:
        raise ValueError("must be greater than 0")
    if value > MAX_MINUTES:
        raise ValueError(f"must be at most {MAX_MINUTES}")
    return value


def _turns(value: Any) -> Any:
    wrong = f'must be a whole number from 2 to 50 or "{EACH_PARTICIPANT}"'
    if value is None:
        return value
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(wrong)
    if isinstance(value, str):
        if value.strip().lower() != EACH_PARTICIPANT:
            raise ValueError(wrong)
        return EACH_PARTICIPANT
    if not 2 <= value <= 50:
        raise ValueError(f"must be from 2 to 50 turns (got {value})")
    return value


def _num(value: float) -> str:
    return f"{value:g}"


def cleaned(text: str) -> str:
    """Text with its control characters dropped (newlines and tabs kept)."""
    return CONTROL.sub("", text)


PlainText = Annotated[str, STRICT, Rule(_plain)]
Cleaned = Annotated[str, STRICT, Rule(cleaned)]
"""Text a session file keeps (names, notes): read with its control characters dropped, so it
is shown literally and never drives the terminal, and the file still opens."""
Title = Annotated[str, STRICT, Rule(_plain), Rule(_non_blank)]
Scale = Annotated[int, STRICT, Rule(_scale)]
"""A rating scale: ratings run from 1 to this (2 to 10)."""
Line = Annotated[str, STRICT, Rule(_plain), Rule(_one_line)]
WarnMinutes = Annotated[float, STRICT, Rule(_warn)]
Texts = Annotated[list[PlainText], STRICT]
Minutes = Annotated[float, STRICT, Rule(_minutes)]
Turns = Annotated[int | str | None, Rule(_turns, before=True)]
Format = Annotated[int, STRICT]


@dataclass(frozen=True, kw_only=True)
class Step:
    """One step of a protocol, run in order; `minutes` is per turn in a step taken in turns."""

    __pydantic_config__ = {"extra": "forbid"}

    title: Title
    minutes: Minutes
    min_minutes: Minutes | None = None
    speakers: Texts = field(default_factory=list)
    silent: Texts = field(default_factory=list)
    description: PlainText = ""
    prompts: Texts = field(default_factory=list)
    facilitator_notes: PlainText = ""
    turns: Turns = None
    reminder: Line = ""
    """The rule the room keeps during the step, one line: shown under the title in every view."""
    warn_minutes: WarnMinutes | None = None
    """Warn this long before the step (or each turn) ends; None: the protocol's warning."""
    ratings: Annotated[list[Line], STRICT, Rule(_items)] = field(default_factory=list)
    """What the team rates at this step (one number per item, 1 to `rating_scale`)."""
    rating_scale: Scale = DEFAULT_RATING_SCALE

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


def _floor_within_minutes(step: Step) -> Step:
    if step.min_minutes is not None and step.min_minutes > step.minutes:
        raise Problems([("min_minutes", f"must not be more than minutes ({_num(step.minutes)})")])
    return step


def _step_count(steps: list[Step]) -> list[Step]:
    if not steps:
        raise ValueError("needs at least one [[steps]] entry")
    if len(steps) > MAX_STEPS:
        raise ValueError(f"has more than {MAX_STEPS} steps")
    return steps


Steps = Annotated[list[Annotated[Step, Rule(_floor_within_minutes)]], STRICT, Rule(_step_count)]


@dataclass(frozen=True, kw_only=True)
class Protocol:
    """A protocol: its description and its steps. `id` comes from the file name."""

    __pydantic_config__ = {"extra": "forbid"}

    id: str = field(default="", metadata={"derived": True})
    format: Format = FORMAT
    name: Title
    summary: PlainText = ""
    purpose: PlainText = ""
    source: PlainText = ""
    tags: Texts = field(default_factory=list)
    group_size: PlainText = ""
    roles: Annotated[list[Title], STRICT] = field(default_factory=lambda: list(DEFAULT_ROLES))
    norms: Texts = field(default_factory=list)
    materials: Texts = field(default_factory=list)
    warn_minutes: WarnMinutes | None = None
    """Warn this long before each step ends (0: no warning); None: DEFAULT_WARN_MINUTES."""
    steps: Steps

    @property
    def has_each_participant(self) -> bool:
        """Whether some step has one turn per participant (setup needs the number of people)."""
        return any(step.turns == EACH_PARTICIPANT for step in self.steps)

    def warning_minutes(self, step: Step) -> float:
        """How long before `step` (or each of its turns) ends the room is warned; 0: never."""
        if step.warn_minutes is not None:
            return step.warn_minutes
        return DEFAULT_WARN_MINUTES if self.warn_minutes is None else self.warn_minutes

    def with_warning(self, minutes: float) -> Protocol:
        """This protocol with one warning for every step (`run --warn`): the copy kept in the
        session file is the protocol as run, so a resumed or followed meeting warns alike."""
        steps = [replace(step, warn_minutes=None) for step in self.steps]
        return replace(self, warn_minutes=minutes, steps=steps)

    def total_minutes(self, people: int | None = None) -> float:
        """The planned length, with `people` turns for steps taken by each participant."""
        return sum(step.minutes * step.turn_count(people) for step in self.steps)


def _roles_declared(protocol: Protocol) -> Protocol:
    """Every role a step names is declared (or is "everyone"), and no role is declared twice."""
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
                        (f"steps[{number}].{key}", f'"{role}" is not a declared role ({declared}){hint}')
                    )
    if problems:
        raise Problems(problems)
    return protocol


CheckedProtocol = Annotated[Protocol, Rule(_roles_declared)]
"""A protocol with every rule checked, the roles across its steps included: what a protocol
file, and the copy of it in a session file, are read as."""
