"""The session engine: every action, the time queries, rebuilding from the log, and properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.core.clock import FakeClock
from facilitator.core.library import protocol_from_data
from facilitator.core.plan import (
    MIN_UNIT_MS,
    MINUTE_MS,
    StepShape,
    fitted_plan,
    initial_plan,
    shapes_for,
)
from facilitator.core.protocol import Protocol
from facilitator.core.run import MAX_UNIT_MS, Event, Run, RunError, with_plan

S = 1000
M = MINUTE_MS


def make_run(
    specs: list[tuple[str, float, int | None, float | None]],
) -> tuple[Run, FakeClock]:
    """An opened run. Each spec: (title, minutes per unit, turns or None, floor minutes or None)."""
    clock = FakeClock()
    shapes = []
    plan = []
    for title, minutes, turns, floor in specs:
        names = None if turns is None else tuple(f"{title}-{i + 1}" for i in range(turns))
        floor_ms = MIN_UNIT_MS if floor is None else int(floor * M)
        shapes.append(StepShape(title, floor_ms, names))
        plan.append([int(minutes * M)] * (1 if turns is None else turns))
    run = Run(shapes, clock)
    run.open(plan)
    return run, clock


def simple_run() -> tuple[Run, FakeClock]:
    """Four 5-minute steps, nothing in turns."""
    return make_run([("A", 5, None, None), ("B", 5, None, None), ("C", 5, None, None), ("D", 5, None, None)])


def turns_run() -> tuple[Run, FakeClock]:
    """A 5-minute step, a step of three 2-minute turns, a 5-minute step."""
    return make_run([("Intro", 5, None, None), ("Rounds", 2, 3, 1), ("End", 5, None, None)])


def make_protocol(steps: list[dict[str, object]]) -> Protocol:
    return protocol_from_data({"name": "Test protocol", "steps": steps}, "test.toml", "test")


# -- open ------------------------------------------------------------------------------------


def test_open_records_the_plan_as_the_first_event() -> None:
    clock = FakeClock()
    shapes = [StepShape("A"), StepShape("B", turn_names=("x", "y"))]
    run = Run(shapes, clock)
    clock.advance(3)
    event = run.open([[5 * M], [2 * M, 2 * M]])
    assert run.events == [event]
    assert event.kind == "plan"
    assert event.step == 1 and event.turn is None
    assert event.plan_ms == ((5 * M,), (2 * M, 2 * M))
    assert event.at == clock.wall()
    assert (run.step, run.turn) == (0, 0)
    assert not run.running and not run.state.started and not run.state.finished
    assert run.left_ms() == 5 * M
    assert run.total_planned_ms() == 9 * M
    assert run.state.visited == {0}


def test_open_twice_is_refused() -> None:
    run, _ = simple_run()
    with pytest.raises(RunError):
        run.open([[M]] * 4)
    assert len(run.events) == 1


def test_open_with_a_plan_that_does_not_fit_the_steps_is_refused() -> None:
    shapes = [StepShape("A"), StepShape("B", turn_names=("x", "y"))]
    with pytest.raises(RunError):
        Run(shapes, FakeClock()).open([[M]])
    with pytest.raises(RunError):
        Run(shapes, FakeClock()).open([[M], [M]])
    with pytest.raises(RunError):
        Run(shapes, FakeClock()).open([[0], [M, M]])


def test_a_run_needs_steps() -> None:
    with pytest.raises(RunError):
        Run([], FakeClock())


def test_actions_before_the_plan_are_refused() -> None:
    run = Run([StepShape("A")], FakeClock())
    with pytest.raises(RunError):
        run.toggle()
    assert run.events == []


# -- toggle: start, pause, resume ------------------------------------------------------------


def test_the_run_opens_stopped() -> None:
    run, clock = simple_run()
    clock.advance(120)
    assert run.left_ms() == 5 * M
    assert run.unit_ran_ms(0, 0) == 0
    assert not run.running


def test_toggle_starts_the_timer() -> None:
    run, clock = simple_run()
    clock.advance(7)
    event = run.toggle()
    assert event is not None and event.kind == "start"
    assert event.t_ms == 7 * S and event.step == 1 and event.turn is None
    assert run.running and run.state.started
    clock.advance(10)
    assert run.unit_ran_ms(0, 0) == 10 * S
    assert run.left_ms() == 5 * M - 10 * S


def test_pause_holds_the_time_while_the_clock_moves() -> None:
    run, clock = simple_run()
    run.toggle()
    clock.advance(42)
    event = run.toggle()
    assert event is not None and event.kind == "pause"
    assert not run.running
    left = run.left_ms()
    clock.advance(600)
    assert run.left_ms() == left == 5 * M - 42 * S
    assert run.unit_ran_ms(0, 0) == 42 * S
    assert run.state.units[0][0].actual_ms == 42 * S


def test_resume_continues_from_where_it_paused() -> None:
    run, clock = simple_run()
    run.toggle()
    clock.advance(30)
    run.toggle()
    clock.advance(100)
    event = run.toggle()
    assert event is not None and event.kind == "resume"
    assert run.running
    clock.advance(15)
    assert run.unit_ran_ms(0, 0) == 45 * S
    assert [e.kind for e in run.events] == ["plan", "start", "pause", "resume"]


def test_time_left_goes_negative_when_over() -> None:
    run, clock = simple_run()
    run.toggle()
    clock.advance(4 * 60 + 59)
    assert run.left_ms() == 1 * S
    assert not run.over()
    clock.advance(1)
    assert run.left_ms() == 0
    assert not run.over()
    clock.advance(75)
    assert run.left_ms() == -75 * S
    assert run.over()
    assert run.left_ms() + run.unit_ran_ms(0, 0) == run.unit_planned_ms(0, 0)


def test_event_times_are_whole_milliseconds_of_the_session_clock() -> None:
    run, clock = simple_run()
    clock.advance(1.2)
    event = run.toggle()
    assert event is not None and event.t_ms == 1200
    assert isinstance(event.t_ms, int)
    clock.advance(0.0004)
    assert run.now_ms() == 1200


# -- moving ----------------------------------------------------------------------------------


def test_next_and_previous_move_across_steps() -> None:
    run, _ = simple_run()
    event = run.next()
    assert event is not None and event.kind == "goto" and event.step == 2 and event.turn is None
    assert run.step == 1
    run.next()
    run.next()
    assert run.step == 3 and run.at_end()
    assert run.next() is None
    assert run.step == 3
    run.previous()
    assert run.step == 2
    run.previous()
    run.previous()
    assert run.step == 0 and run.at_start()
    assert run.previous() is None
    assert run.state.visited == {0, 1, 2, 3}


def test_next_goes_through_turns_then_to_the_next_step() -> None:
    run, _ = turns_run()
    run.next()
    assert (run.step, run.turn) == (1, 0)
    event = run.next()
    assert event is not None and event.step == 2 and event.turn == 2
    assert (run.step, run.turn) == (1, 1)
    run.next()
    assert (run.step, run.turn) == (1, 2)
    event = run.next()
    assert event is not None and event.step == 3 and event.turn is None
    assert (run.step, run.turn) == (2, 0)


def test_previous_into_a_turns_step_lands_on_its_last_turn() -> None:
    run, _ = turns_run()
    run.goto(2)
    event = run.previous()
    assert event is not None and event.step == 2 and event.turn == 3
    assert (run.step, run.turn) == (1, 2)
    run.previous()
    assert (run.step, run.turn) == (1, 1)
    run.previous()
    run.previous()
    assert (run.step, run.turn) == (0, 0)


def test_goto_moves_to_any_place_and_refuses_impossible_ones() -> None:
    run, _ = turns_run()
    event = run.goto(1, 2)
    assert event is not None and event.kind == "goto" and (event.step, event.turn) == (2, 3)
    assert (run.step, run.turn) == (1, 2)
    assert run.goto(1, 2) is None  # already there
    assert run.goto(3) is None
    assert run.goto(-1) is None
    assert run.goto(0, 1) is None  # step 1 has no turns
    assert run.goto(1, 3) is None
    assert (run.step, run.turn) == (1, 2)
    assert run.goto(0) is not None
    assert (run.step, run.turn) == (0, 0)
    assert len(run.events) == 3


def test_time_adds_up_across_visits_to_a_step() -> None:
    run, clock = simple_run()
    run.toggle()
    clock.advance(60)
    run.next()
    clock.advance(30)
    run.previous()
    clock.advance(20)
    assert run.unit_ran_ms(0, 0) == 80 * S
    assert run.unit_ran_ms(1, 0) == 30 * S
    assert run.left_ms() == 5 * M - 80 * S
    run.goto(1)
    clock.advance(5)
    assert run.step_ran_ms(1) == 35 * S


def test_moving_while_running_starts_the_new_steps_timer_at_once() -> None:
    run, clock = turns_run()
    run.toggle()
    clock.advance(10)
    run.next()
    assert run.running
    clock.advance(7)
    assert run.unit_ran_ms(1, 0) == 7 * S
    run.next()
    clock.advance(3)
    assert run.unit_ran_ms(1, 0) == 7 * S
    assert run.unit_ran_ms(1, 1) == 3 * S
    assert run.step_ran_ms(1) == 10 * S
    assert run.unit_ran_ms(0, 0) == 10 * S


def test_moving_while_paused_stays_paused() -> None:
    run, clock = simple_run()
    run.toggle()
    clock.advance(10)
    run.toggle()
    run.next()
    assert not run.running
    clock.advance(100)
    assert run.unit_ran_ms(1, 0) == 0
    assert run.unit_ran_ms(0, 0) == 10 * S
    event = run.toggle()
    assert event is not None and event.kind == "resume"
    clock.advance(4)
    assert run.unit_ran_ms(1, 0) == 4 * S


def test_moving_before_the_start_stays_stopped() -> None:
    run, clock = simple_run()
    run.next()
    clock.advance(100)
    assert not run.running and not run.state.started
    assert run.unit_ran_ms(1, 0) == 0
    assert run.unit_ran_ms(0, 0) == 0
    event = run.toggle()
    assert event is not None and event.kind == "start" and event.step == 2


# -- extend + / - ----------------------------------------------------------------------------


def test_extend_adds_a_minute_to_the_current_step() -> None:
    run, clock = simple_run()
    run.toggle()
    clock.advance(30)
    event = run.extend(1)
    assert event is not None and event.kind == "extend" and event.planned_ms == 6 * M
    assert run.unit_planned_ms(0, 0) == 6 * M
    assert run.left_ms() == 6 * M - 30 * S
    assert run.unit_planned_ms(1, 0) == 5 * M


def test_extend_in_a_turns_step_adds_to_the_current_turn_only() -> None:
    run, _ = turns_run()
    run.goto(1, 1)
    event = run.extend(1)
    assert event is not None and event.turn == 2
    assert [run.unit_planned_ms(1, j) for j in range(3)] == [2 * M, 3 * M, 2 * M]
    assert run.step_planned_ms(1) == 7 * M


def test_extend_is_capped_at_480_minutes() -> None:
    run, _ = make_run([("Long", 479.5, None, None), ("B", 1, None, None)])
    assert run.can_extend()
    event = run.extend(1)
    assert event is not None and event.planned_ms == MAX_UNIT_MS == 480 * M
    assert not run.can_extend()
    assert run.extend(1) is None
    assert run.unit_planned_ms(0, 0) == 480 * M
    assert len(run.events) == 2


def test_shorten_takes_a_minute_off() -> None:
    run, clock = simple_run()
    run.toggle()
    clock.advance(30)
    assert run.can_shorten()
    event = run.extend(-1)
    assert event is not None and event.kind == "extend" and event.planned_ms == 4 * M
    assert run.unit_planned_ms(0, 0) == 4 * M


def test_shorten_always_leaves_30_seconds_to_run_after_what_has_run() -> None:
    run, clock = simple_run()
    run.toggle()
    clock.advance(3 * 60 + 30.2)
    event = run.extend(-1)
    # 3:30.2 run, rounded up to the second, and 30 s still to run: 4:01, not 4:00.
    assert event is not None and event.planned_ms == (4 * 60 + 1) * S
    assert run.left_ms() >= 30 * S
    assert not run.can_shorten()
    assert run.extend(-1) is None
    assert run.unit_planned_ms(0, 0) == (4 * 60 + 1) * S


def test_shorten_is_refused_with_less_than_30_seconds_left() -> None:
    run, clock = simple_run()
    run.toggle()
    clock.advance(4 * 60 + 40)
    assert not run.can_shorten()
    assert run.extend(-1) is None


def test_shorten_never_goes_below_30_seconds() -> None:
    run, _ = make_run([("Short", 1, None, None), ("B", 1, None, None)])
    event = run.extend(-1)
    assert event is not None and event.planned_ms == 30 * S
    assert not run.can_shorten()
    assert run.extend(-1) is None
    assert run.unit_planned_ms(0, 0) == MIN_UNIT_MS


def test_shorten_is_impossible_once_over_time() -> None:
    run, clock = simple_run()
    run.toggle()
    clock.advance(6 * 60)
    assert not run.can_shorten()
    assert run.extend(-1) is None
    assert run.unit_planned_ms(0, 0) == 5 * M
    assert [e.kind for e in run.events] == ["plan", "start"]


def test_extend_by_zero_does_nothing() -> None:
    run, _ = simple_run()
    assert run.extend(0) is None
    assert len(run.events) == 1


# -- restart ---------------------------------------------------------------------------------


def test_restart_while_running_sets_the_time_back_to_zero_and_keeps_running() -> None:
    run, clock = simple_run()
    run.toggle()
    clock.advance(100)
    event = run.restart()
    assert event is not None and event.kind == "restart"
    assert run.unit_ran_ms(0, 0) == 0
    assert run.left_ms() == 5 * M
    assert run.running
    clock.advance(5)
    assert run.unit_ran_ms(0, 0) == 5 * S


def test_restart_while_paused_and_in_a_turn_touches_only_that_turn() -> None:
    run, clock = turns_run()
    run.toggle()
    clock.advance(10)
    run.next()
    clock.advance(20)
    run.next()
    clock.advance(30)
    run.toggle()
    run.restart()
    assert not run.running
    clock.advance(50)
    assert run.unit_ran_ms(1, 1) == 0
    assert run.unit_ran_ms(1, 0) == 20 * S
    assert run.unit_ran_ms(0, 0) == 10 * S


# -- adapt -----------------------------------------------------------------------------------


def adapt_run() -> tuple[Run, FakeClock]:
    """30 minutes: A 5, B 10 (floor 3), C 10 (floor 2), D 5."""
    return make_run([("A", 5, None, None), ("B", 10, None, 3), ("C", 10, None, 2), ("D", 5, None, None)])


def test_adapt_before_the_start_does_nothing_and_says_why() -> None:
    run, _ = adapt_run()
    event, message = run.adapt()
    assert event is None
    assert "start" in message.lower()
    assert len(run.events) == 1


def test_adapt_on_the_last_step_does_nothing() -> None:
    run, clock = adapt_run()
    run.toggle()
    run.goto(3)
    clock.advance(60)
    event, message = run.adapt()
    assert event is None
    assert "last step" in message
    assert [e.kind for e in run.events] == ["plan", "start", "goto"]


def test_adapt_with_nothing_to_change_says_so() -> None:
    run, clock = adapt_run()
    run.toggle()
    clock.advance(60)
    event, message = run.adapt()
    assert event is None
    assert "nothing changed" in message


def test_adapt_refits_later_steps_to_end_at_the_scheduled_end() -> None:
    run, clock = adapt_run()
    run.toggle()
    clock.advance(10 * 60)  # step A ran 5 minutes over
    assert run.drift_ms() == 5 * M
    event, message = run.adapt()
    assert event is not None and event.kind == "adapt"
    assert event.plan_ms is not None and event.plan_ms[0] == (5 * M,)
    assert run.unit_planned_ms(0, 0) == 5 * M  # the current step keeps its time
    later = [run.step_planned_ms(i) for i in (1, 2, 3)]
    assert sum(later) == 20 * M
    assert later == [8 * M, 8 * M, 4 * M]
    assert abs(run.drift_ms()) <= 30 * S
    expected_end = clock.wall() - timedelta(minutes=10) + timedelta(minutes=30)
    assert abs((run.projected_end() - expected_end).total_seconds()) <= 30
    assert "20:00" in message
    assert "B 10:00 → 8:00" in message
    assert "C 10:00 → 8:00" in message
    assert "D 5:00 → 4:00" in message
    assert "A " not in message


def test_adapt_keeps_floors() -> None:
    run, clock = adapt_run()
    run.toggle()
    clock.advance(20 * 60)  # 15 minutes over: 10 left for 25 planned
    event, message = run.adapt()
    assert event is not None
    b, c, d = (run.step_planned_ms(i) for i in (1, 2, 3))
    assert b >= 3 * M and c >= 2 * M and d >= 30 * S
    assert b + c + d == 10 * M
    assert "minimum" not in message


def test_adapt_when_impossible_keeps_floors_and_says_so() -> None:
    run, clock = adapt_run()
    run.toggle()
    clock.advance(27 * 60)  # 3 minutes left, floors need 5.5
    event, message = run.adapt()
    assert event is not None
    assert [run.step_planned_ms(i) for i in (1, 2, 3)] == [3 * M, 2 * M, 30 * S]
    assert "Only 3:00 left" in message
    assert "minimums" in message
    assert "still ends 2:30 late" in message
    assert "B 10:00 → 3:00" in message


def test_adapt_counts_the_rest_of_the_current_step_and_its_turns() -> None:
    run, clock = make_run([("Rounds", 2, 3, 1), ("B", 10, None, None), ("C", 10, None, None)])
    run.toggle()
    clock.advance(4 * 60)  # first turn 2 minutes over; two turns of 2 minutes still to come
    event, _ = run.adapt()
    assert event is not None
    # scheduled end 26 min; now 4; turns still need 0 + 2 + 2: 18 left for B and C
    assert run.step_planned_ms(1) + run.step_planned_ms(2) == 18 * M
    assert run.step_planned_ms(0) == 6 * M
    assert abs(run.drift_ms()) <= 30 * S


def feedback_run() -> tuple[Run, FakeClock]:
    """35 minutes: A 5, Warm and cool feedback 15 (floor 5), C 10 (floor 2), D 5."""
    return make_run(
        [
            ("A", 5, None, None),
            ("Warm and cool feedback", 15, None, 5),
            ("C", 10, None, 2),
            ("D", 5, None, None),
        ]
    )


def plan_of(run: Run) -> list[list[int]]:
    return [[u.planned_ms for u in units] for units in run.state.units]


def test_adapt_plan_proposes_and_adapt_applies_exactly_that() -> None:
    run, clock = feedback_run()
    run.toggle()
    clock.advance(10 * 60)  # A ran 5 minutes over: 25 minutes left for 30 planned
    before = plan_of(run)
    proposal = run.adapt_plan()
    assert [e.kind for e in run.events] == ["plan", "start"]  # a proposal records nothing
    assert plan_of(run) == before
    assert proposal.plan_ms is not None
    assert proposal.headline == "5:00 behind plan: the remaining steps shrink to fit the 25:00 left."
    assert proposal.lines == ["Warm and cool feedback 15:00 → 12:30", "C 10:00 → 8:30", "D 5:00 → 4:00"]
    assert [c.step for c in proposal.changes] == [1, 2, 3]
    event, message = run.adapt(proposal)
    assert event is not None and event.kind == "adapt" and event.plan_ms == proposal.plan_ms
    assert plan_of(run) == [list(units) for units in proposal.plan_ms]
    assert message == proposal.message()
    assert message.startswith(proposal.headline + " Warm and cool feedback 15:00 → 12:30; C 10:00")
    assert " min" not in message


def test_adapt_refuses_a_proposal_made_before_the_latest_event() -> None:
    run, clock = feedback_run()
    run.toggle()
    clock.advance(10 * 60)
    proposal = run.adapt_plan()
    run.extend(1)
    count = len(run.events)
    event, message = run.adapt(proposal)
    assert event is None
    assert "moved on" in message
    assert len(run.events) == count
    assert run.step_planned_ms(1) == 15 * M


def test_adapt_ahead_gives_a_step_cut_by_minus_its_time_back_up_to_its_plan() -> None:
    run, clock = feedback_run()
    run.toggle()
    run.goto(1)
    for _ in range(3):
        run.extend(-1)  # feedback cut to 12 minutes
    run.goto(0)
    clock.advance(60)  # A on time: the meeting is ahead by the 3 minutes cut
    proposal = run.adapt_plan()
    assert (
        proposal.headline == "3:00 ahead of plan: gives back 3:00 to Warm and cool feedback, up to its plan."
    )
    assert proposal.lines == ["Warm and cool feedback 12:00 → 15:00"]
    run.adapt(proposal)
    assert [run.step_planned_ms(i) for i in range(4)] == [5 * M, 15 * M, 10 * M, 5 * M]


def test_adapt_ahead_never_stretches_a_step_past_its_plan_and_says_the_meeting_ends_early() -> None:
    run, clock = make_run(
        [
            ("A", 5, None, None),
            ("B", 5, None, None),
            ("Warm and cool feedback", 15, None, 5),
            ("C", 10, None, None),
            ("D", 5, None, None),
        ]
    )
    run.toggle()
    run.goto(2)
    for _ in range(3):
        run.extend(-1)  # feedback cut to 12 minutes
    run.goto(0)
    clock.advance(60)
    run.next()  # A ends 4 minutes early: 7 minutes ahead in all
    assert run.drift_ms() == -7 * M
    proposal = run.adapt_plan()
    assert proposal.headline == (
        "7:00 ahead of plan: gives back 3:00 to Warm and cool feedback, up to its plan; "
        "the meeting will end 4:00 early."
    )
    assert proposal.lines == ["Warm and cool feedback 12:00 → 15:00"]
    run.adapt(proposal)
    assert [run.step_planned_ms(i) for i in range(5)] == [5 * M, 5 * M, 15 * M, 10 * M, 5 * M]
    assert run.drift_ms() == -4 * M


def test_adapt_ahead_with_nothing_cut_changes_nothing_and_says_it_ends_early() -> None:
    run, clock = feedback_run()
    run.toggle()
    clock.advance(60)
    run.next()  # A ends 4 minutes early
    proposal = run.adapt_plan()
    assert proposal.plan_ms is None and proposal.changes == ()
    assert proposal.headline == (
        "4:00 ahead of plan: no step after this one was cut, and none goes past its plan: "
        "the meeting will end 4:00 early."
    )
    event, message = run.adapt(proposal)
    assert event is None and message == proposal.headline
    assert [e.kind for e in run.events] == ["plan", "start", "goto"]


def test_adapt_ahead_gives_to_the_step_furthest_below_its_plan_first() -> None:
    run, clock = adapt_run()  # A 5, B 10, C 10, D 5
    run.toggle()
    run.goto(1)
    for _ in range(6):
        run.extend(-1)  # B at 4 of 10 minutes: 40 % of its plan
    run.goto(2)
    for _ in range(2):
        run.extend(-1)  # C at 8 of 10 minutes: 80 %
    run.goto(0)
    clock.advance(9 * 60)  # A 4 minutes over: 4 of the 8 minutes cut are there to give back
    proposal = run.adapt_plan()
    assert proposal.headline == "4:00 ahead of plan: gives back 4:00 to B, toward its plan."
    assert proposal.lines == ["B 4:00 → 8:00"]
    run.adapt(proposal)
    assert [run.step_planned_ms(i) for i in range(4)] == [5 * M, 8 * M, 8 * M, 5 * M]
    assert abs(run.drift_ms()) < 30 * S


def test_adapt_ahead_shares_what_there_is_between_cut_steps_toward_their_plans() -> None:
    run, clock = adapt_run()
    run.toggle()
    for step in (1, 2):
        run.goto(step)
        for _ in range(4):
            run.extend(-1)  # B and C at 6 of 10 minutes
    run.goto(0)
    clock.advance(8 * 60)  # A 3 minutes over: 5 of the 8 minutes cut to give back
    proposal = run.adapt_plan()
    assert proposal.headline == "5:00 ahead of plan: gives back 5:00 to B and C, toward their plans."
    assert proposal.lines == ["B 6:00 → 8:30", "C 6:00 → 8:30"]


def test_adapt_gives_back_what_an_earlier_adapt_took_turns_alike_and_no_more() -> None:
    run, clock = make_run(
        [
            ("Intro", 5, None, None),
            ("Talk", 10, None, 2),
            ("Break", 5, None, None),
            ("Rounds", 2, 3, 1),
            ("Close", 5, None, None),
        ]
    )
    run.toggle()
    clock.advance(10 * 60)  # Intro 5 minutes over
    event, _ = run.adapt()
    assert event is not None
    assert run.unit_planned_ms(3, 0) < 2 * M and run.step_planned_ms(4) < 5 * M
    run.next()
    clock.advance(60)
    run.next()  # Talk ends after a minute: far ahead
    proposal = run.adapt_plan()
    # 16 minutes left for Rounds (3 × 1:30) and Close (4:00): they get back 2:30 and no more.
    assert proposal.headline == (
        "7:30 ahead of plan: gives back 2:30 to Rounds and Close, up to their plans; "
        "the meeting will end 5:00 early."
    )
    assert proposal.lines == ["Rounds 4:30 → 6:00 (3 turns of 2:00)", "Close 4:00 → 5:00"]
    run.adapt(proposal)
    assert [run.unit_planned_ms(3, j) for j in range(3)] == [2 * M] * 3
    assert run.step_planned_ms(4) == 5 * M


def test_adapt_ahead_takes_the_original_plan_after_the_setup_fit() -> None:
    from facilitator.core.details import Details
    from facilitator.core.session import Session

    protocol = make_protocol(
        [{"title": "A", "minutes": 10}, {"title": "B", "minutes": 20}, {"title": "C", "minutes": 10}]
    )
    clock = FakeClock()
    run = Session.new(protocol, Details(fit_minutes=20), clock).run
    assert [run.step_planned_ms(i) for i in range(3)] == [5 * M, 10 * M, 5 * M]
    run.toggle()
    run.next()  # A ends 5 minutes early; B and C are at their (fitted) plan
    proposal = run.adapt_plan()
    assert proposal.plan_ms is None
    assert "will end 5:00 early" in proposal.headline


def test_adapt_behind_never_raises_a_step_cut_below_its_floor() -> None:
    run, clock = make_run([("A", 5, None, None), ("B", 10, None, 6), ("C", 10, None, 2)])
    run.toggle()
    run.goto(1)
    for _ in range(6):
        run.extend(-1)  # B at 4 minutes, under its floor of 6
    run.goto(0)
    clock.advance(15 * 60)  # 10 minutes left for 14 planned
    proposal = run.adapt_plan()
    assert proposal.headline == "4:00 behind plan: the remaining steps shrink to fit the 10:00 left."
    assert proposal.lines == ["C 10:00 → 6:00"]


def test_adapt_behind_at_the_floors_already_changes_nothing_and_says_why() -> None:
    run, clock = make_run([("A", 5, None, None), ("B", 2, None, 2), ("C", 1, None, 1)])
    run.toggle()
    clock.advance(8 * 60)
    proposal = run.adapt_plan()
    assert proposal.plan_ms is None
    assert proposal.headline == (
        "3:00 behind plan, and the steps after this one are at their minimums already: nothing changed."
    )


def test_adapt_after_the_finish_says_so() -> None:
    run, clock = adapt_run()
    run.toggle()
    clock.advance(60)
    run.finish()
    assert run.adapt_plan().headline == "The meeting has finished: there is nothing to adapt."


# -- finish ----------------------------------------------------------------------------------


def test_finish_stops_the_timer_and_refuses_every_action_after() -> None:
    run, clock = turns_run()
    run.toggle()
    clock.advance(50)
    event = run.finish()
    assert event is not None and event.kind == "finish"
    assert run.state.finished and not run.running
    assert run.state.units[0][0].actual_ms == 50 * S
    clock.advance(100)
    assert run.unit_ran_ms(0, 0) == 50 * S
    count = len(run.events)
    assert run.toggle() is None
    assert run.next() is None
    assert run.previous() is None
    assert run.goto(2) is None
    assert run.extend(1) is None
    assert run.extend(-1) is None
    assert run.restart() is None
    assert run.adapt()[0] is None
    assert run.finish() is None
    assert len(run.events) == count
    late = Event(kind="start", t_ms=run.now_ms(), at=clock.wall(), step=1)
    with pytest.raises(RunError):
        run.apply(late)


# -- remaining, projected end, drift ---------------------------------------------------------


def test_remaining_counts_the_rest_of_this_step_and_all_after() -> None:
    run, clock = simple_run()
    assert run.remaining_ms() == 20 * M
    run.toggle()
    clock.advance(60)
    assert run.remaining_ms() == 19 * M
    run.next()
    assert run.remaining_ms() == 15 * M
    clock.advance(6 * 60)  # step B over by a minute: its part counts 0
    assert run.remaining_ms() == 10 * M


def test_remaining_in_a_turns_step_counts_later_turns_only() -> None:
    run, clock = turns_run()
    run.toggle()
    run.goto(1, 1)
    clock.advance(30)
    assert run.remaining_ms() == (90 + 120) * S + 5 * M


def test_projected_end_is_the_wall_time_plus_what_remains() -> None:
    run, clock = simple_run()
    assert run.projected_end() == clock.wall() + timedelta(minutes=20)
    run.toggle()
    clock.advance(90)
    assert run.projected_end() == clock.wall() + timedelta(minutes=18, seconds=30)
    start_wall = clock.wall() - timedelta(seconds=90)
    assert run.projected_end() == start_wall + timedelta(minutes=20)


def test_drift_is_zero_before_the_start() -> None:
    run, clock = simple_run()
    clock.advance(600)
    assert run.drift_ms() == 0
    run.next()
    assert run.drift_ms() == 0


def test_drift_after_an_overrun_and_a_pause() -> None:
    run, clock = simple_run()
    clock.advance(30)
    run.toggle()
    clock.advance(4 * 60)
    assert run.drift_ms() == 0
    clock.advance(3 * 60)  # two minutes over
    assert run.drift_ms() == 2 * M
    run.next()
    assert run.drift_ms() == 2 * M
    run.toggle()
    clock.advance(90)  # a pause costs its length
    assert run.drift_ms() == 2 * M + 90 * S
    run.toggle()
    clock.advance(60)
    assert run.drift_ms() == 2 * M + 90 * S


def test_drift_is_negative_when_ahead() -> None:
    run, clock = simple_run()
    run.toggle()
    clock.advance(60)
    run.next()
    assert run.drift_ms() == -4 * M


# -- shapes from a protocol ------------------------------------------------------------------


PROTOCOL_STEPS: list[dict[str, object]] = [
    {"title": "Intro", "minutes": 5, "min_minutes": 2},
    {"title": "Rounds", "minutes": 2, "min_minutes": 1.5, "turns": "each participant"},
    {"title": "Pairs", "minutes": 3, "turns": 4},
    {"title": "Close", "minutes": 0.5},
]


def test_shapes_name_each_participant_turns_after_the_participants() -> None:
    protocol = make_protocol(PROTOCOL_STEPS)
    shapes = shapes_for(protocol, ["Ana", "Ben", "Chen"])
    assert [s.title for s in shapes] == ["Intro", "Rounds", "Pairs", "Close"]
    assert shapes[0].turn_names is None and shapes[0].turns == 1
    assert shapes[1].turn_names == ("Ana", "Ben", "Chen")
    assert shapes[2].turn_names == ("", "", "", "")
    assert shapes[3].turn_names is None
    assert [s.floor_ms for s in shapes] == [2 * M, 90 * S, 30 * S, 30 * S]


def test_shapes_with_a_people_count() -> None:
    protocol = make_protocol(PROTOCOL_STEPS)
    shapes = shapes_for(protocol, [], people=5)
    assert shapes[1].turn_names == ("",) * 5
    shapes = shapes_for(protocol, ["Ana", "Ben"], people=4)
    assert shapes[1].turn_names == ("Ana", "Ben", "", "")
    assert shapes[2].turns == 4


def test_initial_plan_takes_minutes_per_turn() -> None:
    protocol = make_protocol(PROTOCOL_STEPS)
    shapes = shapes_for(protocol, ["Ana", "Ben", "Chen"])
    plan = initial_plan(protocol, shapes)
    assert plan == [[5 * M], [2 * M] * 3, [3 * M] * 4, [30 * S]]
    run = Run(shapes, FakeClock())
    run.open(plan)
    assert run.total_planned_ms() == (5 + 6 + 12 + 0.5) * M
    assert run.total_planned_ms() == protocol.total_minutes(3) * M


def test_fitted_plan_fits_to_the_minutes_and_keeps_floors() -> None:
    protocol = make_protocol(PROTOCOL_STEPS)
    shapes = shapes_for(protocol, ["Ana", "Ben", "Chen"])
    plan, result = fitted_plan(shapes, initial_plan(protocol, shapes), 15)
    assert result.possible
    assert [len(units) for units in plan] == [1, 3, 4, 1]
    total = sum(sum(units) for units in plan)
    assert abs(total - 15 * M) <= 30 * S
    assert total == result.total * S
    for units, shape in zip(plan, shapes, strict=True):
        assert len(set(units)) == 1
        assert all(ms >= shape.floor_ms and ms % (30 * S) == 0 for ms in units)
    run = Run(shapes, FakeClock())
    run.open(plan)
    assert run.total_planned_ms() == total


def test_fitted_plan_impossible_puts_every_step_at_its_floor() -> None:
    protocol = make_protocol(PROTOCOL_STEPS)
    shapes = shapes_for(protocol, ["Ana", "Ben"])
    plan, result = fitted_plan(shapes, initial_plan(protocol, shapes), 3)
    assert not result.possible
    assert plan == [[2 * M], [90 * S] * 2, [30 * S] * 4, [30 * S]]


def test_with_plan_replaces_the_plan_of_the_plan_event() -> None:
    run, _ = simple_run()
    event = with_plan(run.events[0], [[M]] * 4)
    assert event.plan_ms == ((M,),) * 4
    assert event.kind == "plan" and event.t_ms == run.events[0].t_ms
    rebuilt = Run.rebuild(run.shapes, [event], FakeClock())
    assert rebuilt.total_planned_ms() == 4 * M


# -- rebuilding ------------------------------------------------------------------------------


def busy_run() -> tuple[Run, FakeClock]:
    run, clock = turns_run()
    clock.advance(5)
    run.toggle()
    clock.advance(200)
    run.extend(1)
    run.next()
    clock.advance(150)
    run.next()
    clock.advance(10)
    run.toggle()
    clock.advance(40)
    run.toggle()
    run.restart()
    clock.advance(20)
    run.extend(-1)
    run.previous()
    clock.advance(5)
    run.adapt()
    run.goto(2)
    clock.advance(33)
    return run, clock


def test_rebuild_from_the_events_equals_the_original() -> None:
    run, clock = busy_run()
    rebuilt = Run.rebuild(run.shapes, list(run.events), clock, now_ms=run.now_ms())
    assert rebuilt.snapshot() == run.snapshot()
    assert rebuilt.events == run.events
    assert rebuilt.now_ms() == run.now_ms()
    assert rebuilt.left_ms() == run.left_ms()
    assert rebuilt.remaining_ms() == run.remaining_ms()
    assert rebuilt.drift_ms() == run.drift_ms()
    clock.advance(12)
    assert rebuilt.left_ms() == run.left_ms()
    run.finish()
    rebuilt.finish()
    assert rebuilt.snapshot() == run.snapshot()


def test_rebuild_of_a_finished_run() -> None:
    run, clock = busy_run()
    run.finish()
    rebuilt = Run.rebuild(run.shapes, run.events, FakeClock())
    assert rebuilt.snapshot() == run.snapshot()
    assert rebuilt.state.finished
    assert rebuilt.now_ms() == run.events[-1].t_ms


def test_rebuild_continues_the_clock_from_the_saved_time() -> None:
    run, clock = simple_run()
    run.toggle()
    clock.advance(100)
    other = FakeClock()
    rebuilt = Run.rebuild(run.shapes, run.events, other, now_ms=run.now_ms())
    assert rebuilt.unit_ran_ms(0, 0) == 100 * S
    other.advance(20)
    assert rebuilt.unit_ran_ms(0, 0) == 120 * S
    event = rebuilt.toggle()
    assert event is not None and event.t_ms == 120 * S


def test_rebuild_needs_the_plan_first() -> None:
    run, _ = busy_run()
    with pytest.raises(RunError):
        Run.rebuild(run.shapes, run.events[1:], FakeClock())
    with pytest.raises(RunError):
        Run.rebuild(run.shapes, [], FakeClock())


def test_rebuild_refuses_events_going_back_in_time() -> None:
    run, _ = busy_run()
    events = list(run.events)
    events[3] = replace(events[3], t_ms=events[2].t_ms - 1)
    assert events[2].t_ms > 0
    with pytest.raises(RunError, match="back in time"):
        Run.rebuild(run.shapes, events, FakeClock())


def test_rebuild_refuses_a_goto_to_a_missing_step() -> None:
    run, clock = simple_run()
    run.toggle()
    events = [*run.events, Event(kind="goto", t_ms=run.now_ms(), at=clock.wall(), step=9)]
    with pytest.raises(RunError):
        Run.rebuild(run.shapes, events, FakeClock())
    run2, clock2 = turns_run()
    events = [*run2.events, Event(kind="goto", t_ms=0, at=clock2.wall(), step=2, turn=4)]
    with pytest.raises(RunError):
        Run.rebuild(run2.shapes, events, FakeClock())


def test_rebuild_refuses_an_unknown_kind() -> None:
    run, clock = simple_run()
    events = [*run.events, Event(kind="teleport", t_ms=0, at=clock.wall(), step=1)]
    with pytest.raises(RunError, match="teleport"):
        Run.rebuild(run.shapes, events, FakeClock())


def test_rebuild_refuses_a_plan_for_other_steps() -> None:
    run, _ = simple_run()
    with pytest.raises(RunError):
        Run.rebuild(run.shapes[:2], run.events, FakeClock())


# -- properties ------------------------------------------------------------------------------


@st.composite
def shapes_and_plan(draw: st.DrawFn) -> tuple[list[StepShape], list[list[int]]]:
    count = draw(st.integers(1, 6))
    shapes = []
    plan = []
    for i in range(count):
        turns = draw(st.one_of(st.none(), st.integers(2, 4)))
        half_minutes = draw(st.sampled_from([1, 2, 3, 5, 10, 20, 60, 959, 960]))
        planned = half_minutes * 30 * S
        floor = draw(st.integers(1, half_minutes)) * 30 * S
        names = None if turns is None else tuple(f"p{j}" for j in range(turns))
        shapes.append(StepShape(f"Step {i + 1}", floor, names))
        plan.append([planned] * (1 if turns is None else turns))
    return shapes, plan


ACTIONS = st.one_of(
    st.just("toggle"),
    st.sampled_from(["next", "previous", "extend+", "extend-", "restart"]),
    st.just("adapt"),
    st.tuples(st.just("goto"), st.integers(0, 6), st.integers(0, 4)),
    st.tuples(st.just("advance"), st.integers(0, 900_000)),
)


def act(run: Run, clock: FakeClock, action: object) -> None:
    if isinstance(action, tuple):
        if action[0] == "goto":
            run.goto(action[1], action[2])
        else:
            clock.advance(action[1] / 1000)
    elif action == "toggle":
        run.toggle()
    elif action == "next":
        run.next()
    elif action == "previous":
        run.previous()
    elif action == "extend+":
        run.extend(1)
    elif action == "extend-":
        run.extend(-1)
    elif action == "restart":
        run.restart()
    elif action == "adapt":
        run.adapt()
    elif action == "finish":
        run.finish()


def check_consistent(run: Run, clock: FakeClock) -> None:
    s = run.state
    now = run.now_ms()
    for i, units in enumerate(s.units):
        assert len(units) == run.shapes[i].turns
        for j, unit in enumerate(units):
            ran = run.unit_ran_ms(i, j, now)
            left = run.unit_left_ms(i, j, now)
            assert left + ran == unit.planned_ms
            assert 0 < unit.planned_ms <= MAX_UNIT_MS
            assert unit.actual_ms >= 0
            assert ran >= unit.actual_ms
    assert 0 <= s.step < len(s.units)
    assert 0 <= s.turn < len(s.units[s.step])
    assert not (s.running and not s.started)
    assert not (s.running and s.finished)
    assert run.remaining_ms() >= 0
    # remaining: what is left of this unit and of every unit after it, by definition
    here = (s.step, s.turn)
    assert run.remaining_ms(now) == sum(
        max(0, run.unit_left_ms(i, j, now))
        for i, units in enumerate(s.units)
        for j in range(len(units))
        if (i, j) >= here
    )
    if not s.started:
        assert run.drift_ms() == 0
    assert run.events[0].kind == "plan"
    times = [e.t_ms for e in run.events]
    assert times == sorted(times)
    assert all(e.t_ms <= now for e in run.events)
    rebuilt = Run.rebuild(run.shapes, run.events, clock, now_ms=now)
    assert rebuilt.snapshot() == run.snapshot()
    assert rebuilt.left_ms() == run.left_ms()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    shaped=shapes_and_plan(),
    actions=st.lists(ACTIONS, max_size=40),
    start=st.booleans(),
    finish=st.booleans(),
)
def test_random_actions_keep_the_state_consistent(
    shaped: tuple[list[StepShape], list[list[int]]],
    actions: list[object],
    start: bool,
    finish: bool,
) -> None:
    shapes, plan = shaped
    clock = FakeClock()
    run = Run(shapes, clock)
    run.open(plan)
    check_consistent(run, clock)
    if start:
        run.toggle()
        check_consistent(run, clock)
    for action in actions:
        act(run, clock, action)
        check_consistent(run, clock)
    if finish:
        clock.advance(1)
        run.finish()
        check_consistent(run, clock)
        assert run.state.finished and not run.running
        count = len(run.events)
        for action in actions:
            act(run, clock, action)
        assert len(run.events) == count
        check_consistent(run, clock)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shaped=shapes_and_plan(), actions=st.lists(ACTIONS, max_size=30))
def test_adapt_shrinks_when_behind_and_never_past_the_plan_when_ahead(
    shaped: tuple[list[StepShape], list[list[int]]], actions: list[object]
) -> None:
    shapes, plan = shaped
    clock = FakeClock()
    run = Run(shapes, clock)
    run.open(plan)
    run.toggle()
    for action in actions:
        act(run, clock, action)
    original = run.events[0].plan_ms
    assert original is not None
    before = plan_of(run)
    count = len(run.events)
    proposal = run.adapt_plan()
    assert len(run.events) == count and plan_of(run) == before
    if proposal.plan_ms is None:
        assert proposal.changes == ()
        return
    after = proposal.plan_ms
    assert [list(units) for units in after[: run.step + 1]] == before[: run.step + 1]
    grew = [c for c in proposal.changes if c.new_ms > c.old_ms]
    assert proposal.changes and len(grew) in (0, len(proposal.changes))  # all one way
    for change in proposal.changes:
        i = change.step
        assert i > run.step
        assert len(set(after[i])) == 1  # every turn alike
        assert change.old_ms == sum(before[i]) and change.new_ms == sum(after[i])
        if grew:
            assert sum(after[i]) <= max(sum(before[i]), sum(original[i]))
        assert " min" not in change.text()
    event, _ = run.adapt(proposal)
    assert event is not None and event.plan_ms == after
    check_consistent(run, clock)
