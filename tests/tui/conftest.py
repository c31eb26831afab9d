"""Fixtures for the Pilot and snapshot tests: an isolated environment, a FakeClock, an app builder."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen

from facilitator.core.clock import FakeClock
from facilitator.core.store.record import SessionRecord, load_record
from facilitator.tui.app import FacilitatorApp, make_app
from facilitator.tui.screens.run import RunScreen
from facilitator.tui.start import Options, Pick, Start

from ..conftest import machine_file

AppFactory = Callable[..., FacilitatorApp]

S = TypeVar("S", bound=Screen[Any])


def screen_of(app: App[Any], kind: type[S]) -> S:
    """The screen the app shows, checked to be a `kind`: `run = screen_of(app, RunScreen)`."""
    screen = app.screen
    assert isinstance(screen, kind), f"expected a {kind.__name__}, the app shows {screen!r}"
    return screen


def run_screen(app: App[Any]) -> RunScreen:
    """The run screen the app shows."""
    return screen_of(app, RunScreen)


def session_file(screen: RunScreen) -> Path:
    """The file the run screen's session is saved in (it has one once the run has begun)."""
    path = screen.session.path
    assert path is not None, "the session has no file"
    return path


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own config dir and working directory, and no protocol/session env."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    machine_file(tmp_path / "config")
    monkeypatch.delenv("FACILITATOR_PROTOCOLS", raising=False)
    monkeypatch.delenv("FACILITATOR_SESSIONS_DIR", raising=False)
    monkeypatch.delenv("TEXTUAL_THEME", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def clock() -> FakeClock:
    """The clock the app reads: it moves only when a test calls `advance`."""
    return FakeClock()


@pytest.fixture
def sessions(tmp_path: Path) -> Path:
    """Where the sessions of a test are saved."""
    return tmp_path / "s"


@pytest.fixture
def make(clock: FakeClock, sessions: Path) -> AppFactory:
    """Build the app as the command line does, from a typed start: `make(RunProtocol("tuning"))`.

    Sessions are saved in tmp_path; no bell unless `bell=True`.
    """

    def build(start: Start | None = None, *, bell: bool = False, theme: str | None = None) -> FacilitatorApp:
        return make_app(start or Pick(), Options(sessions, theme=theme, bell=bell), clock=clock)

    return build


async def wait_for(
    pilot: Pilot[Any], what: str, condition: Callable[[], object], deadline_s: float = 10.0
) -> None:
    """Let the app run until `condition` holds: a wait on the thing itself, never on time
    (the deadline only stops a test that would otherwise hang)."""
    end = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        await pilot.pause(0.01)


async def settle(app: FacilitatorApp, pilot: Pilot[Any]) -> None:
    """Let messages run and every save worker finish."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def tick(app: FacilitatorApp, pilot: Pilot[Any], clock: FakeClock, seconds: float) -> None:
    """Move the clock and repaint through the run screen's one repaint path."""
    clock.advance(seconds)
    run_screen(app).refresh_clock()
    await pilot.pause()


async def saved(app: FacilitatorApp, pilot: Pilot[Any]) -> SessionRecord:
    """The session file as it stands once every save has finished."""
    await settle(app, pilot)
    path = run_screen(app).session.path
    assert path is not None and path.is_file()
    return load_record(path)


def status_of(app: FacilitatorApp) -> str:
    """The run screen's plain-text status line, as shown."""
    return text_of(app, "#status")


def text_of(app: App[Any], selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def spy_notify(app: FacilitatorApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Collect the messages the app notifies (toasts are not drawn headless)."""
    said: list[str] = []
    real = app.notify

    def notify(message: str, *args: object, **kwargs: object) -> None:
        said.append(str(message))
        real(message, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(app, "notify", notify)
    return said
