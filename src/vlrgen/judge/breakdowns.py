"""Leave no one behind: an indicator's breakdowns for one entity, with the gap between two groups.

For each breakdown the data hold (sex, immigrant category, …) the groups' series and, where the
dimension has a comparison the report states (women − men, immigrants − the rest of the
population), the gap per period and how it developed from the first to the latest period in which
both groups have a value. Language-free: the report words it.
"""

from __future__ import annotations

from dataclasses import dataclass

from vlrgen.inputs.breakdowns import group_order
from vlrgen.inputs.dataset import Dataset, Indicator, Observation

__all__ = ["GAP_PAIRS", "Breakdown", "Gap", "breakdown_coverage", "breakdowns_of"]

# dimension → the pairs (first − second) whose gap is stated, the first pair the data have wins
GAP_PAIRS: dict[str, tuple[tuple[str, str], ...]] = {
    "sex": (("female", "male"), ("girls", "boys")),
    "immigrant_category": (("immigrants", "rest_of_population"), ("immigrants", "all")),
    "language_group": (("minority", "majority"), ("minority", "all")),
    "education": (("primary", "higher"),),
}


@dataclass(frozen=True)
class Gap:
    period: int
    label: str  # the published period text, or ""
    first: float  # the first group's value
    second: float
    value: float  # first − second


@dataclass(frozen=True)
class Breakdown:
    """One indicator broken down by one dimension for one entity."""

    indicator: Indicator
    entity: str
    dimension: str
    groups: tuple[tuple[str, tuple[Observation, ...]], ...]  # (group code, series), in the dimension's order
    pair: tuple[str, str] | None  # the groups whose gap is stated (first − second), or None
    gaps: tuple[Gap, ...]  # per period where both groups of the pair have a value
    development: str  # "widened", "narrowed", "unchanged", "reversed" or "single" (one period)
    total_group: str = ""  # the group the indicator's own value is (low income *among immigrants*), or ""

    @property
    def periods(self) -> tuple[int, ...]:
        return tuple(sorted({o.period for _, series in self.groups for o in series}))

    @property
    def latest(self) -> Gap | None:
        return self.gaps[-1] if self.gaps else None


def breakdowns_of(dataset: Dataset, indicator: Indicator, entity: str) -> tuple[Breakdown, ...]:
    """The entity's breakdowns of the indicator, those with values for at least two groups."""
    found = []
    for dimension, by_group in sorted(dataset.groups(indicator.id, entity).items()):
        groups = tuple(
            (code, tuple(o for o in series if o.value is not None))
            for code, series in sorted(by_group.items(), key=lambda item: group_order(dimension, item[0]))
        )
        groups = tuple((code, series) for code, series in groups if series)
        if len(groups) < 2:
            continue
        present = {code for code, _ in groups}
        pair = next((p for p in GAP_PAIRS.get(dimension, ()) if set(p) <= present), None)
        gaps = _gaps(dict(groups), pair) if pair else ()
        development = _development(gaps, indicator.decimals)
        total = {o.period: o.value for o in dataset.series(indicator.id, entity) if o.value is not None}
        same = [code for code, series in groups if total and all(total.get(o.period) == o.value for o in series)]
        found.append(Breakdown(indicator, entity, dimension, groups, pair, gaps, development, "".join(same[:1])))
    return tuple(found)


def _gaps(groups: dict[str, tuple[Observation, ...]], pair: tuple[str, str]) -> tuple[Gap, ...]:
    first = {o.period: o for o in groups[pair[0]]}
    second = {o.period: o for o in groups[pair[1]]}
    gaps = []
    for period in sorted(set(first) & set(second)):
        a, b = first[period], second[period]
        if a.value is not None and b.value is not None:
            gaps.append(Gap(period, a.period_label or b.period_label, a.value, b.value, a.value - b.value))
    return tuple(gaps)


def _development(gaps: tuple[Gap, ...], decimals: int) -> str:
    """How the gap developed from its first to its latest period, at the precision the report shows."""
    if len(gaps) < 2:
        return "single"
    start, end = round(gaps[0].value, decimals), round(gaps[-1].value, decimals)
    if start * end < 0:
        return "reversed"
    if abs(end) > abs(start):
        return "widened"
    if abs(end) < abs(start):
        return "narrowed"
    return "unchanged"


def breakdown_coverage(dataset: Dataset, members: list[str]) -> tuple[tuple[Indicator, str, int], ...]:
    """A review's breakdowns: (indicator, dimension, members with values for two groups or more), by goal."""
    wanted = set(members)
    groups: dict[tuple[str, str, str], set[str]] = {}
    for o in dataset.breakdowns:
        if o.entity in wanted and o.value is not None:
            groups.setdefault((o.indicator, o.group[0], o.entity), set()).add(o.group[1])
    counts: dict[tuple[str, str], int] = {}
    for (indicator, dimension, _), found in groups.items():
        if len(found) > 1:
            counts[(indicator, dimension)] = counts.get((indicator, dimension), 0) + 1
    rows = [(dataset.indicators[i], d, n) for (i, d), n in counts.items() if i in dataset.indicators]
    return tuple(sorted(rows, key=lambda r: (r[0].goal, r[0].id, r[1])))
