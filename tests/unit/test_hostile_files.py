"""Hostile or broken files in a sessions folder: no command hangs, crashes, lists a file it
has not checked, names a path outside the folder, or lets a control sequence reach the
terminal; the good sessions beside them are listed all the same."""

from __future__ import annotations

import json
import os
import threading
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.cli import main
from facilitator.core.clock import FakeClock
from facilitator.core.library import find, load_library
from facilitator.core.protocol import CONTROL
from facilitator.core.session import Details, Session, begin
from facilitator.core.store.catalog import INDEX_NAME, Catalog
from facilitator.core.store.record import seal

READING = [
    ["sessions"],
    ["sessions", "--json"],
    ["stats"],
    ["team"],
    ["team", "Hostile"],
    ["commitments", "--all"],
    ["commitments", "--all", "--json"],
]
WAIT_S = 20.0  # a command that has not returned by then is hanging


def good_session(folder: Path, group: str = "Good team") -> Path:
    protocol = find("consultancy", load_library(cwd=Path("/nonexistent"), env={})).protocol
    clock = FakeClock()
    session = Session.new(protocol, Details(group=group, presenter="Ana"), clock)
    saver = begin(session, folder)
    session.run.toggle()
    clock.advance(90)
    session.set_notes(0, "a plain note")
    session.commit("Ben", "Try exit tickets", "Friday")
    saver.save(2, session.record())
    assert session.path is not None
    return session.path


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The command, on a thread that must finish: a hang fails the test instead of the run."""
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(main(args)), daemon=True)
    thread.start()
    thread.join(WAIT_S)
    assert not thread.is_alive(), f"facilitator {' '.join(args)} hangs"
    out, err = capsys.readouterr()
    assert result, f"facilitator {' '.join(args)} raised: {err}"
    return result[0], out, err


def assert_harmless(code: int, out: str, err: str) -> None:
    assert code in (0, 2), (code, err)
    assert "Traceback" not in err and "Error:" not in err.replace("SessionFileError", "")
    for text in (out, err):
        shown = text.replace("\n", "").replace("\t", "")
        assert not CONTROL.search(shown), repr(CONTROL.search(shown))
        assert "/etc/passwd" not in text


def resealed(path: Path, change: Callable[[dict], dict]) -> None:
    """The file changed as a program might, with a seal that fits (a forger can compute it)."""
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    path.write_text(seal(tomli_w.dumps(change(data), multiline_strings=True)), encoding="utf-8")


def hostile_folder(folder: Path) -> None:
    """One of each kind of hostile file, beside a good session."""
    good_session(folder)
    os.mkfifo(folder / "x.toml")  # would block any open() forever
    deep = good_session(folder, "Deep")
    text = deep.read_text(encoding="utf-8")
    deep.write_text(text.replace("\n", "\nnested = " + "[" * 1500 + "]" * 1500 + "\n", 1), encoding="utf-8")
    broken_body = good_session(folder, "Broken body")
    raw = broken_body.read_bytes()
    at = raw.index(b"[protocol]")
    broken_body.write_bytes(raw[:at] + b"\x00\x00 not toml \x00" + raw[at + 10 :])
    wrong_types = good_session(folder, "Wrong types")  # changed by a program, the seal left as it was
    text = wrong_types.read_text(encoding="utf-8")
    wrong_types.write_text(text.replace('name = "Consultancy"', "name = 5", 1), encoding="utf-8")
    escapes = good_session(folder, "Hostile")
    resealed(
        escapes,
        lambda d: (
            d
            | {
                "group": "Hostile\x1b]0;pwned\x07\x1b[2J",
                "presenter": "\x1b[31mRed\x1b[0m",
                "steps": [s | {"notes": "note\x1b[2J\x07 end", "title": "T\x1b[1mitle"} for s in d["steps"]],
            }
        ),
    )
    outside = folder.parent / "outside.toml"
    outside.write_text("format = 1\n", encoding="utf-8")
    (folder / "link.toml").symlink_to(outside)
    (folder / "huge.toml").write_bytes(b"#" * (5 * 1024 * 1024))


@pytest.mark.parametrize("args", READING, ids=" ".join)
def test_no_command_hangs_crashes_or_speaks_control_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    hostile_folder(folder)
    code, out, err = run_cli([*args, "--sessions-dir", str(folder)], capsys)
    assert_harmless(code, out, err)
    if args[0] == "sessions":
        assert "Good team" in out and "Hostile" in out  # the good ones, and the cleaned one
        assert "pwned" in out or args == ["sessions", "--json"]  # shown as plain letters
    if args == ["sessions", "--json"]:
        listed = {Path(s["path"]).name: s for s in json.loads(out)}
        assert listed["x.toml"]["problem"].endswith("not a regular file (a FIFO, device or folder); not read")
        assert "not followed" in listed["link.toml"]["problem"]
        assert listed["huge.toml"]["problem"]
        assert not any(s["group"] in ("Broken body", "Wrong types", "Deep") for s in listed.values())
        good = [s for s in listed.values() if s["group"].startswith(("Good team", "Hostile"))]
        assert len(good) == 2 and all(s["problem"] is None for s in good)
        assert any(s["group"] == "Hostile]0;pwned[2J" for s in listed.values())  # letters only
    if args[0] in ("stats", "team", "commitments"):
        assert "could not be read: left out" in err  # says how many it left out


def test_a_body_broken_under_a_good_head_is_not_listed_as_good(tmp_path: Path) -> None:
    path = good_session(tmp_path, "Broken body")
    raw = path.read_bytes()
    at = raw.index(b"[protocol]")
    path.write_bytes(raw[:at] + b"\x00" + raw[at + 1 :])  # the head and the last line intact
    (summary,) = Catalog(tmp_path).summaries()
    assert summary.problem is not None  # the seal no longer fits: read in full, refused


def test_a_forged_index_never_names_a_path_outside_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "s"
    path = good_session(folder)
    Catalog(folder).summaries()
    index = json.loads((folder / INDEX_NAME).read_text(encoding="utf-8"))
    (entry,) = index["files"].values()
    forged = {
        "../../../../etc/passwd": entry | {"summary": entry["summary"] | {"name": "../../../../etc/passwd"}},
        path.name: entry | {"summary": entry["summary"] | {"name": "../../../../etc/passwd", "planned": "x"}},
        "deep.toml": {"id": [[[[[]]]]] * 3, "summary": {"name": "deep.toml"}},
    }
    (folder / INDEX_NAME).write_text(json.dumps(index | {"files": forged}), encoding="utf-8")
    code, out, err = run_cli(["sessions", "--json", "--sessions-dir", str(folder)], capsys)
    assert_harmless(code, out, err)
    (listed,) = json.loads(out)
    assert listed["name"] == path.name and Path(listed["path"]) == folder / path.name
    (folder / INDEX_NAME).write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")  # nested deep
    code, out, err = run_cli(["sessions", "--sessions-dir", str(folder)], capsys)
    assert_harmless(code, out, err)
    assert "Good team" in out


def test_export_and_resume_of_a_hostile_file_are_plain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from facilitator.core.store.record import load_record

    folder = tmp_path / "s"
    path = good_session(folder)
    resealed(
        path,
        lambda d: d | {"group": "G\x1b]0;x\x07", "steps": [s | {"notes": "n\x1b[2Jz"} for s in d["steps"]]},
    )
    record = load_record(path)
    assert record.group == "G]0;x" and record.steps[0].notes == "n[2Jz"  # opens, cleaned
    for fmt in ("markdown", "json"):
        code, out, err = run_cli(
            ["export", path.name, "--format", fmt, "--sessions-dir", str(folder)], capsys
        )
        assert_harmless(code, out, err)
        assert code == 0
    os.mkfifo(folder / "fifo.toml")
    code, out, err = run_cli(["export", "fifo", "--sessions-dir", str(folder)], capsys)
    assert code == 2 and 'no session "fifo"' in err  # never opened: not a regular file
    assert_harmless(code, out, err)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    group=st.text(st.characters(codec="utf-8"), max_size=30),
    notes=st.text(st.characters(codec="utf-8"), max_size=60),
)
def test_any_text_in_a_session_file_reaches_the_terminal_plain(
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str], group: str, notes: str
) -> None:
    folder = tmp_path_factory.mktemp("s")
    path = good_session(folder)
    resealed(path, lambda d: d | {"group": group, "steps": [s | {"notes": notes} for s in d["steps"]]})
    for args in (["sessions"], ["team"], ["export", path.name], ["commitments", "--all"]):
        code, out, err = run_cli([*args, "--sessions-dir", str(folder)], capsys)
        assert_harmless(code, out, err)


def test_what_went_wrong_is_logged_privately_and_plainly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import stat
    from datetime import datetime, timedelta, timezone

    from facilitator.core.store import trouble

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "broken.toml").write_text("format = 1\nstatus = [", encoding="utf-8")
    good_session(folder)
    run_cli(["team", "--sessions-dir", str(folder)], capsys)
    log = trouble.log_path()
    assert log.is_relative_to(tmp_path / "state")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    (line,) = log.read_text(encoding="utf-8").splitlines()
    assert "skipped:" in line and "broken.toml" in line
    when = datetime(2026, 12, 1, 14, 0, tzinfo=timezone(timedelta(hours=1)))
    trouble.note("save failed", "x.toml: No space left\x1b[2J on device", when)
    assert log.read_text(encoding="utf-8").splitlines()[-1] == (
        "2026-12-01T14:00:00+01:00  save failed: x.toml: No space left[2J on device"
    )
    monkeypatch.setattr(trouble, "MAX_BYTES", 2000)
    for i in range(100):
        trouble.note("skipped", f"file {i} " + "x" * 50, when)
    assert log.stat().st_size < 2200 and log.read_text(encoding="utf-8").splitlines()[-1].endswith("x" * 50)
