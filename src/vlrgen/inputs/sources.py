"""Declared data sources: the sources file, checked, as `SourceSpec`s (reading them is `series`).

A sources file (TOML, named by `data.sources` in vlrgen.toml) lists `[[source]]` files and, for
each, one or more `[[source.series]]`: which columns hold entity, period and value, which rows
to keep, and how to turn the raw numbers into the indicator (sum, county totals, per
inhabitant, scale). See README, "Declared data sources", for every key.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vlrgen.inputs.confine import confine
from vlrgen.inputs.entities import resolve_entity
from vlrgen.inputs.tables import FORMATS, ReadOptions, TableLimits, reader_for, reader_named
from vlrgen.inputs.tables.columns import column_position
from vlrgen.inputs.tables.numbers import MAX_MAGNITUDE
from vlrgen.inputs.tomlfile import TomlFile, TomlKind, read_toml
from vlrgen.problems import Location, Problems

__all__ = ["SeriesSpec", "SourceSpec", "load_source_specs"]

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
# A column may be picked by its place instead of (or as well as) its name: `value_column = "D"` or `= 4`.
# Needed where a header names two columns alike; with both, the header at that place must read the name.
PICKED_BY_PLACE = ("entity", "period", "period_label", "value")
SERIES_KEYS |= {f"{key}_column" for key in PICKED_BY_PLACE}
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
    positions: tuple[tuple[str, int], ...] = ()  # (key, 0-based column) picked by place: ("value", 3)
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


def load_source_specs(
    path: Path, problems: Problems, roots: Sequence[Path] | None = None, limits: TableLimits | None = None
) -> list[SourceSpec]:
    """Read and check the sources file; every problem is reported with its line.

    Every `file =` must resolve inside `roots` (the project's allowed folders; by default the sources
    file's own folder); one that does not is refused at its `file =` line and never opened.
    """
    roots = tuple(roots) if roots is not None else (path.parent,)
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
        spec = _source_spec(path.parent, roots, entry, index, toml, problems, limits or TableLimits())
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


def _source_spec(
    base: Path,
    roots: tuple[Path, ...],
    entry: dict,
    index: int,
    toml: TomlFile,
    problems: Problems,
    limits: TableLimits,
) -> SourceSpec | None:
    def at(key: str, series: int = 0) -> Location:
        table = f"source[{index}]" + (f".series[{series}]" if series else "")
        return toml.locate_setting(f"{table}.{key}", table, f"source[{index}]")

    ok = _check_keys(entry, SOURCE_KEYS, lambda k: at(k), "source", problems)
    file = entry.get("file")
    if not isinstance(file, str) or not file:
        problems.add(at("file"), "source.invalid", 'every [[source]] needs file = "path/to/file.csv"')
        return None
    path = confine(base / file, roots, problems, at("file"), "file", shown=file)
    if path is None:
        return None
    if not path.is_file():
        problems.add(at("file"), "source.missing_file", f"file {file} does not exist")
        return None
    fmt = entry.get("format") or reader_for(path).format
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
        limits=limits,
    )
    return SourceSpec(path, fmt, options, decimal, entry.get("thousands", ""), tuple(series), at("file"))


def _series_spec(item: dict, fmt: str, at, problems: Problems) -> SeriesSpec | None:
    ok = _check_keys(item, SERIES_KEYS, at, "series", problems)
    reader = reader_named(fmt)
    defaults = reader.series_defaults if reader else {}
    values = {**{k: v for k, v in defaults.items() if f"{k}_column" not in item}, **item}
    positions, picked = _positions(values, at, problems)
    ok = ok and picked
    for key in ("indicator", "period", "value"):
        if (not isinstance(values.get(key), str) or not values.get(key)) and key not in dict(positions):
            problems.add(
                at(key),
                "source.invalid",
                f'series needs {key} = "…" (a column name{", or an indicator id" if key == "indicator" else ""})'
                + (f' or {key}_column = "C" (its place)' if key != "indicator" else ""),
            )
            ok = False
    for key in ("entity", "entity_code", "period_label"):
        if key in values and not isinstance(values[key], str):
            problems.add(at(key), "source.invalid", f"{key} must be a text in quotes, got {values[key]!r}")
            ok = False
    if bool(values.get("entity") or "entity" in dict(positions)) == bool(values.get("entity_code")):
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
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < abs(scale) < MAX_MAGNITUDE:
        problems.add(
            at("scale"),
            "source.invalid",
            f"scale must be a number other than 0 and smaller in size than 1e15, e.g. 100 for fraction → "
            f"percent, got {scale!r}",
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
        value=values.get("value", ""),
        period=values.get("period", ""),
        entity=values.get("entity"),
        entity_code=entity_code,
        period_label=values.get("period_label"),
        filters=tuple(filters),
        excludes=tuple(selections["exclude"]),
        scale=float(scale),
        aggregate=values.get("aggregate", "none"),
        county_totals=bool(values.get("county_totals", False)),
        per_inhabitant=bool(values.get("per_inhabitant", False)),
        positions=positions,
        locations={k: at(k) for k in values},
    )


def _positions(values: dict, at, problems: Problems) -> tuple[tuple[tuple[str, int], ...], bool]:
    """The columns a series picks by place (`value_column = "D"` or `4`), and whether every one is valid."""
    positions, ok = [], True
    for key in PICKED_BY_PLACE:
        raw = values.get(f"{key}_column")
        if raw is None:
            continue
        position = column_position(raw)
        if position is None:
            message = f'{key}_column must be a column letter like "D" or a number from 1, like 4, got {raw!r}'
            problems.add(at(f"{key}_column"), "source.invalid", message)
            ok = False
        else:
            positions.append((key, position))
    return tuple(positions), ok


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
    """The columns a series names (those picked by place only are found by place, not in the header)."""
    columns = [series.value, series.period] + [c for c, _ in series.filters + series.excludes]
    columns += [series.entity or "", series.period_label or ""]
    return [c for c in columns if c]
