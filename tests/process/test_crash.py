"""A real facilitator process in a pseudo-terminal: killed, hung up on, terminated, resumed.

Each test starts `python -m facilitator` on a pty (as a terminal would), types into it, and
reads everything it writes on a background thread so the app never blocks on a full pty.
Nothing here sleeps for time to pass: every wait is on a condition (something on the screen, in
the session file or in the heartbeat file), with a generous deadline for a slow machine.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from facilitator.core.clock import FakeClock
from facilitator.core.session import resume_session
from facilitator.core.store.files import SessionFileError
from facilitator.core.store.heartbeat import read_beat
from facilitator.core.store.record import SessionRecord, load_record

ROOT = Path(__file__).resolve().parents[2]
ROWS, COLS = 30, 100
START_S = 20.0  # the app starting, or a save landing, on a slow machine
EXIT_S = 10.0
ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
MOVE = re.compile(r"\x1b\[(\d*)(?:;(\d*))?H")  # the cursor to row;column (Textual moves only so)


class Terminal:
    """One facilitator process on a pty of ROWS x COLS."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "facilitator", *args],
                stdin=slave,
                stdout=slave,
                stderr=slave,
                cwd=cwd,
                env=env,
                start_new_session=True,
                close_fds=True,
            )
        finally:
            os.close(slave)
        self.master: int | None = master
        self._out = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        fd = self.master
        while fd is not None:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the process closed its side, or we closed ours
                return
            if not chunk:
                return
            with self._lock:
                self._out.extend(chunk)

    @property
    def raw(self) -> str:
        with self._lock:
            return self._out.decode("utf-8", errors="replace")

    @property
    def text(self) -> str:
        """What was written, escape sequences removed (words may still be split by moves)."""
        return ANSI.sub("", self.raw)

    def screen(self) -> list[str]:
        """The ROWS lines the terminal shows now: the output replayed onto a grid.

        Enough of a terminal for what Textual writes (cursor moves, \\r, \\n, text); other
        escape sequences (colours, modes) change no character and are skipped.
        """
        raw, at, pieces = self.raw, 0, []
        for escape in ANSI.finditer(raw):
            pieces += [raw[at : escape.start()], escape.group()]
            at = escape.end()
        pieces.append(raw[at:])
        grid = [[" "] * COLS for _ in range(ROWS)]
        row = col = 0
        for piece in pieces:
            if moved := MOVE.fullmatch(piece):
                row = min(max(int(moved.group(1) or 1), 1), ROWS) - 1
                col = min(max(int(moved.group(2) or 1), 1), COLS) - 1
            elif not piece.startswith("\x1b"):
                for char in piece:
                    if char == "\r":
                        col = 0
                    elif char == "\n":
                        row = min(row + 1, ROWS - 1)
                    elif char >= " ":
                        if col < COLS:
                            grid[row][col] = char
                        col += 1
        return ["".join(line) for line in grid]

    def footer(self) -> str:
        """The bottom line: the keys the focused widget leaves to the screen."""
        return self.screen()[-1]

    def shows(self, *words: str) -> bool:
        raw, text = self.raw, self.text
        return all(word in raw or word in text for word in words)

    def send(self, data: bytes) -> None:
        assert self.master is not None
        os.write(self.master, data)

    def wait_until(self, what: str, check: Callable[[], object], timeout: float = START_S) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if check():
                return
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"facilitator exited ({self.proc.returncode}) before {what}:\n{self.text[-2000:]}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out waiting for {what}; the screen ends with:\n{self.text[-2000:]}"
                )
            time.sleep(0.02)

    def wait_for_screen(self, *words: str) -> None:
        self.wait_until(" and ".join(map(repr, words)), lambda: self.shows(*words))

    def exit_code(self, timeout: float = EXIT_S) -> int:
        code = self.proc.wait(timeout)
        self._reader.join(2)
        return code

    def close_master(self) -> None:
        """What closing a terminal window does to the pty: our side goes away."""
        if self.master is not None:
            fd, self.master = self.master, None
            os.close(fd)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.close_master()
        self._reader.join(2)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    out = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FACILITATOR_", "TEXTUAL", "XDG_", "PYTEST", "COLUMNS", "LINES"))
    }
    out.update(
        TERM="xterm-256color",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        HOME=str(tmp_path / "home"),
        PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
        PYTHONUNBUFFERED="1",
    )
    return out


@pytest.fixture
def sessions(tmp_path: Path) -> Path:
    return tmp_path / "sessions"


@pytest.fixture
def start(tmp_path: Path, env: dict[str, str]) -> Iterator[Callable[..., Terminal]]:
    started: list[Terminal] = []

    def run(*args: str) -> Terminal:
        term = Terminal(list(args), tmp_path, env)
        started.append(term)
        return term

    yield run
    for term in started:
        term.stop()


def session_file(folder: Path) -> Path | None:
    found = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    return found[0] if found else None


def record_of(path: Path) -> SessionRecord | None:
    """The session file as it stands, or None while it is not (yet) what we wait for."""
    try:
        return load_record(path)
    except SessionFileError:
        return None


def kinds(record: SessionRecord | None) -> list[str]:
    return [] if record is None else [e.kind for e in record.events]


def start_meeting(start: Callable[..., Terminal], sessions: Path) -> tuple[Terminal, Path]:
    """`facilitator run tuning` on its run screen, its session file written."""
    term = start("run", "tuning", "--group", "Crash", "--sessions-dir", str(sessions), "--no-bell")
    term.wait_until("the session file", lambda: session_file(sessions) is not None)
    term.wait_for_screen("Introduction", "Step 1 of 8")
    path = session_file(sessions)
    assert path is not None
    return term, path


def notes_have_focus(term: Terminal) -> bool:
    """The footer says so: with the notes box focused, the letter keys (e for Notes, space,
    q...) go to the box, so the footer drops them and keeps only keys such as ^p palette."""
    footer = term.footer()
    return "palette" in footer and "Notes" not in footer and "Timer" not in footer


def type_note(term: Terminal, text: str) -> None:
    """e, then the text: the notes box must have the focus before the first letter arrives."""
    term.send(b"e")
    term.wait_until("the notes box to have the focus", lambda: notes_have_focus(term))
    term.send(text.encode())


def wait_for_beat(term: Terminal, path: Path, clock_ms: int) -> int:
    """Wait until the heartbeat file shows the session clock at `clock_ms` or later; that beat."""
    seen: list[int] = []

    def reached() -> bool:
        beat = read_beat(path)
        if beat is not None:
            seen.append(beat)
        return beat is not None and beat >= clock_ms

    term.wait_until(f"the heartbeat to reach {clock_ms} ms on the session clock", reached)
    return seen[-1]


def no_traceback(term: Terminal) -> None:
    assert "Traceback" not in term.text, term.text[-3000:]


# -- kill -9 ------------------------------------------------------------------------------------


def test_killed_mid_run_resumes_with_step_time_and_notes(
    start: Callable[..., Terminal], sessions: Path
) -> None:
    term, path = start_meeting(start, sessions)
    term.send(b" ")
    term.wait_until("the start to be saved", lambda: "start" in kinds(record_of(path)))
    term.send(b"n")
    term.wait_until("step 2 to be saved", lambda: "goto" in kinds(record_of(path)))
    step_2 = record_of(path)
    assert step_2 is not None
    goto_at = [e.t_ms for e in step_2.events if e.kind == "goto"][-1]
    type_note(term, "rubric help")
    term.wait_until(
        "the note to be saved",
        lambda: (r := record_of(path)) is not None and r.steps[1].notes == "rubric help",
        timeout=5,
    )
    term.send(b"\x1b")
    # The timer runs on: only the heartbeat (1 Hz) knows how far. Wait until it shows the session
    # clock 1.5 s past the step change (the least the resumed session must count, below).
    beat = wait_for_beat(term, path, goto_at + 1_500)
    term.proc.send_signal(signal.SIGKILL)
    assert term.exit_code() == -signal.SIGKILL

    last_beat = read_beat(path)
    saved = load_record(path)
    assert saved.status == "in_progress"
    goto_ms = [e.t_ms for e in saved.events if e.kind == "goto"][-1]
    assert last_beat is not None and last_beat >= beat > goto_ms
    session, message = resume_session(path, FakeClock())
    run = session.run
    assert run.step == 1 and session.protocol.steps[run.step].title == "Presentation"
    assert session.notes[1] == "rubric help"
    assert not run.running and "paused" in message
    left = run.left_ms()
    assert abs(left - (900_000 - (beat - goto_ms))) <= 2_000
    assert left == 900_000 - (max(last_beat, saved.clock_ms) - goto_ms)  # to the last beat
    assert 900_000 - left >= 1_500  # the time after the last save was not lost
    assert session.lock is not None
    session.lock.release()  # this look at it is over: the meeting is free for the real app

    # The real app carries on from there, paused; SIGTERM then saves and exits cleanly.
    again = start("resume", "--sessions-dir", str(sessions), "--no-bell")
    again.wait_for_screen("Presentation", "PAUSED", "Step 2 of 8")
    again.proc.send_signal(signal.SIGTERM)
    assert again.exit_code() == 0
    no_traceback(again)
    record = load_record(path)
    assert record.status == "in_progress"
    assert record.steps[1].notes == "rubric help"
    assert kinds(record)[-1] == "pause"
    resumed, _ = resume_session(path, FakeClock())
    assert (resumed.run.step, resumed.run.left_ms()) == (1, left)  # paused: no time lost
    assert len(list(sessions.glob("*.toml"))) == 1  # the same file, carried on


# -- SIGHUP / SIGTERM ---------------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_signal_saves_in_progress_and_exits_cleanly(
    start: Callable[..., Terminal], sessions: Path, sig: signal.Signals
) -> None:
    term, path = start_meeting(start, sessions)
    term.send(b" ")
    term.wait_until("the start to be saved", lambda: "start" in kinds(record_of(path)))
    before = load_record(path)
    # The session clock moves on past the start's save (the heartbeat shows it), so a save at
    # the signal has a later clock than `before` (asserted below).
    wait_for_beat(term, path, before.clock_ms + 1)
    type_note(term, "closing note")
    term.wait_for_screen("closing note")  # in the app's memory, maybe not in the file yet
    term.proc.send_signal(sig)
    assert term.exit_code() == 0
    no_traceback(term)
    assert f"Session saved, not finished: {path}" in term.text.replace("\r\n", "").replace("\n", "")
    record = load_record(path)
    assert record.status == "in_progress"
    assert record.steps[0].notes == "closing note"
    assert kinds(record) == ["plan", "start"]
    assert record.clock_ms > before.clock_ms  # written at the signal, not only before it
    session, _ = resume_session(path, FakeClock())
    assert session.run.step == 0 and session.notes[0] == "closing note"


def test_terminal_closed_then_sighup_still_saves(start: Callable[..., Terminal], sessions: Path) -> None:
    # A terminal window closed for real: the pty's other side is gone (writes fail) and the
    # app gets SIGHUP. It must still save and end.
    term, path = start_meeting(start, sessions)
    term.send(b" ")
    term.wait_until("the start to be saved", lambda: "start" in kinds(record_of(path)))
    type_note(term, "window closed")
    term.wait_for_screen("window closed")
    term.close_master()
    term.proc.send_signal(signal.SIGHUP)
    term.proc.wait(EXIT_S)  # raises if it hangs
    record = load_record(path)
    assert record.status == "in_progress"
    assert record.steps[0].notes == "window closed"


GONE_S = 5.0  # how long a process may outlive its closed terminal


def close_terminal(term: Terminal) -> None:
    """What closing the window does: our side of the pty goes, and the terminal's processes
    get SIGHUP."""
    term.close_master()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(term.proc.pid, signal.SIGHUP)


@pytest.mark.parametrize("moment", ["start-up", "first frame", "save", "typing"])
def test_a_terminal_closed_at_any_moment_never_leaves_the_app_running(
    start: Callable[..., Terminal], sessions: Path, moment: str
) -> None:
    # The window is closed (tmux kill-session, a laptop lid on a remote shell) during start-up,
    # the moment the first frame is drawn (the first save and the notes box still on their
    # way), during a save, or while a note is typed.
    term = start("run", "consultancy", "--group", "Gone", "--sessions-dir", str(sessions), "--no-bell")
    if moment == "start-up":
        term.wait_until("the first bytes on the terminal", lambda: term.raw)  # Textual starting
    else:
        term.wait_for_screen("Step 1 of")
    if moment == "save":
        term.send(b" ")  # the start is saved at once: the terminal goes while it is written
    if moment == "typing":
        term.wait_until("the session file", lambda: session_file(sessions) is not None)
        type_note(term, "half a thou")
        term.wait_for_screen("half a thou")
    close_terminal(term)
    term.proc.wait(GONE_S)  # raises if it outlives its terminal
    path = session_file(sessions)
    if moment in ("save", "typing"):
        assert path is not None
    if path is not None:  # whatever was there is saved whole
        record = load_record(path)
        assert record.status == "in_progress"
        if moment == "typing":
            assert record.steps[0].notes == "half a thou"


def test_one_writer_per_meeting_a_second_resume_refuses_until_the_first_app_is_gone(
    start: Callable[..., Terminal], sessions: Path
) -> None:
    first, path = start_meeting(start, sessions)
    first.send(b" ")
    first.wait_until("the start to be saved", lambda: "start" in kinds(record_of(path)))
    second = start("resume", path.name, "--sessions-dir", str(sessions))
    assert second.exit_code() == 2
    said = second.text.replace("\r\n", " ").replace("\n", " ")
    assert f"facilitator: {path.name} is open in facilitator on this computer since" in said
    assert "carry on there, or close it there first" in said
    assert [p.name for p in sessions.glob("*.toml")] == [path.name]  # never split in two
    first.proc.kill()  # the first app dies (kill -9): its lock stays behind, its process is gone
    first.proc.wait(EXIT_S)
    third = start("resume", path.name, "--sessions-dir", str(sessions))
    third.wait_for_screen("Step 1 of 8")
    third.wait_for_screen("The facilitator that had this meeting open")  # taken over, and said
    third.proc.send_signal(signal.SIGTERM)
    assert third.exit_code() == 0
    assert [p.name for p in sessions.glob("*.toml")] == [path.name]


# -- nowhere to save: the record goes elsewhere, and the path is printed ------------------------


def test_finish_when_the_sessions_folder_is_gone_prints_where_it_was_saved(
    start: Callable[..., Terminal], sessions: Path, tmp_path: Path
) -> None:
    term, path = start_meeting(start, sessions)
    term.send(b" ")
    term.wait_until("the start to be saved", lambda: "start" in kinds(record_of(path)))
    sessions.rename(tmp_path / "moved-away")  # every save in the sessions folder now fails
    type_note(term, "rescue me")
    term.send(b"\x1b")
    term.wait_for_screen("NOT SAVING")
    term.send(b"q")
    term.wait_for_screen("Finish and save?")
    term.send(b"y")
    assert term.exit_code() == 0
    no_traceback(term)
    flat = term.text.replace("\r\n", "").replace("\n", "")
    said = re.search(r"could not save in (\S+); the session was saved instead to (\S+\.toml)", flat)
    assert said, flat[-2000:]
    assert said.group(1) == str(sessions)
    rescued = Path(said.group(2))
    assert rescued.is_relative_to(tmp_path / "data")
    record = load_record(rescued)
    assert record.status == "completed" and record.group == "Crash"
    assert record.steps[0].notes == "rescue me"
    assert not sessions.exists()
