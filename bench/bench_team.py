"""A term of meetings at scale: `facilitator team GROUP` and `facilitator commitments` against
the plain listing of the same files.

    .venv/bin/python bench/bench_team.py [--files 10000] [--groups 50] [--rounds 3] [--record]

Makes N session files across G groups by really running protocols with a fake clock: every
group meets weekly, one meeting in three is the Ten Tenets (rated), commitments are made in
most meetings and checked in on at the next one. Then measures, round after round:
  listing    Catalog(folder).summaries() with no index (what `facilitator sessions` does first)
  team       what `facilitator team GROUP` reads (catalog.meetings + team.history), no index
  commits    what `facilitator commitments` reads (catalog.meetings + commitments.fold), no index
  team warm  the same with the index in place and nothing changed
  commits warm
and, once, for information, reading every file in full (what both commands did before the
head of a file held commitments and ratings). Every answer is checked against the files read
in full. Budgets: team and commits cold <= 1.1x the listing (no slower, give or take the
noise of a busy machine); warm <= 0.25x the listing.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from facilitator.core.clock import FakeClock
from facilitator.core.commitments import fold
from facilitator.core.library import find, load_library
from facilitator.core.session import Details, Session, begin
from facilitator.core.store.catalog import INDEX_NAME, Catalog, meetings, summary_of
from facilitator.core.store.record import load_record
from facilitator.core.store.saver import Saver
from facilitator.core.team import history

OTHERS = ["tuning", "consultancy", "atlas", "peeling-the-onion", "final-word", "success-analysis"]
PEOPLE = ["Ana", "Ben", "Chi", "Dee", "Eli", "Fay", "Gus"]
TASKS = ["Try exit tickets", "Share the rubric", "Observe a colleague", "Bring student work", "Read it"]
STATUSES = ["done", "carried", "dropped", "done"]


def make_term(folder: Path, files: int, groups: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    library = load_library(cwd=Path("/nonexistent"), env={})
    tenets = find("ten-tenets", library).protocol
    others = [find(name, library).protocol for name in OTHERS]
    items = list(tenets.steps[1].ratings)
    clock = FakeClock()
    open_ids: dict[int, list[str]] = {g: [] for g in range(groups)}
    for k in range(files):
        group = k % groups
        if group == 0:
            clock.advance(7 * 86400)  # a week: every group meets once
        clock.advance(600)
        protocol = tenets if (k // groups) % 3 == 0 else rng.choice(others)
        names = PEOPLE[: rng.randint(3, 7)]
        details = Details(
            group=f"Team {group}",
            presenter=rng.choice(names),
            facilitator=rng.choice(names),
            participants=names,
        )
        session = Session.new(protocol, details, clock)
        begin(session, folder)
        run = session.run
        run.toggle()
        for commitment_id in open_ids[group]:
            session.review(commitment_id, rng.choice(STATUSES), rng.choice(["", "half done"]))
        open_ids[group] = []
        if protocol is tenets:
            session.rate(1, {item: rng.choice([1.5, 2, 2.5, 3, 3.5, 4]) for item in items})
        for _ in range(rng.randint(0, 3)):
            made = session.commit(rng.choice(names), rng.choice(TASKS), "next meeting")
            open_ids[group].append(made.id)
        units = sum(len(u) for u in run.state.units)
        for _ in range(units):
            clock.advance(run.left_ms() / 1000 + rng.choice([-60, 0, 20, 90]))
            session.set_notes(run.step, "notes " * rng.randint(5, 40))
            run.next()
        run.finish()
        assert session.path is not None
        Saver(folder, session.path).save(1, session.record(completed=True))


def time_it(action) -> float:  # noqa: ANN001
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def team_answer(folder: Path, group: str):  # noqa: ANN201
    found, problems = meetings([folder])
    assert not problems, problems[:3]
    told = history(found, group)
    return len(told.meetings), told.commitments, [(r.item, [v for *_, v in r.values]) for r in told.rated]


def commitments_answer(folder: Path):  # noqa: ANN201
    found, problems = meetings([folder])
    assert not problems, problems[:3]
    return [(s.commitment.id, s.status, s.note) for s in fold(found) if s.is_open]


def read_in_full(folder: Path) -> list:
    """Every file loaded and checked in full (the way both commands read before)."""
    out = []
    for path in sorted(folder.glob("*.toml")):
        out.append(summary_of(path.name, load_record(path)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--record", action="store_true", help="append the results to bench/RESULTS.md")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="facilitator-team-bench-"))
    try:
        made = time_it(lambda: make_term(folder, args.files, args.groups))
        size = sum(p.stat().st_size for p in folder.glob("*.toml"))
        print(f"made {args.files} files in {args.groups} groups ({size / 1e6:.1f} MB) in {made:.1f} s")
        group = "Team 7"
        # The answers, from every file read in full: what the fast path must agree with.
        full = read_in_full(folder)
        truth_team = history(full, group)
        truth = (
            len(truth_team.meetings),
            truth_team.commitments,
            [(r.item, [v for *_, v in r.values]) for r in truth_team.rated],
        )
        truth_open = [(s.commitment.id, s.status, s.note) for s in fold(full) if s.is_open]
        full_seconds = time_it(lambda: read_in_full(folder))
        results: dict[str, list[float]] = {
            "listing": [],
            "team": [],
            "commits": [],
            "team warm": [],
            "commits warm": [],
        }
        for _ in range(args.rounds):
            (folder / INDEX_NAME).unlink(missing_ok=True)
            results["listing"].append(time_it(lambda: Catalog(folder).summaries()))
            (folder / INDEX_NAME).unlink(missing_ok=True)
            results["team"].append(time_it(lambda: team_answer(folder, group)))
            results["team warm"].append(time_it(lambda: team_answer(folder, group)))
            (folder / INDEX_NAME).unlink(missing_ok=True)
            results["commits"].append(time_it(lambda: commitments_answer(folder)))
            results["commits warm"].append(time_it(lambda: commitments_answer(folder)))
            assert team_answer(folder, group) == truth, "team history differs from the files"
            assert commitments_answer(folder) == truth_open, "open commitments differ from the files"
        med = {k: statistics.median(v) for k, v in results.items()}
        base = med["listing"]
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
        lines = [
            f"### A term of meetings: {args.files} session files, {args.groups} groups "
            f"({date.today().isoformat()})",
            "",
            f"`{' '.join([Path(sys.executable).name, *sys.argv])}`, {args.rounds} rounds, medians; "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, {size / 1e6:.1f} MB of files, "
            f"commit {commit}. {truth[0]} meetings of {group}, {len(truth_open)} open commitments in all.",
            "",
            "| what | seconds | × listing | budget | met |",
            "| --- | --- | --- | --- | --- |",
        ]
        budgets = {"listing": None, "team": 1.1, "commits": 1.1, "team warm": 0.25, "commits warm": 0.25}
        ok = True
        for name, seconds in med.items():
            budget = budgets[name]
            met = budget is None or seconds / base <= budget
            ok = ok and met
            limit = "-" if budget is None else f"<= {budget}x"
            verdict = "-" if budget is None else "yes" if met else "NO"
            lines.append(f"| {name} | {seconds:.3f} | {seconds / base:.2f} | {limit} | {verdict} |")
        ratio = full_seconds / base
        lines.append(f"| every file read in full (before; once) | {full_seconds:.3f} | {ratio:.2f} | - | - |")
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
