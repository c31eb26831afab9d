"""Ratings: the protocol keys, the team's numbers kept per step, saved and read back."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from facilitator.core.clock import FakeClock
from facilitator.core.export import session_markdown
from facilitator.core.library import find, load_library, protocol_from_data
from facilitator.core.protocol import ProtocolError
from facilitator.core.session import Details, Session, begin
from facilitator.core.store.record import load_record
from facilitator.core.store.saver import Saver

TENETS = "Silent self-rating"


def ten_tenets() -> Session:
    protocol = find("ten-tenets", load_library(cwd=Path("/nonexistent"), env={})).protocol
    return Session.new(protocol, Details(group="Grade 5", participants=["Ben", "Chi"]), FakeClock())


def test_the_built_in_ten_tenets_rates_its_ten_tenets_and_the_debrief_the_protocol() -> None:
    protocol = ten_tenets().protocol
    rated = {step.title: step.ratings for step in protocol.steps if step.ratings}
    assert len(rated[TENETS]) == 10 and rated[TENETS][0] == "Collective autonomy"
    assert rated["Debrief"] == ["How useful was this today?"]
    assert all(step.rating_scale == 4 for step in protocol.steps)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"ratings": ["A", " a"]}, "ratings: names an item twice"),
        ({"ratings": ["A", ""]}, "an item to rate must not be blank"),
        ({"ratings": ["A"], "rating_scale": 1}, "rating_scale: must be from 2 to 10"),
        ({"ratings": ["two" + chr(10) + "lines"]}, "must be one line"),
    ],
)
def test_bad_rating_keys_are_one_clear_line(extra: dict[str, object], message: str) -> None:
    step: dict[str, object] = {"title": "A", "minutes": 1, **extra}
    with pytest.raises(ProtocolError) as caught:
        protocol_from_data({"name": "T", "steps": [step]}, "t.toml", "t")
    assert len(caught.value.problems) == 1 and message in caught.value.problems[0]


def test_ratings_are_kept_to_one_decimal_within_the_scale_in_the_protocol_s_order() -> None:
    session = ten_tenets()
    session.rate(1, {"Joint work": 2.46, "Collective autonomy": 3})
    assert session.ratings[1] == {"Collective autonomy": 3.0, "Joint work": 2.5}
    session.rate(1, {"Joint work": None})
    assert session.ratings[1] == {"Collective autonomy": 3.0}
    for bad in (0.5, 4.5, math.nan):
        with pytest.raises(ValueError, match="from 1 to 4"):
            session.rate(1, {"Mutual dialogue": bad})
    with pytest.raises(ValueError, match="not rated at this step"):
        session.rate(1, {"How useful was this today?": 3})
    session.rate(1, {"Collective autonomy": None})
    assert 1 not in session.ratings


def test_ratings_are_saved_in_the_step_record_and_the_export(tmp_path: Path) -> None:
    session = ten_tenets()
    begin(session, tmp_path)
    session.rate(1, {"Collective efficacy": 3.5, "Mutual dialogue": 2})
    session.rate(4, {"How useful was this today?": 4})
    assert session.path is not None
    path = Saver(tmp_path, session.path).save(5, session.record())
    assert path is not None
    record = load_record(path)
    assert record.steps[1].ratings == {"Collective efficacy": 3.5, "Mutual dialogue": 2.0}
    assert record.steps[0].ratings is None
    assert "ratings" not in path.read_text(encoding="utf-8").split("[[steps]]", 1)[1].split("[[steps]]")[0]
    text = session_markdown(record)
    assert "- Rated Collective efficacy: 3.5" in text and "- Rated How useful was this today?: 4" in text
    again = Session.from_record(record, FakeClock(), path)
    assert again.ratings == {
        1: {"Collective efficacy": 3.5, "Mutual dialogue": 2.0},
        4: {"How useful was this today?": 4.0},
    }
