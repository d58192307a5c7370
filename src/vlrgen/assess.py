"""Judging indicators: pure functions from observations to summaries (no I/O).

For now this computes the KPI table figures (latest, previous, change, comparisons);
status, trend and distance to target build on the same `KpiSummary`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .data import Dataset, Indicator, Observation

__all__ = ["KpiSummary", "summarise_indicator", "summarise_entity"]


@dataclass(frozen=True)
class KpiSummary:
    indicator: Indicator
    series: tuple[Observation, ...]  # the entity's observations with a value, by period
    latest: Observation | None
    previous: Observation | None
    change: float | None
    county: Observation | None  # comparison values for the latest period, when published
    nation: Observation | None


def summarise_indicator(dataset: Dataset, indicator: Indicator, entity: str,
                        county: str | None, nation: str | None) -> KpiSummary:
    series = tuple(o for o in dataset.series(indicator.id, entity) if o.value is not None)
    latest = series[-1] if series else None
    previous = series[-2] if len(series) > 1 else None
    change = latest.value - previous.value if latest and previous else None
    return KpiSummary(
        indicator=indicator, series=series, latest=latest, previous=previous, change=change,
        county=_value_at(dataset, indicator.id, county, latest),
        nation=_value_at(dataset, indicator.id, nation, latest),
    )


def summarise_entity(dataset: Dataset, entity: str, county: str | None,
                     nation: str | None) -> dict[int, list[KpiSummary]]:
    """KPI summaries for every catalogued indicator with data for `entity`, grouped by goal."""
    by_goal: dict[int, list[KpiSummary]] = {}
    for indicator in sorted(dataset.indicators.values(), key=lambda i: (i.goal, i.id)):
        summary = summarise_indicator(dataset, indicator, entity, county, nation)
        if summary.latest is not None:
            by_goal.setdefault(indicator.goal, []).append(summary)
    return by_goal


def _value_at(dataset: Dataset, indicator: str, entity: str | None,
              latest: Observation | None) -> Observation | None:
    if entity is None or latest is None:
        return None
    for observation in dataset.series(indicator, entity):
        if observation.period == latest.period and observation.value is not None:
            return observation
    return None
