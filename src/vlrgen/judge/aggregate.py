"""Aggregation across members: what a county review or the national VSR says about many municipalities.

Pure functions over a Dataset and the packaged reference data (no I/O): the member list with
population and size band, county and national values (published, population-weighted or the
median, always saying which), an indicator's distribution over members, goal-status shares,
top and bottom performers, coverage and peer groups of similar size.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from vlrgen import reference
from vlrgen.inputs.dataset import Dataset, Indicator
from vlrgen.inputs.members import Member, make_member, population_of, scope_members
from vlrgen.judge.rules import STATUSES, GoalRow, IndicatorResult, normalised_score, thresholds_of

__all__ = [
    "Aggregate",
    "Coverage",
    "Distribution",
    "aggregate_indicator",
    "best_and_worst_indicators",
    "coverage",
    "distribution",
    "goal_shares",
    "peer_members",
    "top_and_bottom",
]

MIN_COVERAGE = 0.5  # share of the members' population (or of the members) needed to compute a value


@dataclass(frozen=True)
class Aggregate:
    """A county or national value for one period, and how it was obtained."""

    period: int | None
    published: float | None  # the value the source itself gives for the county or nation
    computed: float | None  # from the members' values
    method: str  # how `computed` was made: "weighted" (by population), "median", "too_few" or "none"
    with_data: int  # members with a value for the period
    members: int
    population_share: float | None  # share of the scope's population living in members with a value
    published_kind: str = "published"  # "sum": the county total vlrgen added up from its municipalities

    @property
    def value(self) -> float | None:
        return self.published if self.published is not None else self.computed

    @property
    def how(self) -> str:
        """How `value` came about: "published", "sum", "weighted", "median", "too_few" or "none"."""
        return self.published_kind if self.published is not None else self.method


@dataclass(frozen=True)
class Distribution:
    indicator: Indicator
    period: int | None
    label: str  # the period as the source writes it, e.g. "2018-2024"
    values: tuple[tuple[Member, float], ...]  # best first (highest first for a context indicator)
    missing: tuple[Member, ...]
    aggregate: Aggregate


@dataclass(frozen=True)
class Coverage:
    """Which members report which indicators: (first year, last year, number of years) or None."""

    indicators: tuple[Indicator, ...]
    rows: tuple[tuple[Member, tuple[tuple[int, int, int] | None, ...]], ...]


def _latest_common_period(indicator: Indicator, members: Sequence[Member], dataset: Dataset) -> int | None:
    """The latest period for which at least half as many members have a value as in the best-covered one."""
    counts: dict[int, int] = {}
    for member in members:
        for o in dataset.series(indicator.id, member.code):
            if o.value is not None:
                counts[o.period] = counts.get(o.period, 0) + 1
    if not counts:
        return None
    most = max(counts.values())
    return max(period for period, n in counts.items() if 2 * n >= most)


def _value(dataset: Dataset, indicator: str, code: str, period: int | None) -> float | None:
    for o in dataset.series(indicator, code):
        if o.period == period:
            return o.value
    return None


def aggregate_indicator(
    dataset: Dataset, indicator: Indicator, members: Sequence[Member], period: int | None, scope_code: str | None
) -> Aggregate:
    """The scope's value for `period`: as published, and computed from the members.

    Population-weighted when the catalogue says the indicator allows it (weighting = population),
    otherwise the median of the members, which is not a county or national value and is labelled so.
    Nothing is computed when the members with data hold less than half of the scope's population
    (weighted) or are fewer than half of its municipalities (median): method "too_few". The scope is
    the county or the whole country (not just the members a review lists), or the members themselves
    for a peer group (`scope_code` None).
    """
    values = [(m, v) for m in members if (v := _value(dataset, indicator.id, m.code, period)) is not None]
    found = _observation(dataset, indicator.id, scope_code, period) if scope_code is not None else None
    published = found.value if found is not None else None
    year = period or 0
    scope = scope_members(scope_code) if scope_code is not None else [m.code for m in members]
    total = sum(population_of(code, year) or 0 for code in scope)
    covered = sum(population_of(m.code, year) or 0 for m, _ in values)
    computed, method = None, "none"
    share = covered / total if total else None
    if not values:
        pass
    elif indicator.weighting == "population" and (share or 0) < MIN_COVERAGE:
        method = "too_few"  # a "national" value from a few municipalities would mislead
    elif indicator.weighting != "population" and 2 * len(values) < len(scope):
        method = "too_few"
    elif indicator.weighting == "population":
        weights = [(v, population_of(m.code, year) or 0) for m, v in values]
        computed = sum(v * w for v, w in weights) / sum(w for _, w in weights)
        method = "weighted"
    else:
        computed, method = statistics.median(v for _, v in values), "median"
    kind = "sum" if found is not None and found.derived == "sum" else "published"
    return Aggregate(period, published, computed, method, len(values), len(members), share, kind)


def _observation(dataset: Dataset, indicator: str, code: str, period: int | None):
    for o in dataset.series(indicator, code):
        if o.period == period and o.value is not None:
            return o
    return None


def distribution(
    dataset: Dataset, indicator: Indicator, members: Sequence[Member], scope_code: str | None
) -> Distribution:
    period = _latest_common_period(indicator, members, dataset)
    values, missing, label = [], [], str(period or "")
    for member in members:
        found = next((o for o in dataset.series(indicator.id, member.code) if o.period == period), None)
        if found is None or found.value is None:
            missing.append(member)
        else:
            values.append((member, found.value))
            label = found.period_label or label
    reverse = indicator.direction != "lower"  # best (or highest) first
    values.sort(key=lambda mv: ((-mv[1] if reverse else mv[1]), mv[0].name))
    return Distribution(
        indicator,
        period,
        label,
        tuple(values),
        tuple(missing),
        aggregate_indicator(dataset, indicator, members, period, scope_code),
    )


def top_and_bottom(dist: Distribution, count: int = 3) -> tuple[tuple, tuple]:
    """The best and the worst members (highest and lowest for a context indicator), best first.

    Members tied with the last one shown are shown too, so a cut never picks among equals by name.
    """
    values = dist.values
    if len(values) < 2 * count:
        count = len(values) // 2
    if not count:
        return (), ()
    top = [mv for mv in values if _at_least(mv[1], values[count - 1][1], dist.indicator)]
    bottom = [mv for mv in reversed(values) if _at_least(values[len(values) - count][1], mv[1], dist.indicator)]
    return tuple(top), tuple(bottom)


def _at_least(value: float, other: float, indicator: Indicator) -> bool:
    """Is `value` at least as far along the ranking order as `other` (best or highest first)?"""
    return value <= other if indicator.direction == "lower" else value >= other


def goal_shares(
    goal_rows: Sequence[GoalRow], members: Sequence[Member], goals: Sequence[int]
) -> dict[int, dict[str, int]]:
    """Per goal: how many members are green, yellow, orange, red or grey (no assessment)."""
    status = {(row.entity, row.goal): row.result.status for row in goal_rows}
    shares = {}
    for goal in goals:
        counts = dict.fromkeys(STATUSES, 0)
        for member in members:
            counts[status.get((member.code, goal), "grey")] += 1
        shares[goal] = counts
    return shares


def best_and_worst_indicators(results: Sequence[IndicatorResult], count: int = 3) -> tuple[list, list]:
    """A member's indicators with a status, by normalised score: the best and the worst few."""
    scored = [r for r in results if r.score is not None]
    scored.sort(key=lambda r: (-(r.score or 0.0), r.indicator.id))  # every score is set here
    if len(scored) < 2 * count:
        count = (len(scored) + 1) // 2
    best = scored[:count]
    worst = [r for r in reversed(scored[len(scored) - count :]) if r not in best] if count else []
    return best, worst


def coverage(dataset: Dataset, indicators: Sequence[Indicator], members: Sequence[Member]) -> Coverage:
    rows = []
    for member in members:
        cells = []
        for indicator in indicators:
            years = [o.period for o in dataset.series(indicator.id, member.code) if o.value is not None]
            cells.append((min(years), max(years), len(years)) if years else None)
        rows.append((member, tuple(cells)))
    return Coverage(tuple(indicators), tuple(rows))


def peer_members(member: Member, year: int) -> tuple[Member, ...]:
    """All municipalities of the country in the same size band (the member included)."""
    return tuple(
        m
        for code in scope_members(reference.NATION_CODE)
        if (m := make_member(code, year)).band == member.band and member.band >= 0
    )


def score_of(indicator: Indicator, value: float | None) -> float | None:
    thresholds = thresholds_of(indicator)
    return normalised_score(value, thresholds) if thresholds and value is not None else None
