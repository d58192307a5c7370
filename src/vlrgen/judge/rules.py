"""Judging progress: pure functions from values and thresholds to status, trend and scores.

No I/O. The rules follow DOMAIN.md §5 exactly, boundaries included:

* SDSN status: green at or past the green threshold; yellow at or past the midpoint of green
  and red; orange down to and including the red threshold; red strictly worse than red; grey
  when there is no value. "At or past" reads in the indicator's direction.
* SDSN score: linear rescale of the value between worst (0) and best (100), clipped.
* SDSN goal colour: grey below half coverage; otherwise the two lowest 0–4 rescaled values.
* SDSN trend: observed annual change of the score against the change needed to reach the
  green threshold by 2030.
* Distance to a local target (Statistics Canada / Open SDG): ratio of observed to required
  compound annual growth; without a target, fixed thresholds on the growth rate itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vlrgen.inputs.dataset import Dataset, Indicator, Observation

__all__ = [
    "PROGRESS",
    "STATUSES",
    "TRENDS",
    "GoalResult",
    "GoalRow",
    "IndicatorResult",
    "KpiSummary",
    "Thresholds",
    "Timeliness",
    "assess_dataset",
    "assess_goal",
    "assess_indicator",
    "goal_trend",
    "growth_progress",
    "indicator_status",
    "indicator_trend",
    "normalised_score",
    "rescaled_value",
    "summarise_entity",
    "summarise_indicator",
    "target_progress",
    "thresholds_of",
]

STATUSES = ("green", "yellow", "orange", "red", "grey")
TRENDS = ("maintaining", "on_track", "moderately_improving", "stagnating", "decreasing", "unavailable")
PROGRESS = ("achieved", "on_track", "acceleration_needed", "limited_progress", "deterioration", "unavailable")
TREND_END_YEAR = 2030
DEFAULT_BASE_YEAR = 2015
# Statistics Canada's fixed growth thresholds for indicators without a target (direction-adjusted CAGR).
NO_TARGET_ON_TRACK, NO_TARGET_ACCELERATE = 0.015, 0.005
# Computed rates and ratios meet a boundary within this tolerance (floating-point noise).
EPS = 1e-9

Series = Sequence[tuple[int, float]]  # (year, value) pairs with values, sorted by year


@dataclass(frozen=True)
class Thresholds:
    """SDSN dashboard thresholds for one indicator; `direction` is "higher" or "lower"."""

    direction: str
    best: float
    worst: float
    green: float
    red: float

    @property
    def midpoint(self) -> float:
        return (self.green + self.red) / 2

    def at_least(self, value: float, threshold: float) -> bool:
        """Is `value` at least as good as `threshold` in this indicator's direction?

        A tolerance far below any published precision absorbs floating-point noise, e.g. the
        midpoint of 0.2 and 0.1 being 0.15000000000000002.
        """
        slack = EPS * max(1.0, abs(threshold))
        return value >= threshold - slack if self.direction == "higher" else value <= threshold + slack

    @property
    def beyond_bounds(self) -> bool:
        """Does the green threshold lie beyond the best value, or the red one beyond the worst value?

        SDSN's published tables have such rows; the status still comes from the thresholds and the
        score stays between the bounds (0 at worst, 100 at best), as SDSN computes them."""
        sign = 1 if self.direction == "higher" else -1
        return sign * self.green > sign * self.best or sign * self.red < sign * self.worst


def indicator_status(value: float | None, thresholds: Thresholds) -> str:
    if value is None or math.isnan(value):
        return "grey"
    if thresholds.at_least(value, thresholds.green):
        return "green"
    if thresholds.at_least(value, thresholds.midpoint):
        return "yellow"
    if thresholds.at_least(value, thresholds.red):
        return "orange"
    return "red"


def normalised_score(value: float | None, thresholds: Thresholds) -> float | None:
    """0 at the worst value, 100 at the best, linear between and clipped outside."""
    if value is None or math.isnan(value) or thresholds.best == thresholds.worst:
        return None
    score = (value - thresholds.worst) / (thresholds.best - thresholds.worst) * 100
    return min(100.0, max(0.0, score))


def rescaled_value(value: float, thresholds: Thresholds) -> float:
    """0–4 piecewise linear through worst (0), red (1), midpoint (2), green (3), best (4).

    A green threshold beyond the best value (or a red one beyond the worst) moves that end anchor out to the
    threshold, so that 3 and more always means green and less than 1 always means red, as the status says."""
    sign = 1 if thresholds.direction == "higher" else -1
    anchors = [
        sign * a for a in (thresholds.worst, thresholds.red, thresholds.midpoint, thresholds.green, thresholds.best)
    ]
    anchors[0], anchors[4] = min(anchors[0], anchors[1]), max(anchors[4], anchors[3])
    x = sign * value
    slack = EPS * max(1.0, abs(x))
    reached = [step for step, anchor in enumerate(anchors) if x >= anchor - slack]
    if not reached:
        return 0.0
    step = reached[-1]  # the highest anchor reached; equal anchors (red = worst) count as the higher one
    if step == 4:
        return 4.0
    low, high = anchors[step], anchors[step + 1]
    return step + max(0.0, min(1.0, (x - low) / (high - low)))


@dataclass(frozen=True)
class GoalResult:
    status: str
    score: float | None
    coverage: float  # share of the goal's indicators with a value
    counted: int
    total: int


def assess_goal(values: Sequence[tuple[float | None, Thresholds]]) -> GoalResult:
    """Goal colour and score from the latest value of each of the goal's indicators."""
    present = [(v, t) for v, t in values if v is not None and not math.isnan(v)]
    total = len(values)
    coverage = len(present) / total if total else 0.0
    scores = [s for v, t in present if (s := normalised_score(v, t)) is not None]
    score = sum(scores) / len(scores) if scores else None
    if not present or coverage < 0.5:
        return GoalResult("grey", score, coverage, len(present), total)
    lowest = sorted(rescaled_value(v, t) for v, t in present)[:2]
    if all(r >= 3 for r in lowest):
        status = "green"
    elif all(r < 1 for r in lowest):
        status = "red"
    else:
        status = "yellow" if sum(lowest) / len(lowest) >= 2 else "orange"
    return GoalResult(status, score, coverage, len(present), total)


def _base_and_latest(series: Series, base_year: int) -> tuple[tuple[int, float], tuple[int, float]] | None:
    recent = [(y, v) for y, v in series if y >= base_year]
    if len(recent) < 2 or recent[-1][0] <= recent[0][0]:
        return None
    return recent[0], recent[-1]


def _trend_from_scores(
    base: tuple[float, float], latest: tuple[float, float], green_score: float, latest_is_green: bool
) -> str:
    (y0, s0), (y1, s1) = base, latest
    observed = (s1 - s0) / (y1 - y0)
    if latest_is_green and s1 + observed * max(0, TREND_END_YEAR - y1) >= green_score:
        return "maintaining"
    required = (green_score - s0) / (TREND_END_YEAR - y0) if y0 < TREND_END_YEAR else 0.0
    if required <= 0:  # the base year was already at green, the latest value is not
        return "on_track" if observed >= 0 else "decreasing"
    if observed >= required - EPS:
        return "on_track"
    if observed >= 0.5 * required - EPS:
        return "moderately_improving"
    if observed >= -EPS:
        return "stagnating"
    return "decreasing"


def indicator_trend(series: Series, thresholds: Thresholds, base_year: int = DEFAULT_BASE_YEAR) -> str:
    """SDSN trend arrow for one indicator from its (year, value) series."""
    ends = _base_and_latest(series, base_year)
    green_score = normalised_score(thresholds.green, thresholds)
    if ends is None or green_score is None:
        return "unavailable"
    (y0, v0), (y1, v1) = ends
    s0, s1 = normalised_score(v0, thresholds), normalised_score(v1, thresholds)
    if s0 is None or s1 is None:
        return "unavailable"
    return _trend_from_scores((y0, s0), (y1, s1), green_score, indicator_status(v1, thresholds) == "green")


def goal_trend(members: Sequence[tuple[Series, Thresholds]], base_year: int = DEFAULT_BASE_YEAR) -> str:
    """SDSN-style goal trend: the same rule on the mean score of the indicators with a trend.

    Uses the indicators whose own trend can be computed; the goal's green score is the mean of
    their green-threshold scores.
    """
    usable = [(ends, t) for series, t in members if (ends := _base_and_latest(series, base_year))]
    if not usable:
        return "unavailable"
    base_year_mean = sum(e[0][0] for e, _ in usable) / len(usable)
    latest_year_mean = sum(e[1][0] for e, _ in usable) / len(usable)
    if latest_year_mean <= base_year_mean:
        return "unavailable"
    base_scores = [normalised_score(e[0][1], t) for e, t in usable]
    latest_scores = [normalised_score(e[1][1], t) for e, t in usable]
    green_scores = [normalised_score(t.green, t) for _, t in usable]
    if any(s is None for s in base_scores + latest_scores + green_scores):
        return "unavailable"
    s0 = sum(s for s in base_scores if s is not None) / len(usable)
    s1 = sum(s for s in latest_scores if s is not None) / len(usable)
    green = sum(s for s in green_scores if s is not None) / len(usable)
    all_green = all(indicator_status(e[1][1], t) == "green" for e, t in usable)
    return _trend_from_scores((base_year_mean, s0), (latest_year_mean, s1), green, all_green)


def target_progress(
    series: Series, direction: str, target: float, target_year: int, base_year: int = DEFAULT_BASE_YEAR
) -> tuple[str, float | None]:
    """Distance to a local target: (category, ratio R of observed to required growth)."""
    d = 1 if direction == "higher" else -1
    if series and d * (series[-1][1] - target) >= 0:
        return "achieved", None  # one value is enough to say a target is met
    ends = _base_and_latest(series, base_year)
    if ends is None or target_year <= ends[0][0]:
        return "unavailable", None
    (y0, v0), (y1, v1) = ends
    if v0 > 0 and v1 > 0 and target > 0:  # compound growth, as Statistics Canada
        observed = (v1 / v0) ** (1 / (y1 - y0)) - 1
        required = (target / v0) ** (1 / (target_year - y0)) - 1
    else:  # a zero target ("vision zero") or values at zero: linear annual change instead
        observed = (v1 - v0) / (y1 - y0)
        required = (target - v0) / (target_year - y0)
    if required == 0:
        return ("on_track" if d * observed >= 0 else "deterioration"), None
    ratio = d * observed / abs(required)
    if ratio >= 0.95 - EPS:
        return "on_track", ratio
    if ratio >= 0.6 - EPS:
        return "acceleration_needed", ratio
    if ratio >= -EPS:
        return "limited_progress", ratio
    return "deterioration", ratio


def growth_progress(series: Series, direction: str, base_year: int = DEFAULT_BASE_YEAR) -> tuple[str, float | None]:
    """No target: the direction-adjusted compound annual growth rate against fixed thresholds."""
    ends = _base_and_latest(series, base_year)
    if ends is None or direction not in ("higher", "lower"):
        return "unavailable", None
    (y0, v0), (y1, v1) = ends
    if v0 <= 0 or v1 <= 0:
        return "unavailable", None
    growth = (1 if direction == "higher" else -1) * ((v1 / v0) ** (1 / (y1 - y0)) - 1)
    if growth >= NO_TARGET_ON_TRACK - EPS:
        return "on_track", growth
    if growth >= NO_TARGET_ACCELERATE - EPS:
        return "acceleration_needed", growth
    if growth >= -EPS:
        return "limited_progress", growth
    return "deterioration", growth


@dataclass(frozen=True)
class KpiSummary:
    indicator: Indicator
    series: tuple[Observation, ...]  # the entity's observations with a value, by period
    latest: Observation | None
    previous: Observation | None
    change: float | None
    county: Observation | None  # comparison values for the latest period, when published
    nation: Observation | None


def summarise_indicator(
    dataset: Dataset, indicator: Indicator, entity: str, county: str | None, nation: str | None
) -> KpiSummary:
    series = tuple(o for o in dataset.series(indicator.id, entity) if o.value is not None)
    latest = series[-1] if series else None
    previous = series[-2] if len(series) > 1 else None
    change = (
        latest.value - previous.value
        if latest and previous and latest.value is not None and previous.value is not None
        else None
    )
    return KpiSummary(
        indicator=indicator,
        series=series,
        latest=latest,
        previous=previous,
        change=change,
        county=_value_at(dataset, indicator.id, county, latest),
        nation=_value_at(dataset, indicator.id, nation, latest),
    )


def summarise_entity(
    dataset: Dataset, entity: str, county: str | None, nation: str | None
) -> dict[int, list[KpiSummary]]:
    """KPI summaries grouped by goal, for every goal where `entity` has data.

    Indicators of such a goal without values for the entity are kept (latest is None), so the
    report can say "no data" openly instead of hiding them; an indicator collected only in other
    counties (its `scope`) is not listed.
    """
    by_goal: dict[int, list[KpiSummary]] = {}
    for indicator in sorted(dataset.indicators.values(), key=lambda i: (i.goal, i.id)):
        if county is not None and not indicator.in_scope(county) and not dataset.series(indicator.id, entity):
            continue
        by_goal.setdefault(indicator.goal, []).append(summarise_indicator(dataset, indicator, entity, county, nation))
    return {goal: summaries for goal, summaries in by_goal.items() if any(s.latest for s in summaries)}


def _value_at(dataset: Dataset, indicator: str, entity: str | None, latest: Observation | None) -> Observation | None:
    if entity is None or latest is None:
        return None
    for observation in dataset.series(indicator, entity):
        if observation.period == latest.period and observation.value is not None:
            return observation
    return None


def thresholds_of(indicator: Indicator) -> Thresholds | None:
    if not indicator.thresholds:
        return None
    return Thresholds(indicator.direction, **indicator.thresholds)


@dataclass(frozen=True)
class IndicatorResult:
    """The judgement of one indicator for one entity, from its latest value."""

    entity: str
    indicator: Indicator
    period: int | None
    value: float | None
    score: float | None
    status: str  # STATUSES; grey also when the indicator has no thresholds
    trend: str  # TRENDS (SDSN); unavailable without thresholds
    progress: str  # PROGRESS: distance to the local target, or growth without one
    ratio: float | None  # observed/required growth (target) or the growth rate (no target)
    method: str  # "sdsn", "target" or "none"
    outdated: bool = False  # the latest value is older than the report year less `outdated_after` years
    future: bool = False  # the latest value is for a period after the report year

    @property
    def judged_by(self) -> str:
        """The methods applied, as the method annex names them: "sdsn_target", "sdsn", "target" or "none"."""
        if self.method == "sdsn" and self.indicator.target is not None:
            return "sdsn_target"
        return self.method


@dataclass(frozen=True)
class GoalRow:
    entity: str
    goal: int
    result: GoalResult
    trend: str
    outdated: bool = False  # every value behind the goal's colour is outdated: the colour rests on old data alone
    latest: int | None = None  # the latest period among those values


@dataclass(frozen=True)
class Timeliness:
    """How old a latest value may be: older than `report_year - outdated_after` is outdated."""

    report_year: int
    outdated_after: int = 5

    def outdated(self, period: int | None) -> bool:
        return period is not None and period < self.report_year - self.outdated_after

    def future(self, period: int | None) -> bool:
        return period is not None and period > self.report_year


def assess_indicator(
    entity: str,
    indicator: Indicator,
    observations: Sequence[Observation],
    base_year: int = DEFAULT_BASE_YEAR,
    timeliness: Timeliness | None = None,
) -> IndicatorResult:
    series = [(o.period, o.value) for o in sorted(observations, key=lambda o: o.period) if o.value is not None]
    latest: tuple[int | None, float | None] = series[-1] if series else (None, None)
    thresholds = thresholds_of(indicator)
    if indicator.target is not None and indicator.target_year is not None:  # the catalogue requires both
        progress, ratio = target_progress(
            series, indicator.direction, indicator.target, indicator.target_year, base_year
        )
    else:
        progress, ratio = growth_progress(series, indicator.direction, base_year)
    return IndicatorResult(
        entity=entity,
        indicator=indicator,
        period=latest[0],
        value=latest[1],
        score=normalised_score(latest[1], thresholds) if thresholds else None,
        status=indicator_status(latest[1], thresholds) if thresholds else "grey",
        trend=indicator_trend(series, thresholds, base_year) if thresholds else "unavailable",
        progress=progress,
        ratio=ratio,
        method="sdsn" if thresholds else ("target" if indicator.target is not None else "none"),
        outdated=bool(timeliness and timeliness.outdated(latest[0])),
        future=bool(timeliness and timeliness.future(latest[0])),
    )


def assess_dataset(
    dataset: Dataset,
    base_year: int = DEFAULT_BASE_YEAR,
    entities: Sequence[str] | None = None,
    counties: Mapping[str, str] | None = None,
    timeliness: Timeliness | None = None,
) -> tuple[list[IndicatorResult], list[GoalRow]]:
    """Judge every entity × indicator and entity × goal in the dataset.

    `counties`: each entity's county (a county's is itself, the nation's ""); a goal's colour then counts
    only the indicators collected there (an indicator's `scope`), so one county's own data does not grey
    everyone else's goals. `timeliness`: flags latest values that are outdated or after the report year.
    """
    by_key: dict[tuple[str, str], list[Observation]] = {}
    for o in dataset.observations:
        by_key.setdefault((o.entity, o.indicator), []).append(o)
    entities = sorted(entities if entities is not None else {o.entity for o in dataset.observations})
    indicators = sorted(dataset.indicators.values(), key=lambda i: (i.goal, i.id))
    rows, goals = [], []
    for entity in entities:
        results = [
            assess_indicator(entity, i, by_key.get((entity, i.id), []), base_year, timeliness) for i in indicators
        ]
        rows.extend(results)
        county = counties.get(entity, "") if counties is not None else None
        for goal in sorted({i.goal for i in indicators}):
            members = [
                r
                for r in results
                if r.indicator.goal == goal and r.method == "sdsn" and (county is None or r.indicator.in_scope(county))
            ]
            if not members:
                continue
            judged = [(r, t) for r in members if (t := thresholds_of(r.indicator)) is not None]  # all: "sdsn"
            pairs = [(r.value, t) for r, t in judged]
            series = [
                (
                    [
                        (o.period, o.value)
                        for o in sorted(by_key.get((entity, r.indicator.id), []), key=lambda o: o.period)
                        if o.value is not None
                    ],
                    t,
                )
                for r, t in judged
            ]
            valued = [r for r, _ in judged if r.value is not None]
            latest = max((r.period for r in valued if r.period is not None), default=None)
            outdated = bool(valued) and all(r.outdated for r in valued)
            goals.append(GoalRow(entity, goal, assess_goal(pairs), goal_trend(series, base_year), outdated, latest))
    return rows, goals
