"""What the room is told: the warning before a step ends, the speaker, the norms, the reminder."""

from __future__ import annotations

import pytest

from facilitator.core.clock import FakeClock
from facilitator.core.library import protocol_from_data
from facilitator.core.plan import MINUTE_MS, initial_plan, shapes_for
from facilitator.core.protocol import ProtocolError
from facilitator.core.run import NORMS, Run
from facilitator.core.status import (
    mood,
    speaker,
    status_line,
    step_left_ms,
    turn_text,
    warning_ms,
    warning_words,
)

S = 1000
M = MINUTE_MS


def protocol(steps: list[dict[str, object]], **top: object):  # noqa: ANN201
    return protocol_from_data({"name": "Test", "steps": steps, **top}, "test.toml", "test")


def opened(proto, participants: list[str] | None = None) -> tuple[Run, FakeClock]:  # noqa: ANN001
    clock = FakeClock()
    shapes = shapes_for(proto, participants or [])
    run = Run(shapes, clock)
    run.open(initial_plan(proto, shapes))
    return run, clock


# -- the protocol keys ------------------------------------------------------------------------


def test_warning_comes_from_the_step_then_the_protocol_then_one_minute() -> None:
    proto = protocol(
        [{"title": "A", "minutes": 10}, {"title": "B", "minutes": 10, "warn_minutes": 2}],
        warn_minutes=5,
    )
    assert [proto.warning_minutes(s) for s in proto.steps] == [5, 2]
    plain = protocol([{"title": "A", "minutes": 10}])
    assert plain.warning_minutes(plain.steps[0]) == 1
    assert [s.warn_ms for s in shapes_for(proto, [])] == [5 * M, 2 * M]


def test_run_warn_replaces_every_warning_in_the_copy_run() -> None:
    proto = protocol([{"title": "A", "minutes": 10, "warn_minutes": 2}], warn_minutes=5).with_warning(0)
    assert proto.warn_minutes == 0 and proto.steps[0].warn_minutes is None
    assert shapes_for(proto, [])[0].warn_ms == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"warn_minutes": -1}, "warn_minutes: must be 0 (no warning) or more"),
        ({"steps": [{"title": "A", "minutes": 1, "reminder": "two\nlines"}]}, "reminder: must be one line"),
        ({"steps": [{"title": "A", "minutes": 1, "reminder": "\x1b]0;x\x07"}]}, "control character"),
        ({"steps": [{"title": "A", "minutes": 1, "warn_minutes": "soon"}]}, "warn_minutes"),
    ],
)
def test_bad_reminders_and_warnings_are_one_clear_line(data: dict[str, object], message: str) -> None:
    full = {"name": "Test", "steps": [{"title": "A", "minutes": 1}]} | data
    with pytest.raises(ProtocolError) as caught:
        protocol_from_data(full, "test.toml", "test")
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith("test.toml: ")
    assert message in caught.value.problems[0]


# -- the warning ------------------------------------------------------------------------------


def test_the_warning_comes_at_the_step_s_warn_minutes_in_words() -> None:
    run, clock = opened(
        protocol([{"title": "A", "minutes": 10, "warn_minutes": 2}, {"title": "B", "minutes": 5}])
    )
    run.toggle()
    clock.advance(8 * 60 - 1)
    assert not mood(run).warning
    assert "warning" not in status_line(run)
    clock.advance(1)
    assert mood(run).warning
    assert status_line(run).startswith("02:00 left · 2-minute warning · ends")
    clock.advance(2 * 60 + 1)
    assert not mood(run).warning and mood(run).over  # over is over, not a warning


def test_a_short_step_warns_at_half_its_time() -> None:
    run, clock = opened(protocol([{"title": "A", "minutes": 1}, {"title": "B", "minutes": 1.5}]))
    assert warning_ms(run) == 30 * S  # 1 min < twice the 1-minute warning
    run.toggle()
    clock.advance(29)
    assert not mood(run).warning
    clock.advance(1)
    assert mood(run).warning and "30-second warning" in status_line(run)
    run.next()
    assert warning_ms(run) == 45 * S
    assert warning_words(45 * S) == "45-second warning"


def test_no_warning_with_zero_and_none_before_the_start_or_after_the_finish() -> None:
    run, clock = opened(protocol([{"title": "A", "minutes": 1}], warn_minutes=0))
    assert warning_ms(run) == 0
    run.toggle()
    clock.advance(59)
    assert not mood(run).warning
    run2, clock2 = opened(protocol([{"title": "A", "minutes": 1}]))
    clock2.advance(50)
    assert not mood(run2).warning  # not started: the clock does not move
    run2.toggle()
    clock2.advance(40)
    run2.finish()
    assert not mood(run2).warning


def test_the_warning_follows_plus_and_minus() -> None:
    run, clock = opened(protocol([{"title": "A", "minutes": 2}]))
    run.toggle()
    clock.advance(65)
    assert mood(run).warning
    run.extend(1)
    assert not mood(run).warning  # 1:55 left of 3:00: the warning is a minute before the new end


def test_a_paused_step_in_its_warning_says_both() -> None:
    run, clock = opened(protocol([{"title": "A", "minutes": 5}]))
    run.toggle()
    clock.advance(4 * 60 + 10)
    run.toggle()
    assert status_line(run).startswith("PAUSED · 00:50 left · 1-minute warning")


# -- the speaker ------------------------------------------------------------------------------


def rounds() -> tuple[Run, FakeClock]:
    proto = protocol(
        [{"title": "Intro", "minutes": 2}, {"title": "Rounds", "minutes": 3, "turns": "each participant"}]
    )
    return opened(proto, ["Ana", "Ben", "Chi"])


def test_the_speaker_and_who_is_next() -> None:
    run, clock = rounds()
    assert speaker(run) is None and turn_text(run) == ""
    run.toggle()
    run.next()
    who = speaker(run)
    assert who is not None and who.name == "Ana"
    assert who.detail == "turn 1 of 3 · next: Ben · whole step 09:00 left"
    run.next()
    run.next()
    who = speaker(run)
    assert who is not None and who.name == "Chi" and who.detail.startswith("turn 3 of 3 · last turn")


def test_whole_step_left_counts_this_turn_and_the_turns_to_come_only() -> None:
    run, clock = rounds()
    run.toggle()
    run.next()
    clock.advance(60)  # Ana takes 1 of her 3 minutes, then Ben begins
    run.next()
    clock.advance(30)
    # Ben's 2:30 and Chi's 3:00; Ana's unused minutes are not Ben's or Chi's.
    assert step_left_ms(run) == (2 * 60 + 30 + 3 * 60) * S
    assert "whole step 05:30 left" in turn_text(run)


def test_turns_without_names_are_numbered() -> None:
    run, _ = opened(protocol([{"title": "Rounds", "minutes": 2, "turns": 3}]))
    who = speaker(run)
    assert who is not None and who.name == "Turn 1" and "next: turn 2" in who.detail


# -- the norms --------------------------------------------------------------------------------


def test_norms_show_by_themselves_in_the_first_step_until_hidden() -> None:
    run, _ = opened(protocol([{"title": "A", "minutes": 2}, {"title": "B", "minutes": 2}]))
    assert run.showing(has_norms=True) == NORMS
    assert run.showing(has_norms=False) == ""
    run.show("")
    assert run.showing(has_norms=True) == ""
    run.toggle()
    run.next()
    assert run.showing(has_norms=True) == ""
    run.show(NORMS)
    assert run.showing(has_norms=True) == NORMS
    run.next()  # the last step already: nothing moves
    run.previous()
    assert run.showing(has_norms=True) == NORMS  # the first step again: as the step has it


def test_moving_on_takes_the_norms_away_and_the_log_replays_it() -> None:
    run, clock = opened(
        protocol([{"title": "A", "minutes": 2}, {"title": "B", "minutes": 2}, {"title": "C", "minutes": 2}])
    )
    run.toggle()
    run.next()
    run.show(NORMS)
    assert run.showing(True) == NORMS
    again = Run.rebuild(run.shapes, run.events, FakeClock())
    assert again.showing(True) == NORMS and again.snapshot() == run.snapshot()
    run.next()
    assert run.showing(True) == ""
    run.finish()
    assert run.show(NORMS) is None


# -- the agenda -------------------------------------------------------------------------------


def test_a_step_passed_through_is_skipped_not_done_and_overrun_shows_the_overrun() -> None:
    from facilitator.core.status import agenda_rows

    run, clock = opened(
        protocol([{"title": "A", "minutes": 2}, {"title": "B", "minutes": 2}, {"title": "C", "minutes": 2}])
    )
    run.toggle()
    clock.advance(0.4)
    run.next()  # A ran for less than a second: passed through
    clock.advance(2 * 60 + 70)  # B runs 1:10 over
    run.next()
    rows = agenda_rows(run)
    assert [r.state for r in rows] == ["skipped", "done", "current"]
    assert rows[1].over and rows[1].overrun == "1:10"
    assert rows[0].overrun == "" and not rows[0].over
    from facilitator.tui.widgets.agenda import agenda_content

    text = agenda_content(rows, 40).plain.splitlines()
    assert text[0].startswith("–") and "✓" not in text[0]
    assert text[1].startswith("✓") and text[1].endswith("2:00 +1:10 over")
