"""launch(): the garbage collector is paused while the app is built, and always back on after."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from facilitator import cli
from facilitator.tui import app as app_module
from facilitator.tui.start import Options, Outcome, RunProtocol, StartError


class FakeApp:
    def __init__(self) -> None:
        self.gc_on_when_run: bool | None = None

    def run(self) -> Outcome:
        self.gc_on_when_run = gc.isenabled()
        return Outcome()


@pytest.fixture(autouse=True)
def gc_back_on() -> Iterator[None]:
    yield
    gc.enable()  # whatever happened, leave the test process as it was


def test_the_app_runs_with_the_collector_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    app = FakeApp()
    during_build: list[bool] = []

    def make_app(start, options):  # noqa: ANN001, ANN202
        during_build.append(gc.isenabled())
        return app

    monkeypatch.setattr(app_module, "make_app", make_app)
    assert cli.launch(RunProtocol("tuning"), Options(tmp_path)) == 0
    assert during_build == [False]  # objects made at start-up are not collected as they come
    assert app.gc_on_when_run is True
    assert gc.get_freeze_count() > 0  # and are not walked again by later collections
    gc.unfreeze()


def test_a_start_error_leaves_the_collector_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def make_app(start, options):  # noqa: ANN001, ANN202
        raise StartError("no such protocol")

    monkeypatch.setattr(app_module, "make_app", make_app)
    assert cli.main(["run", "nope", "--sessions-dir", str(tmp_path)]) == 2
    assert gc.isenabled()
    assert capsys.readouterr().err == "facilitator: no such protocol\n"
    gc.unfreeze()


@pytest.mark.parametrize(
    ("outcome", "out", "err"),
    [
        (Outcome(saved=Path("s/a.toml")), "Session saved: s/a.toml\n", ""),
        (
            Outcome(unfinished=Path("s/a.toml")),
            "Session saved, not finished: s/a.toml (carry on with: facilitator resume)\n",
            "",
        ),
        (Outcome(saved=Path("/r/a.toml"), rescued=True), "", "the session was saved instead to /r/a.toml"),
        (Outcome(), "", ""),
    ],
)
def test_what_the_app_saved_is_said_after_it_closes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], outcome: Outcome, out: str, err: str
) -> None:
    class Done(FakeApp):
        def run(self) -> Outcome:
            return outcome

    monkeypatch.setattr(app_module, "make_app", lambda start, options: Done())
    assert cli.launch(RunProtocol("tuning"), Options(Path("s"))) == 0
    said = capsys.readouterr()
    assert said.out == out
    assert err in said.err and (err or said.err == "")
    gc.unfreeze()
