"""The core never imports Textual: it must stay usable (and testable) without a terminal UI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CODE = """
import facilitator.core.protocol, facilitator.core.library, facilitator.core.run
import facilitator.core.fit, facilitator.core.record, facilitator.core.export
import facilitator.core.clock
import sys
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
assert not loaded, loaded
print("ok")
"""


def test_the_core_does_not_import_textual() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CODE], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


RUN_PATH = """
import asyncio, sys
from pathlib import Path
from facilitator.cli import build_parser
from facilitator.launch import make_app
from facilitator.tui.screens.run import RunScreen

seen = []
first_save = RunScreen.save

def save(self):
    # The first save comes right after the run screen's first frame.
    seen.append(sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "pydantic_core")))
    first_save(self)

RunScreen.save = save
folder = Path(sys.argv[1])
args = build_parser().parse_args(["run", "tuning", "--sessions-dir", str(folder), "--no-bell"])
app = make_app(args)

async def main():
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        while not list(folder.glob("*.toml")):
            await pilot.pause(0.05)

asyncio.run(main())
print(seen[0])
print(len(list(folder.glob("*.toml"))))
print(sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "pydantic_core")))
"""


def test_a_meeting_on_a_built_in_protocol_never_imports_pydantic(tmp_path: Path) -> None:
    # Start-up and memory budgets (bench/RESULTS.md): pydantic is for checking protocol files
    # not checked before and for reading session files back; a meeting is saved as a Draft.
    result = subprocess.run(
        [sys.executable, "-c", RUN_PATH, str(tmp_path / "sessions")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")},
    )
    assert result.returncode == 0, result.stderr
    loaded_at_first_frame, files, loaded_after_saving = result.stdout.split()
    assert loaded_at_first_frame == "[]"
    assert files == "1"  # the first save wrote the session file
    assert loaded_after_saving == "[]"
