"""Observations: the tidy observations file, and `load_dataset`, which joins them with the catalogue
and the declared sources into one `Dataset`.

A bad cell is reported, never dropped silently; an empty value cell is a missing value. An
indicator whose catalogue row was already reported is not reported again for each observation.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vlrgen import reference
from vlrgen.inputs.catalogue import Catalogue, load_catalogue, tidy_number
from vlrgen.inputs.compiled import read_compiled
from vlrgen.inputs.dataset import Dataset, Indicator, Observation
from vlrgen.inputs.library import Library
from vlrgen.inputs.series import read_sources
from vlrgen.inputs.sources import load_source_specs
from vlrgen.inputs.tables import Row, TableLimits, read_tidy
from vlrgen.problems import Location, Problem, Problems, Severity

__all__ = ["load_dataset", "load_observations"]

REQUIRED = ("indicator", "entity", "period", "value")
OPTIONAL = ("period_label",)


def load_dataset(
    indicators_path: Path | None,
    observations_path: Path | None,
    problems: Problems,
    interchange: bool = False,
    sources_path: Path | None = None,
    languages: tuple[str, ...] | None = None,
    roots: Sequence[Path] | None = None,
    limits: TableLimits | None = None,
    library: Library | None = None,
) -> Dataset:
    """Load a catalogue and observations, with the catalogue's texts in `languages` (the report
    languages; None: every language the catalogue has a name column for).

    `roots`: the folders the files a sources file names must lie in (a project's `Config.roots`;
    by default the sources file's own folder). `limits`: what each table may ask (`[limits]`).

    `interchange=True` reads the `vlrgen assess` format: only id, goal and direction are required
    and entities may be any text (not only Norwegian codes). `library`: a packaged library the
    project's own catalogue and data build on (see inputs/library.py).
    """
    shared = _library_data(library, languages) if library else None
    base = shared.catalogue if shared else None
    if shared:
        problems.extend(list(shared.problems))
    catalogue = (
        load_catalogue(indicators_path, problems, interchange, languages, limits, base)
        if indicators_path
        else Catalogue({}, frozenset())
    )
    indicators = {**(base.indicators if base else {}), **catalogue.indicators}
    rejected = [catalogue.rejected] + ([base.rejected] if base else [])
    skip = None if any(r is None for r in rejected) else frozenset().union(*(r for r in rejected if r is not None))
    observations = (
        load_observations(observations_path, indicators, problems, not interchange, skip, limits)
        if observations_path
        else []
    )
    files = ([indicators_path] if indicators_path else []) + ([observations_path] if observations_path else [])
    if sources_path:
        specs = load_source_specs(sources_path, problems, roots, limits)
        observations += _known(read_sources(specs, problems), indicators, skip, problems)
        files += [sources_path] + [spec.path for spec in specs]
    if shared:
        own = {o.indicator for o in observations}  # the project's own data of an indicator replaces the library's
        observations += _known([o for o in shared.observations if o.indicator not in own], indicators, skip, problems)
        files += shared.files
    totals = [o for o in observations if not o.group]
    groups = [o for o in observations if o.group]
    dataset = Dataset(
        indicators,
        _without_duplicates(totals, problems),
        tuple(dict.fromkeys(files)),
        _without_duplicates(groups, problems),
    )
    _check_breakdowns(dataset, catalogue.indicators, problems)  # the library's own rows: once, when read
    return dataset


def _check_breakdowns(dataset: Dataset, indicators: dict[str, Indicator], problems: Problems) -> None:
    """A warning for each breakdown the catalogue names that no data set value has."""
    have = {(o.indicator, o.group[0]) for o in dataset.breakdowns if o.value is not None}
    observed = {o.indicator for o in dataset.observations}
    for indicator in indicators.values():
        if indicator.id not in observed:
            continue
        for dimension in indicator.breakdowns:
            if (indicator.id, dimension) not in have:
                problems.warn(
                    indicator.location,
                    "data.breakdown_missing",
                    f"{indicator.id}: the catalogue names the breakdown {dimension}, but no source keeps it",
                    hint=f"declare the column in the series' dimensions, or remove {dimension} from breakdowns",
                )


@dataclass(frozen=True)
class _LibraryData:
    catalogue: Catalogue
    observations: tuple[Observation, ...]
    problems: tuple[Problem, ...]
    files: tuple[Path, ...]


def _library_data(library: Library, languages: tuple[str, ...] | None) -> _LibraryData:
    """A library's catalogue and observations, read once per process for the same files and languages
    (a county review and its members, or a check followed by a build, all use the same library)."""
    stamp = tuple(
        (str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(library.folder.rglob("*")) if p.is_file()
    )
    return _read_library(library, languages, stamp)


@functools.lru_cache(maxsize=4)
def _read_library(library: Library, languages: tuple[str, ...] | None, stamp: tuple) -> _LibraryData:
    found = Problems()
    catalogue = load_catalogue(library.indicators, found, languages=languages)
    specs = load_source_specs(library.sources, found, (library.folder,))  # the library folder is its own root
    compiled = read_compiled(library, specs)  # the library's read form, when it matches the files and code
    if compiled is None:
        observations = tuple(read_sources(specs, found))
    else:
        observations = tuple(compiled[0])
        found.extend(compiled[1])
    files = (library.indicators, library.sources, *(spec.path for spec in specs))
    checked = Dataset(
        catalogue.indicators,
        tuple(o for o in observations if not o.group),
        (),
        tuple(o for o in observations if o.group),
    )
    _check_breakdowns(checked, catalogue.indicators, found)  # once, with the library's own catalogue rows
    return _LibraryData(catalogue, observations, tuple(found.items), files)


def load_observations(
    path: Path,
    indicators: dict[str, Indicator],
    problems: Problems,
    check_entities: bool = True,
    skip: frozenset[str] | None = frozenset(),
    limits: TableLimits | None = None,
) -> list[Observation]:
    """`skip`: indicator ids already reported in the catalogue; None when the catalogue could not be read."""
    table = read_tidy(path, REQUIRED, OPTIONAL, problems, limits=limits)
    observations: list[Observation] = []
    for row in table.rows if table else ():
        indicator = row.text("indicator")
        before = len(problems.items)
        already_reported = indicator not in indicators and (skip is None or indicator in skip)
        if indicator not in indicators and not already_reported:
            _unknown_indicator(indicator, row["indicator"].location, indicators, problems)
        _check_entity(row, check_entities, problems)
        period = _period(row, problems)
        at = row["value"].location
        value, _ = tidy_number(row.text("value"), at, "value", problems, "leave the cell empty for a missing value")
        if already_reported or period is None or any(p.severity is Severity.ERROR for p in problems.items[before:]):
            continue
        label = row.text("period_label") if "period_label" in row else ""
        observations.append(Observation(indicator, row.text("entity"), period, value, label, at))
    return observations


def _check_entity(row: Row, check_entities: bool, problems: Problems) -> None:
    entity = row.text("entity")
    if not entity:
        problems.add(row["entity"].location, "data.invalid", "entity is empty")
    elif check_entities and reference.place(entity) is None:
        problems.add(
            row["entity"].location,
            "data.unknown_entity",
            f'"{entity}" is not a municipality, county or nation code (2024 structure)',
            hint="use 4-digit kommunenummer, 2-digit fylkesnummer or 0 for Norway",
        )


def _period(row: Row, problems: Problems) -> int | None:
    text = row.text("period")
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    problems.add(
        row["period"].location,
        "data.invalid_period",
        f'period "{text}" is not a year',
        hint="use the (end) year, e.g. 2024; put the published period text in period_label",
    )
    return None


def _unknown_indicator(indicator: str, at: Location, indicators: dict[str, Indicator], problems: Problems) -> None:
    guess = difflib.get_close_matches(indicator, list(indicators), n=1)
    problems.add(
        at,
        "data.unknown_indicator",
        f'indicator "{indicator}" is not in the indicator catalogue',
        hint=f'did you mean "{guess[0]}"?' if guess else "add it to the catalogue first",
    )


def _known(
    raw: list[Observation], indicators: dict[str, Indicator], skip: frozenset[str] | None, problems: Problems
) -> list[Observation]:
    """The declared sources' observations of catalogued indicators; each unknown indicator reported once."""
    observations: list[Observation] = []
    unknown: dict[str, Location] = {}
    for o in raw:
        if o.indicator in indicators:
            observations.append(o)
        elif skip is not None and o.indicator not in skip:
            unknown.setdefault(o.indicator, o.location)
    for indicator, location in unknown.items():
        _unknown_indicator(indicator, location, indicators, problems)
    return observations


def _without_duplicates(observations: list[Observation], problems: Problems) -> tuple[Observation, ...]:
    seen: dict[tuple[str, str, int, tuple[str, ...]], Location] = {}
    kept = []
    for o in observations:
        key = (o.indicator, o.entity, o.period, o.group)
        if key in seen:
            first = seen[key]
            where = f"line {first.line}" if first.path == o.location.path else f"{first.path.name}, line {first.line}"
            row = Location(o.location.path, o.location.line, 1, o.location.cell)
            problems.add(
                row,
                "data.duplicate",
                f"{o.indicator}{' (' + '='.join(o.group) + ')' if o.group else ''} for {o.entity} in {o.period} "
                f"appears twice (first on {where})",
            )
            continue
        seen[key] = o.location
        kept.append(o)
    return tuple(kept)
