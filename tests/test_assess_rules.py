"""Boundary tests for every judging rule in DOMAIN.md §5, in both directions."""

import math

import pytest

from vlrgen.judge.rules import (
    Thresholds,
    assess_goal,
    goal_trend,
    growth_progress,
    indicator_status,
    indicator_trend,
    normalised_score,
    rescaled_value,
    target_progress,
)

UP = Thresholds("higher", best=100, worst=0, green=90, red=50)  # midpoint 70
DOWN = Thresholds("lower", best=0, worst=100, green=10, red=50)  # midpoint 30


@pytest.mark.parametrize(
    "value, expected",
    [
        (100, "green"),
        (90, "green"),
        (89.99, "yellow"),
        (70, "yellow"),
        (69.99, "orange"),
        (50, "orange"),
        (49.99, "red"),
        (0, "red"),
        (None, "grey"),
        (math.nan, "grey"),
        (120, "green"),
    ],
)
def test_status_higher_is_better(value, expected):
    assert indicator_status(value, UP) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (0, "green"),
        (10, "green"),
        (10.01, "yellow"),
        (30, "yellow"),
        (30.01, "orange"),
        (50, "orange"),
        (50.01, "red"),
        (100, "red"),
        (None, "grey"),
        (-5, "green"),
    ],
)
def test_status_lower_is_better(value, expected):
    assert indicator_status(value, DOWN) == expected


def test_score_is_linear_and_clipped():
    assert normalised_score(75, UP) == 75 and normalised_score(-10, UP) == 0 and normalised_score(130, UP) == 100
    assert normalised_score(25, DOWN) == 75 and normalised_score(150, DOWN) == 0 and normalised_score(-1, DOWN) == 100
    assert normalised_score(None, UP) is None


@pytest.mark.parametrize(
    "value, expected",
    [(0, 0), (-5, 0), (25, 0.5), (50, 1), (60, 1.5), (70, 2), (80, 2.5), (90, 3), (95, 3.5), (100, 4), (200, 4)],
)
def test_rescale_0_to_4_through_worst_red_midpoint_green_best(value, expected):
    assert rescaled_value(value, UP) == pytest.approx(expected)
    assert rescaled_value(100 - value, DOWN) == pytest.approx(expected)  # DOWN mirrors UP


def goal(*values, thresholds=UP):
    return assess_goal([(v, thresholds) for v in values])


def test_goal_grey_below_half_coverage_but_not_at_half():
    assert goal(95, None, None).status == "grey"
    result = goal(95, 95, None, None)
    assert result.status == "green" and result.coverage == 0.5 and (result.counted, result.total) == (2, 4)
    assert goal(None).status == "grey" and goal().status == "grey"


def test_goal_colour_from_the_two_lowest():
    assert goal(95, 90, 100).status == "green"  # both lowest at or past green (3)
    assert goal(95, 89, 100).status == "yellow"  # mean of 2.9 and 3.5 ≥ 2
    assert goal(40, 45, 100).status == "red"  # both strictly worse than red (< 1)
    assert goal(40, 50, 100).status == "orange"  # 50 is exactly red (1): not both red; mean 1.4 < 2
    assert goal(50, 90, 100).status == "yellow"  # mean of 1 and 3 = 2 → yellow (at least 2)
    assert goal(50, 89.9, 100).status == "orange"  # mean just below 2
    assert goal(5, 10, thresholds=DOWN).status == "green"
    assert goal(95).status == "green"  # one indicator: it alone decides


def test_goal_score_is_mean_of_indicator_scores():
    assert goal(50, 100, None).score == 75


def series(*pairs):
    return list(pairs)


def test_trend_categories_higher():
    # green score 90; from 2015 at 50 the required rate is (90-50)/15 = 2.667 per year
    assert indicator_trend(series((2015, 50), (2020, 64)), UP) == "on_track"  # 2.8/yr
    assert indicator_trend(series((2015, 50), (2020, 63.3334)), UP) == "on_track"  # exactly ≥ required
    assert indicator_trend(series((2015, 50), (2020, 60)), UP) == "moderately_improving"  # 2.0/yr ≥ 1.333
    assert indicator_trend(series((2015, 50), (2020, 56.6667)), UP) == "moderately_improving"  # 50 % exactly
    assert indicator_trend(series((2015, 50), (2020, 56)), UP) == "stagnating"
    assert indicator_trend(series((2015, 50), (2020, 50)), UP) == "stagnating"  # 0 counts as stagnating
    assert indicator_trend(series((2015, 50), (2020, 49)), UP) == "decreasing"
    assert indicator_trend(series((2015, 95), (2020, 96)), UP) == "maintaining"
    assert indicator_trend(series((2015, 99), (2020, 91)), UP) == "decreasing"  # green now, below green by 2030


def test_trend_categories_lower_and_base_period():
    assert indicator_trend(series((2015, 50), (2020, 36)), DOWN) == "on_track"
    assert indicator_trend(series((2015, 50), (2020, 52)), DOWN) == "decreasing"
    # observations before the base year are ignored; base year configurable
    assert indicator_trend(series((2010, 10), (2015, 50), (2020, 64)), UP) == "on_track"
    assert indicator_trend(series((2010, 10), (2015, 50), (2020, 64)), UP, base_year=2010) == "on_track"
    assert indicator_trend(series((2010, 60), (2015, 50), (2020, 55)), UP, base_year=2010) == "decreasing"


def test_trend_unavailable_with_too_few_points():
    assert indicator_trend(series((2020, 50)), UP) == "unavailable"
    assert indicator_trend(series(), UP) == "unavailable"
    assert indicator_trend(series((2012, 40), (2014, 50)), UP) == "unavailable"  # nothing since 2015


def test_goal_trend_uses_mean_scores():
    members = [(series((2015, 50), (2020, 64)), UP), (series((2015, 50), (2020, 64)), UP)]
    assert goal_trend(members) == "on_track"
    assert goal_trend([(series((2020, 1)), UP)]) == "unavailable"


def test_target_progress_categories():
    # from 100 (2015) towards 200 in 2030: required CAGR = 2^(1/15) - 1 ≈ 4.73 %
    required = 2 ** (1 / 15) - 1
    at = lambda share: 100 * (1 + required * share) ** 5  # noqa: E731  value in 2020 for a growth share
    assert target_progress(series((2015, 100), (2020, at(1.0))), "higher", 200, 2030)[0] == "on_track"
    assert target_progress(series((2015, 100), (2020, at(0.96))), "higher", 200, 2030)[0] == "on_track"
    assert target_progress(series((2015, 100), (2020, at(0.9))), "higher", 200, 2030)[0] == "acceleration_needed"
    assert target_progress(series((2015, 100), (2020, at(0.61))), "higher", 200, 2030)[0] == "acceleration_needed"
    assert target_progress(series((2015, 100), (2020, at(0.5))), "higher", 200, 2030)[0] == "limited_progress"
    assert target_progress(series((2015, 100), (2020, 100)), "higher", 200, 2030)[0] == "limited_progress"
    assert target_progress(series((2015, 100), (2020, 90)), "higher", 200, 2030)[0] == "deterioration"
    assert target_progress(series((2015, 100), (2020, 200)), "higher", 200, 2030)[0] == "achieved"
    assert target_progress(series((2015, 10), (2020, 8)), "lower", 5, 2030)[0] == "on_track"
    assert target_progress(series((2015, 10), (2020, 11)), "lower", 5, 2030)[0] == "deterioration"
    assert target_progress(series((2015, 10), (2020, 5)), "lower", 5, 2030)[0] == "achieved"
    assert (
        target_progress(
            series(
                (2020, 10),
            ),
            "lower",
            5,
            2030,
        )[0]
        == "unavailable"
    )


def test_target_ratio_boundaries_exactly():
    required = (200 / 100) ** (1 / 15) - 1
    for share, expected in ((0.95, "on_track"), (0.6, "acceleration_needed"), (0.0, "limited_progress")):
        value = 100 * (1 + required * share) ** 5
        category, ratio = target_progress(series((2015, 100), (2020, value)), "higher", 200, 2030)
        assert ratio == pytest.approx(share, abs=1e-9) and category == expected, (share, ratio)


def test_growth_progress_without_target():
    grow = lambda rate: 100 * (1 + rate) ** 5  # noqa: E731
    assert growth_progress(series((2015, 100), (2020, grow(0.02))), "higher")[0] == "on_track"
    assert growth_progress(series((2015, 100), (2020, grow(0.01))), "higher")[0] == "acceleration_needed"
    assert growth_progress(series((2015, 100), (2020, grow(0.002))), "higher")[0] == "limited_progress"
    assert growth_progress(series((2015, 100), (2020, grow(-0.01))), "higher")[0] == "deterioration"
    assert growth_progress(series((2015, 100), (2020, grow(-0.02))), "lower")[0] == "on_track"
    assert (
        growth_progress(
            series(
                (2015, 100),
            ),
            "lower",
        )[0]
        == "unavailable"
    )


def test_midpoint_is_exact_despite_floating_point():
    t = Thresholds("higher", best=1, worst=0, green=0.2, red=0.1)  # midpoint 0.15000000000000002 in floats
    assert indicator_status(0.15, t) == "yellow"
    assert indicator_status(0.14999, t) == "orange"
    assert assess_goal([(0.15, t), (0.15, t)]).status == "yellow"


def test_red_equal_to_worst_rescales_to_one_at_red():
    t = Thresholds("higher", best=100, worst=50, green=90, red=50)
    assert rescaled_value(50, t) == 1.0 and indicator_status(50, t) == "orange"
    assert assess_goal([(50, t), (50, t)]).status == "orange"  # both orange, not red


def test_target_progress_edge_cases():
    assert (
        target_progress(
            series(
                (2024, 5),
            ),
            "lower",
            5,
            2030,
        )[0]
        == "achieved"
    )  # one value meeting the target
    assert target_progress(series((2015, 10), (2020, 5)), "lower", 0, 2030)[0] == "on_track"  # vision zero, linear
    assert target_progress(series((2015, 10), (2020, 9)), "lower", 0, 2030)[0] == "limited_progress"
    assert target_progress(series((2015, 0), (2020, 4)), "higher", 10, 2030)[0] == "on_track"
    assert target_progress(series((2015, 0), (2020, 2)), "higher", 10, 2030)[0] == "acceleration_needed"
