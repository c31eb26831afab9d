"""Fit-to-time: scaling a plan to the minutes a group has, floors kept, 30-second units."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.core.adapt import AdaptProposal, GiveItem, StepChange, give_back, names_text, plan_changes
from facilitator.core.fit import MAX_UNIT_S, UNIT_S, FitItem, fit, minimum_seconds


def floor_of(item: FitItem) -> int:
    """The floor as fit uses it: at least 30 s, rounded up to 30 s, at most the cap."""
    floor = max(item.floor, UNIT_S)
    return min(-(-round(floor) // UNIT_S) * UNIT_S, MAX_UNIT_S)


def check_invariants(items: list[FitItem], target: float) -> None:
    result = fit(items, target)
    assert result.target == round(target)
    assert len(result.seconds) == len(items)
    counted = zip(result.seconds, items, strict=True)
    assert result.total == sum(s * item.count for s, item in counted)
    assert result.off_by == result.total - result.target
    for seconds, item in zip(result.seconds, items, strict=True):
        assert isinstance(seconds, int)
        assert seconds % UNIT_S == 0
        assert floor_of(item) <= seconds <= MAX_UNIT_S
    lowest = sum(floor_of(item) * item.count for item in items)
    if lowest > result.target + UNIT_S:
        assert not result.possible
        assert result.seconds == [floor_of(item) for item in items]
    elif lowest <= result.target <= sum(MAX_UNIT_S * item.count for item in items):
        assert result.possible
        if any(item.count == 1 for item in items):
            assert abs(result.off_by) <= UNIT_S
        else:
            assert abs(result.off_by) <= UNIT_S * min(item.count for item in items)


def test_fit_scales_down_in_proportion() -> None:
    result = fit([FitItem(300), FitItem(600), FitItem(900)], 900)
    assert result.possible
    assert result.seconds == [150, 300, 450]
    assert result.total == 900 and result.off_by == 0


def test_fit_scales_up_in_proportion() -> None:
    result = fit([FitItem(300), FitItem(600), FitItem(900)], 3600)
    assert result.possible
    assert result.seconds == [600, 1200, 1800]
    assert result.total == 3600


def test_fit_unchanged_when_the_target_is_the_total() -> None:
    items = [FitItem(300, 120), FitItem(450), FitItem(90, 60, 3)]
    assert fit(items, 1020).seconds == [300, 450, 90]


def test_fit_gives_multiples_of_30_seconds_within_30_seconds_of_the_target() -> None:
    items = [FitItem(420), FitItem(600), FitItem(330), FitItem(270)]
    for target in (601, 1000, 1234, 1859, 2999):
        result = fit(items, target)
        assert all(s % 30 == 0 for s in result.seconds)
        assert abs(result.total - target) <= 30, (target, result)
        assert result.possible


def test_fit_keeps_every_item_at_or_above_its_floor() -> None:
    items = [FitItem(600, 480), FitItem(600, 30), FitItem(600, 100)]
    result = fit(items, 720)
    assert result.possible
    assert result.seconds[0] >= 480
    assert result.seconds[2] >= 120  # a floor of 100 s rounds up to 120
    assert result.seconds[1] >= 30
    assert abs(result.total - 720) <= 30


def test_fit_with_turns_counts_every_turn() -> None:
    items = [FitItem(300), FitItem(120, 60, 4)]
    result = fit(items, 600)
    assert result.possible
    assert result.total == result.seconds[0] + 4 * result.seconds[1]
    assert abs(result.total - 600) <= 30
    assert result.seconds[1] >= 60


def test_fit_with_turns_reaches_the_target_through_single_turn_items() -> None:
    # A 10-minute step at its floor and ten 1-minute turns, fitted to 19 minutes: the turns
    # round down to 30 s each, and the single step must take up the 4 minutes that leaves.
    items = [FitItem(600, 600), FitItem(60, 30, 10)]
    result = fit(items, 19 * 60)
    assert result.possible
    assert abs(result.off_by) <= 30, result


def test_fit_only_turns_items_stays_within_one_round_of_turns() -> None:
    items = [FitItem(120, 30, 3), FitItem(60, 30, 2)]
    result = fit(items, 500)
    assert result.possible
    assert abs(result.off_by) <= 2 * 30


def test_fit_impossible_puts_every_item_at_its_floor() -> None:
    items = [FitItem(600, 300), FitItem(600, 200), FitItem(120, 60, 3), FitItem(60)]
    assert minimum_seconds(items) == 300 + 210 + 180 + 30
    result = fit(items, 300)
    assert not result.possible
    assert result.seconds == [300, 210, 60, 30]
    assert result.total == 720
    assert result.off_by == 420


def test_fit_target_equal_to_the_floors_is_possible() -> None:
    items = [FitItem(600, 300), FitItem(600, 120)]
    result = fit(items, 420)
    assert result.possible
    assert result.seconds == [300, 120]


def test_fit_target_above_the_480_minute_caps() -> None:
    items = [FitItem(28_000), FitItem(600)]
    result = fit(items, 60_000)
    assert not result.possible
    assert result.seconds == [MAX_UNIT_S, MAX_UNIT_S]
    assert result.total == 2 * MAX_UNIT_S
    near = fit(items, 2 * MAX_UNIT_S + 10)
    assert near.possible and near.seconds == [MAX_UNIT_S, MAX_UNIT_S]


def test_fit_near_the_cap_never_goes_over_it() -> None:
    items = [FitItem(20_000), FitItem(600)]
    result = fit(items, 40_000)
    assert result.possible
    assert result.seconds[0] <= MAX_UNIT_S
    assert abs(result.off_by) <= 30


def test_fit_nothing() -> None:
    assert fit([], 0).possible
    assert fit([], 0).seconds == []
    assert not fit([], 60).possible


item_strategy = st.builds(
    lambda seconds, floor_part, count: FitItem(seconds, max(1, seconds * floor_part), count),
    st.integers(1, 7200),
    st.floats(0, 1),
    st.one_of(st.just(1), st.integers(1, 6)),
)


@settings(max_examples=500, deadline=None)
@given(items=st.lists(item_strategy, min_size=1, max_size=8), factor=st.floats(0, 3))
def test_fit_invariants(items: list[FitItem], factor: float) -> None:
    total = sum(item.seconds * item.count for item in items)
    check_invariants(items, total * factor)


@settings(max_examples=300, deadline=None)
@given(items=st.lists(item_strategy, min_size=1, max_size=8), target=st.integers(0, 100_000))
def test_fit_invariants_for_any_target(items: list[FitItem], target: int) -> None:
    check_invariants(items, target)


# -- giving time back ------------------------------------------------------------------------


def test_give_back_restores_every_cut_item_to_its_plan_when_there_is_enough() -> None:
    items = [GiveItem(600, 900), GiveItem(300, 300), GiveItem(60, 120, 3)]
    assert give_back(items, 10_000) == [900, 300, 120]


def test_give_back_never_passes_a_plan_nor_takes_from_an_item_above_it() -> None:
    items = [GiveItem(400, 300), GiveItem(300, 300)]
    assert give_back(items, 600) == [400, 300]


def test_give_back_goes_first_to_the_item_furthest_below_its_plan() -> None:
    # 240 of 600 is 40 %, 480 of 600 is 80 %: 240 s bring the first to 80 % and no further.
    assert give_back([GiveItem(240, 600), GiveItem(480, 600)], 240) == [480, 480]
    # 120 s more: both rise together, 30 s at a time.
    assert give_back([GiveItem(240, 600), GiveItem(480, 600)], 360) == [540, 540]
    # Enough for both: each to its plan, and no further.
    assert give_back([GiveItem(240, 600), GiveItem(480, 600)], 900) == [600, 600]


def test_give_back_lands_on_30_seconds_or_exactly_on_the_plan() -> None:
    # A plan of 7:15 is reached exactly; on the way, values are multiples of 30 s.
    assert give_back([GiveItem(300, 435)], 135) == [435]
    assert give_back([GiveItem(300, 435)], 100) == [390]
    assert give_back([GiveItem(315, 435)], 20) == [330]


def test_give_back_in_turns_gives_whole_rounds_and_leaves_the_rest() -> None:
    # Three turns of 60 s, planned 120: 30 s more for each turn costs 90 s in all.
    assert give_back([GiveItem(60, 120, 3)], 80) == [60]
    assert give_back([GiveItem(60, 120, 3)], 100) == [90]


@settings(max_examples=400, deadline=None)
@given(
    items=st.lists(
        st.builds(
            lambda now, plan, count: GiveItem(now, plan, count),
            st.integers(30, 3600),
            st.integers(30, 3600),
            st.integers(1, 5),
        ),
        min_size=1,
        max_size=6,
    ),
    extra=st.integers(0, 20_000),
)
def test_give_back_invariants(items: list[GiveItem], extra: int) -> None:
    chosen = give_back(items, extra)
    given_s = sum((c - item.seconds) * item.count for c, item in zip(chosen, items, strict=True))
    room = sum((item.top - item.seconds) * item.count for item in items)
    assert given_s <= extra + 1e-6
    assert given_s == min(room, given_s)
    for c, item in zip(chosen, items, strict=True):
        assert item.seconds <= c <= item.top
        assert c in (item.seconds, item.top) or c % UNIT_S == 0
    # Nothing more could be placed: every item short of its plan needs more than what is left.
    left = extra - given_s
    for c, item in zip(chosen, items, strict=True):
        if c < item.top:
            step = min((c // UNIT_S + 1) * UNIT_S, item.top) - c
            assert step * item.count > left - 1e-6


# -- what a refit changes --------------------------------------------------------------------


def test_step_change_text_is_minutes_and_seconds() -> None:
    assert StepChange(1, "Presentation", 900_000, 600_000).text() == "Presentation 15:00 → 10:00"
    assert StepChange(0, "Introduction", 300_000, 300_000).text() == "Introduction 5:00 (no change)"
    assert StepChange(2, "Rounds", 360_000, 270_000, 3).text() == "Rounds 6:00 → 4:30 (3 turns of 1:30)"
    assert StepChange(2, "Rounds", 120_000, 120_000, 1).text() == "Rounds 2:00 (1 turn of 2:00, no change)"
    assert StepChange(0, "[b]x[/b]", 90_000, 75_000).text() == "[b]x[/b] 1:30 → 1:15"


def test_plan_changes_names_every_step_or_the_ones_asked_for() -> None:
    titles = ["A", "B"]
    before = [[300_000], [60_000, 60_000]]
    after = [[240_000], [60_000, 60_000]]
    changes = plan_changes(titles, before, after, [False, True])
    assert [c.text() for c in changes] == ["A 5:00 → 4:00", "B 2:00 (2 turns of 1:00, no change)"]
    assert [c.step for c in plan_changes(titles, before, after, [False, True], [1])] == [1]


def test_a_proposal_in_one_line() -> None:
    proposal = AdaptProposal(
        "Behind.", ((1,),), (StepChange(1, "A", 60_000, 30_000), StepChange(2, "B", 60_000, 30_000))
    )
    assert proposal.lines == ["A 1:00 → 0:30", "B 1:00 → 0:30"]
    assert proposal.message() == "Behind. A 1:00 → 0:30; B 1:00 → 0:30"
    assert AdaptProposal("Nothing to do.").message() == "Nothing to do."


def test_names_text() -> None:
    assert names_text(["A"]) == "A"
    assert names_text(["A", "B"]) == "A and B"
    assert names_text(["A", "B", "C"]) == "A, B and C"
    assert names_text(["A", "B", "C", "D"]) == "4 steps"
