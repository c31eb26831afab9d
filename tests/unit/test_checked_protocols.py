"""The built-in protocols' checked record (facilitator/core/checked_protocols.json).

A protocol file whose exact bytes are in the record is opened without pydantic (start-up
time); every other file is checked as it loads. These tests keep the two ways the same.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from facilitator.core import protocol as protocol_module
from facilitator.core.library import builtin_dir
from facilitator.core.protocol import (
    CHECKED_PATH,
    Protocol,
    ProtocolError,
    Step,
    load_protocol,
    parse_toml_text,
    protocol_from_data,
    read_limited,
)
from facilitator.core.protocol_schema import ProtocolModel, StepModel, checked_text

BUILTIN = sorted(builtin_dir().glob("*.toml"))


def test_the_record_is_up_to_date() -> None:
    assert CHECKED_PATH.read_text(encoding="utf-8") == checked_text(builtin_dir()), (
        "protocols/ changed: run `.venv/bin/python -m facilitator.core.protocol_schema` "
        "and commit facilitator/core/checked_protocols.json"
    )


def test_every_built_in_protocol_is_in_the_record() -> None:
    record = protocol_module.checked()
    assert len(BUILTIN) == len(record) >= 10
    for path in BUILTIN:
        assert protocol_module.file_key(read_limited(path)) in record, path.name


@pytest.mark.parametrize("path", BUILTIN, ids=lambda p: p.stem)
def test_the_record_gives_what_checking_the_file_gives(path: Path) -> None:
    checked = protocol_from_data(parse_toml_text(read_limited(path), str(path)), str(path), path.stem)
    assert load_protocol(path) == checked
    assert load_protocol(path).id == path.stem


def test_a_copy_under_another_name_takes_that_name(tmp_path: Path) -> None:
    copy = tmp_path / "our-tuning.toml"
    shutil.copyfile(builtin_dir() / "tuning.toml", copy)
    assert load_protocol(copy).id == "our-tuning"
    assert load_protocol(copy).name == load_protocol(builtin_dir() / "tuning.toml").name


def test_a_changed_file_is_checked_not_taken_from_the_record(tmp_path: Path) -> None:
    text = (builtin_dir() / "tuning.toml").read_text(encoding="utf-8")
    broken = tmp_path / "tuning.toml"
    broken.write_text(text.replace("minutes = 5", "minutes = 0", 1), encoding="utf-8")
    assert "minutes = 0" in broken.read_text(encoding="utf-8")
    with pytest.raises(ProtocolError, match=r"minutes: must be greater than 0"):
        load_protocol(broken)


@pytest.mark.parametrize(
    "damage",
    [
        "",
        "not json",
        '{"format": 99, "files": {}}',
        "[1, 2]",
        '{"format": 1, "files": {"KEY": {"name": "x"}}}',
    ],
)
def test_a_missing_or_damaged_record_only_makes_loading_slower(
    damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = builtin_dir() / "consultancy.toml"
    expected = load_protocol(path)
    record = tmp_path / "checked.json"
    key = protocol_module.file_key(read_limited(path))
    record.write_text(damage.replace("KEY", key), encoding="utf-8")
    monkeypatch.setattr(protocol_module, "CHECKED_PATH", record if damage else tmp_path / "none")
    protocol_module.checked.cache_clear()
    try:
        assert load_protocol(path) == expected
    finally:
        protocol_module.checked.cache_clear()


def test_the_plain_types_have_the_fields_of_the_rules() -> None:
    assert [f.name for f in dataclasses.fields(Protocol)] == list(ProtocolModel.model_fields)
    assert [f.name for f in dataclasses.fields(Step)] == list(StepModel.model_fields)


def test_to_data_and_back() -> None:
    for path in BUILTIN:
        protocol = load_protocol(path)
        data = protocol.to_data()
        assert json.loads(json.dumps(data)) == data  # plain data, lists not tuples
        assert Protocol.from_data(data) == protocol
        step_keys = {key for step in data["steps"] for key in step}
        assert "turns" not in step_keys or any(s.turns is not None for s in protocol.steps)
