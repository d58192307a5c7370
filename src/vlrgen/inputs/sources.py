"""Declared data sources: the sources file, checked, as `SourceSpec`s (reading them is `series`).

A sources file (TOML, named by `data.sources` in vlrgen.toml) lists `[[source]]` files and, for
each, one or more `[[source.series]]`: which columns hold entity, period and value, which rows
to keep, and how to turn the raw numbers into the indicator (sum, county totals, per
inhabitant, scale). See README, "Declared data sources", for every key.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from vlrgen.inputs.breakdowns import DIMENSIONS, BreakdownSpec, known_group
from vlrgen.inputs.confine import confine
from vlrgen.inputs.entities import normalise_name, resolve_entity
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
    "period",
    "borders",
    "fill_down",
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
    "period_columns",
    "denominator",
    "merged",
    "count_filter",
    "absent",
    "dimensions",
}
# A column may be picked by its place instead of (or as well as) its name: `value_column = "D"` or `= 4`.
# Needed where a header names two columns alike; with both, the header at that place must read the name.
PICKED_BY_PLACE = ("entity", "period", "period_label", "value")
SERIES_KEYS |= {f"{key}_column" for key in PICKED_BY_PLACE}
AGGREGATES = ("none", "sum", "mean", "last")  # how rows sharing entity and period combine
# What to do with the rows of a unit that was later merged into a larger one (or split):
# "sum" adds up the parts (counts, or a value and its denominator), "counts" combines shares through
# the counts they are shares of (count_filter), "leave_out" gives the merged unit no value that year.
MERGED = ("sum", "counts", "leave_out")
TOP_KEYS = {"source", "aliases"}
SOURCES_KIND = TomlKind("source", "the sources file is not UTF-8 text")


@dataclass(frozen=True)
class SeriesSpec:
    indicator: str
    value: str
    period: str
    entity: str | None = None  # column with names or codes (or several, joined: county + municipality number)
    entity_code: str | None = None  # or one fixed entity for the whole file
    period_label: str | None = None
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    excludes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # rows with these values are left out, on purpose
    scale: float = 1.0
    aggregate: str = "none"  # AGGREGATES: e.g. "sum" over sectors, "mean" of monthly values
    county_totals: bool = False
    per_inhabitant: bool = False
    positions: tuple[tuple[str, int], ...] = ()  # (key, 0-based column) picked by place: ("value", 3)
    period_value: int | None = None  # one period for every row (a file without a period column)
    period_columns: tuple[str, ...] = ()  # a wide table: one value column per period
    entity_columns: tuple[str, ...] = ()  # a code written over several columns (county + municipality number)
    denominator: str | None = None  # value = sum of `value` / sum of this column (turnout = votes / voters)
    denominator_filter: tuple[tuple[str, tuple[str, ...]], ...] = ()  # …or of the rows with these values instead
    merged: str | None = None  # MERGED, or None: a part of a merged unit is a warning, a split unit an error
    count_filter: tuple[tuple[str, tuple[str, ...]], ...] = ()  # the rows holding the counts behind shares
    absent: float | None = None  # the value of a municipality no row names (a complete register: 0)
    dimensions: tuple[BreakdownSpec, ...] = ()  # columns kept as breakdowns (leave-no-one-behind views)
    locations: dict[str, Location] = field(default_factory=dict, compare=False)

    @property
    def has_denominator(self) -> bool:
        return bool(self.denominator or self.denominator_filter)

    def columns(self) -> list[str]:
        """Every column the series reads."""
        columns = [self.value, self.period, *self.period_columns, *self.entity_columns]
        selections = self.filters + self.excludes + self.count_filter + self.denominator_filter
        columns += [c for c, _ in selections] + [d.column for d in self.dimensions]
        columns += [c for c in (self.entity, self.period_label, self.denominator) if c]
        return [c for c in columns if c]


@dataclass(frozen=True)
class SourceSpec:
    path: Path
    format: str
    options: ReadOptions
    decimal: str  # ",", "." or "auto"
    thousands: str
    series: tuple[SeriesSpec, ...]
    location: Location
    borders: int | str | None = None  # the structure names and codes follow: a year, "period" (each row's), or None
    fill_down: tuple[str, ...] = ()  # columns whose empty cells repeat the cell above (merged cells in exports)
    aliases: dict[str, str] = field(default_factory=dict, compare=False)  # normalised name → code or name


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
    aliases = _aliases(raw.get("aliases", {}), toml, problems)
    specs = []
    for index, entry in enumerate(entries, start=1):
        spec = _source_spec(path.parent, roots, entry, index, toml, problems, limits or TableLimits())
        if spec:
            specs.append(replace(spec, aliases=aliases))
    for key in raw:
        if key not in TOP_KEYS:
            problems.add(
                Location(path, 1, 1),
                "source.unknown_key",
                f'unknown setting "{key}"',
                hint="a sources file holds [[source]] tables and an [aliases] table",
            )
    return specs


def _aliases(raw: object, toml: TomlFile, problems: Problems) -> dict[str, str]:
    """`[aliases]`: a name as a file writes it → the kommunenummer (of any year) or 2024 name it means."""
    at = toml.locate("aliases")
    if not isinstance(raw, dict) or not all(isinstance(v, str) and v for v in raw.values()):
        problems.add(at, "source.invalid", '[aliases] maps names to codes or names, like "Porsanger Porsángu" = "5622"')
        return {}
    aliases = {}
    for name, meant in raw.items():
        if resolve_entity(meant).code is None and not resolve_entity(meant).split:
            problems.add(
                toml.locate(f"aliases.{name}", f'aliases."{name}"', "aliases"),
                "source.unknown_entity",
                f'alias "{name}": "{meant}" is not a known municipality, county or code',
            )
            continue
        aliases[normalise_name(name)] = meant
    return aliases


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
    if decimal not in (",", ".", "either", "auto"):
        message = f'decimal must be ",", "." or "either" (each value may use one or the other), got {decimal!r}'
        problems.add(at("decimal"), "source.invalid", message)
        ok = False
    header = _header_rows(entry.get("header_row"), at, problems)
    items = entry.get("series", [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        problems.add(at("series"), "source.invalid", "write each series as a [[source.series]] table (two brackets)")
        return None
    for key in ("encoding", "delimiter", "thousands", "sheet", "range"):
        if key in entry and not isinstance(entry[key], str):
            problems.add(at(key), "source.invalid", f"{key} must be a text in quotes, got {entry[key]!r}")
            ok = False
    borders = entry.get("borders")
    if borders is not None and borders != "period" and not _is_year(borders):
        problems.add(
            at("borders"),
            "source.invalid",
            f'borders must be the year of the municipal structure the file uses (e.g. 2019) or "period", got {borders!r}',
        )
        ok = False
    fill_down = _texts(entry, "fill_down", at, problems)
    period = entry.get("period")
    if period is not None and not _is_year(period):
        problems.add(at("period"), "source.invalid", f"period of a [[source]] must be a year, got {period!r}")
        ok = False
    series = [
        s
        for n, item in enumerate(items, start=1)
        if (s := _series_spec({"period": period, **item} if period else item, fmt, lambda k, n=n: at(k, n), problems))
    ]
    if not entry.get("series"):
        problems.add(at("file"), "source.no_series", f"source {file} declares no [[source.series]]")
    if not ok or header is None or fill_down is None or len(series) != len(items):
        return None
    required = tuple(dict.fromkeys(c for s in series for c in s.columns() + list(fill_down)))
    options = ReadOptions(
        encoding=entry.get("encoding", "auto"),
        delimiter=entry.get("delimiter", "auto"),
        header_row=header[0],
        header_rows=header[1],
        sheet=entry.get("sheet"),
        cell_range=entry.get("range"),
        required=required,
        limits=limits,
    )
    return SourceSpec(
        path,
        fmt,
        options,
        decimal,
        entry.get("thousands", ""),
        tuple(series),
        at("file"),
        borders=borders,
        fill_down=tuple(fill_down),
    )


def _header_rows(raw: object, at, problems: Problems) -> tuple[int | None, int] | None:
    """header_row = 3, or [7, 8] for a header over consecutive rows: (last row, number of rows)."""
    if raw is None:
        return None, 1
    rows = [r for r in (raw if isinstance(raw, list) else [raw]) if isinstance(r, int) and not isinstance(r, bool)]
    if (
        not rows
        or len(rows) != (len(raw) if isinstance(raw, list) else 1)
        or rows[0] < 1
        or rows != list(range(rows[0], rows[0] + len(rows)))
    ):
        problems.add(
            at("header_row"),
            "source.invalid",
            f"header_row must be a line number from 1, or consecutive lines like [7, 8], got {raw!r}",
        )
        return None
    return rows[-1], len(rows)


def _is_year(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100


def _texts(item: dict, key: str, at, problems: Problems) -> list[str] | None:
    value = item.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.add(at(key), "source.invalid", f"{key} must be a column name or a list of them, got {value!r}")
        return None
    return value


def _series_spec(item: dict, fmt: str, at, problems: Problems) -> SeriesSpec | None:
    ok = _check_keys(item, SERIES_KEYS, at, "series", problems)
    reader = reader_named(fmt)
    defaults = reader.series_defaults if reader else {}
    values = {**{k: v for k, v in defaults.items() if f"{k}_column" not in item}, **item}
    positions, picked = _positions(values, at, problems)
    ok = ok and picked
    period_columns = _texts(values, "period_columns", at, problems)
    wide = bool(period_columns)
    period = values.get("period")
    fixed = period if _is_year(period) else None
    needed = ("indicator",) + (() if wide else ("value",)) + (() if wide or fixed else ("period",))
    for key in needed:
        if (not isinstance(values.get(key), str) or not values.get(key)) and key not in dict(positions):
            problems.add(
                at(key),
                "source.invalid",
                f'series needs {key} = "…" (a column name{", or an indicator id" if key == "indicator" else ""}'
                f"{', or a year' if key == 'period' else ''})"
                + (f' or {key}_column = "C" (its place)' if key != "indicator" else ""),
            )
            ok = False
    for key in ("entity_code", "period_label"):
        if key in values and not isinstance(values[key], str):
            problems.add(at(key), "source.invalid", f"{key} must be a text in quotes, got {values[key]!r}")
            ok = False
    entity_columns = _texts(values, "entity", at, problems) if isinstance(values.get("entity"), list) else []
    if bool(values.get("entity") or "entity" in dict(positions)) == bool(values.get("entity_code")):
        problems.add(at("entity"), "source.invalid", 'give either entity = "column" or entity_code = "4001"')
        ok = False
    elif not isinstance(values.get("entity", ""), (str, list)):
        problems.add(at("entity"), "source.invalid", f"entity must be a column name, got {values['entity']!r}")
        ok = False
    selections: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for key, example in (
        ("filter", '{ Kjønn = "Kjønn samlet" }'),
        ("exclude", '{ region_code = ["K1507"] }'),
        ("count_filter", '{ enhet = "personer" }'),
        ("denominator", '{ Bosetting = "Anmodning om bosetting" }, or a column name'),
    ):
        if key == "denominator" and isinstance(values.get(key), str):
            selections[key] = []
            continue
        if not isinstance(values.get(key) or {}, dict):
            problems.add(at(key), "source.invalid", f"{key} must be a table like {example}")
            return None
        selections[key] = [
            (column, tuple(str(w) for w in (wanted if isinstance(wanted, list) else [wanted])))
            for column, wanted in (values.get(key) or {}).items()
        ]
    if values.get("aggregate", "none") not in AGGREGATES:
        problems.add(
            at("aggregate"),
            "source.invalid",
            f"aggregate must be one of {', '.join(AGGREGATES)}, got {values['aggregate']!r}",
        )
        ok = False
    ok = _check_merging(values, selections, at, problems) and ok
    dimensions = _dimensions(values.get("dimensions"), at, problems)
    ok = ok and dimensions is not None
    scale = values.get("scale", 1)
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < abs(scale) < MAX_MAGNITUDE:
        problems.add(
            at("scale"),
            "source.invalid",
            f"scale must be a number other than 0 and smaller in size than 1e15, e.g. 100 for fraction → "
            f"percent, got {scale!r}",
        )
        ok = False
    absent = values.get("absent")
    if absent is not None and (
        isinstance(absent, bool) or not isinstance(absent, (int, float)) or not abs(absent) < MAX_MAGNITUDE
    ):
        problems.add(at("absent"), "source.invalid", f"absent must be a number, e.g. 0, got {absent!r}")
        ok = False
    if not ok or period_columns is None or entity_columns is None:
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
        value=values.get("value") or "",
        period="" if fixed or wide else values.get("period") or "",
        entity=None if entity_columns else values.get("entity"),
        entity_code=entity_code,
        period_label=values.get("period_label"),
        filters=tuple(selections["filter"]),
        excludes=tuple(selections["exclude"]),
        scale=float(scale),
        aggregate=values.get("aggregate", "none"),
        county_totals=bool(values.get("county_totals", False)),
        per_inhabitant=bool(values.get("per_inhabitant", False)),
        positions=positions,
        period_value=fixed,
        period_columns=tuple(period_columns),
        entity_columns=tuple(entity_columns),
        denominator=values["denominator"] if isinstance(values.get("denominator"), str) else None,
        denominator_filter=tuple(selections["denominator"]),
        merged=values.get("merged"),
        count_filter=tuple(selections["count_filter"]),
        absent=float(absent) if absent is not None else None,
        dimensions=dimensions or (),
        locations={k: at(k) for k in values},
    )


DIMENSIONS_EXAMPLE = (
    '[source.series.dimensions.innvkat_3] dimension = "immigrant_category" '
    'values = { innvandrere = "immigrants", befolkningen_ellers = "rest_of_population" }'
)


def _dimensions(raw: object, at, problems: Problems) -> tuple[BreakdownSpec, ...] | None:
    """`dimensions`: each column kept as a breakdown, with its standard dimension and group codes."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        problems.add(at("dimensions"), "source.invalid", f"dimensions must be a table like {DIMENSIONS_EXAMPLE}")
        return None
    found = []
    nowhere = at("\0")  # where a key that is not written is placed: the series
    for column, entry in raw.items():
        keys = (f"dimensions.{column}.dimension", f"dimensions.{column}.values", f"dimensions.{column}", "dimensions")
        here = next((a for k in keys if (a := at(k)) != nowhere), nowhere)
        if (
            not isinstance(entry, dict)
            or set(entry) != {"dimension", "values"}
            or not isinstance(entry["values"], dict)
        ):
            problems.add(
                here,
                "source.invalid",
                f"dimensions.{column}: give the dimension and the group of each value, like {DIMENSIONS_EXAMPLE}",
            )
            return None
        dimension = entry["dimension"]
        if dimension not in DIMENSIONS:
            guess = difflib.get_close_matches(str(dimension), sorted(DIMENSIONS), n=1)
            problems.add(
                here,
                "source.unknown_dimension",
                f'dimensions.{column}: "{dimension}" is not a standard breakdown',
                hint=f'did you mean "{guess[0]}"?' if guess else f"use one of {', '.join(DIMENSIONS)}",
            )
            return None
        values = []
        for value, code in entry["values"].items():
            if not isinstance(code, str) or not known_group(dimension, code):
                known = ", ".join(DIMENSIONS[dimension]) or 'age bands like "16-25" or "67+"'
                problems.add(
                    here,
                    "source.unknown_group",
                    f'dimensions.{column}: "{value}" is mapped to {code!r}, not a group of {dimension}',
                    hint=f"use one of {known}",
                )
                return None
            values.append((str(value), code))
        if not values:
            problems.add(here, "source.invalid", f"dimensions.{column}: values is empty")
            return None
        found.append(BreakdownSpec(str(column), dimension, tuple(values), here))
    return tuple(found)


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


def _check_merging(values: dict, selections: dict, at, problems: Problems) -> bool:
    merged = values.get("merged")
    if merged is not None and merged not in MERGED:
        problems.add(at("merged"), "source.invalid", f"merged must be one of {', '.join(MERGED)}, got {merged!r}")
        return False
    if (merged == "counts") != bool(selections["count_filter"]):
        problems.add(
            at("count_filter" if selections["count_filter"] else "merged"),
            "source.invalid",
            'merged = "counts" and count_filter go together: the rows that count_filter selects hold the counts '
            "the shares are shares of",
        )
        return False
    if merged == "sum" and values.get("aggregate", "none") == "none" and not values.get("denominator"):
        problems.add(
            at("merged"),
            "source.invalid",
            'merged = "sum" adds up counts: set aggregate = "sum", or give a denominator (a share is not added up)',
        )
        return False
    return True


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
