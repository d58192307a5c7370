"""Declared series: each `[[source.series]]` of a read table becomes the indicator's observations.

Rows are filtered, places resolved to 2024 codes, periods and numbers parsed as published, rows
sharing a place and period combined (`aggregate`), county totals added, values divided per
inhabitant and scaled. Every problem names the file and cell.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass

from vlrgen import reference
from vlrgen.inputs.dataset import Observation
from vlrgen.inputs.entities import resolve_entity
from vlrgen.inputs.picks import pick_columns
from vlrgen.inputs.sources import SeriesSpec, SourceSpec
from vlrgen.inputs.tables import (
    RANGE_HINT,
    Cell,
    Row,
    Table,
    detect_decimal,
    number_problem,
    parse_number,
    range_problem,
    read_table,
    reader_named,
)
from vlrgen.problems import Location, Problems

__all__ = ["parse_period", "read_sources"]

Key = tuple[str, int]  # (entity code, year)


@dataclass(frozen=True)
class _Value:
    """A value for one place and period, from one row (or combined from several)."""

    value: float | None
    label: str  # the published period text, or ""
    location: Location
    valid_until: int = 9999  # the last year the row's place code was in use: older codes give way
    derived: str = ""  # "sum": a county total added up from the municipalities


@dataclass
class _Places:
    """Place names and codes met in one series: those not known, and historic ones mapped to 2024."""

    unknown: dict[str, list[Location]]
    notes: dict[str, tuple[Location, str]]


def read_sources(specs: list[SourceSpec], problems: Problems) -> list[Observation]:
    observations: list[Observation] = []
    for spec in specs:
        table = read_table(spec.path, spec.options, problems, spec.format)
        if table is None:
            continue
        for declared in spec.series:
            picked = pick_columns(spec, table, declared, problems)  # each column at one place, or reported
            if picked is not None:
                observations.extend(_read_series(spec, *picked, problems))
    return observations


def _read_series(spec: SourceSpec, table: Table, series: SeriesSpec, problems: Problems) -> list[Observation]:
    rows = _filtered(spec, table, series, problems)
    decimal = (
        spec.decimal
        if spec.decimal != "auto"
        else detect_decimal([r.text(series.value) for r in rows], table.delimiter)
    )
    places = _Places(defaultdict(list), {})
    grouped: dict[Key, list[_Value]] = defaultdict(list)
    for row in rows:
        found = _row_value(row, series, decimal, spec.thousands, places, problems)
        if found is not None:
            grouped[found[0]].append(found[1])
    _report_places(places, series, problems)
    values = _combine(grouped, series, problems)
    if series.county_totals:
        values = _add_county_totals(values)
    return _finish(values, series, problems)


def _row_value(
    row: Row, series: SeriesSpec, decimal: str, thousands: str, places: _Places, problems: Problems
) -> tuple[Key, _Value] | None:
    period = parse_period(row[series.period], problems)
    entity, valid_until = (
        (series.entity_code, 9999)
        if series.entity_code
        else _entity(row[series.entity or ""], places, period[0] if period else None)
    )
    cell = row[series.value]
    value, ok = parse_number(cell, decimal, thousands)
    if not ok and (why := range_problem(cell, decimal, thousands)):
        problems.add(
            cell.location, "source.out_of_range", f'"{cell.text}" {why} (column {series.value})', hint=RANGE_HINT
        )
    elif not ok:
        problems.add(
            cell.location,
            "source.not_a_number",
            f'"{cell.text}" is not a number (column {series.value})',
            hint=_number_hint(cell.text, decimal),
        )
    if entity is None or period is None or not ok:
        return None
    label = row[series.period_label].text if series.period_label else period[1]
    return (entity, period[0]), _Value(value, label, cell.location, valid_until)


def _filtered(spec: SourceSpec, table: Table, series: SeriesSpec, problems: Problems) -> list[Row]:
    rows = list(table.rows)
    for column, wanted in series.filters:
        present = {r.text(column) for r in rows}
        for value in wanted:
            if value not in present:
                guess = difflib.get_close_matches(value, sorted(present), n=1)
                problems.add(
                    series.locations.get("filter", spec.location),
                    "source.filter_matches_nothing",
                    f'no row of {spec.path.name} has {column} = "{value}"',
                    hint=f'did you mean "{guess[0]}"?' if guess else "check the spelling in the file",
                )
        rows = [r for r in rows if r.text(column) in wanted]
    for column, unwanted in series.excludes:
        kept = [r for r in rows if r.text(column) not in unwanted]
        if len(kept) == len(rows):  # a declared exclusion is deliberate; one that finds nothing is a typo
            problems.warn(
                series.locations.get("exclude", spec.location),
                "source.exclude_matches_nothing",
                f"exclude: no row of {spec.path.name} has {column} = {' or '.join(unwanted)}",
            )
        rows = kept
    reader = reader_named(spec.format)
    if reader is not None:  # e.g. Open SDG: only the headline rows, whose other columns are empty
        rows = reader.select(rows, {series.period, series.value} | {c for c, _ in series.filters})
    return rows


def _entity(cell: Cell, places: _Places, period: int | None) -> tuple[str | None, int]:
    """The 2024 code; a historic code is noted unless it was a plain renumbering in that year."""
    resolution = resolve_entity(cell.text)
    if resolution.code is None:
        places.unknown[cell.text].append(cell.location)
    elif resolution.note and not (
        resolution.old_code
        and period is not None
        and reference.renumbered(resolution.old_code, resolution.code, period)
    ):
        places.notes.setdefault(cell.text, (cell.location, resolution.note))
    return resolution.code, resolution.valid_until


def _report_places(places: _Places, series: SeriesSpec, problems: Problems) -> None:
    notes = places.notes
    if len(notes) <= 3:
        for location, note in notes.values():
            problems.warn(location, "source.entity_mapped", note)
    elif notes:
        first = min((loc for loc, _ in notes.values()), key=lambda loc: loc.line)
        examples = "; ".join(note for _, note in list(notes.values())[:3])
        problems.warn(
            first,
            "source.entity_mapped",
            f"{len(notes)} historic codes or names were mapped to 2024 codes ({series.indicator}), e.g. {examples}",
        )
    for text, locations in places.unknown.items():
        resolution = resolve_entity(text)
        more = f" ({len(locations)} rows)" if len(locations) > 1 else ""
        message = (resolution.note or f'"{text}" is not a known municipality, county or the nation') + more
        problems.add(
            locations[0],
            "source.unknown_entity",
            message,
            hint=f'did you mean "{resolution.suggestion}"?'
            if resolution.suggestion
            else "use the 2024 name or kommunenummer",
        )


def parse_period(cell: Cell, problems: Problems) -> tuple[int, str] | None:
    """(year, label): 2024, 2024-01-01, 2004-2010 (end year), 2019/2020 or 2019/20 (school year)."""
    text = cell.text.strip()
    if cell.number is not None and float(cell.number).is_integer():
        text = str(int(cell.number))
    patterns = (
        (r"(\d{4})", lambda m: (int(m[1]), "")),
        (r"(\d{4})-\d{2}-\d{2}(?:[ T].*)?", lambda m: (int(m[1]), "")),
        (r"(\d{4})(?:-\d{2}|M\d{2}|K\d|Q\d)", lambda m: (int(m[1]), "")),  # month or quarter: its year
        (r"(\d{4})\s*[-–]\s*(\d{4})", lambda m: (int(m[2]), text)),
        (r"(\d{4})/(\d{2}|\d{4})", lambda m: (int(m[1]) + 1, text)),
        (r"\d{4}/\d{2,4}\s*[-–]\s*(\d{4})/(\d{2}|\d{4})", lambda m: (int(m[1]) + 1, text)),
    )
    for pattern, result in patterns:
        match = re.fullmatch(pattern, text)
        if match:
            return result(match)
    problems.add(
        cell.location,
        "source.invalid_period",
        f'period "{cell.text}" is not understood',
        hint="use a year (2024), a date (2024-01-01), a month (2024M01), a range (2018-2024) "
        "or a school year (2023/2024)",
    )
    return None


def _number_hint(text: str, decimal: str) -> str:
    if decimal == "." and re.fullmatch(r"-?\d+,\d+\s*%?", text):
        return 'decimal comma? set decimal = ","'
    if decimal == "," and re.fullmatch(r"-?\d+\.\d+\s*%?", text):
        return 'decimal point? set decimal = "."'
    return "a missing value may be empty, .., : or -"


def _combine(grouped: dict[Key, list[_Value]], series: SeriesSpec, problems: Problems) -> dict[Key, _Value]:
    """One value per entity and period; rows under older codes give way to rows under newer codes."""
    combined: dict[Key, _Value] = {}
    replaced = 0
    duplicates: list[tuple[Key, list[_Value]]] = []
    incomplete: list[tuple[Key, list[_Value]]] = []
    for key, items in grouped.items():
        newest = max(item.valid_until for item in items)
        if any(item.valid_until < newest for item in items):  # a file with both old and new codes for one place
            replaced += sum(item.valid_until < newest for item in items)
            items = [item for item in items if item.valid_until == newest]
        if len(items) > 1 and series.aggregate == "none":
            duplicates.append((key, items))
            continue
        present = [item.value for item in items if item.value is not None]
        if len(items) > 1 and len(present) < len(items) and series.aggregate in ("sum", "mean"):
            incomplete.append((key, items))
            present = []  # a total over incomplete rows would look real but be too small
        label = items[-1].label if series.aggregate == "last" else items[0].label
        combined[key] = _Value(_aggregate(present, items, series.aggregate), label, items[0].location)
    _report_duplicates(duplicates, series, problems)
    _report_incomplete(incomplete, series, problems)
    if replaced:
        first = min((item.location for items in grouped.values() for item in items), key=lambda loc: loc.line)
        problems.warn(
            first,
            "source.older_codes_replaced",
            f"{replaced} rows under older codes were left out because the file also has rows for the same "
            f"places under newer codes ({series.indicator})",
        )
    return combined


def _aggregate(present: list[float], items: list[_Value], aggregate: str) -> float | None:
    if not present:
        return None
    if aggregate == "mean":
        return sum(present) / len(present)
    if aggregate == "last":
        return items[-1].value
    return sum(present)


def _report_incomplete(incomplete: list[tuple[Key, list[_Value]]], series: SeriesSpec, problems: Problems) -> None:
    if not incomplete:
        return
    (entity, period), items = min(incomplete, key=lambda d: d[1][0].location.line)
    missing = next(item for item in items if item.value is None)
    more = f" and {len(incomplete) - 1} more" if len(incomplete) > 1 else ""
    problems.warn(
        missing.location,
        "source.incomplete_total",
        f"{series.indicator} for {entity} in {period}{more} is left missing: some of the rows to "
        f"{series.aggregate} have no value",
    )


def _report_duplicates(
    duplicates: list[tuple[Key, list[_Value]]], series: SeriesSpec, problems: Problems, shown: int = 10
) -> None:
    """Each duplicated entity-period is an error; past the first few they are summarised in one line."""
    hint = 'add a filter to keep one row, or set aggregate = "sum", "mean" or "last"'
    ordered = sorted(duplicates, key=lambda d: d[1][1].location.line)  # by the line of each second row
    for (entity, period), items in ordered[:shown]:
        first, second = items[0].location, items[1].location
        message = f"{len(items)} rows give {series.indicator} for {entity} in {period} (first on line {first.line})"
        problems.add(second, "source.duplicate", message, hint=hint)
    if len(ordered) > shown:
        rest = ordered[shown:]
        second = rest[0][1][1].location
        message = (
            f"{len(rest)} more entity-periods of {series.indicator} have more than one row (from line {second.line} on)"
        )
        problems.add(second, "source.duplicate", message, hint=hint)


def _add_county_totals(values: dict[Key, _Value]) -> dict[Key, _Value]:
    """Add a county value as the sum of its municipalities, for periods where all of them have one."""
    result = dict(values)
    members: dict[str, set[str]] = defaultdict(set)
    for place in reference.municipalities().values():
        members[place.county_code].add(place.code)
    periods = {period for _, period in values}
    for county, codes in members.items():
        for period in periods:
            if (county, period) in values:
                continue
            items = [values.get((code, period)) for code in codes]
            numbers = [item.value for item in items if item is not None and item.value is not None]
            if len(numbers) == len(items) and items[0] is not None:
                result[(county, period)] = _Value(sum(numbers), items[0].label, items[0].location, derived="sum")
    return result


def _without_float_noise(value: float) -> float:
    """0.942 * 100 → 94.2: ten decimals, which keep six significant digits down to 1e-4; a smaller
    value keeps fifteen, so that no value is rounded to zero or to a few digits."""
    return round(value, 10) if abs(value) >= 1e-4 else float(f"{value:.15g}")


def _steps(series: SeriesSpec, found: _Value) -> str:
    """The computations a declared series applied to a value, in words."""
    steps = [f"{series.aggregate} over rows"] if series.aggregate in ("sum", "mean") else []
    steps += ["adding up the county's municipalities"] if found.derived == "sum" else []
    steps += ["dividing by the population"] if series.per_inhabitant else []
    steps += [f"scale = {series.scale:g}"] if series.scale != 1 else []
    return ", ".join(steps) or "reading"


def _finish(values: dict[Key, _Value], series: SeriesSpec, problems: Problems) -> list[Observation]:
    observations = []
    for (entity, period), found in sorted(values.items(), key=lambda item: item[0]):
        value = found.value
        if value is not None and series.per_inhabitant:
            population = reference.populations().get((entity, period))
            if not population:
                problems.add(
                    found.location,
                    "source.no_population",
                    f"no population figure for {entity} on 1 January {period}, so no value per inhabitant",
                )
                continue
            value = value / population
        if value is not None:
            value = _without_float_noise(value * series.scale)
            if why := number_problem(value):
                problems.add(
                    found.location,
                    "source.out_of_range",
                    f"{series.indicator} for {entity} in {period} comes to {value:g} after "
                    f"{_steps(series, found)}, which {why.removeprefix('is ')}",
                    hint=RANGE_HINT,
                )
                continue
        observations.append(
            Observation(series.indicator, entity, period, value, found.label, found.location, found.derived)
        )
    return observations
