"""`facilitator team` and `facilitator commitments` against an earlier version's listing of
the same files: "no slower cold than the listing was".

    git worktree add --detach /tmp/old REV
    .venv/bin/python bench/compare_listing.py --old /tmp/old [--files 10000] [--groups 50] [--rounds 3]

Makes a term of meetings (bench_team.make_term) once, then, round after round, each in a
fresh interpreter (imports and pydantic loaded before the clock starts) with no index:
  old listing   Catalog(folder).summaries() of the checkout at --old
  listing       the same, this checkout
  team          catalog.meetings + team.history for one group, this checkout
  commitments   catalog.meetings + commitments.fold, this checkout
and warm (the index in place) for team and commitments. Prints a table of medians.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_team import make_term  # noqa: E402

HERE = Path(__file__).resolve().parents[1]
INDEX = ".facilitator-index.json"
PRE = "import time, pydantic; from pathlib import Path; f = Path({folder!r});"
LISTING = PRE + (
    "from facilitator.core.store.catalog import Catalog; t = time.perf_counter(); "
    "Catalog(f).summaries(); print(time.perf_counter() - t)"
)
TEAM = PRE + (
    "from facilitator.core.store.catalog import meetings; from facilitator.core.team import history; "
    "t = time.perf_counter(); m, _ = meetings([f]); history(m, 'Team 7'); print(time.perf_counter() - t)"
)
COMMITMENTS = PRE + (
    "from facilitator.core.store.catalog import meetings; from facilitator.core.commitments import fold; "
    "t = time.perf_counter(); m, _ = meetings([f]); [s for s in fold(m) if s.is_open]; "
    "print(time.perf_counter() - t)"
)


def timed(code: str, checkout: Path, folder: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    done = subprocess.run(
        [sys.executable, "-c", code.format(folder=str(folder))], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return float(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="a checkout of the earlier version")
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="facilitator-compare-"))
    try:
        make_term(folder, args.files, args.groups)
        results: dict[str, list[float]] = {
            k: [] for k in ("old listing", "listing", "team", "commitments", "team warm", "commitments warm")
        }
        for _ in range(args.rounds):
            for name, code, checkout, warm in (
                ("old listing", LISTING, args.old, None),
                ("listing", LISTING, HERE, None),
                ("team", TEAM, HERE, "team warm"),
                ("commitments", COMMITMENTS, HERE, "commitments warm"),
            ):
                (folder / INDEX).unlink(missing_ok=True)
                results[name].append(timed(code, checkout, folder))
                if warm:
                    results[warm].append(timed(code, checkout, folder))
        base = statistics.median(results["old listing"])
        print(f"{args.files} files, {args.groups} groups, {args.rounds} rounds, medians; old = {args.old}")
        print("| what | seconds | × old listing |")
        print("| --- | --- | --- |")
        for name, values in results.items():
            median = statistics.median(values)
            print(f"| {name} | {median:.3f} | {median / base:.2f} |")
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
