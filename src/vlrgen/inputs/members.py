"""Members of a review: the municipalities in its scope, with population and size band on 1 January.

Read from the packaged reference data (population by municipality and year, 2024 borders).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from vlrgen import reference
from vlrgen.inputs.dataset import Dataset
from vlrgen.inputs.i18n import Language

__all__ = [
    "SIZE_BANDS",
    "Member",
    "band_label",
    "list_members",
    "make_member",
    "population_of",
    "scope_members",
    "size_band",
]

# Population bands for peer groups (residents on 1 January): lower bound inclusive, upper exclusive.
SIZE_BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 2000),
    (2000, 5000),
    (5000, 10000),
    (10000, 20000),
    (20000, 50000),
    (50000, None),
)


@dataclass(frozen=True)
class Member:
    code: str
    name: str
    county_code: str
    population: int | None  # on 1 January of the report year (or the latest year before it)
    band: int  # index into SIZE_BANDS, -1 when the population is unknown
    slug: str | None = None  # folder of this member's own report, when one was built
    population_year: int | None = None  # the 1 January the population is for


def size_band(population: int | None) -> int:
    if population is None:
        return -1
    return next(
        i for i, (low, high) in enumerate(SIZE_BANDS) if population >= low and (high is None or population < high)
    )


def band_label(band: int, language: Language) -> str:
    """A size band in words: "under 2 000 inhabitants", "2 000–4 999 inhabitants", …"""
    if band < 0:
        return language.t("review.band_unknown")
    low, high = SIZE_BANDS[band]
    if high is None:
        return language.t("review.band_over", low=language.number(low, 0))
    if low == 0:
        return language.t("review.band_under", high=language.number(high, 0))
    return language.t("review.band_between", low=language.number(low, 0), high=language.number(high - 1, 0))


def population_of(code: str, year: int) -> int | None:
    found = _population_and_year(code, year)
    return found[0] if found else None


@functools.lru_cache(maxsize=16384)  # every member page, peer group and weighting asks again
def _population_and_year(code: str, year: int) -> tuple[int, int] | None:
    """Population on 1 January of `year`, or of the latest year before it that the packaged data has."""
    table = reference.populations()
    for candidate in range(year, year - 20, -1):
        if (code, candidate) in table:
            return table[(code, candidate)], candidate
    return None


def make_member(code: str, year: int, slug: str | None = None) -> Member:
    place = reference.known_place(code)
    population, when = _population_and_year(code, year) or (None, None)
    return Member(code, reference.display_name(code), place.county_code, population, size_band(population), slug, when)


def scope_members(scope_code: str) -> list[str]:
    """Municipality codes of a county, or of the whole country for the nation code."""
    return sorted(
        c
        for c, p in reference.municipalities().items()
        if scope_code == reference.NATION_CODE or p.county_code == scope_code
    )


def list_members(
    scope_code: str, scope: str | None, project_slugs: dict[str, str], dataset: Dataset, year: int
) -> tuple[Member, ...]:
    """Members: the municipalities of the scope ("all" or those "in_data"), plus the member projects."""
    codes: set[str] = set(project_slugs)
    if scope == "all":
        codes.update(scope_members(scope_code))
    elif scope == "in_data":
        with_data = {o.entity for o in dataset.observations if o.value is not None}
        codes.update(c for c in scope_members(scope_code) if c in with_data)
    return tuple(make_member(code, year, project_slugs.get(code)) for code in sorted(codes))
