"""Compare one municipality with its county, the nation and its peers (municipalities of similar size).

For each indicator with a value for the municipality: the county, national and peer-group values
for the same period (published where the source gives them, otherwise computed from the
municipalities as `aggregate` does, saying how), the municipality's rank within its county, and
the national spread of values that the report draws as a distribution chart. Language-free.
"""

from __future__ import annotations

from dataclasses import dataclass

from vlrgen import reference
from vlrgen.inputs.dataset import Dataset, Indicator
from vlrgen.inputs.members import Member, make_member, scope_members
from vlrgen.inputs.recent import per_data_set
from vlrgen.judge.aggregate import Aggregate, aggregate_indicator, peer_members

__all__ = ["Comparison", "compare_entity"]


@dataclass(frozen=True)
class Comparison:
    indicator: Indicator
    period: int
    label: str
    value: float
    county: Aggregate | None
    nation: Aggregate
    peers: Aggregate
    band: int
    rank: int | None  # 1 = best (highest for a context indicator) among the county's municipalities with data
    ranked: int
    member: Member
    spread: tuple[float, ...]  # every municipality's value for the period; empty when fewer than 3 have one


@per_data_set
def compare_entity(dataset: Dataset, code: str, year: int) -> dict[str, Comparison]:
    """Comparisons by indicator id, for every indicator with a value for `code` (shared; not to be changed)."""
    member = make_member(code, year)
    county_members = tuple(make_member(c, year) for c in scope_members(member.county_code))
    nation_members = tuple(make_member(c, year) for c in scope_members(reference.NATION_CODE))
    peers = peer_members(member, year)
    found = {}
    for indicator in sorted(dataset.indicators.values(), key=lambda i: (i.goal, i.id)):
        series = [o for o in dataset.series(indicator.id, code) if o.value is not None]
        if not series or series[-1].value is None:
            continue
        latest = series[-1]
        period = latest.period
        county = aggregate_indicator(dataset, indicator, county_members, period, member.county_code)
        nation = aggregate_indicator(dataset, indicator, nation_members, period, reference.NATION_CODE)
        peer = aggregate_indicator(dataset, indicator, peers, period, None)
        rank, ranked = _rank(dataset, indicator, county_members, code, period)
        spread = tuple(v for _, v in _values(dataset, indicator, nation_members, period))
        found[indicator.id] = Comparison(
            indicator,
            period,
            latest.period_label or str(period),
            series[-1].value,
            county,
            nation,
            peer,
            member.band,
            rank,
            ranked,
            member,
            spread if len(spread) >= 3 else (),
        )
    return found


def _values(dataset: Dataset, indicator: Indicator, members, period: int) -> list[tuple[str, float]]:
    values = []
    for m in members:
        for o in dataset.series(indicator.id, m.code):
            if o.period == period and o.value is not None:
                values.append((m.code, o.value))
    return values


def _rank(dataset: Dataset, indicator: Indicator, members, code: str, period: int) -> tuple[int | None, int]:
    values = _values(dataset, indicator, members, period)
    if len(values) < 2:
        return None, len(values)
    reverse = indicator.direction != "lower"
    ordered = sorted(values, key=lambda cv: -cv[1] if reverse else cv[1])
    own = dict(values)[code]
    better = sum(1 for _, v in ordered if (v > own if reverse else v < own))
    return better + 1, len(values)
