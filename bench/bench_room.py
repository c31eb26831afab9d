"""The room's server under a room's load: `facilitator serve` with 30 viewers, on loopback.

    .venv/bin/python bench/bench_room.py                 # 30 viewers, 20 s of ticking, 10 steps
    .venv/bin/python bench/bench_room.py --viewers 60 --seconds 30
    .venv/bin/python bench/bench_room.py --no-record     # print only

A meeting runs in a temporary sessions folder, its timer started; this script plays the
facilitator's app (a heartbeat every second, and a save after each "key press"), starts
`facilitator serve --port 0` on 127.0.0.1, and measures, with the viewers' event streams
read by aiohttp in this process:

- first state when all join at once: from just before the viewers connect together to each
  one's first event; every viewer under 1 s.
- server CPU while the meeting ticks: CPU time of every thread of the server
  (/proc/PID/task/*/schedstat) over --seconds, the viewers connected and the heartbeat going,
  as % of one core; under 2 %.
- server memory: VmRSS and VmHWM from /proc/PID/status after the ticking; VmRSS under 80 MiB.
- a step change reaching every viewer: from the save after the key press to the moment the
  last viewer has the new step, --steps times; every change under 1 s.

Linux only (it reads /proc); nothing leaves this computer. It writes its part of
bench/RESULTS.md between its markers (unless --no-record) and exits 0 when every budget is
met, 1 when one is missed, 2 when the server could not be measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
BEGIN = "<!-- bench_room.py: begin -->"
END = "<!-- bench_room.py: end -->"
sys.path.insert(0, str(ROOT))

from facilitator.core.clock import SystemClock  # noqa: E402
from facilitator.core.library import find, load_library  # noqa: E402
from facilitator.core.session import Details, Session, begin  # noqa: E402
from facilitator.core.store.heartbeat import Heartbeat  # noqa: E402


def cpu_ns(pid: int) -> int:
    """CPU time of every thread of `pid` so far, in nanoseconds (schedstat)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total


def memory_mib(pid: int) -> tuple[float, float]:
    """VmRSS and VmHWM of `pid`, in MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


class Facilitator:
    """The facilitator's app, played here: one beat a second, a save after each key press."""

    def __init__(self, folder: Path) -> None:
        protocol = find("tuning", load_library(cwd=Path("/nonexistent"), env={})).protocol
        self.session = Session.new(protocol, Details(group="Bench"), SystemClock())
        self.saver = begin(self.session, folder)
        self.seq = 0
        self.session.run.toggle()
        self.save()
        assert self.session.path is not None
        self.heartbeat = Heartbeat(self.session.path)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.beating, daemon=True)
        self.thread.start()

    def save(self) -> None:
        self.seq += 1
        self.saver.save(self.seq, self.session.record())

    def beating(self) -> None:
        while not self.stop.wait(1.0):
            self.heartbeat.beat(self.session.run.now_ms())

    def key(self) -> str:
        """n: the next step, saved at once, as the run screen does. Returns its heading."""
        self.session.run.next()
        self.save()
        return f"Step {self.session.run.step + 1} of {len(self.session.run.shapes)}"


class Viewer:
    """One browser's event stream, read as it arrives."""

    def __init__(self) -> None:
        self.first_s: float | None = None
        self.headings: dict[str, float] = {}

    async def watch(self, http: object, url: str, started: float) -> None:
        import aiohttp

        assert isinstance(http, aiohttp.ClientSession)
        async with http.get(url, timeout=aiohttp.ClientTimeout(total=None)) as response:
            assert response.status == 200, response.status
            data = ""
            async for raw in response.content:
                line = raw.decode().rstrip("\n")
                if line.startswith("data: "):
                    data += line[6:]
                elif line == "" and data:
                    now = time.monotonic()
                    state = json.loads(data)
                    data = ""
                    if self.first_s is None:
                        self.first_s = now - started
                    heading = state.get("heading")
                    if heading and heading not in self.headings:
                        self.headings[heading] = now


async def measure(args: argparse.Namespace, url: str, pid: int, facilitator: Facilitator) -> dict:
    import aiohttp

    events = url.rstrip("/") + "/events"
    viewers = [Viewer() for _ in range(args.viewers)]
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.monotonic()
        tasks = [asyncio.create_task(v.watch(http, events, started)) for v in viewers]
        deadline = time.monotonic() + 10
        while any(v.first_s is None for v in viewers) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        first = [v.first_s for v in viewers]
        if any(f is None for f in first):
            raise SystemExit("bench_room: some viewers never got a first state")
        await asyncio.sleep(1.0)  # settle
        before, t0 = cpu_ns(pid), time.monotonic()
        await asyncio.sleep(args.seconds)
        cpu = (cpu_ns(pid) - before) / ((time.monotonic() - t0) * 1e9) * 100
        rss, hwm = memory_mib(pid)
        changes = []
        for _ in range(args.steps):
            heading = facilitator.key()
            pressed = time.monotonic()
            deadline = pressed + 5
            while any(heading not in v.headings for v in viewers) and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            reached = [v.headings.get(heading) for v in viewers]
            changes.append(max((r or deadline) - pressed for r in reached))
            await asyncio.sleep(0.5)
            if facilitator.session.run.at_end():
                break
        rss_end, hwm_end = memory_mib(pid)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "first": [f for f in first if f is not None],
        "cpu": cpu,
        "rss": max(rss, rss_end),
        "hwm": max(hwm, hwm_end),
        "changes": changes,
    }


def report(args: argparse.Namespace, found: dict, command: str) -> tuple[str, bool]:
    first, changes = found["first"], found["changes"]
    rows = [
        ("first state, all joining at once: slowest viewer (s)", max(first), "< 1", max(first) < 1.0),
        ("first state, all joining at once: median viewer (s)", statistics.median(first), "–", None),
        ("server CPU while the meeting ticks (% of a core)", found["cpu"], "< 2", found["cpu"] < 2.0),
        ("server resident memory, VmRSS (MiB)", found["rss"], "< 80", found["rss"] < 80),
        ("server peak resident memory, VmHWM (MiB)", found["hwm"], "–", None),
        ("step change reaching every viewer: slowest (s)", max(changes), "< 1", max(changes) < 1.0),
        ("step change reaching every viewer: median (s)", statistics.median(changes), "–", None),
    ]
    met = all(ok for *_, ok in rows if ok is not None)
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = "?"
    lines = [
        "## The room's server with 30 viewers",
        "",
        "Written by `bench/bench_room.py` (see its docstring); each run replaces this section.",
        "",
        f"### Latest run: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M +0000')}",
        "",
        f"- Machine: {platform.system()} {platform.release()} ({platform.machine()}), "
        f"nproc {os.cpu_count()}, Python {platform.python_version()}",
        f"- Code: commit {commit}",
        f"- Command: `{command}`",
        f"- {args.viewers} viewers on 127.0.0.1, {args.seconds:g} s of ticking with the heartbeat, "
        f"{len(changes)} step changes",
        f"- Result: **{'all budgets met' if met else 'BUDGET MISSED'}**",
        "",
        "| metric | measured | budget | met |",
        "| --- | ---: | ---: | :---: |",
        *(
            f"| {name} | {value:.3f} | {budget} | {'–' if ok is None else 'yes' if ok else '**NO**'} |"
            for name, value, budget, ok in rows
        ),
        "",
        "Every step change (s): " + ", ".join(f"{c:.3f}" for c in changes),
        "",
    ]
    return "\n".join(lines), met


def record(block: str) -> None:
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if BEGIN in old and END in old:
        before, rest = old.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
    else:
        before, after = old.rstrip("\n") + "\n\n", "\n"
    RESULTS.write_text(before + BEGIN + "\n" + block + END + after, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--steps", type=int, default=7)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-room-") as temp:
        folder = Path(temp) / "sessions"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FACILITATOR_", "TEXTUAL_"))}
        env["XDG_CONFIG_HOME"] = str(Path(temp) / "config")
        facilitator = Facilitator(folder)
        command = [sys.executable, "-m", "facilitator", "serve", "--port", "0", "--sessions-dir", str(folder)]
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip()
            if not url.startswith("http://127.0.0.1:"):
                print(f"bench_room: the server printed {url!r}", file=sys.stderr)
                return 2
            found = asyncio.run(measure(args, url, server.pid, facilitator))
        finally:
            facilitator.stop.set()
            server.terminate()
            server.wait(timeout=10)
    shown = " ".join(["cd", str(ROOT), "&&", ".venv/bin/python", "bench/bench_room.py", *sys.argv[1:]])
    block, met = report(args, found, shown)
    print(block)
    if not args.no_record:
        record(block)
        print(f"Recorded in {os.path.relpath(RESULTS)}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
