"""The standard breakdowns (disaggregations) a declared series can keep: dimensions and their group codes.

A `[[source.series]]` maps a column of its file to one of these dimensions and each value it reads in
that column to one of the dimension's group codes:

    [source.series.dimensions.innvkat_3]
    dimension = "immigrant_category"
    values = { innvandrere = "immigrants", befolkningen_ellers = "rest_of_population" }

The codes are language-free; the report catalogs word them (`breakdown.group.<code>`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from vlrgen.problems import Location

__all__ = ["DIMENSIONS", "BreakdownSpec", "known_group"]

# dimension → the group codes it knows, in the order a report lists them ("all": everyone, the total)
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "sex": ("female", "male", "girls", "boys", "all"),
    "immigrant_category": (
        "immigrants",
        "norwegian_born_to_immigrant_parents",
        "rest_of_population",
        "all",
    ),
    "language_group": ("minority", "majority", "all"),
    "education": ("primary", "upper_secondary", "higher", "all"),
    "reason_for_immigration": ("labour", "family", "refugees", "education_or_other", "not_stated", "all"),
    "age_group": (),  # codes are age bands: "16-25", "67+"
}
AGE_BAND = re.compile(r"\d{1,3}(-\d{1,3}|\+)")


def known_group(dimension: str, code: str) -> bool:
    """Is `code` a group of the standard `dimension`?"""
    if dimension == "age_group":
        return bool(AGE_BAND.fullmatch(code)) or code == "all"
    return code in DIMENSIONS.get(dimension, ())


def group_order(dimension: str, code: str) -> tuple[int, str]:
    """Sort key: the dimension's own order (age bands by their lower bound)."""
    if dimension == "age_group":
        digits = re.match(r"\d+", code)
        return (int(digits[0]) if digits else 999, code)
    codes = DIMENSIONS.get(dimension, ())
    return (codes.index(code) if code in codes else len(codes), code)


@dataclass(frozen=True)
class BreakdownSpec:
    """One column of a declared series kept as a breakdown: its dimension and each value's group code."""

    column: str
    dimension: str
    values: tuple[tuple[str, str], ...]  # (value as the file writes it, group code)
    location: Location | None = field(default=None, compare=False)  # where the sources file declares it
