"""Facilitator's run screen against a minimal Textual clock app, side by side, in a real terminal.

For each app, alternating between them, for N rounds:

* start-up: from spawning the process to the first time its output contains the step title
  "Introduction" (the first frame of the run screen);
* CPU while ticking: space starts the 1 Hz timer; after a 1 s settle, the CPU time of every
  thread (nanoseconds, from /proc/PID/task/*/schedstat) used over the next `--seconds` s, as
  a percentage of one core. This is the budgeted figure: the utime + stime of /proc/PID/stat
  is also shown, but it counts 10 ms ticks, and 0.3 % of a core over 10 s is only 3 of them,
  too coarse to compare two small numbers;
* resident memory at the end of the ticking: VmRSS and VmHWM from /proc/PID/status;

then the app is quit (q then y for facilitator, q for the minimal app; killed after 5 s).

Before the rounds, facilitator's modules are compiled to bytecode, as `pip install` does for
an installed copy; otherwise a checkout run with PYTHONDONTWRITEBYTECODE=1 set would compile
every module at every start, which no user's installation does. (Textual, in site-packages,
was compiled when it was installed; the minimal app is a script, compiled at each start like
facilitator's own console script.)

Each app runs in its own pseudo-terminal (120x40, TERM=xterm-256color) whose output is read
continuously by a thread, with a fresh temporary working directory, sessions directory and
XDG_* directories, so nothing leaks between runs or into the user's files.

Prints the medians, the ratios facilitator / minimal and the budgets as a Markdown table,
writes them to this script's part of bench/RESULTS.md (unless --no-record) and exits 0 when
every budget is met, 1 otherwise (2 if an app could not be measured). Linux only (/proc).
Usage: .venv/bin/python bench/bench_run_screen.py [--rounds 5] [--seconds 10]
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import datetime as dt
import fcntl
import os
import platform
import re
import shlex
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python" if (VENV_BIN / "python").exists() else Path(sys.executable)
FACILITATOR = VENV_BIN / "facilitator"
RESULTS = BENCH / "RESULTS.md"

COLUMNS, LINES = 120, 40
TITLE = "Introduction"
STARTUP_TIMEOUT = 30.0
SETTLE = 1.0
QUIT_TIMEOUT = 5.0
CLK_TCK = os.sysconf("SC_CLK_TCK")

BUDGETS = {"startup": 1.3, "cpu": 1.3, "rss": 1.3}
"""The most facilitator may use, as a multiple of the minimal app (medians)."""

# Between two characters of the title, tolerate escape sequences (CSI such as colours or
# cursor moves, and OSC), in case the terminal output splits the text.
_ESCAPES = rb"(?:\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\))*"


def text_pattern(text: str) -> re.Pattern[bytes]:
    """A pattern for `text` as a terminal shows it, escape sequences allowed between letters."""
    return re.compile(_ESCAPES.join(re.escape(char.encode()) for char in text))


# ---------------------------------------------------------------------------------------------
# One app in one pseudo-terminal


class Terminal:
    """A process in a pseudo-terminal whose output a thread keeps reading (and keeping)."""

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        self.output = bytearray()
        self.changed = threading.Condition()
        self.started = time.monotonic()
        try:
            self.process = subprocess.Popen(
                argv,
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
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: every copy of the slave side is closed
                chunk = b""
            with self.changed:
                if not chunk:
                    self.changed.notify_all()
                    return
                self.output += chunk
                self.changed.notify_all()

    def wait_for(self, pattern: re.Pattern[bytes], start: int = 0, timeout: float = 10.0) -> bool:
        """Wait until the output from byte `start` on matches `pattern`; False on timeout."""
        deadline = time.monotonic() + timeout
        scanned = start
        with self.changed:
            while True:
                # Rescan a little before the new bytes, so a match across two reads is found.
                window = max(start, scanned - 4096)
                if pattern.search(self.output, window):
                    return True
                scanned = len(self.output)
                left = deadline - time.monotonic()
                if left <= 0 or not self.reader.is_alive():
                    return False
                self.changed.wait(min(left, 0.05))

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def cpu_ticks(self) -> int:
        """utime + stime of the whole process (all its threads), in clock ticks."""
        stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        return int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)

    def cpu_ns(self) -> int:
        """CPU time of every live thread in nanoseconds (/proc/PID/task/*/schedstat): a
        finer cross-check of `cpu_ticks`, whose 10 ms ticks are coarse next to 0.3 %."""
        total = 0
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            with contextlib.suppress(OSError):  # a thread that ended meanwhile
                total += int((task / "schedstat").read_text().split()[0])
        return total

    def memory_kib(self) -> dict[str, int]:
        """VmRSS and VmHWM, in KiB."""
        found = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
        return found

    def close(self, timeout: float = QUIT_TIMEOUT) -> tuple[int | None, bool]:
        """Wait for the process to exit, killing it after `timeout`; (return code, killed)."""
        killed = False
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            killed = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.reader.join(2)
        os.close(self.master)
        return self.process.returncode, killed


# ---------------------------------------------------------------------------------------------
# The two apps


@dataclass(frozen=True)
class AppSpec:
    name: str
    argv: Callable[[Path], list[str]]
    """The command, given a fresh sessions directory."""
    quit: Callable[[Terminal], None]


def quit_facilitator(term: Terminal) -> None:
    mark = len(term.output)
    term.send(b"q")
    term.wait_for(text_pattern("Finish and save?"), mark, timeout=3)
    term.send(b"y")


def quit_minimal(term: Terminal) -> None:
    term.send(b"q")


SHARED = Path(tempfile.mkdtemp(prefix="bench-shared-"))
"""Kept across rounds: the cache of checked protocol files, and the team's own protocol file."""
CACHE = SHARED / "cache"
OWN = SHARED / "our-team-tuning.toml"
"""A team's own protocol: the Tuning Protocol under another name, its bytes its own."""


def facilitator_run(protocol: str) -> Callable[[Path], list[str]]:
    return lambda sessions: [str(FACILITATOR), "run", protocol, "--sessions-dir", str(sessions), "--no-bell"]


FACILITATORS = ("facilitator", "own")
APPS = {
    "facilitator": AppSpec("facilitator", facilitator_run("tuning"), quit_facilitator),
    "own": AppSpec("own", facilitator_run(str(OWN)), quit_facilitator),
    "minimal": AppSpec(
        "minimal",
        lambda sessions: [str(PYTHON), str(BENCH / "minimal_app.py")],
        quit_minimal,
    ),
}


@dataclass
class Sample:
    app: str
    startup_s: float
    cpu_percent: float
    cpu_s: float
    wall_s: float
    cpu_sched_percent: float
    rss_kib: int
    hwm_kib: int
    out_bytes_per_s: float
    returncode: int | None
    killed: bool
    notes: list[str] = field(default_factory=list)


def clean_env(home: Path, cache: Path = CACHE) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TEXTUAL", "FACILITATOR_")) and k not in ("NO_COLOR",)
    }
    env.update(
        TERM="xterm-256color",
        COLUMNS=str(COLUMNS),
        LINES=str(LINES),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(cache),
        XDG_STATE_HOME=str(home / "state"),
    )
    return env


def measure(spec: AppSpec, seconds: float) -> Sample:
    """One round of one app: start-up, CPU while ticking, memory, quit."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{spec.name}-") as tmp:
        home = Path(tmp)
        sessions = home / "sessions"
        notes: list[str] = []
        term = Terminal(spec.argv(sessions), cwd=home, env=clean_env(home))
        try:
            if not term.wait_for(text_pattern(TITLE), timeout=STARTUP_TIMEOUT):
                tail = bytes(term.output[-2000:]).decode(errors="replace")
                raise RuntimeError(f"{spec.name}: no {TITLE!r} on screen; output ends: {tail!r}")
            startup = time.monotonic() - term.started

            term.send(b" ")
            time.sleep(SETTLE)
            ticks0, ns0, t0 = term.cpu_ticks(), term.cpu_ns(), time.monotonic()
            out0 = len(term.output)
            time.sleep(seconds)
            ticks1, ns1, t1 = term.cpu_ticks(), term.cpu_ns(), time.monotonic()
            out1 = len(term.output)
            memory = term.memory_kib()

            spec.quit(term)
        except BaseException:
            term.close(timeout=0)
            raise
        returncode, killed = term.close()
        if killed:
            notes.append("killed: did not exit in 5 s")
        elif returncode != 0:
            notes.append(f"exit code {returncode}")
        if out1 == out0:
            notes.append("no output while ticking: did the timer start?")
        if spec.name in FACILITATORS and not any(sessions.glob("*.toml")):
            notes.append("no session file saved")
    wall = t1 - t0
    cpu = (ticks1 - ticks0) / CLK_TCK
    return Sample(
        app=spec.name,
        startup_s=startup,
        cpu_percent=100 * cpu / wall,
        cpu_s=cpu,
        wall_s=wall,
        cpu_sched_percent=(ns1 - ns0) / 1e7 / wall,
        rss_kib=memory["VmRSS"],
        hwm_kib=memory["VmHWM"],
        out_bytes_per_s=(out1 - out0) / wall,
        returncode=returncode,
        killed=killed,
        notes=notes,
    )


# ---------------------------------------------------------------------------------------------
# Report


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    fmt: str
    budget: str | None


METRICS = [
    Metric("startup_s", "start-up to first step on screen", "s", "{:.3f}", "startup"),
    Metric("cpu_sched_percent", "CPU while ticking (schedstat, ns)", "% of a core", "{:.3f}", "cpu"),
    Metric(
        "cpu_percent",
        "CPU while ticking, /proc/PID/stat cross-check (10 ms ticks)",
        "% of a core",
        "{:.2f}",
        None,
    ),
    Metric("rss_kib", "resident memory (VmRSS) at end", "MiB", "{:.1f}", "rss"),
    Metric("hwm_kib", "peak resident memory (VmHWM)", "MiB", "{:.1f}", None),
    Metric("out_bytes_per_s", "terminal output while ticking", "B/s", "{:.0f}", None),
]


def value(metric: Metric, number: float) -> str:
    if metric.unit == "MiB":
        number /= 1024
    return metric.fmt.format(number)


def medians(samples: list[Sample], app: str) -> dict[str, float]:
    mine = [s for s in samples if s.app == app]
    return {m.key: statistics.median(getattr(s, m.key) for s in mine) for m in METRICS}


LABELS = {"facilitator": "run tuning (built-in)", "own": "run our-team-tuning.toml (own file)"}


def report(samples: list[Sample]) -> tuple[str, bool]:
    """The Markdown table of medians, ratios and budgets, and whether every budget is met."""
    base = medians(samples, "minimal")
    lines = [
        "| metric (median) | facilitator | minimal | ratio | budget | met |",
        "| --- | --- | ---: | ---: | ---: | :---: |",
    ]
    all_met = True
    for m in METRICS:
        for app in FACILITATORS:
            fac = medians(samples, app)
            times = ratio(fac, base, m.key)
            if m.budget:
                limit = BUDGETS[m.budget]
                met = times <= limit
                all_met &= met
                budget, verdict = f"≤ {limit}x", "yes" if met else "**NO**"
            else:
                budget, verdict = "–", "–"
            lines.append(
                f"| {m.label} ({m.unit}) | {LABELS[app]}: {value(m, fac[m.key])} | {value(m, base[m.key])} "
                f"| {times:.2f}x | {budget} | {verdict} |".replace("infx", "n/a")
            )
    return "\n".join(lines), all_met


def warm_cache() -> None:
    """Write the team's own protocol file, and open it and the built-in library once, as a
    facilitator's earlier use of the app has done: their checked form is then in the cache."""
    tuning = (ROOT / "protocols" / "tuning.toml").read_text(encoding="utf-8")
    OWN.write_text(
        tuning.replace('name = "Tuning Protocol"', 'name = "Our Team\'s Tuning"', 1), encoding="utf-8"
    )
    env = clean_env(SHARED)
    for command in (["list"], ["show", str(OWN)]):
        subprocess.run([str(FACILITATOR), *command], cwd=SHARED, env=env, capture_output=True, check=True)


def rounds_table(samples: list[Sample]) -> str:
    lines = [
        "| round | app | start-up (s) | CPU (%) | CPU (s) / wall (s) | CPU schedstat (%) "
        "| RSS (MiB) | HWM (MiB) | output (B/s) | notes |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    counts: dict[str, int] = {}
    for s in samples:
        counts[s.app] = counts.get(s.app, 0) + 1
        lines.append(
            f"| {counts[s.app]} | {s.app} | {s.startup_s:.3f} | {s.cpu_percent:.2f} "
            f"| {s.cpu_s:.2f} / {s.wall_s:.2f} | {s.cpu_sched_percent:.3f} "
            f"| {s.rss_kib / 1024:.1f} | {s.hwm_kib / 1024:.1f} "
            f"| {s.out_bytes_per_s:.0f} | {'; '.join(s.notes)} |"
        )
    return "\n".join(lines)


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return " ".join(line.partition(":")[2].split())
    return platform.processor() or "unknown CPU"


def machine() -> str:
    """The machine, and the Python and Textual that both apps run on (the venv's)."""
    probe = subprocess.run(
        [
            str(PYTHON),
            "-c",
            "import platform, importlib.metadata as m; "
            "print(platform.python_version(), m.version('textual'))",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    python, _, textual = probe.stdout.strip().partition(" ")
    return (
        f"{platform.system()} {platform.release()} ({platform.machine()}), "
        f"{cpu_model()}, nproc {os.cpu_count()}, "
        f"Python {python or '?'}, Textual {textual or '?'}"
    )


def code_version() -> str:
    """The commit measured, and whether the working tree had changes on top of it."""

    def git(*args: str) -> str:
        result = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False)
        return result.stdout.strip() if result.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "not a git checkout"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "facilitator", "protocols")
    return f"commit {commit}" + (" with uncommitted changes in facilitator/" if dirty else "")


BEGIN = "<!-- bench_run_screen.py: begin -->"
END = "<!-- bench_run_screen.py: end -->"


def record(section: str, history_line: str) -> None:
    """Write this script's part of RESULTS.md, between its BEGIN and END markers.

    `section` replaces the latest run, `history_line` is added to the history, and the
    hand-written "### Analysis" is kept. Everything outside the markers (e.g. what
    bench_sessions.py appends) is left as it is.
    """
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if BEGIN in old and END in old:
        before, rest = old.split(BEGIN, 1)
        mine, after = rest.split(END, 1)
    else:  # first run: put this part after the file's title
        title, newline, body = old.partition("\n")
        if title.startswith("# "):
            before, mine, after = title + newline + "\n", "", "\n" + body.lstrip("\n")
        else:
            before, mine, after = "", "", "\n" + old
    analysis = ""
    if "### Analysis" in mine:
        start = mine.index("### Analysis")
        stop = mine.find("### History", start)
        analysis = mine[start : stop if stop >= 0 else None].rstrip() + "\n\n"
    history = []
    if "### History" in mine:
        history = [
            line
            for line in mine[mine.index("### History") :].splitlines()
            if line.startswith("| ") and not line.startswith(("| date", "| ---"))
        ]
    history.append(history_line)
    block = (
        "## Run screen against a minimal Textual app\n\n"
        "Written by `bench/bench_run_screen.py` (see bench/README.md): each run replaces the\n"
        "latest run and adds a line to the history; the analysis is kept.\n\n"
        + section
        + "\n"
        + analysis
        + "### History\n\n"
        "| date | rounds | start-up ratio (tuning / own file) | CPU ratio | RSS ratio | all budgets met |\n"
        "| --- | ---: | ---: | ---: | ---: | :---: |\n" + "\n".join(history) + "\n"
    )
    RESULTS.write_text(before + BEGIN + "\n" + block + END + after, encoding="utf-8")


def ratio(fac: dict[str, float], base: dict[str, float], key: str) -> float:
    return fac[key] / base[key] if base[key] else float("inf")


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds per app (default 5)")
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="seconds of ticking measured for CPU (default 10)"
    )
    parser.add_argument(
        "--no-record", action="store_true", help="print the results only; leave bench/RESULTS.md alone"
    )
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.seconds <= 0:
        parser.error("--rounds must be at least 1 and --seconds above 0")
    if not FACILITATOR.exists():
        parser.error(f"{FACILITATOR} not found: set up the venv first (python3 dev.py test)")

    command = (
        "cd "
        + shlex.quote(str(ROOT))
        + " && "
        + shlex.join(
            [
                os.path.relpath(sys.executable, ROOT),
                os.path.relpath(__file__, ROOT),
                *(argv if argv is not None else sys.argv[1:]),
            ]
        )
    )
    when = dt.datetime.now().astimezone()
    code = code_version()  # before the run: others may be editing the tree meanwhile
    host = machine()
    print(f"{host}; {code}", flush=True)
    compileall.compile_dir(ROOT / "facilitator", quiet=1)  # as pip install does: see above
    warm_cache()
    samples: list[Sample] = []
    for round_number in range(args.rounds):
        order = ["minimal", "facilitator", "own"]
        if round_number % 2:
            order.reverse()
        for name in order:
            try:
                sample = measure(APPS[name], args.seconds)
            except RuntimeError as exc:
                print(f"bench: {exc}", file=sys.stderr)
                return 2
            samples.append(sample)
            print(
                f"round {round_number + 1}/{args.rounds} {name:11} start-up "
                f"{sample.startup_s:.3f} s  CPU {sample.cpu_sched_percent:5.3f} % (ticks "
                f"{sample.cpu_percent:4.2f} %)  "
                f"RSS {sample.rss_kib / 1024:.1f} MiB  out {sample.out_bytes_per_s:.0f} B/s"
                + (f"  ({'; '.join(sample.notes)})" if sample.notes else ""),
                flush=True,
            )

    table, all_met = report(samples)
    base = medians(samples, "minimal")
    fac, own = medians(samples, "facilitator"), medians(samples, "own")
    verdict = "all budgets met" if all_met else "BUDGET MISSED"
    print()
    print(table)
    print()
    print(verdict)

    if not args.no_record:
        history_line = (
            f"| {when:%Y-%m-%d %H:%M %z} | {args.rounds} x {args.seconds:g} s "
            f"| {ratio(fac, base, 'startup_s'):.2f}x / {ratio(own, base, 'startup_s'):.2f}x "
            f"| {ratio(fac, base, 'cpu_sched_percent'):.2f}x / {ratio(own, base, 'cpu_sched_percent'):.2f}x "
            f"| {ratio(fac, base, 'rss_kib'):.2f}x / {ratio(own, base, 'rss_kib'):.2f}x "
            f"| {'yes' if all_met else 'no'} |"
        )
        section = (
            f"### Latest run: {when:%Y-%m-%d %H:%M %z}\n\n"
            f"- Machine: {host}\n"
            f"- Code: {code}\n"
            f"- Command: `{command}`\n"
            f"- Rounds: {args.rounds} per app, alternating; CPU over {args.seconds:g} s of "
            f"ticking after a {SETTLE:g} s settle; terminal {COLUMNS}x{LINES}; facilitator's "
            "bytecode compiled first, as pip install does\n"
            f"- Result: **{verdict}**\n\n"
            f"{table}\n\n"
            "<details><summary>Every round</summary>\n\n"
            f"{rounds_table(samples)}\n\n</details>\n"
        )
        record(section, history_line)
        print(f"\nRecorded in {os.path.relpath(RESULTS)}")
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
