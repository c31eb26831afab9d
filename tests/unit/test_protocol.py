"""Protocol files: every validation rule, the error messages, the model's helpers, fuzzing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.core import protocol as protocol_module
from facilitator.core.checking import read_limited
from facilitator.core.library import load_protocol, protocol_from_data
from facilitator.core.protocol import (
    DEFAULT_ROLES,
    EACH_PARTICIPANT,
    MAX_FILE_BYTES,
    Protocol,
    ProtocolError,
    Step,
)

HEAD = 'name = "Test protocol"\n'
STEP = '[[steps]]\ntitle = "Talk"\nminutes = 5\n'
GOOD = HEAD + STEP


def write(tmp_path: Path, text: str | bytes, name: str = "proto.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def problems_of(path: Path) -> list[str]:
    """The problems load_protocol reports, checked to be one line each naming the file."""
    with pytest.raises(ProtocolError) as info:
        load_protocol(path)
    problems = info.value.problems
    assert problems, "a ProtocolError must carry at least one problem"
    for problem in problems:
        assert problem.startswith(f"{path}:"), problem
        assert len(problem.splitlines()) == 1, repr(problem)
        assert "Traceback" not in problem
    assert str(info.value) == "\n".join(problems)
    return problems


def problems(tmp_path: Path, text: str | bytes) -> list[str]:
    return problems_of(write(tmp_path, text))


def one_problem(tmp_path: Path, text: str | bytes) -> str:
    found = problems(tmp_path, text)
    assert len(found) == 1, found
    return found[0]


def load(tmp_path: Path, text: str | bytes, name: str = "proto.toml") -> Protocol:
    return load_protocol(write(tmp_path, text, name))


def step_with(extra: str, minutes: str = "5") -> str:
    return HEAD + f'[[steps]]\ntitle = "Talk"\nminutes = {minutes}\n{extra}\n'


# ---------------------------------------------------------------------------------------------
# A good file and the defaults


def test_minimal_file_loads_with_defaults(tmp_path: Path) -> None:
    protocol = load(tmp_path, GOOD, "my-protocol.toml")
    assert protocol.id == "my-protocol"
    assert protocol.name == "Test protocol"
    assert protocol.format == 1
    assert protocol.roles == ["facilitator", "presenter", "participants"]
    assert tuple(protocol.roles) == DEFAULT_ROLES
    assert protocol.summary == protocol.purpose == protocol.source == protocol.group_size == ""
    assert protocol.tags == protocol.norms == protocol.materials == []
    assert len(protocol.steps) == 1
    step = protocol.steps[0]
    assert step.title == "Talk"
    assert step.minutes == 5
    assert step.min_minutes is None
    assert step.speakers == step.silent == step.prompts == []
    assert step.description == step.facilitator_notes == ""
    assert step.turns is None
    assert not step.in_turns
    assert not protocol.has_each_participant


def test_full_file_keeps_every_field(tmp_path: Path) -> None:
    text = """
format = 1
name = "Full"
summary = "One line"
purpose = "Why"
source = "Whose"
tags = ["a", "b"]
group_size = "6-12"
roles = ["facilitator", "presenter", "participants", "notetaker"]
norms = ["Be kind"]
materials = ["Copies"]

[[steps]]
title = "Clarifying questions"
minutes = 5
min_minutes = 3
speakers = ["participants", "presenter"]
silent = ["notetaker"]
description = "What happens."
prompts = ["Is it the case that…?"]
facilitator_notes = "Private tips"

[[steps]]
title = "Rounds"
minutes = 0.5
turns = "each participant"
"""
    protocol = load(tmp_path, text)
    assert protocol.summary == "One line"
    assert protocol.purpose == "Why"
    assert protocol.source == "Whose"
    assert protocol.tags == ["a", "b"]
    assert protocol.group_size == "6-12"
    assert protocol.roles[-1] == "notetaker"
    assert protocol.norms == ["Be kind"]
    assert protocol.materials == ["Copies"]
    first, second = protocol.steps
    assert first.min_minutes == 3
    assert first.speakers == ["participants", "presenter"]
    assert first.silent == ["notetaker"]
    assert first.prompts == ["Is it the case that…?"]
    assert first.facilitator_notes == "Private tips"
    assert second.minutes == 0.5
    assert second.turns == EACH_PARTICIPANT
    assert protocol.has_each_participant


# ---------------------------------------------------------------------------------------------
# name


def test_missing_name(tmp_path: Path) -> None:
    path = write(tmp_path, STEP)
    assert problems_of(path) == [f"{path}: name: is required"]


@pytest.mark.parametrize("blank", ["", "   ", "\\t\\n"])
def test_blank_name(tmp_path: Path, blank: str) -> None:
    path = write(tmp_path, f'name = "{blank}"\n' + STEP)
    assert problems_of(path) == [f"{path}: name: must not be blank"]


def test_name_must_be_text(tmp_path: Path) -> None:
    message = one_problem(tmp_path, "name = 3\n" + STEP)
    assert message.endswith("name: must be text in quotes")


# ---------------------------------------------------------------------------------------------
# unknown keys


def test_unknown_top_level_key_with_did_you_mean(tmp_path: Path) -> None:
    path = write(tmp_path, 'sumary = "x"\n' + GOOD)
    assert problems_of(path) == [f'{path}: sumary: unknown key; did you mean "summary"?']


def test_unknown_step_key_with_did_you_mean(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + '[[steps]]\ntitle = "Talk"\nminuts = 5\n')
    found = problems_of(path)
    assert f'{path}: steps[1].minuts: unknown key; did you mean "minutes"?' in found
    # the real key is then missing, and that is said too
    assert f"{path}: steps[1].minutes: is required" in found
    assert len(found) == 2


def test_unknown_key_far_from_any_lists_the_known_keys(tmp_path: Path) -> None:
    message = one_problem(tmp_path, "zzzzzz = 1\n" + GOOD)
    assert "zzzzzz: unknown key; known keys:" in message
    assert "summary" in message and "steps" in message


def test_unknown_key_with_a_newline_in_its_name_stays_one_line(tmp_path: Path) -> None:
    message = one_problem(tmp_path, '"a\\nb\\u001b[31m" = 1\n' + GOOD)
    assert "\n" not in message and "\x1b" not in message
    assert "unknown key" in message


def test_id_key_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, 'id = "other"\n' + GOOD)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}: id: ")
    assert "file name" in message


# ---------------------------------------------------------------------------------------------
# steps


def test_no_steps_key(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD)
    assert problems_of(path) == [f"{path}: steps: is required"]


def test_empty_steps_list(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + "steps = []\n")
    assert problems_of(path) == [f"{path}: steps: needs at least one [[steps]] entry"]


def test_more_than_100_steps(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + STEP * 101)
    assert problems_of(path) == [f"{path}: steps: has more than 100 steps"]


def test_exactly_100_steps_is_fine(tmp_path: Path) -> None:
    assert len(load(tmp_path, HEAD + STEP * 100).steps) == 100


def test_steps_must_be_tables(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + "steps = [1]\n")
    assert problems_of(path) == [f"{path}: steps[1]: must be a table"]


def test_step_without_title(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + "[[steps]]\nminutes = 5\n")
    assert problems_of(path) == [f"{path}: steps[1].title: is required"]


@pytest.mark.parametrize("blank", ["", "  "])
def test_blank_title(tmp_path: Path, blank: str) -> None:
    path = write(tmp_path, HEAD + f'[[steps]]\ntitle = "{blank}"\nminutes = 5\n')
    assert problems_of(path) == [f"{path}: steps[1].title: must not be blank"]


def test_schema_message_names_the_step_from_1(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + STEP * 2 + '[[steps]]\ntitle = "Third"\nminutes = 0\n')
    assert problems_of(path) == [f"{path}: steps[3].minutes: must be greater than 0"]


def test_every_problem_is_reported(tmp_path: Path) -> None:
    text = 'name = ""\n[[steps]]\ntitle = "One"\nminutes = 0\n[[steps]]\ntitle = ""\nminutes = 500\n'
    path = write(tmp_path, text)
    assert problems_of(path) == [
        f"{path}: name: must not be blank",
        f"{path}: steps[1].minutes: must be greater than 0",
        f"{path}: steps[2].title: must not be blank",
        f"{path}: steps[2].minutes: must be at most 480",
    ]


# ---------------------------------------------------------------------------------------------
# minutes and min_minutes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", "must be greater than 0"),
        ("0.0", "must be greater than 0"),
        ("-5", "must be greater than 0"),
        ("480.5", "must be at most 480"),
        ("481", "must be at most 480"),
        ('"5"', "must be a number"),
        ("true", "must be a number"),
        ("[5]", "must be a number"),
        ("nan", "must be a finite number"),
        ("inf", "must be a finite number"),
        ("-inf", "must be a finite number"),
    ],
)
def test_bad_minutes(tmp_path: Path, value: str, expected: str) -> None:
    path = write(tmp_path, HEAD + f'[[steps]]\ntitle = "Talk"\nminutes = {value}\n')
    assert problems_of(path) == [f"{path}: steps[1].minutes: {expected}"]


def test_minutes_missing(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + '[[steps]]\ntitle = "Talk"\n')
    assert problems_of(path) == [f"{path}: steps[1].minutes: is required"]


@pytest.mark.parametrize("value", ["480", "0.5", "1", "7.25"])
def test_good_minutes(tmp_path: Path, value: str) -> None:
    assert load(tmp_path, step_with("", value)).steps[0].minutes == float(value)


def test_min_minutes_above_minutes(tmp_path: Path) -> None:
    path = write(tmp_path, step_with("min_minutes = 6"))
    assert problems_of(path) == [f"{path}: steps[1].min_minutes: must not be more than minutes (5)"]


@pytest.mark.parametrize("value", ["0", "-1"])
def test_min_minutes_not_positive(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, step_with(f"min_minutes = {value}"))
    assert problems_of(path) == [f"{path}: steps[1].min_minutes: must be greater than 0"]


def test_min_minutes_not_a_number(tmp_path: Path) -> None:
    message = one_problem(tmp_path, step_with('min_minutes = "3"'))
    assert message.endswith("steps[1].min_minutes: must be a number")


@pytest.mark.parametrize("value", ["5", "2", "0.5"])
def test_min_minutes_up_to_minutes_is_fine(tmp_path: Path, value: str) -> None:
    assert load(tmp_path, step_with(f"min_minutes = {value}")).steps[0].min_minutes == float(value)


# ---------------------------------------------------------------------------------------------
# roles, speakers, silent


@pytest.mark.parametrize("key", ["speakers", "silent"])
def test_undeclared_role_with_did_you_mean(tmp_path: Path, key: str) -> None:
    path = write(tmp_path, step_with(f'{key} = ["particpants"]'))
    (message,) = problems_of(path)
    assert message.startswith(f'{path}: steps[1].{key}: "particpants" is not a declared role')
    assert message.endswith('did you mean "participants"?')
    assert "facilitator, presenter, participants, everyone" in message


def test_undeclared_role_far_from_any_has_no_hint(tmp_path: Path) -> None:
    message = one_problem(tmp_path, step_with('speakers = ["zebra"]'))
    assert '"zebra" is not a declared role' in message
    assert "did you mean" not in message


def test_undeclared_role_in_a_later_step_names_that_step(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + '[[steps]]\ntitle = "Two"\nminutes = 1\nsilent = ["nobody"]\n')
    (message,) = problems_of(path)
    assert message.startswith(f"{path}: steps[2].silent: ")


def test_everyone_and_declared_roles_are_accepted(tmp_path: Path) -> None:
    text = step_with('speakers = ["everyone", "presenter"]\nsilent = ["everyone"]')
    protocol = load(tmp_path, text)
    assert protocol.steps[0].speakers == ["everyone", "presenter"]
    assert protocol.steps[0].silent == ["everyone"]


def test_custom_roles_replace_the_defaults(tmp_path: Path) -> None:
    text = 'name = "x"\nroles = ["host", "guests"]\n' + STEP.replace(
        "minutes = 5", 'minutes = 5\nspeakers = ["host"]\nsilent = ["presenter"]'
    )
    path = write(tmp_path, text)
    (message,) = problems_of(path)
    assert '"presenter" is not a declared role (host, guests, everyone)' in message


def test_duplicate_roles(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\nroles = ["host", "guests", "host"]\n' + STEP)
    assert problems_of(path) == [f"{path}: roles: names a role twice"]


def test_blank_role(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\nroles = ["host", " "]\n' + STEP)
    assert problems_of(path) == [f"{path}: roles[2]: must not be blank"]


# ---------------------------------------------------------------------------------------------
# turns


@pytest.mark.parametrize(
    "value", ["1", "51", "0", "-3", '"each person"', '"everyone"', "true", "false", "2.5", "[2]"]
)
def test_bad_turns(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, step_with(f"turns = {value}"))
    (message,) = problems_of(path)
    assert message.startswith(f"{path}: steps[1].turns: ")
    assert "2" in message and "50" in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", 2),
        ("50", 50),
        ("17", 17),
        ('"each participant"', EACH_PARTICIPANT),
        ('"Each Participant "', EACH_PARTICIPANT),
    ],
)
def test_good_turns(tmp_path: Path, value: str, expected: int | str) -> None:
    step = load(tmp_path, step_with(f"turns = {value}")).steps[0]
    assert step.turns == expected
    assert step.in_turns


# ---------------------------------------------------------------------------------------------
# plain text: control characters refused, tab and newline fine, markup literal


@pytest.mark.parametrize(
    ("escape", "code"),
    [
        ("\\u001b", "U+001B"),
        ("\\u0007", "U+0007"),
        ("\\u009b", "U+009B"),
        ("\\u0000", "U+0000"),
        ("\\r", "U+000D"),
        ("\\u007f", "U+007F"),
    ],
)
@pytest.mark.parametrize(
    ("template", "place"),
    [
        ('name = "a{c}b"\n' + STEP, "name"),
        (HEAD + '[[steps]]\ntitle = "T"\nminutes = 5\ndescription = "x{c}[31mred"\n', "steps[1].description"),
        (HEAD + '[[steps]]\ntitle = "T"\nminutes = 5\nprompts = ["ok", "bad{c}"]\n', "steps[1].prompts[2]"),
        (HEAD + '[[steps]]\ntitle = "T{c}"\nminutes = 5\n', "steps[1].title"),
        ('name = "x"\nsummary = "{c}"\n' + STEP, "summary"),
        ('name = "x"\ntags = ["{c}"]\n' + STEP, "tags[1]"),
        (
            HEAD + '[[steps]]\ntitle = "T"\nminutes = 5\nfacilitator_notes = "{c}"\n',
            "steps[1].facilitator_notes",
        ),
    ],
)
def test_control_characters_refused(
    tmp_path: Path, template: str, place: str, escape: str, code: str
) -> None:
    path = write(tmp_path, template.replace("{c}", escape))
    (message,) = problems_of(path)
    assert message.startswith(f"{path}: {place}: contains a control character ({code})")


def test_raw_c1_character_in_the_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "a\u009bb"\n' + STEP)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}: name: contains a control character (U+009B)")


def test_tab_and_newline_are_fine(tmp_path: Path) -> None:
    text = (
        'name = "A\\tB"\n'
        'purpose = """Line one\n\tLine two"""\n'
        '[[steps]]\ntitle = "T"\nminutes = 5\n'
        'description = "one\\ntwo\\tthree"\n'
        'prompts = ["a\\nb", "c\\td"]\n'
    )
    protocol = load(tmp_path, text)
    assert protocol.name == "A\tB"
    assert protocol.purpose == "Line one\n\tLine two"
    assert protocol.steps[0].description == "one\ntwo\tthree"
    assert protocol.steps[0].prompts == ["a\nb", "c\td"]


def test_markup_is_kept_literally(tmp_path: Path) -> None:
    text = (
        'name = "[bold]x[/bold]"\n'
        '[[steps]]\ntitle = "[red]T[/]"\nminutes = 5\n'
        'prompts = ["[bold]x[/bold]", "[link=http://x]y[/link]"]\n'
    )
    protocol = load(tmp_path, text)
    assert protocol.name == "[bold]x[/bold]"
    assert protocol.steps[0].title == "[red]T[/]"
    assert protocol.steps[0].prompts == ["[bold]x[/bold]", "[link=http://x]y[/link]"]


# ---------------------------------------------------------------------------------------------
# format


def test_format_1_and_default(tmp_path: Path) -> None:
    assert load(tmp_path, "format = 1\n" + GOOD).format == 1
    assert load(tmp_path, GOOD).format == 1


@pytest.mark.parametrize("value", ["2", "10"])
def test_newer_format_refused_saying_so(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f"format = {value}\n" + GOOD)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}: format: ")
    assert "newer" in message
    assert f"format {value}" in message


@pytest.mark.parametrize("value", ["0", "-1", '"1"', "true", "[1]"])
def test_bad_format_refused(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f"format = {value}\n" + GOOD)
    assert problems_of(path) == [f"{path}: format: must be 1"]


def test_newer_format_is_reported_before_anything_else(tmp_path: Path) -> None:
    # a future format may well have keys this version does not know
    path = write(tmp_path, "format = 2\nshiny_new_key = 1\n" + HEAD)
    (message,) = problems_of(path)
    assert "newer" in message


# ---------------------------------------------------------------------------------------------
# the file itself: size, encoding, syntax, not a file


def test_file_larger_than_256_kib_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "#" * MAX_FILE_BYTES + "\n")
    (message,) = problems_of(path)
    assert message == f"{path}: the file is larger than 256 KiB; split or shorten it"


def test_file_of_exactly_256_kib_is_fine(tmp_path: Path) -> None:
    padding = MAX_FILE_BYTES - len(GOOD.encode()) - 1
    path = write(tmp_path, GOOD + "#" * padding + "\n")
    assert path.stat().st_size == MAX_FILE_BYTES
    assert load_protocol(path).name == "Test protocol"


def test_huge_file_is_not_read_in_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.toml"
    with path.open("wb") as handle:
        handle.truncate(1 << 30)  # a sparse 1 GiB file
    read_sizes: list[int] = []

    class Spy:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def read(self, size: int = -1) -> bytes:
            data = self.handle.read(size)
            read_sizes.append(len(data))
            return data

    from facilitator.core import checking

    real_open = checking.open_regular
    monkeypatch.setattr(checking, "open_regular", lambda path: Spy(real_open(path)))
    with pytest.raises(ProtocolError) as info:
        load_protocol(path)
    assert "larger than 256 KiB" in info.value.problems[0]
    assert read_sizes, "the file was not read through open_regular"
    assert sum(read_sizes) <= MAX_FILE_BYTES + 1


def test_read_limited_reads_one_byte_past_the_limit(tmp_path: Path) -> None:
    path = write(tmp_path, b"x" * 5000)
    assert len(read_limited(path, limit=100)) == 101
    assert len(read_limited(path, MAX_FILE_BYTES)) == 5000


@pytest.mark.parametrize("raw", [b"\xff\xfe", b'name = "caf\xe9"\n', b"\xfe\xffn\x00a\x00"])
def test_not_utf8_refused(tmp_path: Path, raw: bytes) -> None:
    path = write(tmp_path, raw)
    (message,) = problems_of(path)
    assert "UTF-8" in message


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.encode() + b'summary = "caf\xe9"\n')
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:5: not UTF-8")
    assert "0xe9" in message


def test_utf8_bom_accepted(tmp_path: Path) -> None:
    protocol = load(tmp_path, b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert protocol.name == "Test protocol"


def test_non_ascii_utf8_is_fine(tmp_path: Path) -> None:
    protocol = load(tmp_path, 'name = "Café – ATLAS ✓"\n' + STEP)
    assert protocol.name == "Café – ATLAS ✓"


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        (HEAD + '[[steps]]\ntitle = "T"\nminutes = = 5\n', 4, 11),
        ('name = "unterminated\n' + STEP, 1, 8),  # where the text starts
        ("name = 'x'\nname = 'y'\n" + STEP, 2, 1),  # the second key
        ("[[steps]\n", 1, 8),
    ],
)
def test_toml_syntax_error_names_line_and_column(tmp_path: Path, text: str, line: int, col: int) -> None:
    path = write(tmp_path, text)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:{line}:{col}: ")
    assert "(at line" not in message  # the position is said once, in front
    assert len(message) > len(f"{path}:{line}:{col}: ")


def test_deeply_nested_file_is_refused_cleanly(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, "tags = " + "[" * 20000)
    assert "nested" in message


def test_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "dir.toml"
    folder.mkdir()
    (message,) = problems_of(folder)
    assert message == f"{folder}: is a directory, not a protocol file"


def test_missing_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "missing.toml"
    (message,) = problems_of(path)
    assert message == f"{path}: no such file"


def test_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, GOOD)

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", denied)
    (message,) = problems_of(path)
    assert message == f"{path}: cannot be read (Permission denied)"


def test_protocol_from_data_uses_where_and_id() -> None:
    protocol = protocol_from_data({"name": "x", "steps": [{"title": "t", "minutes": 1}]}, "w", "x1")
    assert protocol.id == "x1"
    with pytest.raises(ProtocolError) as info:
        protocol_from_data({"name": "x"}, "somewhere", "x1")
    assert info.value.problems == ["somewhere: steps: is required"]


# ---------------------------------------------------------------------------------------------
# Step.turn_count and Protocol.total_minutes


def test_turn_count() -> None:
    plain = Step(title="a", minutes=5)
    fixed = Step(title="b", minutes=2, turns=3)
    each = Step(title="c", minutes=8, turns=EACH_PARTICIPANT)
    assert plain.turn_count(None) == plain.turn_count(7) == 1
    assert fixed.turn_count(None) == fixed.turn_count(7) == 3
    assert each.turn_count(5) == 5
    assert each.turn_count(None) == 1
    assert each.turn_count(0) == 1


def test_total_minutes_with_turns(tmp_path: Path) -> None:
    text = HEAD + (
        '[[steps]]\ntitle = "Plain"\nminutes = 5\n'
        '[[steps]]\ntitle = "Fixed"\nminutes = 2\nturns = 3\n'
        '[[steps]]\ntitle = "Each"\nminutes = 8\nturns = "each participant"\n'
        '[[steps]]\ntitle = "Half"\nminutes = 0.5\n'
    )
    protocol = load(tmp_path, text)
    assert protocol.total_minutes() == 5 + 6 + 8 + 0.5
    assert protocol.total_minutes(4) == 5 + 6 + 32 + 0.5
    assert protocol.total_minutes(6) == 5 + 6 + 48 + 0.5


def test_total_minutes_without_turns(tmp_path: Path) -> None:
    protocol = load(tmp_path, HEAD + STEP * 3)
    assert protocol.total_minutes() == protocol.total_minutes(10) == 15


def test_models_are_frozen(tmp_path: Path) -> None:
    protocol = load(tmp_path, GOOD)
    with pytest.raises(dataclasses.FrozenInstanceError):
        protocol.name = "changed"  # type: ignore[misc]
    assert protocol.name == "Test protocol"


# ---------------------------------------------------------------------------------------------
# Fuzzing: any input gives a Protocol or a ProtocolError, never another exception.

FRAGMENTS = [
    HEAD,
    STEP,
    "[[steps]]\n",
    'title = "T"\n',
    "minutes = 5\n",
    "minutes = 0\n",
    "format = 2\n",
    "turns = 3\n",
    'turns = "each participant"\n',
    'speakers = ["everyone"]\n',
    "=",
    "[",
    "]",
    '"',
    "\n",
    "\ufeff",
    "\x1b",
    "\xff",
    "nan",
    "1979-05-27T07:32:00Z",
    "{",
    "}",
    ",",
]

fuzz_bytes = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=30).map(
        lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
    ),
)


def check_outcome(path: Path) -> None:
    try:
        result = load_protocol(path)
    except ProtocolError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.startswith(f"{path}:"), problem
            assert len(problem.splitlines()) == 1, repr(problem)
            assert "\x1b" not in problem
    else:
        assert isinstance(result, Protocol)
        assert 1 <= len(result.steps) <= 100
        assert result.id == path.stem


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=fuzz_bytes)
def test_any_bytes_give_a_protocol_or_a_protocol_error(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(raw)
    check_outcome(path)


KEYS = [
    "format",
    "name",
    "summary",
    "purpose",
    "source",
    "tags",
    "group_size",
    "roles",
    "norms",
    "materials",
    "steps",
    "id",
    "title",
    "minutes",
    "min_minutes",
    "speakers",
    "silent",
    "description",
    "prompts",
    "facilitator_notes",
    "turns",
    "everyone",
    "presenter",
]

keys = st.sampled_from(KEYS) | st.text(max_size=10)
scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=-3, max_value=60),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(["each participant", "everyone", "presenter", "participants", " "]),
    st.datetimes(),
    st.datetimes(timezones=st.just(dt.UTC)),
    st.dates(),
    st.times(),
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)
step_dicts = st.dictionaries(keys, values, max_size=6) | st.fixed_dictionaries(
    {"title": st.text(max_size=10) | values, "minutes": values},
    optional={"min_minutes": values, "turns": values, "speakers": values, "silent": values},
)
documents = st.one_of(
    st.dictionaries(keys, values, max_size=8),
    st.fixed_dictionaries(
        {"name": st.text(max_size=10) | values, "steps": st.lists(step_dicts, max_size=4)},
        optional={"format": values, "roles": values, "id": values, "summary": values},
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=documents)
def test_any_toml_document_gives_a_protocol_or_a_protocol_error(tmp_path: Path, data: dict) -> None:
    path = tmp_path / "fuzz-doc.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    check_outcome(path)


def test_module_constants() -> None:
    assert protocol_module.MAX_STEPS == 100
    assert MAX_FILE_BYTES == 256 * 1024
    assert protocol_module.FORMAT == 1
