"""The indicator data types every later phase reads: `Indicator`, `Observation` and `Dataset`.

Types only: `catalogue` reads indicators, `observations` and `sources` read observations, and
`observations.load_dataset` joins them. Every value keeps the cell it came from.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from vlrgen.problems import Location

__all__ = ["Dataset", "Indicator", "Observation"]


@dataclass(frozen=True)
class Indicator:
    """One catalogue row. Its texts (name, unit, source_name, definition, threshold_note, subject) are keyed by
    language code: the languages the catalogue was read in (the report languages, `catalogue.py`)."""

    id: str
    goal: int
    targets: tuple[str, ...]
    name: dict[str, str]
    unit: dict[str, str]
    decimals: int
    direction: str  # "higher" or "lower" is better, or "none" (a context indicator)
    source_name: dict[str, str]
    source_url: str
    framework_ref: str
    sdg_relation: str
    sdg_indicator: str
    definition: dict[str, str]
    location: Location
    thresholds: dict[str, float] | None = None  # best, worst, green, red (SDSN), or None
    target: float | None = None  # a local target value and the year it should be reached
    target_year: int | None = None
    threshold_origin: str = ""  # national_target, council_decision, sdsn_practice, ...
    threshold_note: dict[str, str] | None = None
    weighting: str = "none"  # "population": a county or national value is the population-weighted mean
    subject: dict[str, str] | None = None  # the measure as a sentence's subject in running text, per language
    scope: tuple[str, ...] = ()  # county codes where the indicator is collected; empty: all of Norway
    u4ssc: str = ""  # the U4SSC KPI it matches (code as in KS's list, e.g. "SC: SH: SI: 4C")
    jrc2022: str = ""  # the EU JRC VLR handbook 2022 indicator it matches (KS's id, e.g. "2787")
    breakdowns: tuple[str, ...] = ()  # dimensions the source can break it down by (sex, immigrant_category…)

    def in_scope(self, county: str) -> bool:
        """Is the indicator collected where a place of this county lies (any county when it has no scope)?"""
        return not self.scope or county in self.scope


@dataclass(frozen=True)
class Observation:
    """One value of one indicator for one entity and period, with the cell it came from."""

    indicator: str
    entity: str
    period: int
    value: float | None
    period_label: str
    location: Location
    derived: str = ""  # "sum": a county total vlrgen added up from the municipalities (county_totals)
    group: tuple[str, ...] = ()  # a breakdown's (dimension, group code), e.g. ("sex", "female"); () the total


@dataclass(frozen=True)
class Dataset:
    indicators: dict[str, Indicator]
    observations: tuple[Observation, ...]
    files: tuple[Path, ...] = ()  # every file read for this data set (the build's cache checks them)
    breakdowns: tuple[Observation, ...] = ()  # values of groups (Observation.group), kept apart from the totals

    def groups(self, indicator: str, entity: str) -> dict[str, dict[str, tuple[Observation, ...]]]:
        """An indicator's breakdowns for one entity: dimension → group code → its series by period."""
        found: dict[str, dict[str, list[Observation]]] = {}
        for o in self._groups_by_key.get((indicator, entity), ()):
            found.setdefault(o.group[0], {}).setdefault(o.group[1], []).append(o)
        return {d: {g: tuple(sorted(s, key=lambda o: o.period)) for g, s in by.items()} for d, by in found.items()}

    @functools.cached_property
    def _groups_by_key(self) -> dict[tuple[str, str], tuple[Observation, ...]]:
        grouped: dict[tuple[str, str], list[Observation]] = {}
        for o in self.breakdowns:
            grouped.setdefault((o.indicator, o.entity), []).append(o)
        return {key: tuple(items) for key, items in grouped.items()}

    def series(self, indicator: str, entity: str) -> tuple[Observation, ...]:
        return self._by_key.get((indicator, entity), ())

    @functools.cached_property
    def _by_key(self) -> dict[tuple[str, str], tuple[Observation, ...]]:
        """Series by (indicator, entity), built once: a review asks for thousands of them."""
        grouped: dict[tuple[str, str], list[Observation]] = {}
        for o in self.observations:
            grouped.setdefault((o.indicator, o.entity), []).append(o)
        return {key: tuple(sorted(items, key=lambda o: o.period)) for key, items in grouped.items()}

    def __getstate__(self):  # the index is rebuilt after unpickling, not stored in the cache
        return {k: v for k, v in self.__dict__.items() if k not in ("_by_key", "_groups_by_key")}

    def for_entities(self, entities: set[str]) -> Dataset:
        return Dataset(
            self.indicators,
            tuple(o for o in self.observations if o.entity in entities),
            self.files,
            tuple(o for o in self.breakdowns if o.entity in entities),
        )
