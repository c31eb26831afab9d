"""Fit-to-time: scaling a plan to the minutes a group has, floors kept, 30-second units."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.core.fit import (
    MAX_UNIT_S,
    UNIT_S,
    FitItem,
    fit,
    minimum_seconds,
)


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
