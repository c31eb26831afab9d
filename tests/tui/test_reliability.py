"""Reliability on the run screen: saving that fails and comes back, rescue, hostile protocol text.

Saving is broken on purpose (fault injection on the screen's Saver) while a meeting goes on:
the warning must show and last, nothing typed may be dropped, the retry must save it all, and
finishing must find another place for the record. Protocol text full of markup, escapes,
right-to-left and combining characters, emoji and very long words must show literally or be
refused with one clear line.
"""

from __future__ import annotations

import errno
import math
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from textual.pilot import Pilot
from textual.timer import Timer
from textual.widgets import Static, TextArea
from textual.widgets._toast import Toast

from facilitator.cli import main
from facilitator.core.clock import FakeClock
from facilitator.core.library import load_protocol
from facilitator.core.protocol import ProtocolError
from facilitator.core.session import Details
from facilitator.core.store import saver as saver_module
from facilitator.core.store.files import SessionFileError
from facilitator.core.store.record import load_record
from facilitator.tui.app import FacilitatorApp
from facilitator.tui.screens.run import RETRY_S, RunScreen
from facilitator.tui.start import Outcome, Resume, RunProtocol
from facilitator.tui.widgets.big_clock import BigName

from .conftest import AppFactory, run_screen, saved, session_file, settle, spy_notify, text_of, tick

SIZE = (100, 30)
WARNING = "#save-warning"


class FullDisk:
    """Stands in for `Saver.save`: ENOSPC while the disk is full, then the real save.

    `failures` is how many calls fail before saving works again (inf: until `free()`).
    Saves run in worker threads, hence the lock.
    """

    def __init__(self, real: Callable[..., object], failures: float = math.inf) -> None:
        self.real = real
        self.failures = failures
        self.calls = 0
        self.failed = 0
        self._lock = threading.Lock()

    def free(self) -> None:
        with self._lock:
            self.failures = 0

    def __call__(self, seq: int, record: object) -> object:
        with self._lock:
            self.calls += 1
            if self.failures > 0:
                self.failures -= 1
                self.failed += 1
                raise OSError(errno.ENOSPC, "No space left on device")
        return self.real(seq, record)


def break_saving(app: FacilitatorApp, monkeypatch: pytest.MonkeyPatch, **kw: float) -> FullDisk:
    screen = app.screen
    assert isinstance(screen, RunScreen)
    disk = FullDisk(screen.saver.save, **kw)
    monkeypatch.setattr(screen.saver, "save", disk)
    return disk


def warning_shown(app: FacilitatorApp) -> bool:
    widget = app.screen.query_one(WARNING, Static)
    return not widget.has_class("-empty") and bool(widget.display)


async def flush_notes_timer(app: FacilitatorApp, pilot: Pilot[Any]) -> None:
    """Run the pending delayed notes save now (what its 1 s timer does), so no save is left
    to happen by itself in the middle of a count."""
    screen = run_screen(app)
    timer = screen._notes_timer
    if timer is not None:
        assert isinstance(timer, Timer), timer
        timer.stop()
        screen._save_notes()
    await settle(app, pilot)


async def retry(app: FacilitatorApp, pilot: Pilot[Any], clock: FakeClock) -> None:
    """Let RETRY_S pass on the session clock, repaint (which retries), and wait for the save."""
    await tick(app, pilot, clock, RETRY_S + 0.5)
    await settle(app, pilot)


# -- saving fails, comes back ---------------------------------------------------------------


async def test_full_disk_warns_keeps_everything_and_the_retry_saves_it(
    make: AppFactory, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # this test's own trouble log
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        screen = run_screen(app)
        await settle(app, pilot)  # the first save creates the file
        path = session_file(screen)
        assert not warning_shown(app)
        said = spy_notify(app, monkeypatch)
        disk = break_saving(app, monkeypatch)

        await pilot.press("space", "e", *"rubric row 3", "escape")
        await settle(app, pilot)
        assert disk.failed >= 1
        assert warning_shown(app) and screen.save_failing
        warning = text_of(app, WARNING)
        assert "NOT SAVING" in warning and "No space left on device" in warning
        assert screen.session.notes[0] == "rubric row 3"  # kept in memory
        assert load_record(path).steps[0].notes == ""  # the old file is intact
        assert sum("not being saved" in s for s in said) == 1

        # The warning lasts: more actions while the disk is still full keep it, and keep
        # everything done in the meantime; it is not repeated as a toast each time.
        await tick(app, pilot, clock, 20)
        await pilot.press("n", "e", *"second step", "escape", "plus")
        await settle(app, pilot)
        assert warning_shown(app)
        assert screen.session.notes == {0: "rubric row 3", 1: "second step"}
        assert sum("not being saved" in s for s in said) == 1

        # Before RETRY_S nothing is retried; after it, a retry is made (and fails again).
        await flush_notes_timer(app, pilot)
        calls = disk.calls
        await tick(app, pilot, clock, 0.5)
        await settle(app, pilot)
        assert disk.calls == calls
        await retry(app, pilot, clock)
        assert disk.calls > calls
        assert warning_shown(app)

        # Space is back: the next retry saves everything and the warning goes.
        disk.free()
        await retry(app, pilot, clock)
        assert not warning_shown(app) and not screen.save_failing
        record = load_record(path)
        assert [s.notes for s in record.steps[:2]] == ["rubric row 3", "second step"]
        assert [e.kind for e in record.events] == ["plan", "start", "goto", "extend"]
        assert record.steps[1].planned_seconds == 16 * 60
        assert any("Saving works again" in s for s in said)
    # The trouble log has the failure once, with the file and the reason, never the notes.
    from facilitator.core.store.trouble import log_path

    logged = [line for line in log_path().read_text(encoding="utf-8").splitlines() if path.name in line]
    assert len(logged) == 1 and "save failed:" in logged[0] and "No space left on device" in logged[0]
    assert "rubric" not in log_path().read_text(encoding="utf-8")


async def test_retry_is_the_only_save_needed(
    make: AppFactory, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ENOSPC on the first save only; with no key pressed after it, the 1 Hz repaint's retry
    # alone brings the file up to date.
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        screen = run_screen(app)
        await settle(app, pilot)
        area = screen.query_one("#notes-area", TextArea)
        await pilot.press("e")
        area.insert("pasted while the disk was full")
        disk = break_saving(app, monkeypatch, failures=1)
        await pilot.press("escape")
        await settle(app, pilot)
        assert disk.failed == 1 and warning_shown(app)
        await retry(app, pilot, clock)
        assert not warning_shown(app)
        assert load_record(session_file(screen)).steps[0].notes == "pasted while the disk was full"


async def test_save_failure_from_the_file_system_itself(
    make: AppFactory, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fault one layer down: os.replace in the atomic save raises ENOSPC.
    import os

    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        screen = run_screen(app)
        await settle(app, pilot)  # the first save creates the file
        path = session_file(screen)
        real_replace = os.replace
        full = {"on": True}

        def replace(src, dst):  # noqa: ANN001, ANN202
            if full["on"]:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_replace(src, dst)

        monkeypatch.setattr(os, "replace", replace)
        await pilot.press("e", *"kept", "escape")
        await settle(app, pilot)
        assert warning_shown(app) and "NOT SAVING" in text_of(app, WARNING)
        assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
        full["on"] = False
        await retry(app, pilot, clock)
        assert not warning_shown(app)
        assert load_record(path).steps[0].notes == "kept"


async def test_finishing_while_saving_fails_rescues_the_record(
    make: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rescue_dir = tmp_path / "rescue"
    monkeypatch.setattr(saver_module, "rescue_dirs", lambda: [rescue_dir])
    app = make(RunProtocol("tuning", Details(group="Grade 5")))
    async with app.run_test(size=SIZE) as pilot:
        screen = run_screen(app)
        await settle(app, pilot)  # the first save creates the file
        await settle(app, pilot)  # the first save creates the file
        own = session_file(screen)
        break_saving(app, monkeypatch)
        await pilot.press("space", "e", *"do not lose me", "escape")
        await settle(app, pilot)
        assert warning_shown(app)
        await pilot.press("q", "y")
        await pilot.pause()
    outcome = app.return_value
    assert outcome is not None and outcome.rescued is True
    path = outcome.saved
    assert path is not None and path.parent == rescue_dir
    record = load_record(path)
    assert record.status == "completed" and record.group == "Grade 5"
    assert record.steps[0].notes == "do not lose me"
    assert [e.kind for e in record.events][-1] == "finish"
    assert load_record(own).status == "in_progress"  # its own file was never written


async def test_finishing_when_nowhere_can_be_written_keeps_the_app_open(
    make: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    monkeypatch.setattr(saver_module, "rescue_dirs", lambda: [blocker / "rescue"])
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        screen = run_screen(app)
        await settle(app, pilot)  # the first save creates the file
        await settle(app, pilot)  # the first save creates the file
        own = session_file(screen)
        said = spy_notify(app, monkeypatch)
        disk = break_saving(app, monkeypatch)
        await pilot.press("e", *"still here", "escape", "q", "y")
        await settle(app, pilot)
        assert app.is_running and app.screen is screen
        assert warning_shown(app)
        assert any("Cannot save anywhere" in s for s in said)
        assert screen.session.notes[0] == "still here"
        assert app.return_value is None  # not closed, nothing saved
        disk.free()  # space freed: q again saves the finished meeting in its own file
        await pilot.press("q", "y")
        await pilot.pause()
    assert app.return_value == Outcome(saved=own)
    record = load_record(own)
    assert record.status == "completed" and record.steps[0].notes == "still here"


async def test_after_a_failed_finish_the_retry_saves_the_meeting_as_completed(
    make: AppFactory, tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    monkeypatch.setattr(saver_module, "rescue_dirs", lambda: [blocker / "rescue"])
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)  # the first save creates the file
        await settle(app, pilot)  # the first save creates the file
        own = session_file(run_screen(app))
        disk = break_saving(app, monkeypatch)
        await pilot.press("e", *"kept", "escape", "q", "y")
        await settle(app, pilot)
        assert app.is_running and warning_shown(app)
        disk.free()
        await tick(app, pilot, clock, RETRY_S)  # the retry, without pressing anything
        await settle(app, pilot)
        record = load_record(own)
        assert record.status == "completed" and record.steps[0].notes == "kept"
        assert not warning_shown(app)


async def test_a_session_file_replaced_by_another_program_is_left_alone(
    make: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make(RunProtocol("tuning", Details(group="Grade 5")))
    async with app.run_test(size=SIZE) as pilot:
        screen = run_screen(app)
        await settle(app, pilot)  # the first save creates the file
        await settle(app, pilot)  # the first save creates the file
        original = session_file(screen)
        said = spy_notify(app, monkeypatch)
        original.write_text("somebody else's notes\n", encoding="utf-8")
        await pilot.press("e", *"ours", "escape")
        await settle(app, pilot)
        assert original.read_text(encoding="utf-8") == "somebody else's notes\n"
        moved = screen.session.path
        assert moved is not None and moved != original and moved.parent == original.parent
        record = load_record(moved)
        assert record.group == "Grade 5" and record.steps[0].notes == "ours"
        assert any("left alone" in s for s in said)
        await pilot.press("n")  # later saves go on in the new file
        await settle(app, pilot)
        assert load_record(moved).events[-1].kind == "goto"
        assert original.read_text(encoding="utf-8") == "somebody else's notes\n"


# -- hostile protocol text --------------------------------------------------------------------

MARKUP = "[bold red]not bold[/]"
LINK = "[link=http://x]x[/link]"
RTL = "שלום مرحبا"
COMBINING = "e\u0301te\u0301"
EMOJI = "🙂👩🏽‍🏫"
WIDE = "会议记录"
LONG_WORD = "Supercalifragilistic" * 25  # 500 characters, no space
LONG_LINE = " ".join(["lorem ipsum dolor sit amet"] * 111)[:3000]  # one 3,000-character line
HOSTILE = [MARKUP, LINK, RTL, COMBINING, EMOJI, WIDE, LONG_WORD, LONG_LINE, "[/]", "\\[", "[", "]"]


def hostile_protocol() -> dict:
    return {
        "format": 1,
        "name": f"{MARKUP} {LINK} {RTL} {EMOJI}",
        "summary": LONG_LINE,
        "norms": HOSTILE,
        "steps": [
            {
                "title": f"{MARKUP} {RTL}",
                "minutes": 5,
                "min_minutes": 1,
                "description": LONG_LINE,
                "prompts": HOSTILE,
                "facilitator_notes": f"{LINK} {LONG_WORD} {LONG_LINE}",
                "speakers": ["facilitator"],
            },
            {
                "title": f"{LINK} {COMBINING} {EMOJI}",
                "minutes": 2,
                "turns": "each participant",
                "prompts": [LONG_WORD, f"{WIDE}{EMOJI}" * 40],
            },
            {
                "title": f"{LINK} {LONG_WORD}",
                "minutes": 10,
                "prompts": [LONG_LINE],
            },
        ],
    }


PARTICIPANTS = f"[b]Ana[/b], {RTL}, {EMOJI}, {COMBINING}"


def write_protocol(folder: Path, data: dict, name: str = "hostile") -> Path:
    path = folder / f"{name}.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def plain(app: FacilitatorApp, selector: str) -> str:
    return text_of(app, selector)


def assert_fits(app: FacilitatorApp) -> None:
    """Everything shown lies within the screen: long words and lines are wrapped or cut."""
    screen = app.screen
    for selector in (
        "#step-title",
        "#prompts",
        "#status",
        "#who",
        "#speaker-name",
        "#speaker-detail",
        "#context",
    ):
        found = screen.query(selector)  # the parts a meeting does not need are never made
        widget = found.first() if found else None
        if widget is not None and widget.display and widget.region.area:
            assert widget.region.right <= screen.size.width, selector


@pytest.mark.parametrize("size", [(60, 18), (160, 50)])
async def test_hostile_protocol_text_is_shown_literally_and_wrapped(
    make: AppFactory, clock: FakeClock, tmp_path: Path, size: tuple[int, int]
) -> None:
    path = write_protocol(tmp_path, hostile_protocol())
    assert load_protocol(path).steps[0].prompts == HOSTILE  # all of it is allowed
    app = make(RunProtocol(str(path), Details(participants=Details.split_names(PARTICIPANTS))))
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.pause()
        screen = run_screen(app)
        prompts = plain(app, "#prompts")
        for text in HOSTILE:
            assert text in prompts
        assert f"• {MARKUP}" in prompts and f"• {LINK}" in prompts
        assert plain(app, "#step-title") == f"{MARKUP} {RTL}"
        prompts_widget = screen.query_one("#prompts")
        if prompts_widget.display and size[1] >= 30:
            assert prompts_widget.region.height > len(HOSTILE)  # the long line wrapped
        assert_fits(app)
        app.export_screenshot()  # paints everything, wide and combining characters included

        await pilot.press("space")
        await tick(app, pilot, clock, 30)
        await pilot.press("n")
        assert screen.run.step == 1
        assert plain(app, "#step-title") == f"{LINK} {COMBINING} {EMOJI}"
        name = screen.query_one("#speaker-name", BigName)
        assert name.text == "[b]Ana[/b]" and name.plain()  # as typed, in plain bold letters
        assert "[b]Ana[/b]" in "\n".join(name.lines())
        for _ in range(4):  # every turn, then on to step 3
            await pilot.press("n")
            assert_fits(app)
        assert screen.run.step == 2
        assert plain(app, "#step-title") == f"{LINK} {LONG_WORD}"
        await pilot.press("f")
        assert screen.has_class("-projector")
        app.export_screenshot()
        for width, height in ((40, 12), (200, 60), size):
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            assert_fits(app)
            app.export_screenshot()
        await pilot.press("f", "1", "e", *"[red]x[/]", "escape")
        await settle(app, pilot)
        assert screen.session.notes[0] == "[red]x[/]"
        assert app.is_running and app.screen is screen
    record = load_record(session_file(screen))
    assert record.protocol.steps[0].prompts == HOSTILE
    assert record.steps[0].notes == "[red]x[/]"


async def test_adapt_message_naming_hostile_titles_is_shown_literally(
    make: AppFactory, clock: FakeClock, tmp_path: Path
) -> None:
    # The adapt message names the steps it changed: a toast must not read them as markup.
    path = write_protocol(tmp_path, hostile_protocol())
    app = make(RunProtocol(str(path), Details(participants=["Ana", "Ben"])))
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await pilot.press("space")
        await tick(app, pilot, clock, 6 * 60)  # a minute over on step 1
        await pilot.press("a")
        await pilot.pause()
        # The dialog lists the changes as typed, then yes applies them and the toast says so.
        lines = app.screen.query_one("#dialog-lines")
        assert LINK in str(lines.render())
        await pilot.press("y")
        await pilot.pause()
        await pilot.pause()
        toasts = [str(toast.render()) for toast in app.screen.query(Toast)]
        assert any(LINK in text for text in toasts), toasts
        assert app.is_running


async def test_resume_notice_naming_a_hostile_title_is_shown_literally(
    make: AppFactory, clock: FakeClock, tmp_path: Path
) -> None:
    path = write_protocol(tmp_path, hostile_protocol())
    app = make(RunProtocol(str(path), Details(participants=["Ana", "Ben"])))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "n")
        session_path = run_screen(app).session.path
        await pilot.press("ctrl+q")
    again = make(Resume(str(session_path)))
    async with again.run_test(size=(160, 50), notifications=True) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(again.screen, RunScreen) and again.screen.run.step == 1
        toasts = [str(toast.render()) for toast in again.screen.query(Toast)]
        assert any(f"{LINK} {COMBINING} {EMOJI}" in text for text in toasts), toasts


REFUSED = {
    "osc-title": "\x1b]0;pwned\x07",
    "clear-screen": "\x1b[2J",
    "c1-csi": "\x9b31m",
    "bidi-override": "invoice \u202egnp.exe",
    "bidi-isolate": "\u2066hidden\u2069",
    "bell": "ding\x07",
}


@pytest.mark.parametrize("where", ["name", "title", "prompt", "notes"])
@pytest.mark.parametrize("bad", list(REFUSED.values()), ids=list(REFUSED))
def test_protocol_text_with_terminal_controls_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str, bad: str
) -> None:
    data = hostile_protocol()
    step = data["steps"][0]
    if where == "name":
        data["name"] = f"Tuning {bad}"
    elif where == "title":
        step["title"] = f"Intro {bad}"
    elif where == "prompt":
        step["prompts"] = ["fine", f"not {bad} fine"]
    else:
        step["facilitator_notes"] = bad
    path = write_protocol(tmp_path, data)
    with pytest.raises(ProtocolError) as caught:
        load_protocol(path)
    problems = caught.value.problems
    assert len(problems) == 1
    problem = problems[0]
    assert problem.startswith(f"{path}: ")
    assert "\n" not in problem and "\x1b" not in problem and "\x07" not in problem
    assert "control character" in problem or "text-direction override" in problem
    assert "U+" in problem

    assert main(["validate", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == problem
    # `run` refuses it too, before any screen opens or any file is written.
    sessions = tmp_path / "sessions"
    assert main(["run", str(path), "--sessions-dir", str(sessions), "--no-bell"]) == 2
    out, err = capsys.readouterr()
    assert "U+" in err and "\x1b" not in out + err
    assert not sessions.exists()


def test_raw_escape_bytes_in_a_protocol_file_are_refused(tmp_path: Path) -> None:
    # Not a TOML escape but the byte itself: TOML refuses it; the message names line and column
    # and never echoes the byte back to the terminal.
    path = tmp_path / "raw.toml"
    path.write_bytes(b'format = 1\nname = "x\x1b]0;pwned\x07"\n[[steps]]\ntitle = "a"\nminutes = 1\n')
    with pytest.raises(ProtocolError) as caught:
        load_protocol(path)
    (problem,) = caught.value.problems
    assert problem.startswith(f"{path}:2:")
    assert "\x1b" not in problem and "\x07" not in problem and "\n" not in problem


async def test_notes_with_escape_sequences_are_saved_as_plain_text(make: AppFactory) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        screen = run_screen(app)
        area = screen.query_one("#notes-area", TextArea)
        await pilot.press("e")
        area.insert("\x1b[31mred\x1b]0;pwned\x07 \x9b1m\u202eevil\r\nnext\tline [b]x[/b]")
        await pilot.press("escape")
        record = await saved(app, pilot)
    expected = "[31mred]0;pwned 1mevil\nnext\tline [b]x[/b]"
    assert screen.session.notes[0] == expected
    assert record.steps[0].notes == expected
    text = session_file(screen).read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text


async def test_a_session_file_whose_protocol_copy_holds_escapes_is_refused(
    make: AppFactory, tmp_path: Path
) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        path = session_file(run_screen(app))
        await pilot.press("ctrl+q")
    text = path.read_text(encoding="utf-8")
    assert 'title = "Introduction"' in text
    path.write_text(text.replace('title = "Introduction"', 'title = "Intro\\u001b[2J"'), encoding="utf-8")
    with pytest.raises(SessionFileError) as caught:
        make(Resume(str(path)))
    message = str(caught.value)
    assert "U+001B" in message and "\n" not in message and "\x1b" not in message


# -- a terminal that closes: the process never outlives it for long -----------------------------


async def test_a_signal_saves_then_arms_the_last_resort_exit(
    make: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from facilitator.tui import app as app_module

    armed: list[float] = []
    monkeypatch.setattr(app_module, "_arm_last_resort", armed.append)
    app = make(RunProtocol("tuning", Details(group="Gone")))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        path = session_file(run_screen(app))
        app.exit_deadline = 5.0  # as the command line sets it
        app.on_signal()
        assert load_record(path).status == "in_progress"  # saved before the deadline is armed
        await pilot.pause()
    assert armed == [5.0]


async def test_without_a_deadline_a_signal_arms_nothing(
    make: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from facilitator.tui import app as app_module

    armed: list[float] = []
    monkeypatch.setattr(app_module, "_arm_last_resort", armed.append)
    app = make(RunProtocol("tuning"))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        assert app.exit_deadline is None  # a test process is never ended from inside
        app.on_signal()
        await pilot.pause()
    assert armed == []


def test_the_last_resort_ends_the_process_after_its_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from facilitator.tui import app as app_module

    said: list[tuple[str, float]] = []
    ended = threading.Event()
    monkeypatch.setattr(app_module.time, "sleep", lambda s: said.append(("slept", s)))

    def exit_now(code: int) -> None:
        said.append(("exit", code))
        ended.set()

    monkeypatch.setattr(app_module.os, "_exit", exit_now)
    app_module._arm_last_resort(5.0)  # on a thread of its own, which never holds the process
    assert ended.wait(10)
    assert said == [("slept", 5.0), ("exit", 0)]
    assert all(t.daemon for t in threading.enumerate() if t.name == "last-resort")


# -- a laptop that sleeps, a wall clock that jumps -----------------------------------------------


async def test_time_asleep_is_meeting_time_and_the_screen_says_so(
    make: AppFactory, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make(RunProtocol("tuning"))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        screen = run_screen(app)
        said = spy_notify(app, monkeypatch)
        await pilot.press("space")
        before = screen.run.left_ms()
        clock.sleep(10 * 60)  # the lid closed for ten minutes in the middle of the step
        screen.second_passed()
        await pilot.pause()
        assert said[-1] == "This computer was asleep for 10 minutes; the meeting's time went on."
        assert screen.run.left_ms() == before - 10 * 60 * 1000  # the room did not stop
        screen.second_passed()  # said once
        assert said.count(said[-1]) == 1
        await pilot.press("space")  # paused: asleep again, and the words say the timer stood
        clock.sleep(5 * 60)
        screen.second_passed()
        assert said[-1] == "This computer was asleep for 5 minutes; the timer was paused."


async def test_a_short_gap_is_not_called_sleep(make: AppFactory, clock: FakeClock, monkeypatch) -> None:  # noqa: ANN001
    app = make(RunProtocol("tuning"))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        said = spy_notify(app, monkeypatch)
        clock.sleep(20)  # a busy machine, a short stall
        run_screen(app).second_passed()
        assert not any("asleep" in s for s in said)


async def test_a_wall_clock_that_jumps_changes_no_duration(make: AppFactory, clock: FakeClock) -> None:
    from datetime import timedelta

    app = make(RunProtocol("tuning"))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        screen = run_screen(app)
        await pilot.press("space")
        await tick(app, pilot, clock, 30)
        left = screen.run.left_ms()
        for jump in (timedelta(hours=-1), timedelta(hours=3), timedelta(minutes=-7)):  # DST, zone, NTP
            clock.set_wall(clock.wall() + jump)
            screen.second_passed()
            assert screen.run.left_ms() == left
        assert screen.run.unit_ran_ms(0, 0) == 30_000
        await pilot.press("n")  # saved with the step's time as run, whatever the wall clock says
        record = await saved(app, pilot)
        assert record.steps[0].actual_seconds == 30


def test_the_system_clock_counts_sleep_on_this_machine() -> None:
    import sys
    import time as time_module

    from facilitator.core.clock import SystemClock, _counting_sleep

    reading = _counting_sleep()
    if sys.platform.startswith("linux"):
        assert getattr(reading, "args", None) == (time_module.CLOCK_BOOTTIME,)
    clock = SystemClock()
    first = clock.monotonic()
    assert clock.monotonic() >= first
    assert 0 <= clock.slept() < 1  # nothing slept between two readings


# -- hostile files in the sessions folder --------------------------------------------------------


async def test_the_picker_and_the_review_browser_list_a_hostile_folder_plainly(
    make: AppFactory, sessions: Path
) -> None:
    from textual.widgets import DataTable

    from facilitator.tui.screens.picker import PickerScreen
    from facilitator.tui.screens.review import ReviewScreen
    from facilitator.tui.start import Review

    from ..unit.test_hostile_files import hostile_folder

    sessions.mkdir(parents=True)
    hostile_folder(sessions)
    app = make()  # the picker offers the unfinished ones: a FIFO must not hang it
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, PickerScreen)
        offered = {item.record.group for item in app.screen.unfinished}
        assert offered == {"Good team", "Hostile]0;pwned[2J"}
    app = make(Review())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        table = screen.query_one(DataTable)
        cells = [str(c) for i in range(table.row_count) for c in table.get_row_at(i)]
        assert "Hostile]0;pwned[2J" in cells and "Good team" in cells
        assert not any("\x1b" in c or "\x07" in c for c in cells)
        assert sum(not s.readable for s in screen.summaries) == 6


async def test_a_meeting_s_start_sweeps_what_interrupted_saves_left(
    make: AppFactory, sessions: Path, clock: FakeClock
) -> None:
    import os

    sessions.mkdir(parents=True)
    left = sessions / ".2026-11-20_1400_tuning_test.toml.q1w2e3.tmp"
    left.write_text("half a save", encoding="utf-8")
    then = clock.wall().timestamp() - 3600
    os.utime(left, (then, then))
    app = make(RunProtocol("tuning"))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        assert not left.exists()
        assert session_file(run_screen(app)).exists()
