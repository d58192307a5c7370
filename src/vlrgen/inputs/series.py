"""Declared series: each `[[source.series]]` of a read table becomes the indicator's observations.

Rows are filtered, places resolved to 2024 codes in the municipal structure the file uses, periods
and numbers parsed as published (also wide tables with one column per period), rows sharing a place
and period combined (`aggregate`), parts of units later merged added up or left out (`merged`),
county totals added, values divided by a denominator or per inhabitant and scaled. Every problem
names the file and cell.
"""

from __future__ import annotations

import contextlib
import difflib
import fnmatch
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace

from vlrgen import reference
from vlrgen.inputs.dataset import Observation
from vlrgen.inputs.entities import Resolution, normalise_name, resolve_entity
from vlrgen.inputs.merging import Key, Value, combine_values
from vlrgen.inputs.picks import pick_columns
from vlrgen.inputs.sources import SeriesSpec, SourceSpec
from vlrgen.inputs.tables import (
    RANGE_HINT,
    Cell,
    CellAt,
    Row,
    Table,
    column_texts,
    detect_decimal,
    number_problem,
    parse_number,
    range_problem,
    read_table,
    reader_named,
)
from vlrgen.problems import Location, Problems

__all__ = ["parse_period", "read_sources", "spread_reading"]


@dataclass
class _Places:
    """Place names and codes met in one series: those not known, and historic ones mapped to 2024."""

    unknown: dict[str, list[Location]]
    notes: dict[str, tuple[Location, str]]
    touched: dict[int, set[str]]  # period → 2024 codes some row names (also refused and left-out rows)
    refused: set[tuple[str, int]]  # (split unit's code, period) named by a row
    checks: list[tuple[Key, Value, str]]  # 2024 names read for a year when their unit was part of a split one


_Lookup = dict[tuple[str, int], float | None]  # (place as written, year) → a number from another row


@dataclass(frozen=True)
class _Point:
    """One value cell of a row, with its period: a row of a wide table has one per period column."""

    period: tuple[int, str] | None
    cell: CellAt


# Runs a function over items (each with its expected cost), perhaps in other processes, and gives the
# results in the items' order.
Spread = Callable[[Callable, list, list[float]], list]
_SPREAD: ContextVar[tuple[Spread, int] | None] = ContextVar("spread_reading", default=None)
_SPREAD_FROM = 8  # fewer source files are read here: sending them costs more than it saves


@contextlib.contextmanager
def spread_reading(spread: Spread, parts: int) -> Iterator[None]:
    """Within this block, many source files are read in `parts` parts side by side (`spread` runs each part,
    e.g. in the build's worker processes, while the data is checked before anything is written; a cold
    build of the example spent 8 of its 12 seconds before the first PDF reading the national library)."""
    token = _SPREAD.set((spread, parts))
    try:
        yield
    finally:
        _SPREAD.reset(token)


def read_sources(specs: list[SourceSpec], problems: Problems) -> list[Observation]:
    """Every declared series of these source files, in their order, with every problem found (in order too:
    read in parts, the parts are contiguous and put back together as they were)."""
    spread = _SPREAD.get()
    if spread is None or spread[1] < 2 or len(specs) < _SPREAD_FROM:
        return _read_specs(specs, problems)
    observations: list[Observation] = []
    parts = _contiguous_parts(specs, spread[1])
    for found, items in spread[0](_read_part, parts, [sum(map(_reading_cost, part)) for part in parts]):
        observations += found
        problems.extend(items)
    return observations


def _read_part(specs: list[SourceSpec]) -> tuple[list[Observation], list]:
    found = Problems()
    return _read_specs(specs, found), found.items


def _contiguous_parts(specs: list[SourceSpec], parts: int) -> list[list[SourceSpec]]:
    """Consecutive runs of specs of about equal reading time: it follows file size, and a spreadsheet is
    compressed (about six times slower to read per byte than CSV: 1.06 against 0.17 s per MB in the national
    library)."""
    sizes = [_reading_cost(spec) for spec in specs]
    share, total = sum(sizes) / parts, 0.0
    runs: list[list[SourceSpec]] = []
    current: list[SourceSpec] = []
    for spec, size in zip(specs, sizes):
        current.append(spec)
        total += size
        if total >= share * (len(runs) + 1) and len(runs) < parts - 1:
            runs.append(current)
            current = []
    return [run for run in [*runs, current] if run]


def _reading_cost(spec: SourceSpec) -> float:
    if not spec.path.is_file():
        return 0.0
    return spec.path.stat().st_size * (6.0 if spec.path.suffix.lower() == ".xlsx" else 1.0)


def _read_specs(specs: list[SourceSpec], problems: Problems) -> list[Observation]:
    observations: list[Observation] = []
    for spec in specs:
        table = read_table(spec.path, spec.options, problems, spec.format)
        if table is None:
            continue
        if spec.fill_down:
            table = _filled_down(table, spec.fill_down)
        for declared in spec.series:
            picked = pick_columns(spec, table, declared, problems)  # each column at one place, or reported
            if picked is not None:
                observations.extend(_read_series(spec, *picked, problems))
                observations.extend(_read_breakdowns(spec, *picked, problems))
    return observations


# What reading a breakdown's rows may add to what reading the total already said: only its own cells' faults.
_BREAKDOWN_PROBLEMS = ("source.not_a_number", "source.out_of_range")


def _read_breakdowns(spec: SourceSpec, table: Table, series: SeriesSpec, problems: Problems) -> list[Observation]:
    """Each declared dimension's groups: the series read again with the dimension's column selecting the
    group instead of the total, tagged with (dimension, group code) and kept apart from the totals."""
    found: list[Observation] = []
    for dimension in series.dimensions:
        present = {r.text(dimension.column) for r in table.rows}
        at = dimension.location or series.locations.get("dimensions", spec.location)
        for value, code in dimension.values:
            if value not in present:
                guess = difflib.get_close_matches(value, sorted(present), n=1)
                problems.add(
                    at,
                    "source.unknown_group_value",
                    f'no row of {spec.path.name} has {dimension.column} = "{value}" (the {dimension.dimension} '
                    f'group "{code}")',
                    hint=f'did you mean "{guess[0]}"?' if guess else f"values found: {', '.join(sorted(present)[:8])}",
                )
                continue
            filters = tuple((c, w) for c, w in series.filters if c != dimension.column)
            variant = replace(series, filters=filters + ((dimension.column, (value,)),), dimensions=())
            quiet = Problems()
            read = _read_series(spec, table, variant, quiet)
            problems.extend([p for p in quiet.items if p.code in _BREAKDOWN_PROBLEMS])
            found += [replace(o, group=(dimension.dimension, code)) for o in read]
    return found


def _filled_down(table: Table, columns: tuple[str, ...]) -> Table:
    """Empty cells of `columns` repeat the cell above (exports write a group's name on its first row only)."""
    index = {name: i for i, name in reversed(list(enumerate(table.columns)))}
    # A repeated column name reads as empty, placed where the name is first written.
    repeated = {i: index[name] for i, name in enumerate(table.columns) if index[name] != i}
    above: dict[str, tuple[str, tuple[Row, int]]] = {}
    rows = []
    for row in table.rows:
        texts = row.texts_in_order(len(table.columns))
        sources = {i: (row, first) for i, first in repeated.items()}
        for i in repeated:
            texts[i] = ""
        for column in columns:
            position = index[column]
            if texts[position]:
                above[column] = (texts[position], (row, position))
            elif column in above:
                texts[position], sources[position] = above[column]
        rows.append(row.filled(texts, sources, index))
    return replace(table, rows=tuple(rows))


def _read_series(spec: SourceSpec, table: Table, series: SeriesSpec, problems: Problems) -> list[Observation]:
    rows, excluded = _filtered(spec, table, series, problems)
    decimal = spec.decimal
    if decimal == "auto":
        decimal = detect_decimal([r.text(series.value) for r in rows] if series.value else [], table.delimiter)
    counts = _lookup(spec, table, series, series.count_filter, decimal, problems) if series.count_filter else {}
    below = (
        _lookup(spec, table, series, series.denominator_filter, decimal, problems) if series.denominator_filter else {}
    )
    places = _Places(defaultdict(list), {}, defaultdict(set), set(), [])
    grouped: dict[Key, list[Value]] = defaultdict(list)
    for row in rows:
        for key, found in _row_values(row, table, spec, series, decimal, (counts, below), places, problems):
            grouped[key].append(found)
    for row in excluded:  # rows left out on purpose still tell which places the file covers (`absent`)
        _touch(row, table, spec, series, places)
    _report_places(places, series, problems)
    values = combine_values(grouped, series, problems)
    _check_splits(places, values, series, problems)
    if series.absent is not None:
        values = _add_absent(values, places, series)
    if series.county_totals:
        values = _add_county_totals(values)
    return _finish(values, series, problems)


def _points(row: Row, table: Table, series: SeriesSpec, problems: Problems) -> list[_Point]:
    if series.period_columns:
        at = {name: cell.location for name, cell in zip(table.columns, table.header_cells)}
        return [
            _Point(parse_period(Cell(column, at.get(column, table.header)), problems), row.at(column))
            for column in series.period_columns
        ]
    if series.period_value is not None:
        return [_Point((series.period_value, ""), row.at(series.value))]
    cell = row.at(series.period)
    known = _periods.get(cell.text) if cell.number is None else None
    return [_Point(known or parse_period(cell, problems), row.at(series.value))]


def _row_values(
    row: Row,
    table: Table,
    spec: SourceSpec,
    series: SeriesSpec,
    decimal: str,
    lookups: tuple[_Lookup, _Lookup],
    places: _Places,
    problems: Problems,
) -> list[tuple[Key, Value]]:
    found = []
    counts, below = lookups
    for point in _points(row, table, series, problems):
        value, ok = _number(point.cell, decimal, spec.thousands, series.value or "period", problems)
        denominator, denominator_ok = (None, True)
        if series.denominator:
            denominator, denominator_ok = _number(
                row.at(series.denominator), decimal, spec.thousands, series.denominator, problems
            )
        if point.period is None or not ok or not denominator_ok:
            continue
        year = point.period[0]
        text, resolution = _resolve(row, spec, series, year)
        if series.denominator_filter:
            denominator = below.get((text, year))
        code = _accepted(resolution, text, lambda: _place_of(row, series), year, value, series, places, spec.borders)
        if code is None:
            continue
        label = row.text(series.period_label) if series.period_label else point.period[1]
        item = Value(
            value,
            label,
            point.cell.location,
            resolution.valid_until,
            denominator=denominator,
            count=counts.get((text, year)),
            part=resolution.old_code or text if resolution.part else "",
            text=text,
        )
        if resolution.split_check:
            places.checks.append(((code, year), item, resolution.split_check))
        found.append(((code, year), item))
    return found


def _resolve(row: Row, spec: SourceSpec, series: SeriesSpec, year: int) -> tuple[str, Resolution]:
    if series.entity_code:
        return series.entity_code, Resolution(series.entity_code)
    text = _entity_text(row, series)
    meant = spec.aliases.get(normalise_name(text), text) if spec.aliases else text
    borders = year if spec.borders == "period" else spec.borders if isinstance(spec.borders, int) else None
    return text, resolve_entity(meant, year, borders)


def _entity_text(row: Row, series: SeriesSpec) -> str:
    if series.entity_columns:  # "38" + "16" = 3816: a code written over two columns
        return "".join(row.text(c) for c in series.entity_columns)
    return row.text(series.entity or "")


def _place_of(row: Row, series: SeriesSpec) -> Location:
    """Where the row names its place (the file, for a series whose place is declared)."""
    column = series.entity_columns[0] if series.entity_columns else series.entity
    return row[column].location if column else Location(row[series.value].location.path)


def _accepted(
    resolution: Resolution,
    text: str,
    place: Callable[[], Location],
    year: int,
    value: float | None,
    series: SeriesSpec,
    places: _Places,
    borders: int | str | None = None,
) -> str | None:
    """The 2024 code a row's value goes to, or None (an unknown place is reported, a refused one noted)."""
    if not resolution.in_use and value is None:  # a placeholder row for a code the declared structure lacked
        return None
    if resolution.split:
        places.touched[year].update(reference.successors(resolution.split, year) or {})
        places.refused.add((resolution.split, year))
        if value is None or series.merged:  # nothing lost, or left out as declared
            return None
    if resolution.code is None:
        if resolution.in_use or value is not None:  # an empty row for a code no table knows loses nothing
            places.unknown[text].append(place())
        return None
    places.touched[year].add(resolution.code)
    mapped = resolution.note and resolution.in_use and not (resolution.part and series.merged)
    structure = borders if isinstance(borders, int) else year
    old = resolution.old_code
    if mapped and text not in places.notes and not (old and reference.renumbered(old, resolution.code, structure)):
        places.notes[text] = (place(), resolution.note)
    return resolution.code


def _touch(row: Row, table: Table, spec: SourceSpec, series: SeriesSpec, places: _Places) -> None:
    for point in _points(row, table, series, Problems()):
        if point.period is None:
            continue
        year = point.period[0]
        _, resolution = _resolve(row, spec, series, year)
        if resolution.code:
            places.touched[year].add(resolution.code)
        elif resolution.split:
            places.touched[year].update(reference.successors(resolution.split, year))


def _number(
    cell: Cell | CellAt, decimal: str, thousands: str, column: str, problems: Problems
) -> tuple[float | None, bool]:
    text = cell.text
    if decimal == "either" and cell.number is None:  # a file mixing 98,86 and 76.875: one mark, no grouping
        if text.count(",") == 1 and "." not in text:
            cell = Cell(text.replace(",", "."), cell.location)
        decimal = "."
    value, ok = parse_number(cell, decimal, thousands)
    if not ok and (why := range_problem(cell, decimal, thousands)):
        problems.add(cell.location, "source.out_of_range", f'"{cell.text}" {why} (column {column})', hint=RANGE_HINT)
    elif not ok:
        problems.add(
            cell.location,
            "source.not_a_number",
            f'"{text}" is not a number (column {column})',
            hint=_number_hint(text, decimal),
        )
    return value, ok


def _lookup(
    spec: SourceSpec,
    table: Table,
    series: SeriesSpec,
    instead: tuple[tuple[str, tuple[str, ...]], ...],
    decimal: str,
    problems: Problems,
) -> _Lookup:
    """Numbers from other rows of the same place and period: those matching the series' filters with
    `instead` in place of the filters on its columns (the counts behind shares, a denominator)."""
    columns = {c for c, _ in instead}
    wanted = [(c, w) for c, w in series.filters if c not in columns] + list(instead)
    found: dict[tuple[str, int], float | None] = {}
    rows: Sequence[Row] = table.rows
    for column, values in wanted:
        rows = [row for row, text in zip(rows, column_texts(rows, column)) if text in values]
    for row in rows:
        for point in _points(row, table, series, Problems()):
            if point.period is not None:
                value, _ = _number(point.cell, decimal, spec.thousands, series.value, problems)
                found[(_entity_text(row, series), point.period[0])] = value
    return found


def _filtered(spec: SourceSpec, table: Table, series: SeriesSpec, problems: Problems) -> tuple[list[Row], list[Row]]:
    """The rows the series reads, and those its `exclude` leaves out on purpose."""
    rows = list(table.rows)
    for column, wanted in series.filters:
        texts = column_texts(rows, column)
        present = set(texts)
        for value in wanted:
            if value not in present:
                guess = difflib.get_close_matches(value, sorted(present), n=1)
                problems.add(
                    series.locations.get("filter", spec.location),
                    "source.filter_matches_nothing",
                    f'no row of {spec.path.name} has {column} = "{value}"',
                    hint=f'did you mean "{guess[0]}"?' if guess else "check the spelling in the file",
                )
        rows = [row for row, text in zip(rows, texts) if text in wanted]
    excluded: list[Row] = []
    for column, unwanted in series.excludes:
        kept = [row for row, text in zip(rows, column_texts(rows, column)) if not _matches(text, unwanted)]
        if len(kept) == len(rows):  # a declared exclusion is deliberate; one that finds nothing is a typo
            problems.warn(
                series.locations.get("exclude", spec.location),
                "source.exclude_matches_nothing",
                f"exclude: no row of {spec.path.name} has {column} = {' or '.join(unwanted)}",
            )
        excluded += [r for r in rows if _matches(r.text(column), unwanted)]
        rows = kept
    reader = reader_named(spec.format)
    if reader is not None:  # e.g. Open SDG: only the headline rows, whose other columns are empty
        rows = reader.select(rows, {series.period, series.value} | {c for c, _ in series.filters})
    return rows, excluded


def _matches(text: str, patterns: tuple[str, ...]) -> bool:
    """`exclude` values match exactly, or as a pattern with * (`Bydel *`)."""
    return any(text == p or ("*" in p and fnmatch.fnmatchcase(text, p)) for p in patterns)


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
            else "use the 2024 name or kommunenummer, or declare the borders the file uses",
        )


def _check_splits(places: _Places, values: dict[Key, Value], series: SeriesSpec, problems: Problems) -> None:
    """A 2024 name read for a year when its unit was part of a later split one (Ålesund in 2022, then with
    Haram) is that 2024 municipality only when the file is on 2024 borders: it must also give a value for
    every other successor that year, and must not name the split unit itself."""
    for (code, year), item, split in places.checks:
        others = set(reference.successors(split, year)) - {code}
        missing = [o for o in sorted(others) if (values.get((o, year)) or Value(None, "", item.location)).value is None]
        if not missing and (split, year) not in places.refused:
            continue
        values.pop((code, year), None)
        if series.merged:
            continue
        names = ", ".join(f"{reference.known_place(o).name} ({o})" for o in missing) or "the later successors"
        problems.add(
            item.location,
            "source.split_entity",
            f'"{item.text}" in {year} is read as today\'s {reference.known_place(code).name} ({code}), but in {year} '
            f"that place was part of {split}, later split; the file gives no value for {names} that year, so it "
            "seems to use the borders of that time and its value cannot be given to one successor",
            hint='declare borders = <year> for the file, or leave these rows out with exclude or merged = "leave_out"',
        )


_periods: dict[str, tuple[int, str]] = {}  # period texts already understood (files repeat a few thousand times)


def parse_period(cell: Cell | CellAt, problems: Problems) -> tuple[int, str] | None:
    """(year, label): 2024, 2024-01-01, 2004-2010 or 2011_2013 (end year), 2019/2020 or 2019/20 (school year)."""
    text = cell.text.strip()
    if cell.number is not None and float(cell.number).is_integer():
        text = str(int(cell.number))
    patterns = (
        (r"(\d{4})", lambda m: (int(m[1]), "")),
        (r"(\d{4})-\d{2}-\d{2}(?:[ T].*)?", lambda m: (int(m[1]), "")),
        (r"(\d{4})(?:-\d{2}|M\d{2}|K\d|Q\d)", lambda m: (int(m[1]), "")),  # month or quarter: its year
        (r"(\d{4})\s*[-–]\s*(\d{4})", lambda m: (int(m[2]), text)),
        (r"(\d{4})_(\d{4})", lambda m: (int(m[2]), f"{m[1]}-{m[2]}")),  # IMDi's pooled years
        (r"(\d{4})/(\d{2}|\d{4})", lambda m: (int(m[1]) + 1, text)),
        (r"\d{4}/\d{2,4}\s*[-–]\s*(\d{4})/(\d{2}|\d{4})", lambda m: (int(m[1]) + 1, text)),
    )
    for pattern, result in patterns:
        match = re.fullmatch(pattern, text)
        if match:
            found = result(match)
            if cell.number is None and len(_periods) < 100_000:
                _periods[cell.text] = found
            return found
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


def _add_absent(values: dict[Key, Value], places: _Places, series: SeriesSpec) -> dict[Key, Value]:
    """`absent`: a municipality that no row names, under any code or name, has this value (a complete register)."""
    result = dict(values)
    at = series.locations.get("absent")
    for period in sorted({period for _, period in values}):
        for code in reference.municipalities():
            if code not in places.touched[period] and (code, period) not in values and at is not None:
                result[(code, period)] = Value(series.absent, "", at, derived="absent")
    return result


def _add_county_totals(values: dict[Key, Value]) -> dict[Key, Value]:
    """Add a county value as the sum of its municipalities, for periods where all of them have one."""
    result = dict(values)
    members: dict[str, list[str]] = defaultdict(list)  # in code order: the first member's place is the total's
    for place in sorted(reference.municipalities().values(), key=lambda place: place.code):
        members[place.county_code].append(place.code)
    periods = {period for _, period in values}
    for county, codes in members.items():
        for period in periods:
            if (county, period) in values:
                continue
            items = [values.get((code, period)) for code in codes]
            present = [item for item in items if item is not None and item.value is not None]
            denominators = [i.denominator for i in present]
            if len(present) < len(items) or (None in denominators and any(d is not None for d in denominators)):
                continue
            total = sum(i.value or 0 for i in present)
            denominator = None if None in denominators else sum(d or 0 for d in denominators)
            first = present[0]
            result[(county, period)] = Value(total, first.label, first.location, denominator=denominator, derived="sum")
    return result


def _without_float_noise(value: float) -> float:
    """0.942 * 100 → 94.2: ten decimals, which keep six significant digits down to 1e-4; a smaller
    value keeps fifteen, so that no value is rounded to zero or to a few digits."""
    return round(value, 10) if abs(value) >= 1e-4 else float(f"{value:.15g}")


def _steps(series: SeriesSpec, found: Value) -> str:
    """The computations a declared series applied to a value, in words."""
    steps = [f"{series.aggregate} over rows"] if series.aggregate in ("sum", "mean") else []
    steps += ["adding up the county's municipalities"] if found.derived == "sum" else []
    steps += ["dividing by the denominator"] if found.denominator is not None or series.has_denominator else []
    steps += ["dividing by the population"] if series.per_inhabitant else []
    steps += [f"scale = {series.scale:g}"] if series.scale != 1 else []
    return ", ".join(steps) or "reading"


def _finish(values: dict[Key, Value], series: SeriesSpec, problems: Problems) -> list[Observation]:
    observations = []
    for (entity, period), found in sorted(values.items(), key=lambda item: item[0]):
        value = found.value
        if value is not None and series.has_denominator:
            value = value / found.denominator if found.denominator else None
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
        derived = "sum" if found.derived == "sum" else ""
        observations.append(Observation(series.indicator, entity, period, value, found.label, found.location, derived))
    return observations
