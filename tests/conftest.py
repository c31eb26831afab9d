"""Fixtures for every test: protocol files checked once are remembered in a cache of this run's
own, never in the user's cache directory; the user's config directory is one of the run's own
too, where this computer's tag (the end of session file names) is "test"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from facilitator.core.library import Library


@pytest.fixture(autouse=True, scope="session")
def checked_protocols_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One cache directory for the whole run, so the built-in protocols are checked once."""
    folder = tmp_path_factory.mktemp("cache")
    config = tmp_path_factory.mktemp("config")
    machine_file(config)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(folder))
        patch.setenv("XDG_CONFIG_HOME", str(config))
        patch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))  # the trouble log
        yield folder


def machine_file(config: Path) -> None:
    """This computer's tag in a config directory: "test", so file names are the same each run."""
    (config / "facilitator").mkdir(parents=True, exist_ok=True)
    (config / "facilitator" / "machine").write_text("test\n", encoding="ascii")


@pytest.fixture(autouse=True)
def rescue_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where a record that cannot be saved in its folder goes: a folder of the test's own, so
    no test sees another's rescued meetings (nor the machine's)."""
    from facilitator.core.store import saver

    folder = tmp_path / "rescued"
    monkeypatch.setattr(saver, "rescue_dirs", lambda: [folder])
    return folder


@pytest.fixture(scope="session")
def builtin_library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """The built-in library alone: no user, working-directory or environment protocols."""
    from facilitator.core.library import ENV_PROTOCOLS, load_library

    root = tmp_path_factory.mktemp("builtin")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(root / "config"))
        patch.delenv(ENV_PROTOCOLS, raising=False)
        cwd = root / "work"
        cwd.mkdir()
        patch.chdir(cwd)
        return load_library(cwd, {})
