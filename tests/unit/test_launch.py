"""launch(): the garbage collector is paused while the app is built, and always back on after."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from facilitator import launch as launch_module
from facilitator.cli import build_parser


class FakeApp:
    saved_path: Path | None = None
    last_session = None
    rescued = False

    def __init__(self) -> None:
        self.gc_on_when_run: bool | None = None

    def run(self) -> None:
        self.gc_on_when_run = gc.isenabled()


@pytest.fixture(autouse=True)
def gc_back_on():
    yield
    gc.enable()  # whatever happened, leave the test process as it was


def test_the_app_runs_with_the_collector_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    app = FakeApp()
    during_build: list[bool] = []

    def make_app(args):  # noqa: ANN001, ANN202
        during_build.append(gc.isenabled())
        return app

    monkeypatch.setattr(launch_module, "make_app", make_app)
    args = build_parser().parse_args(["run", "tuning", "--sessions-dir", str(tmp_path)])
    assert launch_module.launch(args) == 0
    assert during_build == [False]  # objects made at start-up are not collected as they come
    assert app.gc_on_when_run is True
    assert gc.get_freeze_count() > 0  # and are not walked again by later collections
    gc.unfreeze()


def test_a_launch_error_leaves_the_collector_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def make_app(args):  # noqa: ANN001, ANN202
        raise launch_module.LaunchError("no such protocol")

    monkeypatch.setattr(launch_module, "make_app", make_app)
    args = build_parser().parse_args(["run", "nope", "--sessions-dir", str(tmp_path)])
    assert launch_module.launch(args) == 2
    assert gc.isenabled()
    assert capsys.readouterr().err == "facilitator: no such protocol\n"
    gc.unfreeze()
