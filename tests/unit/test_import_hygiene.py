"""The layers point one way: cli → tui → core. The core never imports Textual, and imports
pydantic only to check a file; nothing imports cli.py; no module imports itself in a circle."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "facilitator"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    """Every module `name` imports, at the top or inside a function, as absolute names."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            found.add(stem)
            # `from . import settings` names a module, `from .x import y` usually a value
            found.update(f"{stem}.{alias.name}" for alias in node.names if f"{stem}.{alias.name}" in MODULES)
    return found


def own_imports(name: str) -> set[str]:
    return {m for m in imports_of(name) if m in MODULES and m != name}


@pytest.mark.parametrize("name", [m for m in MODULES if m.startswith("facilitator.core")])
def test_the_core_imports_no_user_interface(name: str) -> None:
    for imported in imports_of(name):
        top = imported.split(".")[0]
        assert top not in ("textual", "rich", "textual_serve"), f"{name} imports {imported}"
        assert not imported.startswith(("facilitator.tui", "facilitator.cli", "facilitator.room")), (
            f"{name} imports {imported}"
        )


def test_nothing_imports_the_command_line() -> None:
    users = [name for name in MODULES if "facilitator.cli" in own_imports(name)]
    assert users == ["facilitator.__main__"]


def test_the_checker_imports_no_declaration() -> None:
    # The declarations (protocol, record, event) import the checker for their rules, never
    # the reverse; the checker's only own import is the wording of TOML syntax errors, which
    # imports nothing of ours.
    assert own_imports("facilitator.core.checking") == {"facilitator.core.toml_words"}
    assert own_imports("facilitator.core.toml_words") == set()


def test_no_module_imports_itself_in_a_circle() -> None:
    graph = {name: own_imports(name) for name in MODULES}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            raise AssertionError("import cycle: " + " → ".join([*path[path.index(name) :], name]))
        if name in done:
            return
        for imported in sorted(graph[name]):
            # a package's __init__ is imported with any of its modules; it imports nothing here
            visit(imported, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


def test_relative_imports_are_seen() -> None:
    # What the checks above stand on: `from .protocol import …` counts as importing it.
    assert "facilitator.core.protocol" in own_imports("facilitator.core.library")
    assert "facilitator.core.checking" in own_imports("facilitator.core.protocol")


IMPORT_ALL = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "pydantic", "pydantic_core"))
print(loaded)
"""


def test_importing_every_core_module_loads_neither_textual_nor_pydantic() -> None:
    core = [m for m in MODULES if m.startswith("facilitator.core")]
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, *core], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


CHECK_ONCE = """
import sys
from pathlib import Path
from facilitator.core.library import load_library, load_protocol
load_library()
load_protocol(Path(sys.argv[1]))
print("pydantic" in sys.modules)
"""

RUN_MEETING = """
import asyncio, sys
from pathlib import Path
from facilitator.tui.app import make_app
from facilitator.tui.screens.run import RunScreen
from facilitator.tui.start import Options, RunProtocol

seen = []
first_save = RunScreen.save

def save(self):
    # The first save comes right after the run screen's first frame.
    seen.append(sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "pydantic_core")))
    first_save(self)

RunScreen.save = save
folder = Path(sys.argv[2])
app = make_app(RunProtocol(sys.argv[1]), Options(folder, bell=False))

async def main():
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(500):  # until the first save has written the file
            await pilot.pause()
            await app.workers.wait_for_complete()
            if list(folder.glob("*.toml")):
                break

asyncio.run(main())
print(seen[0])
print(len(list(folder.glob("*.toml"))))
print(sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "pydantic_core")))
"""


@pytest.mark.parametrize("protocol", ["tuning", "own"])
def test_a_meeting_on_a_protocol_checked_before_never_imports_pydantic(tmp_path: Path, protocol: str) -> None:
    # Start-up and memory budgets (bench/RESULTS.md): pydantic checks a protocol file the first
    # time it is read and reads session files back; a meeting is written without it.
    own = tmp_path / "our-team.toml"
    own.write_text('name = "Our team"\n[[steps]]\ntitle = "Introduction"\nminutes = 5\n', encoding="utf-8")
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    first = subprocess.run(
        [sys.executable, "-c", CHECK_ONCE, str(own)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "True"  # checked: with pydantic
    name = "tuning" if protocol == "tuning" else str(own)
    result = subprocess.run(
        [sys.executable, "-c", RUN_MEETING, name, str(tmp_path / "sessions")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    loaded_at_first_frame, files, loaded_after_saving = result.stdout.split()
    assert loaded_at_first_frame == "[]"
    assert files == "1"  # the first save wrote the session file
    assert loaded_after_saving == "[]"


@pytest.mark.parametrize("script", sorted((ROOT / "bench").glob("bench_*.py")), ids=lambda p: p.name)
def test_the_bench_scripts_still_run(script: Path) -> None:
    # They import the package as it is laid out: a module moved without them would go unseen.
    result = subprocess.run(
        [sys.executable, str(script), "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout
