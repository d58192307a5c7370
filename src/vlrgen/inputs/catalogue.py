"""The indicator catalogue: one CSV row per indicator, names and units per language, checked cell by cell.

The texts have one column per report language (`name_nb`, `name_en`, `name_nn`, …). A row with a
problem is reported and left out; `Catalogue.rejected` names those rows' ids so that their
observations are not reported a second time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vlrgen import reference
from vlrgen.inputs.breakdowns import DIMENSIONS
from vlrgen.inputs.dataset import Indicator
from vlrgen.inputs.i18n import LANGUAGE_CODE
from vlrgen.inputs.tables import RANGE_HINT, Cell, Row, TableLimits, parse_number, range_problem, read_tidy
from vlrgen.problems import Location, Problems, Severity

__all__ = ["DIRECTIONS", "RELATIONS", "Catalogue", "load_catalogue"]

RELATIONS = ("identical", "adapted", "proxy", "local")
DIRECTIONS = ("higher", "lower", "none")  # "none": a context indicator, neither way is better
WEIGHTINGS = ("population", "none")
ORIGINS = ("national_target", "council_decision", "sdsn_practice", "international_target", "example")
REQUIRED = ("id", "goal", "direction")
OPTIONAL = (
    "targets",
    "decimals",
    "source_url",
    "framework_ref",
    "sdg_relation",
    "sdg_indicator",
    "weighting",
    "scope",
    "u4ssc",
    "jrc2022",
    "breakdowns",
)
# Texts: one column `<field>_<lang>` per report language. Without a name, unit or source column
# for a report language the catalogue is refused (an error): that report would otherwise show
# another language's words, or none, unannounced. The optional texts (definition and threshold
# note) may be left out altogether; when a column exists for one report language but not for
# another, that is a warning and the other report shows those texts empty (never another
# language's). Columns for languages that are not report languages are accepted and unused.
TEXT_REQUIRED = {"name": "name", "unit": "unit", "source_name": "source"}
TEXT_OPTIONAL = {"definition": "definition", "threshold_note": "threshold note", "subject": "sentence subject"}
TEXT_COLUMN = re.compile(rf"({'|'.join([*TEXT_REQUIRED, *TEXT_OPTIONAL])})_({LANGUAGE_CODE.pattern})")
THRESHOLD_COLUMNS = ("best", "worst", "green", "red")
ASSESSMENT = THRESHOLD_COLUMNS + ("target", "target_year", "threshold_origin")
INTERCHANGE_REQUIRED = ("id", "goal", "direction")  # `vlrgen assess` needs only these
COLUMNS = REQUIRED + OPTIONAL + ASSESSMENT

Fail = Callable[..., None]


@dataclass(frozen=True)
class Catalogue:
    indicators: dict[str, Indicator]
    rejected: frozenset[str] | None  # ids of rows with a problem; None when the file itself failed
    cells: dict[str, dict[str, str]] | None = None  # each row's texts by column (what an override builds on)


def load_catalogue(
    path: Path,
    problems: Problems,
    interchange: bool = False,
    languages: tuple[str, ...] | None = None,
    limits: TableLimits | None = None,
    base: Catalogue | None = None,
) -> Catalogue:
    """The catalogue, with its texts in `languages` (the report languages; None: every language the
    catalogue has a name column for).

    `interchange=True` reads the `vlrgen assess` format: only id, goal and direction are required.
    `base`: a library catalogue this one builds on; a row with a library id overrides that indicator,
    its empty cells keeping the library's (so a row may give only thresholds), and only `id` is required.
    """
    before = len(problems.items)
    required = INTERCHANGE_REQUIRED if interchange else ("id",) if base else REQUIRED
    optional = tuple(c for c in COLUMNS if c not in required)
    texts_in: list[str] = []  # the languages the texts are read in, known once the header is

    def check_header(header: tuple[Cell, ...]) -> bool:
        names = [m[2] for cell in header if (m := TEXT_COLUMN.fullmatch(cell.text)) and m[1] == "name"]
        texts_in.extend(dict.fromkeys(names) if languages is None else languages)
        return interchange or bool(base) or _check_text_columns(path, header, texts_in, languages is None, problems)

    table = read_tidy(path, required, optional, problems, TEXT_COLUMN, check_header, limits)
    indicators: dict[str, Indicator] = {}
    cells: dict[str, dict[str, str]] = {}
    inherited = base.cells or {} if base else {}
    for row in table.rows if table else ():
        indicator = _indicator(
            row, REQUIRED if base else required, texts_in, indicators, interchange, problems, inherited
        )
        cells[row.text("id")] = row.texts()
        if indicator is not None:
            indicators[indicator.id] = indicator
    found = [p for p in problems.items[before:] if p.location.path == path]
    if table is None or any(p.location.line in (0, 1) for p in found if p.severity is Severity.ERROR):
        return Catalogue(indicators, None, cells)
    lines = {p.location.line for p in found if p.severity is Severity.ERROR}
    rejected = frozenset(r.text("id") for r in table.rows + table.left_out if r.line in lines)
    return Catalogue(indicators, rejected, cells)


def _indicator(
    row: Row,
    required: tuple[str, ...],
    languages: list[str],
    known: dict[str, Indicator],
    interchange: bool,
    problems: Problems,
    inherited: dict[str, dict[str, str]] | None = None,
) -> Indicator | None:
    columns = COLUMNS + tuple(f"{field}_{lang}" for field in (*TEXT_REQUIRED, *TEXT_OPTIONAL) for lang in languages)
    c = {column: row.text(column) if column in row else "" for column in columns}
    at = {column: row[column if column in row else "id"].location for column in columns}
    library = (inherited or {}).get(c["id"])
    if library is not None:  # a library indicator overridden: empty cells keep the library's texts and numbers
        c = {column: c[column] or library.get(column, "") for column in columns}
    if interchange:  # `vlrgen assess` needs no names; its output names indicators by id
        for lang in languages:
            c[f"name_{lang}"] = c[f"name_{lang}"] or c["id"]
    failures = []

    def fail(column: str, message: str, code: str = "data.invalid", hint: str = "") -> None:
        failures.append(column)
        problems.add(at[column], code, message, hint=hint)

    texts_required = () if interchange else tuple(f"{field}_{lang}" for field in TEXT_REQUIRED for lang in languages)
    for column in required + texts_required:
        if not c[column]:
            fail(column, f'indicator {c["id"] or "?"}: column "{column}" is empty')
    _check_identity(c, known, fail)
    _check_choices(c, fail)
    thresholds = _thresholds(c, at, problems)
    target, target_year = _target(c, at, problems)
    if thresholds is False or target is False:
        failures.append("thresholds")
    elif c["direction"] == "none" and (thresholds or target is not None):
        fail(
            "direction",
            f'indicator {c["id"]}: a context indicator (direction "none") cannot have thresholds '
            "or a target, since neither higher nor lower is better",
        )
    if failures:
        return None
    return _make_indicator(c, languages, at["id"], thresholds or None, target, target_year)  # type: ignore[arg-type]


def _check_text_columns(
    path: Path, header: tuple[Cell, ...], languages: list[str], found: bool, problems: Problems
) -> bool:
    """Every report language needs name, unit and source columns (an error: the catalogue is refused) and
    the optional text columns that another language has (a warning). `found`: the languages were read
    from the name columns rather than asked for. Problems point at the field's column in another language."""
    ok, at = True, {cell.text: cell.location for cell in header}
    names = [cell.text for cell in header]
    for field, words in (TEXT_REQUIRED | TEXT_OPTIONAL).items():
        present = [h for h in names if (m := TEXT_COLUMN.fullmatch(h)) and m[1] == field]
        for lang in languages:
            column = f"{field}_{lang}"
            if column in at:
                continue
            where = at[present[0]] if present else Location(path, 1, 1)
            why = "the catalogue has a name column for" if found else "the report is written in"
            if field in TEXT_REQUIRED:
                ok = False
                problems.add(
                    where,
                    "data.missing_column",
                    f'column "{column}" is missing from the header: {why} {lang}, so every indicator needs its '
                    f"{words} in {lang}",
                    hint=f"add a {column} column" + (f" beside {present[0]}" if present else ""),
                )
            elif present:
                problems.warn(
                    where,
                    "data.missing_column",
                    f'column "{column}" is missing from the header: the {lang} report shows no {words}s '
                    f"(the catalogue has {', '.join(present)})",
                    hint=f"add a {column} column beside {present[0]}",
                )
    return ok


def _check_identity(c: dict[str, str], known: dict[str, Indicator], fail: Fail) -> None:
    if c["id"] and not re.fullmatch(r"[a-z0-9_]+", c["id"]):
        fail("id", f'indicator id "{c["id"]}" may contain only a-z, 0-9 and _')
    if c["id"] in known:
        first = known[c["id"]].location.line
        fail("id", f'indicator "{c["id"]}" is defined twice (first on line {first})', "data.duplicate")
    if c["goal"] and (not re.fullmatch(r"[0-9]{1,2}", c["goal"]) or int(c["goal"]) not in reference.goals()):
        fail("goal", f'goal must be a number from 1 to 17, got "{c["goal"]}"')
    if c["source_url"] and not re.match(r"https?://", c["source_url"]):
        fail("source_url", f'source_url must start with https:// or http://, got "{c["source_url"]}"')


def _check_choices(c: dict[str, str], fail: Fail) -> None:
    if c["direction"] and c["direction"] not in DIRECTIONS:
        fail(
            "direction",
            f'direction must be "higher" or "lower" (which way is better) or "none" (a context '
            f'indicator), got "{c["direction"]}"',
        )
    if (c["weighting"] or "none") not in WEIGHTINGS:
        fail(
            "weighting",
            f'weighting must be "population" (county and national values weighted by population) '
            f'or empty (the median of the municipalities), got "{c["weighting"]}"',
        )
    if (c["sdg_relation"] or "local") not in RELATIONS:
        fail("sdg_relation", f'sdg_relation must be one of {", ".join(RELATIONS)}, got "{c["sdg_relation"]}"')
    if not re.fullmatch(r"[0-6]", c["decimals"] or "1"):
        fail("decimals", f'decimals must be a whole number from 0 to 6, got "{c["decimals"]}"')
    if c["u4ssc"] and c["u4ssc"] not in reference.u4ssc_kpis():
        fail("u4ssc", f'u4ssc: "{c["u4ssc"]}" is not a U4SSC KPI code in KS\'s list (e.g. "SC: SH: SI: 4C")')
    if c["jrc2022"] and c["jrc2022"] not in reference.jrc_indicators():
        fail("jrc2022", f'jrc2022: "{c["jrc2022"]}" is not an indicator id of the JRC handbook 2022 in KS\'s list')
    for county in _listed(c["scope"]):
        if not (reference.place(county) and reference.known_place(county).kind == "county"):
            fail("scope", f'scope: "{county}" is not a county code (2024 structure); leave it empty for all of Norway')
    for dimension in _listed(c["breakdowns"]):
        if dimension not in DIMENSIONS:
            fail("breakdowns", f'breakdowns: "{dimension}" is not a standard breakdown ({", ".join(DIMENSIONS)})')
    if c["threshold_origin"] and c["threshold_origin"] not in ORIGINS:
        fail(
            "threshold_origin",
            f'threshold_origin must be one of {", ".join(ORIGINS)}, got "{c["threshold_origin"]}"',
        )


def _make_indicator(
    c: dict[str, str],
    languages: list[str],
    at: Location,
    thresholds: dict[str, float] | None,
    target: float | None,
    year: int | None,
) -> Indicator:
    def texts(field: str) -> dict[str, str]:
        return {lang: c[f"{field}_{lang}"] for lang in languages}

    return Indicator(
        id=c["id"],
        goal=int(c["goal"]),
        targets=tuple(t.strip() for t in c["targets"].split(";") if t.strip()),
        name=texts("name"),
        unit=texts("unit"),
        decimals=int(c["decimals"] or "1"),
        direction=c["direction"],
        source_name=texts("source_name"),
        source_url=c["source_url"],
        framework_ref=c["framework_ref"],
        sdg_relation=c["sdg_relation"] or "local",
        sdg_indicator=c["sdg_indicator"],
        definition=texts("definition"),
        location=at,
        thresholds=thresholds,
        target=target,
        target_year=year,
        threshold_origin=c["threshold_origin"],
        threshold_note=texts("threshold_note"),
        weighting=c["weighting"] or "none",
        subject=texts("subject"),
        scope=_listed(c["scope"]),
        u4ssc=c["u4ssc"],
        jrc2022=c["jrc2022"],
        breakdowns=_listed(c["breakdowns"]),
    )


def _listed(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in text.split(";") if t.strip())


def tidy_number(
    text: str, at: Location, column: str, problems: Problems, fallback_hint: str = ""
) -> tuple[float | None, bool]:
    """(value, ok) of a number in a tidy file: None for an empty cell; not ok after reporting a problem."""
    value, ok = parse_number(Cell(text, at), plain=True)
    if not ok and (why := range_problem(Cell(text, at), plain=True)):
        problems.add(at, "data.out_of_range", f'"{text}" {why} (column {column})', hint=RANGE_HINT)
    elif not ok:
        hint = "decimal comma? write 86.8, not 86,8" if re.fullmatch(r"-?\d+,\d+", text) else fallback_hint
        problems.add(at, "data.not_a_number", f'"{text}" is not a number (column {column})', hint=hint)
    return value, ok


def _thresholds(c: dict, at: dict, problems: Problems) -> dict[str, float] | bool | None:
    parsed = {column: tidy_number(c[column], at[column], column, problems) for column in THRESHOLD_COLUMNS}
    if not all(ok for _, ok in parsed.values()):
        return False
    values = {column: value for column, (value, _) in parsed.items() if value is not None}
    given = list(values)
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
    worst, red, green, best = (sign * values[k] for k in ("worst", "red", "green", "best"))
    better = "higher" if sign == 1 else "lower"
    if not (worst < best and red < green):
        problems.add(
            at["worst"],
            "data.threshold_order",
            f"indicator {c['id']}: with {better} values better, the worst value must be worse than the best and the "
            f"red threshold worse than the green (got worst {c['worst']}, red {c['red']}, green {c['green']}, "
            f"best {c['best']})",
        )
        return False
    # SDSN's own published tables have rows whose green threshold lies beyond the best value, or whose red
    # threshold lies beyond the worst: accepted as published, and judged as SDSN does (the status from the
    # thresholds, the score clipped between worst and best).
    for column, bound, beyond in (("green", "best", green > best), ("red", "worst", red < worst)):
        if beyond:
            problems.add(
                at[column],
                "data.threshold_beyond_bound",
                f"indicator {c['id']}: the {column} threshold ({c[column]}) is "
                f"{'better' if column == 'green' else 'worse'} than the {bound} value ({c[bound]}), as in some of "
                f"SDSN's published tables; kept as published: the colour follows the thresholds, and the score "
                f"stops at {100 if column == 'green' else 0} at the {bound} value",
                severity=Severity.WARNING,
                hint="SDSN's published tables have such rows; check the numbers if you typed them yourself",
            )
    return values


def _target(c: dict, at: dict, problems: Problems) -> tuple[float | None, int | None] | tuple[bool, None]:
    target, ok = tidy_number(c["target"], at["target"], "target", problems)
    year_text = c["target_year"]
    if not ok:
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
