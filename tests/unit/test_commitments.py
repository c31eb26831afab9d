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


# -- the fold across meetings -----------------------------------------------------------------


def three_meetings(tmp_path: Path) -> tuple[Path, list[str]]:
    """Three Ten Tenets meetings of one group a week apart: commitments made in the first,
    checked in on in the second and third."""
    protocol = find("ten-tenets", load_library(cwd=Path("/nonexistent"), env={})).protocol
    clock = FakeClock()
    folder = tmp_path / "s"
    ids: list[str] = []
    for week in range(3):
        session = Session.new(protocol, Details(group="Grade 5", participants=["Ben", "Chi"]), clock)
        begin(session, folder)
        session.run.toggle()
        if week == 0:
            ids = [
                session.commit("Ben", "Try exit tickets", "next meeting").id,
                session.commit("Chi", "Share the rubric", "").id,
                session.commit("Ben", "Visit 8C", "").id,
            ]
        elif week == 1:
            session.review(ids[0], "carried", "half done")
            session.review(ids[1], "done")
            session.review(ids[2], "dropped", "no cover")
            session.commit("Chi", "Bring two essays", "Friday")
        else:
            session.review(ids[0], "done")
        clock.advance(60)
        session.run.finish()
        save(session)
        clock.advance(7 * 86400)
    return folder, ids


def test_made_carried_then_done_across_three_meetings(tmp_path: Path) -> None:
    from facilitator.core.commitments import fold
    from facilitator.core.store.catalog import meetings as read_meetings

    folder, ids = three_meetings(tmp_path)
    meetings, problems = read_meetings([folder])
    assert problems == [] and len(meetings) == 3
    states = {s.commitment.id: s for s in fold(meetings)}
    assert [states[i].status for i in ids] == ["done", "done", "dropped"]
    assert states[ids[2]].note == "no cover"
    assert states[ids[0]].reviewed_in == meetings[2].name  # the last check-in wins
    assert states[ids[0]].meeting == meetings[0].name  # made in the first
    open_ones = [s.commitment.what for s in fold(meetings) if s.is_open]
    assert open_ones == ["Bring two essays"]
    # No earlier file was rewritten: the first still holds only what it made.
    first = load_record(folder / meetings[0].name)
    assert len(first.commitments) == 3 and first.commitment_reviews == []


def test_the_fold_is_the_same_whatever_order_the_files_are_read_in(tmp_path: Path) -> None:
    import itertools

    from facilitator.core.commitments import fold
    from facilitator.core.store.catalog import meetings as read_meetings

    folder, _ = three_meetings(tmp_path)
    meetings, _ = read_meetings([folder])
    answers = {
        tuple((s.commitment.id, s.status, s.note) for s in fold(list(order)))
        for order in itertools.permutations(meetings)
    }
    assert len(answers) == 1


def test_after_the_second_meeting_the_first_commitment_is_carried_and_open(tmp_path: Path) -> None:
    from facilitator.core.commitments import fold
    from facilitator.core.store.catalog import meetings as read_meetings

    folder, ids = three_meetings(tmp_path)
    meetings, _ = read_meetings([folder])
    states = {s.commitment.id: s for s in fold(meetings[:2])}
    assert states[ids[0]].status == "carried" and states[ids[0]].is_open
    assert states[ids[0]].note == "half done"


def test_reviewing_twice_in_one_meeting_keeps_the_second_answer(tmp_path: Path) -> None:
    session, _ = meeting(tmp_path)
    session.review("x-1", "done")
    session.review("x-1", "dropped", "changed our minds")
    assert [(r.id, r.status, r.note) for r in session.reviews] == [("x-1", "dropped", "changed our minds")]


def test_facilitator_commitments_lists_the_open_ones_and_all(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    import json

    from facilitator.cli import main

    folder, _ = three_meetings(tmp_path)
    assert main(["commitments", "--sessions-dir", str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["MADE", "GROUP", "WHO", "WHAT", "BY", "STATUS"]
    assert len(out) == 2 and "Bring two essays" in out[1] and out[1].endswith("open")
    assert main(["commitments", "--all", "--json", "--group", "grade 5", "--sessions-dir", str(folder)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(d["what"], d["status"]) for d in data] == [
        ("Try exit tickets", "done"),
        ("Share the rubric", "done"),
        ("Visit 8C", "dropped"),
        ("Bring two essays", "open"),
    ]
    assert main(["commitments", "--group", "Other team", "--sessions-dir", str(folder)]) == 0
    assert "No open commitments of Other team" in capsys.readouterr().out


def test_a_broken_file_is_reported_and_the_others_still_count(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    from facilitator.cli import main

    folder, _ = three_meetings(tmp_path)
    (folder / "broken.toml").write_text("status = [", encoding="utf-8")
    assert main(["commitments", "--sessions-dir", str(folder)]) == 0
    captured = capsys.readouterr()
    assert "Bring two essays" in captured.out
    assert "facilitator: skipped" in captured.err and "broken.toml" in captured.err
