"""Declared data sources: raw files mapped to indicator observations by configuration, not code.

A sources file (TOML, named by `data.sources` in vlrgen.toml) lists `[[source]]` files and, for
each, one or more `[[source.series]]`: which columns hold entity, period and value, which rows
to keep, and how to turn the raw numbers into the indicator (sum, county totals, per
inhabitant, scale). See README, "Declared data sources", for every key.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from vlrgen import reference
from vlrgen.inputs.entities import resolve_entity
from vlrgen.inputs.tables import Cell, ReadOptions, Row, Table, detect_decimal, parse_number, read_table
from vlrgen.inputs.tomlfile import TomlFile, TomlKind, read_toml
from vlrgen.problems import Location, Problems

__all__ = ["Observation", "SeriesSpec", "SourceSpec", "load_source_specs", "parse_period", "read_sources"]

SOURCE_KEYS = {
    "file",
    "format",
    "encoding",
    "delimiter",
    "decimal",
    "thousands",
    "header_row",
    "sheet",
    "range",
    "series",
}
SERIES_KEYS = {
    "indicator",
    "entity",
    "entity_code",
    "period",
    "period_label",
    "value",
    "filter",
    "scale",
    "aggregate",
    "county_totals",
    "per_inhabitant",
    "exclude",
}
FORMATS = ("csv", "xlsx", "opensdg")
AGGREGATES = ("none", "sum", "mean", "last")  # how rows sharing entity and period combine
SOURCES_KIND = TomlKind("source", "the sources file is not UTF-8 text")


@dataclass(frozen=True)
class SeriesSpec:
    indicator: str
    value: str
    period: str
    entity: str | None = None  # column with names or codes
    entity_code: str | None = None  # or one fixed entity for the whole file
    period_label: str | None = None
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    excludes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # rows with these values are left out, on purpose
    scale: float = 1.0
    aggregate: str = "none"  # AGGREGATES: e.g. "sum" over sectors, "mean" of monthly values
    county_totals: bool = False
    per_inhabitant: bool = False
    locations: dict[str, Location] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class SourceSpec:
    path: Path
    format: str
    options: ReadOptions
    decimal: str  # ",", "." or "auto"
    thousands: str
    series: tuple[SeriesSpec, ...]
    location: Location


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


def load_source_specs(path: Path, problems: Problems) -> list[SourceSpec]:
    """Read and check the sources file; every problem is reported with its line."""
    toml = read_toml(path, SOURCES_KIND, problems)
    if toml is None:
        return []
    raw = toml.data
    entries = raw.get("source", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problems.add(Location(path, 1, 1), "source.invalid", "write each file as a [[source]] table (two brackets)")
        return []
    specs = []
    for index, entry in enumerate(entries, start=1):
        spec = _source_spec(path.parent, entry, index, toml, problems)
        if spec:
            specs.append(spec)
    for key in raw:
        if key != "source":
            problems.add(
                Location(path, 1, 1),
                "source.unknown_key",
                f'unknown setting "{key}"',
                hint="a sources file holds [[source]] tables",
            )
    return specs


def _source_spec(base: Path, entry: dict, index: int, toml: TomlFile, problems: Problems) -> SourceSpec | None:
    def at(key: str, series: int = 0) -> Location:
        table = f"source[{index}]" + (f".series[{series}]" if series else "")
        return toml.locate_setting(f"{table}.{key}", table, f"source[{index}]")

    ok = _check_keys(entry, SOURCE_KEYS, lambda k: at(k), "source", problems)
    file = entry.get("file")
    if not isinstance(file, str) or not file:
        problems.add(at("file"), "source.invalid", 'every [[source]] needs file = "path/to/file.csv"')
        return None
    path = (base / file).resolve()
    if not path.is_file():
        problems.add(at("file"), "source.missing_file", f"file {file} does not exist")
        return None
    fmt = entry.get("format") or ("xlsx" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv")
    if fmt not in FORMATS:
        problems.add(at("format"), "source.invalid", f'format must be one of {", ".join(FORMATS)}, got "{fmt}"')
        ok = False
    decimal = entry.get("decimal", "auto")
    if decimal not in (",", ".", "auto"):
        problems.add(at("decimal"), "source.invalid", f'decimal must be "," or ".", got {decimal!r}')
        ok = False
    header_row = entry.get("header_row")
    if header_row is not None and not (isinstance(header_row, int) and header_row >= 1):
        problems.add(at("header_row"), "source.invalid", f"header_row must be a line number from 1, got {header_row!r}")
        ok = False
    items = entry.get("series", [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        problems.add(at("series"), "source.invalid", "write each series as a [[source.series]] table (two brackets)")
        return None
    for key in ("encoding", "delimiter", "thousands", "sheet", "range"):
        if key in entry and not isinstance(entry[key], str):
            problems.add(at(key), "source.invalid", f"{key} must be a text in quotes, got {entry[key]!r}")
            ok = False
    series = [
        s for n, item in enumerate(items, start=1) if (s := _series_spec(item, fmt, lambda k, n=n: at(k, n), problems))
    ]
    if not entry.get("series"):
        problems.add(at("file"), "source.no_series", f"source {file} declares no [[source.series]]")
    if not ok or len(series) != len(items):
        return None
    required = tuple(dict.fromkeys(c for s in series for c in _columns_of(s)))
    options = ReadOptions(
        encoding=entry.get("encoding", "auto"),
        delimiter=entry.get("delimiter", "auto"),
        header_row=header_row,
        sheet=entry.get("sheet"),
        cell_range=entry.get("range"),
        required=required,
    )
    return SourceSpec(path, fmt, options, decimal, entry.get("thousands", ""), tuple(series), at("file"))


def _series_spec(item: dict, fmt: str, at, problems: Problems) -> SeriesSpec | None:
    ok = _check_keys(item, SERIES_KEYS, at, "series", problems)
    defaults = {"period": "Year", "value": "Value"} if fmt == "opensdg" else {}
    values = {**defaults, **item}
    for key in ("indicator", "period", "value"):
        if not isinstance(values.get(key), str) or not values.get(key):
            problems.add(
                at(key),
                "source.invalid",
                f'series needs {key} = "…" (a column name{", or an indicator id" if key == "indicator" else ""})',
            )
            ok = False
    for key in ("entity", "entity_code", "period_label"):
        if key in values and not isinstance(values[key], str):
            problems.add(at(key), "source.invalid", f"{key} must be a text in quotes, got {values[key]!r}")
            ok = False
    if bool(values.get("entity")) == bool(values.get("entity_code")):
        problems.add(at("entity"), "source.invalid", 'give either entity = "column" or entity_code = "4001"')
        ok = False
    selections = {}
    for key, example in (("filter", '{ Kjønn = "Kjønn samlet" }'), ("exclude", '{ region_code = ["K1507"] }')):
        if not isinstance(values.get(key) or {}, dict):
            problems.add(at(key), "source.invalid", f"{key} must be a table like {example}")
            return None
        selections[key] = [
            (column, tuple(str(w) for w in (wanted if isinstance(wanted, list) else [wanted])))
            for column, wanted in (values.get(key) or {}).items()
        ]
    filters = selections["filter"]
    if values.get("aggregate", "none") not in AGGREGATES:
        problems.add(
            at("aggregate"),
            "source.invalid",
            f"aggregate must be one of {', '.join(AGGREGATES)}, got {values['aggregate']!r}",
        )
        ok = False
    scale = values.get("scale", 1)
    if isinstance(scale, bool) or not isinstance(scale, (int, float)):
        problems.add(
            at("scale"), "source.invalid", f"scale must be a number, e.g. 100 for fraction → percent, got {scale!r}"
        )
        ok = False
    if not ok:
        return None
    entity_code = values.get("entity_code")
    if entity_code is not None:
        resolved = resolve_entity(str(entity_code)).code
        if resolved is None:
            problems.add(
                at("entity_code"),
                "source.unknown_entity",
                f'"{entity_code}" is not a municipality, county or nation code',
            )
            return None
        entity_code = resolved
    return SeriesSpec(
        indicator=values["indicator"],
        value=values["value"],
        period=values["period"],
        entity=values.get("entity"),
        entity_code=entity_code,
        period_label=values.get("period_label"),
        filters=tuple(filters),
        excludes=tuple(selections["exclude"]),
        scale=float(scale),
        aggregate=values.get("aggregate", "none"),
        county_totals=bool(values.get("county_totals", False)),
        per_inhabitant=bool(values.get("per_inhabitant", False)),
        locations={k: at(k) for k in values},
    )


def _check_keys(entry: dict, allowed: set[str], at, kind: str, problems: Problems) -> bool:
    ok = True
    for key in entry:
        if key not in allowed:
            guess = difflib.get_close_matches(key, sorted(allowed), n=1)
            problems.add(
                at(key),
                "source.unknown_key",
                f'unknown {kind} setting "{key}"',
                hint=f'did you mean "{guess[0]}"?' if guess else "see README, Declared data sources",
            )
            ok = False
    return ok


def _columns_of(series: SeriesSpec) -> list[str]:
    columns = [series.value, series.period] + [c for c, _ in series.filters + series.excludes]
    columns += [c for c in (series.entity, series.period_label) if c]
    return columns


def read_sources(specs: list[SourceSpec], problems: Problems) -> list[Observation]:
    observations: list[Observation] = []
    for spec in specs:
        table = read_table(spec.path, spec.options, problems)
        if table is None:
            continue
        for series in spec.series:
            observations.extend(_read_series(spec, table, series, problems))
    return observations


def _read_series(spec: SourceSpec, table: Table, series: SeriesSpec, problems: Problems) -> list[Observation]:
    rows = _filtered(spec, table, series, problems)
    decimal = (
        spec.decimal
        if spec.decimal != "auto"
        else detect_decimal([r.text(series.value) for r in rows], table.delimiter)
    )
    grouped: dict[tuple[str, int], list[tuple[float | None, str, Location, int]]] = defaultdict(list)
    unknown: dict[str, list[Location]] = defaultdict(list)
    notes: dict[str, tuple[Location, str]] = {}
    for row in rows:
        period = parse_period(row[series.period], problems)
        entity, valid_until = (
            (series.entity_code, 9999)
            if series.entity_code
            else _entity(row[series.entity], unknown, notes, period[0] if period else None)
        )
        value, ok = parse_number(row[series.value], decimal, spec.thousands)
        if not ok:
            problems.add(
                row[series.value].location,
                "source.not_a_number",
                f'"{row[series.value].text}" is not a number (column {series.value})',
                hint=_number_hint(row[series.value].text, decimal),
            )
        if entity is None or period is None or not ok:
            continue
        label = row[series.period_label].text if series.period_label else period[1]
        grouped[(entity, period[0])].append((value, label, row[series.value].location, valid_until))
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
    for text, locations in unknown.items():
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
    values = _combine(grouped, series, problems)
    if series.county_totals:
        values = _add_county_totals(values)
    return _finish(values, series, problems)


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
    if spec.format == "opensdg":  # the headline series: every disaggregation column empty
        fixed = {series.period, series.value} | {c for c, _ in series.filters}
        rows = [r for r in rows if all(not text for name, text in r.texts().items() if name not in fixed)]
    return rows


def _entity(cell: Cell, unknown: dict, notes: dict, period: int | None) -> tuple[str | None, int]:
    """The 2024 code; a historic code is noted unless it was a plain renumbering in that year."""
    resolution = resolve_entity(cell.text)
    if resolution.code is None:
        unknown[cell.text].append(cell.location)
    elif resolution.note and not (
        resolution.old_code
        and period is not None
        and reference.renumbered(resolution.old_code, resolution.code, period)
    ):
        notes.setdefault(cell.text, (cell.location, resolution.note))
    return resolution.code, resolution.valid_until


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


def _combine(
    grouped: dict, series: SeriesSpec, problems: Problems
) -> dict[tuple[str, int], tuple[float | None, str, Location]]:
    """One value per entity and period; rows under older codes give way to rows under newer codes."""
    combined = {}
    replaced = 0
    duplicates: list[tuple[tuple[str, int], list]] = []
    incomplete: list[tuple[tuple[str, int], list]] = []
    for key, items in grouped.items():
        newest = max(item[3] for item in items)
        if any(item[3] < newest for item in items):  # a file with both old and new codes for one place
            replaced += sum(item[3] < newest for item in items)
            items = [item for item in items if item[3] == newest]
        if len(items) > 1 and series.aggregate == "none":
            duplicates.append((key, items))
            continue
        present = [item[0] for item in items if item[0] is not None]
        if len(items) > 1 and len(present) < len(items) and series.aggregate in ("sum", "mean"):
            incomplete.append((key, items))
            present = []  # a total over incomplete rows would look real but be too small
        if not present:
            value = None
        elif series.aggregate == "mean":
            value = sum(present) / len(present)
        elif series.aggregate == "last":
            value = items[-1][0]
        else:
            value = sum(present)
        combined[key] = (value, items[-1][1] if series.aggregate == "last" else items[0][1], items[0][2])
    _report_duplicates(duplicates, series, problems)
    if incomplete:
        (entity, period), items = min(incomplete, key=lambda d: d[1][0][2].line)
        missing = next(item for item in items if item[0] is None)
        more = f" and {len(incomplete) - 1} more" if len(incomplete) > 1 else ""
        problems.warn(
            missing[2],
            "source.incomplete_total",
            f"{series.indicator} for {entity} in {period}{more} is left missing: some of the rows to "
            f"{series.aggregate} have no value",
        )
    if replaced:
        first = min((item[2] for items in grouped.values() for item in items), key=lambda loc: loc.line)
        problems.warn(
            first,
            "source.older_codes_replaced",
            f"{replaced} rows under older codes were left out because the file also has rows for the same "
            f"places under newer codes ({series.indicator})",
        )
    return combined


def _report_duplicates(duplicates: list, series: SeriesSpec, problems: Problems, shown: int = 10) -> None:
    """Each duplicated entity-period is an error; past the first few they are summarised in one line."""
    hint = 'add a filter to keep one row, or set aggregate = "sum", "mean" or "last"'
    ordered = sorted(duplicates, key=lambda d: d[1][1][2].line)
    for (entity, period), items in ordered[:shown]:
        problems.add(
            items[1][2],
            "source.duplicate",
            f"{len(items)} rows give {series.indicator} for {entity} in {period} (first on line {items[0][2].line})",
            hint=hint,
        )
    if len(ordered) > shown:
        rest = ordered[shown:]
        problems.add(
            rest[0][1][1][2],
            "source.duplicate",
            f"{len(rest)} more entity-periods of {series.indicator} have more than one row "
            f"(from line {rest[0][1][1][2].line} on)",
            hint=hint,
        )


def _add_county_totals(values: dict) -> dict:
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
            if all(item is not None and item[0] is not None for item in items):
                result[(county, period)] = (sum(item[0] for item in items), items[0][1], items[0][2], "sum")
    return result


def _finish(values: dict, series: SeriesSpec, problems: Problems) -> list[Observation]:
    observations = []
    for (entity, period), (value, label, location, *derived) in sorted(values.items()):
        if value is not None and series.per_inhabitant:
            population = reference.populations().get((entity, period))
            if not population:
                problems.add(
                    location,
                    "source.no_population",
                    f"no population figure for {entity} on 1 January {period}, so no value per inhabitant",
                )
                continue
            value = value / population
        if value is not None:
            value = round(value * series.scale, 10)
        observations.append(Observation(series.indicator, entity, period, value, label, location, *derived))
    return observations
