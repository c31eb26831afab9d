"""Fixtures for every test: protocol files checked once are remembered in a cache of this run's
own, never in the user's cache directory; the user's config directory is one of the run's own
too, where this computer's tag (the end of session file names) is "test"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def checked_protocols_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One cache directory for the whole run, so the built-in protocols are checked once."""
    folder = tmp_path_factory.mktemp("cache")
    config = tmp_path_factory.mktemp("config")
    machine_file(config)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(folder))
        patch.setenv("XDG_CONFIG_HOME", str(config))
        yield folder


def machine_file(config: Path) -> None:
    """This computer's tag in a config directory: "test", so file names are the same each run."""
    (config / "facilitator").mkdir(parents=True, exist_ok=True)
    (config / "facilitator" / "machine").write_text("test\n", encoding="ascii")
