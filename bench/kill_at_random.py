"""Kill -9 at random moments, then resume: how often a meeting comes back, and what is lost.

    .venv/bin/python bench/kill_at_random.py [--kills 40] [--seed 1]

Each round starts `facilitator run tuning` in a real pseudo-terminal, starts the timer, moves
on a random number of steps, types a note at each (the last one at the last step reached),
waits a random 0 to 3 s, and kills the process with SIGKILL. Then it resumes the session file
(as `facilitator resume` does) and counts:
  resumable   the file loads and the run is rebuilt
  notes lost  a note whose typing ended 2 s or more before the kill, missing after resume
  time lost   how far the resumed session clock is behind the time the timer really ran
Prints a table (and appends it to bench/RESULTS.md with --record).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from facilitator.core.clock import SystemClock  # noqa: E402
from facilitator.core.session import resume_session  # noqa: E402
from facilitator.core.store.files import SessionFileError  # noqa: E402
from tests.process.test_crash import Terminal, notes_have_focus, session_file  # noqa: E402

SAVED_BY_S = 2.0  # a note typed this long before the kill must be in the file


def one_round(rng: random.Random, work: Path) -> dict[str, float]:
    sessions = work / "s"
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("FACILITATOR_", "TEXTUAL", "XDG_", "PYTEST"))
    }
    env |= {
        "TERM": "xterm-256color",
        "XDG_CONFIG_HOME": str(work / "config"),
        "XDG_DATA_HOME": str(work / "data"),
        "XDG_STATE_HOME": str(work / "state"),
        "HOME": str(work / "home"),
        "PYTHONPATH": str(ROOT),
    }
    term = Terminal(["run", "tuning", "--sessions-dir", str(sessions), "--no-bell"], work, env)
    typed: list[tuple[int, str, float]] = []
    try:
        term.wait_for_screen("Introduction")
        term.wait_until("the session file", lambda: session_file(sessions) is not None)
        term.send(b" ")
        started = time.monotonic()
        for step in range(rng.randint(0, 7) + 1):
            if step:
                term.send(b"n")
                term.wait_for_screen(f"Step {step + 1} of 8")
            text = f"note {step} " + "".join(rng.choices("abcdefgh", k=rng.randint(3, 20)))
            term.send(b"e")
            term.wait_until("the notes box", lambda: notes_have_focus(term))
            term.send(text.encode())
            term.wait_for_screen(text)
            typed.append((step, text, time.monotonic()))
            term.send(b"\x1b")
            term.wait_until("the notes box to let go", lambda: not notes_have_focus(term))
        time.sleep(rng.uniform(0, 3))  # the kill comes at a random moment: that is the point here
        killed_at = time.monotonic()
        os.kill(term.proc.pid, signal.SIGKILL)
        term.proc.wait(10)
    finally:
        term.stop()
    path = session_file(sessions)
    result = {"resumable": 0.0, "notes lost": 0.0, "time lost s": 0.0}
    if path is None:
        return result
    try:
        session, _ = resume_session(path, SystemClock())
    except SessionFileError:
        return result
    result["resumable"] = 1.0
    for step, text, at in typed:
        if killed_at - at >= SAVED_BY_S and session.notes.get(step) != text:
            result["notes lost"] += 1
    ran_s = killed_at - started
    result["time lost s"] = max(0.0, ran_s - session.run.now_ms() / 1000)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    rounds = []
    for i in range(args.kills):
        with tempfile.TemporaryDirectory(prefix="facilitator-kill-") as work:
            rounds.append(one_round(rng, Path(work)))
        print(f"kill {i + 1}: {rounds[-1]}", flush=True)
    resumable = sum(r["resumable"] for r in rounds)
    lost = sum(r["notes lost"] for r in rounds)
    worst = max(r["time lost s"] for r in rounds)
    table = "\n".join(
        [
            f"### Kill -9 at random moments ({date.today().isoformat()})",
            "",
            f"`python bench/kill_at_random.py --kills {args.kills} --seed {args.seed}`; "
            f"{os.cpu_count()} cores.",
            "",
            "| kills | resumable | notes lost (typed 2 s or more before the kill) | largest time lost (s) |",
            "| ---: | ---: | ---: | ---: |",
            f"| {len(rounds)} | {resumable:.0f} | {lost:.0f} | {worst:.2f} |",
            "",
        ]
    )
    print(table)
    if args.record:
        with (Path(__file__).parent / "RESULTS.md").open("a", encoding="utf-8") as handle:
            handle.write("\n" + table)
    return 0 if resumable == len(rounds) and lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
