"""Listing many session files: facilitator's catalog against parsing every file with tomllib.

    .venv/bin/python bench/bench_sessions.py [--files 2000] [--rounds 5]

Makes N session files by really running protocols with a fake clock (years of weekly
meetings, notes in every step), then measures in one run, round after round:
  tomllib   read and parse every file with tomllib (the yardstick)
  cold      Catalog(folder).summaries() with no index (what `facilitator sessions` does first)
  warm      the same with the index in place and nothing changed
  changed   warm, after 20 files were rewritten, 5 added and 5 removed
  full      every file read and checked in full, for notes search and statistics (cold: no
            index, for information; warm: from the index)
and checks every listing against the files themselves. Budgets: cold <= tomllib; warm far
under it (<= 0.25x). Results are appended to bench/RESULTS.md with --record.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
import tomllib
from datetime import date
from pathlib import Path

from facilitator.core.clock import FakeClock
from facilitator.core.library import find, load_library
from facilitator.core.session import Details, Session, begin
from facilitator.core.store.catalog import INDEX_NAME, Catalog
from facilitator.core.store.record import load_record

PROTOCOLS = [
    "tuning",
    "consultancy",
    "atlas",
    "collaborative-assessment-conference",
    "peeling-the-onion",
    "final-word",
    "success-analysis",
]
WORDS = [
    "rubric",
    "student",
    "draft",
    "feedback",
    "evidence",
    "question",
    "writing",
    "maths",
    "reading",
    "plan",
    "next",
]


def make_sessions(folder: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    library = load_library(cwd=Path("/nonexistent"), env={})
    for k in range(count):
        protocol = find(rng.choice(PROTOCOLS), library).protocol
        clock = FakeClock()
        clock.advance(k * 3600 * 24 * 3.5)
        names = ["Ana", "Ben", "Chi", "Dev", "Eli"][: rng.randint(3, 5)]
        session = Session.new(
            protocol, Details(group=f"Team {k % 12}", presenter=rng.choice(names), participants=names), clock
        )
        saver = begin(session, folder)
        run = session.run
        run.toggle()
        units = sum(len(u) for u in run.state.units)
        for _ in range(units):
            clock.advance(run.left_ms() / 1000 + rng.choice([-60, 0, 20, 90, 180]))
            session.set_notes(run.step, " ".join(rng.choices(WORDS, k=rng.randint(10, 60))))
            run.next()
        run.finish()
        saver.save(1, session.record(completed=rng.random() > 0.05))


def time_it(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def parse_all(folder: Path) -> None:
    for path in folder.glob("*.toml"):
        tomllib.loads(path.read_bytes().decode("utf-8"))


def check(folder: Path) -> None:
    """The listing agrees with the files: same names, statuses and totals."""
    listed = {s.name: s for s in Catalog(folder).summaries()}
    files = sorted(p.name for p in folder.glob("*.toml"))
    assert sorted(listed) == files, "listing and files differ"
    for name in random.Random(1).sample(files, min(50, len(files))):
        record = load_record(folder / name)
        s = listed[name]
        assert (s.status, s.group, s.actual) == (
            record.status,
            record.group,
            sum(x.actual_seconds for x in record.steps),
        ), name


def change_some(folder: Path, rng: random.Random) -> None:
    files = sorted(folder.glob("*.toml"))
    for path in rng.sample(files, 20):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('group = "Team', 'group = "Changed team', 1), encoding="utf-8")
    for path in rng.sample(files, 5):
        path.unlink()
    for i in range(5):
        shutil.copy(files[i], folder / f"copy-{rng.random():.6f}.toml")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--record", action="store_true", help="append the results to bench/RESULTS.md")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="facilitator-bench-"))
    try:
        made = time_it(lambda: make_sessions(folder, args.files))
        size = sum(p.stat().st_size for p in folder.glob("*.toml"))
        print(f"made {args.files} session files ({size / 1e6:.1f} MB) in {made:.1f} s")
        rng = random.Random(3)
        results: dict[str, list[float]] = {
            "tomllib": [],
            "cold": [],
            "warm": [],
            "changed": [],
            "full cold": [],
            "full warm": [],
        }
        for _ in range(args.rounds):
            results["tomllib"].append(time_it(lambda: parse_all(folder)))
            (folder / INDEX_NAME).unlink(missing_ok=True)
            results["cold"].append(time_it(lambda: Catalog(folder).summaries()))
            results["warm"].append(time_it(lambda: Catalog(folder).summaries()))
            change_some(folder, rng)
            results["changed"].append(time_it(lambda: Catalog(folder).summaries()))
            check(folder)
            (folder / INDEX_NAME).unlink(missing_ok=True)
            results["full cold"].append(time_it(lambda: Catalog(folder).summaries(full=True)))
            results["full warm"].append(time_it(lambda: Catalog(folder).summaries(full=True)))
        med = {k: statistics.median(v) for k, v in results.items()}
        base = med["tomllib"]
        lines = [
            f"### Listing {args.files} session files ({date.today().isoformat()})",
            "",
            f"`{' '.join([Path(sys.executable).name, *sys.argv])}`, {args.rounds} rounds, medians; "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, {size / 1e6:.1f} MB of files.",
            "",
            "| what | seconds | × tomllib | budget | met |",
            "| --- | --- | --- | --- | --- |",
        ]
        budgets = {
            "tomllib": None,
            "cold": 1.0,
            "warm": 0.25,
            "changed": 0.25,
            "full cold": None,
            "full warm": 0.25,
        }
        ok = True
        for name, seconds in med.items():
            budget = budgets[name]
            met = budget is None or seconds / base <= budget
            ok = ok and met
            limit = "-" if budget is None else f"<= {budget}x"
            verdict = "-" if budget is None else "yes" if met else "NO"
            lines.append(f"| {name} | {seconds:.3f} | {seconds / base:.2f} | {limit} | {verdict} |")
        table = "\n".join(lines) + "\n"
        print(table)
        if args.record:
            with (Path(__file__).parent / "RESULTS.md").open("a", encoding="utf-8") as handle:
                handle.write("\n" + table)
        return 0 if ok else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
