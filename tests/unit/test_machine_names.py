"""Session file names across machines: two laptops saving in one shared folder in the same
minute never choose the same name."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.core.clock import FakeClock
from facilitator.core.library import find, load_library
from facilitator.core.session import Details, Session, begin
from facilitator.core.store.files import machine_tag, session_name


def test_the_name_ends_with_this_computer_s_tag() -> None:
    assert machine_tag() == "test"  # tests/conftest.py: the run's own config directory
    clock = FakeClock()
    assert (
        session_name(clock.wall(), "tuning", "Grade 5 team", "k3f9")
        == "2026-11-23_1400_tuning_grade-5-team_k3f9"
    )
    assert session_name(clock.wall(), "tuning", "", "") == "2026-11-23_1400_tuning"


def test_a_computer_gets_a_tag_once_and_keeps_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "laptop"))
    first = machine_tag()
    assert len(first) == 4 and first.isalnum() and first == first.lower()
    assert machine_tag() == first
    assert (tmp_path / "laptop" / "facilitator" / "machine").read_text().strip() == first


def test_two_laptops_in_the_same_minute_make_two_files_with_different_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    protocol = find("tuning", load_library(cwd=Path("/nonexistent"), env={})).protocol
    shared = tmp_path / "shared"
    names = []
    for laptop, tag in (("a", "aaaa"), ("b", "bbbb")):
        config = tmp_path / laptop
        (config / "facilitator").mkdir(parents=True)
        (config / "facilitator" / "machine").write_text(tag)
        monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
        session = Session.new(protocol, Details(group="Grade 5"), FakeClock())  # the same minute
        begin(session, shared)
        assert session.path is not None
        names.append(session.path.name)
    assert names == ["2026-11-23_1400_tuning_grade-5_aaaa.toml", "2026-11-23_1400_tuning_grade-5_bbbb.toml"]
