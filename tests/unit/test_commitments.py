"""Commitments made in a meeting: kept in the session, saved as [[commitments]], read back."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest

from facilitator.core.clock import FakeClock
from facilitator.core.export import session_markdown
from facilitator.core.library import find, load_library
from facilitator.core.session import Details, Session, begin, resume_session
from facilitator.core.store.record import load_record


def meeting(tmp_path: Path) -> tuple[Session, FakeClock]:
    protocol = find("ten-tenets", load_library(cwd=Path("/nonexistent"), env={})).protocol
    clock = FakeClock()
    session = Session.new(protocol, Details(group="Grade 5", participants=["Ben", "Chi"]), clock)
    begin(session, tmp_path)
    return session, clock


def save(session: Session) -> Path:
    from facilitator.core.store.saver import Saver

    assert session.path is not None
    path = Saver(session.path.parent, session.path).save(len(session.run.events) + 9, session.record())
    assert path is not None
    return path


def test_a_commitment_is_kept_with_a_stable_id_and_the_step_it_was_made_at(tmp_path: Path) -> None:
    session, clock = meeting(tmp_path)
    session.run.toggle()
    session.run.goto(3)
    first = session.commit("Ben", "Try exit tickets with 7B", "next meeting")
    second = session.commit("", "Share the rubric", "")
    assert session.path is not None
    assert first.id == f"{session.path.stem}-1" and second.id == f"{session.path.stem}-2"
    assert (first.step, first.made_at) == (4, clock.wall())
    assert first.line() == "Ben: Try exit tickets with 7B (by next meeting)"
    assert second.line() == "Share the rubric"


def test_what_is_typed_becomes_one_plain_line_and_what_is_needed(tmp_path: Path) -> None:
    session, _ = meeting(tmp_path)
    made = session.commit(" Ben\x1b]0;x\x07 ", "Try\nexit   tickets [b]now[/b]", "1 Dec\t2026")
    assert made.who == "Ben ]0;x" and made.what == "Try exit tickets [b]now[/b]" and made.due == "1 Dec 2026"
    with pytest.raises(ValueError, match="needs what will be done"):
        session.commit("Ben", "  \n ", "")
    assert len(session.commitments) == 1


def test_commitments_are_saved_privately_read_back_and_carried_on_a_resume(tmp_path: Path) -> None:
    session, _ = meeting(tmp_path)
    made = session.commit("Chi", "Bring two essays", "Friday")
    path = save(session)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["commitments"][0] | {"made_at": None} == {
        "id": made.id,
        "who": "Chi",
        "what": "Bring two essays",
        "due": "Friday",
        "step": 1,
        "made_at": None,
    }
    record = load_record(path)
    assert record.commitments == [made]
    again, _ = resume_session(path, FakeClock())
    assert again.commitments == [made]
    assert again.commit("Ben", "Read the chapter", "").id == f"{path.stem}-2"  # never reused


def test_a_hand_edited_commitment_is_checked(tmp_path: Path) -> None:
    session, _ = meeting(tmp_path)
    session.commit("Chi", "Bring two essays", "Friday")
    path = save(session)
    text = path.read_text(encoding="utf-8").replace('what = "Bring two essays"', 'what = ""')
    path.write_text(text, encoding="utf-8")
    from facilitator.core.store.files import SessionFileError

    with pytest.raises(SessionFileError, match=r"commitments\[1\]\.what: must not be blank"):
        load_record(path)


def test_the_export_lists_the_commitments(tmp_path: Path) -> None:
    session, _ = meeting(tmp_path)
    session.run.toggle()
    session.run.goto(3)
    session.commit("Ben", "Try exit tickets | with 7B", "next meeting")
    text = session_markdown(load_record(save(session)))
    part = text.split("## Commitments", 1)[1].split("## Notes", 1)[0]
    assert "- Ben: Try exit tickets \\| with 7B (by next meeting) (made at 4. One commitment each)" in part
    empty, _ = meeting(tmp_path / "other")
    assert "## Commitments" not in session_markdown(load_record(save(empty)))
