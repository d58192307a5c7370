"""Indicator data: the bilingual indicator catalogue and the tidy observations table.

Every value keeps the file, line and column it came from, so any later problem can point
at the cell. A bad cell is reported, never dropped; an empty value cell is a missing value.
"""

from __future__ import annotations

import csv
import difflib
import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path

from vlrgen import reference
from vlrgen.inputs.sources import Observation, SourceSpec, load_source_specs, read_sources
from vlrgen.inputs.tables import field_offsets
from vlrgen.problems import Location, Problems, Severity

__all__ = ["DIRECTIONS", "RELATIONS", "Dataset", "Indicator", "Observation", "load_dataset"]

RELATIONS = ("identical", "adapted", "proxy", "local")
DIRECTIONS = ("higher", "lower", "none")  # "none": a context indicator, neither way is better
WEIGHTINGS = ("population", "none")
CATALOGUE_REQUIRED = (
    "id",
    "goal",
    "name_nb",
    "name_en",
    "unit_nb",
    "unit_en",
    "direction",
    "source_name_nb",
    "source_name_en",
)
CATALOGUE_OPTIONAL = (
    "targets",
    "decimals",
    "source_url",
    "framework_ref",
    "sdg_relation",
    "sdg_indicator",
    "definition_nb",
    "definition_en",
    "weighting",
)
THRESHOLD_COLUMNS = ("best", "worst", "green", "red")
ASSESSMENT_OPTIONAL = THRESHOLD_COLUMNS + (
    "target",
    "target_year",
    "threshold_origin",
    "threshold_note_nb",
    "threshold_note_en",
)
# The interchange format of `vlrgen assess`: only these catalogue columns are required.
INTERCHANGE_REQUIRED = ("id", "goal", "direction")
ORIGINS = ("national_target", "council_decision", "sdsn_practice", "international_target", "example")
OBSERVATION_REQUIRED = ("indicator", "entity", "period", "value")
OBSERVATION_OPTIONAL = ("period_label",)


@dataclass(frozen=True)
class Indicator:
    id: str
    goal: int
    targets: tuple[str, ...]
    name: dict[str, str]
    unit: dict[str, str]
    decimals: int
    direction: str
    source_name: dict[str, str]
    source_url: str
    framework_ref: str
    sdg_relation: str
    sdg_indicator: str
    definition: dict[str, str]
    location: Location
    thresholds: dict[str, float] | None = None  # best, worst, green, red (SDSN), or None
    target: float | None = None  # a local target value and the year it should be reached
    target_year: int | None = None
    threshold_origin: str = ""  # national_target, council_decision, sdsn_practice, ...
    threshold_note: dict[str, str] | None = None
    weighting: str = "none"  # "population": a county or national value is the population-weighted mean


@dataclass(frozen=True)
class Dataset:
    indicators: dict[str, Indicator]
    observations: tuple[Observation, ...]
    files: tuple[Path, ...] = ()  # every file read for this data set (the build's cache checks them)

    def series(self, indicator: str, entity: str) -> tuple[Observation, ...]:
        return self._by_key.get((indicator, entity), ())

    @functools.cached_property
    def _by_key(self) -> dict[tuple[str, str], tuple[Observation, ...]]:
        """Series by (indicator, entity), built once: a review asks for thousands of them."""
        grouped: dict[tuple[str, str], list[Observation]] = {}
        for o in self.observations:
            grouped.setdefault((o.indicator, o.entity), []).append(o)
        return {key: tuple(sorted(items, key=lambda o: o.period)) for key, items in grouped.items()}

    def __getstate__(self):  # the index is rebuilt after unpickling, not stored in the cache
        return {k: v for k, v in self.__dict__.items() if k != "_by_key"}

    def for_entities(self, entities: set[str]) -> Dataset:
        return Dataset(self.indicators, tuple(o for o in self.observations if o.entity in entities), self.files)


@dataclass(frozen=True)
class _Row:
    cells: dict[str, str]
    locations: dict[str, Location]


def load_dataset(
    indicators_path: Path,
    observations_path: Path | None,
    problems: Problems,
    interchange: bool = False,
    sources_path: Path | None = None,
) -> Dataset:
    """Load a catalogue and observations. `interchange=True` reads the `vlrgen assess` format:
    only id, goal and direction are required and entities may be any text (not only Norwegian codes).
    """
    before = len(problems.items)
    indicators = _load_catalogue(indicators_path, problems, interchange)
    # Rows of indicators whose catalogue entry has a problem are not reported a second time.
    reported = {p.location.line for p in problems.items[before:] if p.location.path == indicators_path}
    catalogue_failed = any(
        p.location.line in (0, 1)
        for p in problems.items[before:]
        if p.severity is Severity.ERROR and p.location.path == indicators_path
    )
    rejected = set() if catalogue_failed else _ids_on_lines(indicators_path, reported)
    skip = None if catalogue_failed else rejected
    observations = (
        _load_observations(observations_path, indicators, problems, check_entities=not interchange, skip=skip)
        if observations_path
        else []
    )
    files = [indicators_path] + ([observations_path] if observations_path else [])
    if sources_path:
        specs = load_source_specs(sources_path, problems)
        observations += _from_sources(specs, indicators, skip, problems)
        files += [sources_path] + [spec.path for spec in specs]
    return Dataset(indicators, _without_duplicates(observations, problems), tuple(dict.fromkeys(files)))


def _read_table(path: Path, required: tuple[str, ...], optional: tuple[str, ...], problems: Problems) -> list[_Row]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        problems.add(
            Location(path, line, 1),
            "data.encoding",
            "the file is not UTF-8 text",
            hint="save it as UTF-8 (CSV UTF-8 in Excel)",
        )
        return []
    lines = text.splitlines()
    reader = csv.reader(lines)
    header = next(reader, [])
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    for column in missing:
        problems.add(
            Location(path, 1, 1),
            "data.missing_column",
            f'column "{column}" is missing from the header',
            hint=f"the header must contain {', '.join(required)}",
        )
    for offset, name in zip(field_offsets(lines[0] if lines else "", ","), header):
        if name not in required and name not in optional:
            problems.warn(Location(path, 1, offset), "data.unknown_column", f'column "{name}" is not used')
    if missing:
        return []
    rows = []
    previous_end = 1
    for record in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        offsets = field_offsets(lines[start - 1], ",") if start == previous_end else [1] * len(record)
        if len(record) != len(header):
            problems.add(
                Location(path, start, 1),
                "data.column_count",
                f"row has {len(record)} cells but the header has {len(header)}",
                hint="a value with a comma must be in double quotes",
            )
            continue
        cells = {name: cell.strip() for name, cell in zip(header, record)}
        locations = {name: Location(path, start, off) for name, off in zip(header, offsets + [1] * len(header))}
        rows.append(_Row(cells, locations))
    return rows


def _load_catalogue(path: Path, problems: Problems, interchange: bool = False) -> dict[str, Indicator]:
    indicators: dict[str, Indicator] = {}
    goals = reference.goals()
    required = INTERCHANGE_REQUIRED if interchange else CATALOGUE_REQUIRED
    optional = tuple(c for c in CATALOGUE_REQUIRED + CATALOGUE_OPTIONAL if c not in required) + ASSESSMENT_OPTIONAL
    for row in _read_table(path, required, optional, problems):
        c = {
            column: row.cells.get(column, "")
            for column in CATALOGUE_REQUIRED + CATALOGUE_OPTIONAL + ASSESSMENT_OPTIONAL
        }
        at = {column: row.locations.get(column, row.locations["id"]) for column in c}
        if interchange:
            for column in ("name_nb", "name_en"):
                c[column] = c[column] or c["id"]
        ok = True

        def fail(column: str, message: str, code: str = "data.invalid", hint: str = "") -> None:
            nonlocal ok
            ok = False
            problems.add(at[column], code, message, hint=hint)  # noqa: B023 -- called within this iteration only

        for column in required:
            if not c[column]:
                fail(column, f'indicator {c["id"] or "?"}: column "{column}" is empty')
        if c["id"] and not re.fullmatch(r"[a-z0-9_]+", c["id"]):
            fail("id", f'indicator id "{c["id"]}" may contain only a-z, 0-9 and _')
        if c["id"] in indicators:
            fail(
                "id",
                f'indicator "{c["id"]}" is defined twice (first on line {indicators[c["id"]].location.line})',
                "data.duplicate",
            )
        if c["goal"] and (not re.fullmatch(r"[0-9]{1,2}", c["goal"]) or int(c["goal"]) not in goals):
            fail("goal", f'goal must be a number from 1 to 17, got "{c["goal"]}"')
        if c["direction"] and c["direction"] not in DIRECTIONS:
            fail(
                "direction",
                f'direction must be "higher" or "lower" (which way is better) or "none" (a context '
                f'indicator), got "{c["direction"]}"',
            )
        weighting = c.get("weighting", "") or "none"
        if weighting not in WEIGHTINGS:
            fail(
                "weighting",
                f'weighting must be "population" (county and national values weighted by population) '
                f'or empty (the median of the municipalities), got "{weighting}"',
            )
        if c["source_url"] and not re.match(r"https?://", c["source_url"]):
            fail("source_url", f'source_url must start with https:// or http://, got "{c["source_url"]}"')
        relation = c.get("sdg_relation", "") or "local"
        if relation not in RELATIONS:
            fail("sdg_relation", f'sdg_relation must be one of {", ".join(RELATIONS)}, got "{relation}"')
        decimals = c.get("decimals", "") or "1"
        if not re.fullmatch(r"[0-6]", decimals):
            fail("decimals", f'decimals must be a whole number from 0 to 6, got "{decimals}"')
        thresholds = _thresholds(c, at, problems)
        target, target_year = _target(c, at, problems)
        if thresholds is False or target is False:
            ok = False
        elif c["direction"] == "none" and (thresholds or target is not None):
            fail(
                "direction",
                f'indicator {c["id"]}: a context indicator (direction "none") cannot have thresholds '
                "or a target, since neither higher nor lower is better",
            )
        if c["threshold_origin"] and c["threshold_origin"] not in ORIGINS:
            fail(
                "threshold_origin",
                f'threshold_origin must be one of {", ".join(ORIGINS)}, got "{c["threshold_origin"]}"',
            )
        if not ok:
            continue
        indicators[c["id"]] = Indicator(
            id=c["id"],
            goal=int(c["goal"]),
            targets=tuple(t.strip() for t in c.get("targets", "").split(";") if t.strip()),
            name={"nb": c["name_nb"], "en": c["name_en"]},
            unit={"nb": c["unit_nb"], "en": c["unit_en"]},
            decimals=int(decimals),
            direction=c["direction"],
            source_name={"nb": c["source_name_nb"], "en": c["source_name_en"]},
            source_url=c.get("source_url", ""),
            framework_ref=c.get("framework_ref", ""),
            sdg_relation=relation,
            sdg_indicator=c.get("sdg_indicator", ""),
            definition={"nb": c.get("definition_nb", ""), "en": c.get("definition_en", "")},
            location=at["id"],
            thresholds=thresholds or None,
            target=target,
            target_year=target_year,
            threshold_origin=c["threshold_origin"],
            threshold_note={"nb": c["threshold_note_nb"], "en": c["threshold_note_en"]},
            weighting=weighting,
        )
    return indicators


def _number(text: str, at: Location, column: str, problems: Problems, fallback_hint: str = "") -> float | bool | None:
    """A number, None for an empty cell, or False after reporting a problem."""
    if text == "":
        return None
    try:
        value = float(text)
        if math.isfinite(value):
            return value
    except ValueError:
        pass
    hint = "decimal comma? write 86.8, not 86,8" if re.fullmatch(r"-?\d+,\d+", text) else fallback_hint
    problems.add(at, "data.not_a_number", f'"{text}" is not a number (column {column})', hint=hint)
    return False


def _thresholds(c: dict, at: dict, problems: Problems) -> dict[str, float] | bool | None:
    values = {column: _number(c[column], at[column], column, problems) for column in THRESHOLD_COLUMNS}
    if any(v is False for v in values.values()):
        return False
    given = [column for column, v in values.items() if v is not None]
    if not given:
        return None
    if len(given) < len(THRESHOLD_COLUMNS):
        missing = ", ".join(col for col in THRESHOLD_COLUMNS if col not in given)
        problems.add(
            at[given[0]],
            "data.incomplete_thresholds",
            f"indicator {c['id']}: thresholds need best, worst, green and red together ({missing} missing)",
        )
        return False
    sign = 1 if c["direction"] == "higher" else -1
    order = [sign * values[k] for k in ("worst", "red", "green", "best")]
    if not (order[0] < order[3] and order[0] <= order[1] <= order[2] <= order[3] and order[1] < order[2]):
        better = "higher" if sign == 1 else "lower"
        problems.add(
            at["worst"],
            "data.threshold_order",
            f"indicator {c['id']}: with {better} values better, thresholds must run worst → red → green → best "
            f"(got worst {c['worst']}, red {c['red']}, green {c['green']}, best {c['best']})",
        )
        return False
    return values


def _target(c: dict, at: dict, problems: Problems) -> tuple[float | None, int | None] | tuple[bool, None]:
    target = _number(c["target"], at["target"], "target", problems)
    year_text = c["target_year"]
    if target is False:
        return False, None
    if (target is None) != (year_text == ""):
        problems.add(
            at["target"], "data.incomplete_target", f"indicator {c['id']}: a target needs both target and target_year"
        )
        return False, None
    if target is None:
        return None, None
    if not re.fullmatch(r"\d{4}", year_text):
        problems.add(at["target_year"], "data.invalid", f'target_year must be a year, got "{year_text}"')
        return False, None
    return target, int(year_text)


def _ids_on_lines(path: Path, lines: set[int]) -> set[str]:
    """The indicator ids written on the given catalogue lines (rows already reported)."""
    try:
        text = path.read_text(encoding="utf-8-sig").splitlines()
    except (UnicodeDecodeError, OSError):
        return set()
    return {text[n - 1].split(",", 1)[0].strip().strip('"') for n in lines if 0 < n <= len(text)}


def _load_observations(
    path: Path,
    indicators: dict[str, Indicator],
    problems: Problems,
    check_entities: bool = True,
    skip: set[str] | None = frozenset(),
) -> list[Observation]:
    """`skip`: indicator ids already reported in the catalogue; None when the catalogue could not be read."""
    observations: list[Observation] = []
    for row in _read_table(path, OBSERVATION_REQUIRED, OBSERVATION_OPTIONAL, problems):
        c, at = row.cells, row.locations
        before = len(problems.items)
        already_reported = c["indicator"] not in indicators and (skip is None or c["indicator"] in skip)
        if c["indicator"] not in indicators and not already_reported:
            guess = difflib.get_close_matches(c["indicator"], list(indicators), n=1)
            problems.add(
                at["indicator"],
                "data.unknown_indicator",
                f'indicator "{c["indicator"]}" is not in the indicator catalogue',
                hint=f'did you mean "{guess[0]}"?' if guess else "add it to the catalogue first",
            )
        if not c["entity"]:
            problems.add(at["entity"], "data.invalid", "entity is empty")
        elif check_entities and reference.place(c["entity"]) is None:
            problems.add(
                at["entity"],
                "data.unknown_entity",
                f'"{c["entity"]}" is not a municipality, county or nation code (2024 structure)',
                hint="use 4-digit kommunenummer, 2-digit fylkesnummer or 0 for Norway",
            )
        period = int(c["period"]) if re.fullmatch(r"\d{4}", c["period"]) else None
        if period is None:
            problems.add(
                at["period"],
                "data.invalid_period",
                f'period "{c["period"]}" is not a year',
                hint="use the (end) year, e.g. 2024; put the published period text in period_label",
            )
        value = _parse_value(c["value"], at["value"], problems)
        if already_reported or any(p.severity is Severity.ERROR for p in problems.items[before:]):
            continue
        observations.append(
            Observation(c["indicator"], c["entity"], period, value, c.get("period_label", ""), at["value"])
        )
    return observations


def _from_sources(
    specs: list[SourceSpec], indicators: dict[str, Indicator], skip: set[str] | None, problems: Problems
) -> list[Observation]:
    raw = read_sources(specs, problems)
    observations, unknown = [], {}
    for o in raw:
        if o.indicator in indicators:
            observations.append(o)
        elif skip is not None and o.indicator not in skip:
            unknown.setdefault(o.indicator, o.location)
    for indicator, location in unknown.items():
        guess = difflib.get_close_matches(indicator, list(indicators), n=1)
        problems.add(
            location,
            "data.unknown_indicator",
            f'indicator "{indicator}" is not in the indicator catalogue',
            hint=f'did you mean "{guess[0]}"?' if guess else "add it to the catalogue first",
        )
    return observations


def _without_duplicates(observations: list[Observation], problems: Problems) -> tuple[Observation, ...]:
    seen: dict[tuple[str, str, int], Location] = {}
    kept = []
    for o in observations:
        key = (o.indicator, o.entity, o.period)
        if key in seen:
            first = seen[key]
            where = f"line {first.line}" if first.path == o.location.path else f"{first.path.name}, line {first.line}"
            row = Location(o.location.path, o.location.line, 1, o.location.cell)
            problems.add(
                row, "data.duplicate", f"{o.indicator} for {o.entity} in {o.period} appears twice (first on {where})"
            )
            continue
        seen[key] = o.location
        kept.append(o)
    return tuple(kept)


def _parse_value(text: str, at: Location, problems: Problems) -> float | None:
    value = _number(text, at, "value", problems, fallback_hint="leave the cell empty for a missing value")
    return None if value is False else value
