"""Reference data shipped inside the package: SDG goals and colours, municipalities, counties.

Sources and licences are listed in `reference/README.md` next to the CSV files. SDG names and
target texts are keyed by language code, one column per language (`short_<lang>`, `title_<lang>`):
a language is added by adding columns, not code. English (`FALLBACK_LANGUAGE`) is complete.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

__all__ = [
    "FALLBACK_LANGUAGE",
    "NATION_CODE",
    "Goal",
    "Place",
    "code_changes",
    "counties",
    "county_names",
    "display_name",
    "framework_size",
    "goals",
    "historic_names",
    "jrc_indicators",
    "known_place",
    "municipalities",
    "place",
    "populations",
    "predecessors",
    "renumbered",
    "successors",
    "target_titles",
    "u4ssc_kpis",
]

NATION_CODE = "0"
# The language every SDG label exists in: the documented fallback where a label is missing for a
# report language (the message catalogs report that fallback as a warning; it is never silent).
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class Goal:
    number: int
    colour: str
    short: dict[str, str]  # language code → short name, for the languages the reference data has
    title: dict[str, str]


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    kind: str  # "municipality", "county" or "nation"
    county_code: str
    population: int


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("vlrgen").joinpath("reference", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _by_language(row: dict[str, str], field: str) -> dict[str, str]:
    """`{lang: text}` from the columns `<field>_<lang>` of a row; empty cells mean no text in that language."""
    prefix = field + "_"
    return {column[len(prefix) :]: text for column, text in row.items() if column.startswith(prefix) and text}


@functools.cache
def goals() -> dict[int, Goal]:
    colours = {int(r["goal"]): r["hex_sdg_palette"] for r in _rows("sdg_goal_colours.csv")}
    result = {}
    for row in _rows("sdg_goals.csv"):
        number = int(row["goal"])
        result[number] = Goal(
            number=number,
            colour=colours[number],
            short=_by_language(row, "short"),
            title=_by_language(row, "title"),
        )
    return result


@functools.cache
def municipalities() -> dict[str, Place]:
    return {
        r["code"]: Place(r["code"], r["name"], "municipality", r["county_code"], int(r["population_2025"]))
        for r in _rows("norway_municipalities_2024.csv")
    }


@functools.cache
def counties() -> dict[str, Place]:
    return {
        r["code"]: Place(r["code"], r["name"], "county", r["code"], int(r["population_2025"]))
        for r in _rows("norway_counties_2024.csv")
    }


def place(code: str) -> Place | None:
    """The municipality, county or nation with this code (2024 borders)."""
    if code == NATION_CODE:
        total = sum(c.population for c in counties().values())
        return Place(NATION_CODE, "Norge", "nation", "", total)
    return municipalities().get(code) or counties().get(code)


def known_place(code: str) -> Place:
    """A place whose code was checked when it was read (a member, a county, an entity in the config)."""
    found = place(code)
    if found is None:
        raise KeyError(f"no municipality, county or nation has the code {code!r}")
    return found


# csdata writes a place with names in several languages as one hyphenated name, Norwegian first or
# last ("Oslo-Oslove", "Kárášjohka-Karasjok"). Running text in bokmål and English uses the Norwegian
# form; the Sami and Kven names stay in the reference data (and are accepted in data files).
NORWEGIAN_FORMS = {
    "03": "Oslo",
    "18": "Nordland",
    "34": "Innlandet",
    "50": "Trøndelag",
    "55": "Troms",
    "56": "Finnmark",
    "0301": "Oslo",
    "1841": "Fauske",
    "1870": "Sortland",
    "5041": "Snåsa",
    "5043": "Røyrvik",
    "5518": "Lavangen",
    "5538": "Storfjord",
    "5540": "Kåfjord",
    "5610": "Karasjok",
    "5612": "Kautokeino",
    "5622": "Porsanger",
    "5628": "Tana",
    "5636": "Nesseby",
}


def display_name(code: str) -> str:
    """The name of a municipality or county as running text shows it: the Norwegian form of a place with
    names in several languages ("Troms", not "Troms-Romssa"), and the county after a municipal name
    that two municipalities share ("Herøy (Nordland)", "Våler (Innlandet)"). Unknown codes come back as
    they are; the nation's name is a word of the report language (the catalogs' `review.scope_nation`)."""
    found = place(code)
    if found is None or found.kind == "nation":
        return code if found is None else found.name
    name = NORWEGIAN_FORMS.get(code, found.name)
    if found.kind == "municipality" and found.name in _shared_names():
        name = f"{name} ({NORWEGIAN_FORMS.get(found.county_code, known_place(found.county_code).name)})"
    return name


@functools.cache
def _shared_names() -> frozenset[str]:
    seen: dict[str, int] = {}
    for m in municipalities().values():
        seen[m.name] = seen.get(m.name, 0) + 1
    return frozenset(name for name, n in seen.items() if n > 1)


@functools.cache
def target_titles() -> dict[str, dict[str, str]]:
    """SDG target texts by target and language: the official English for all, and unofficial bokmål texts
    written for the targets the example uses (shown labelled as unofficial; the others in English)."""
    return {r["target"]: _by_language(r, "title") for r in _rows("sdg_targets.csv")}


@functools.cache
def populations() -> dict[tuple[str, int], int]:
    """Population on 1 January by (code, year), 2024 borders; the nation has code "0"."""
    return {(r["code"], int(r["year"])): int(r["population"]) for r in _rows("norway_population_2005_2026_b2024.csv")}


@functools.cache
def code_changes() -> dict[str, tuple[str, float, int]]:
    """Earlier code → (2024 code that received most of it, that share, last year the old code was used)."""
    best: dict[str, tuple[str, float, int]] = {}
    for r in _rows("norway_code_changes_2000_2024_to_b2024.csv"):
        old, new, weight, last = r["code_original"], r["code_2024"], float(r["weighting"]), int(r["last_year"])
        current = best.get(old)
        if current is None or (last, weight) > (current[2], current[1]):
            best[old] = (new, weight, last)
    return best


@functools.cache
def _predecessors() -> dict[str, list[tuple[str, float, int, int]]]:
    found: dict[str, list[tuple[str, float, int, int]]] = {}
    for r in _rows("norway_code_changes_2000_2024_to_b2024.csv"):
        found.setdefault(r["code_2024"], []).append(
            (r["code_original"], float(r["weighting"]), int(r["first_year"]), int(r["last_year"]))
        )
    return found


def renumbered(old: str, new: str, year: int) -> bool:
    """Was `old` in `year` the whole of what is now `new`, under another number (no merge, no split)?"""
    valid = [(code, weight) for code, weight, first, last in _predecessors().get(new, ()) if first <= year <= last]
    return len(valid) == 1 and valid[0][0] == old and valid[0][1] >= 0.99


@functools.cache
def _changes_by_old() -> dict[str, list[tuple[str, float, int, int]]]:
    found: dict[str, list[tuple[str, float, int, int]]] = {}
    for r in _rows("norway_code_changes_2000_2024_to_b2024.csv"):
        found.setdefault(r["code_original"], []).append(
            (r["code_2024"], float(r["weighting"]), int(r["first_year"]), int(r["last_year"]))
        )
    return found


LAST_STRUCTURE_YEAR = 2024  # the code table ends with the 2024 structure; later years use it


def successors(old: str, year: int) -> dict[str, float]:
    """The 2024 codes that the unit with code `old` in `year` became (part of), with the share of its
    population each received; empty when the code was not in use that year."""
    year = min(year, LAST_STRUCTURE_YEAR)
    return {new: weight for new, weight, first, last in _changes_by_old().get(old, ()) if first <= year <= last}


def predecessors(new: str, year: int) -> dict[str, float]:
    """The codes in use in `year` whose territory (all, or the share given) lies in the 2024 unit `new`."""
    year = min(year, LAST_STRUCTURE_YEAR)
    return {old: weight for old, weight, first, last in _predecessors().get(new, ()) if first <= year <= last}


@functools.cache
def historic_names() -> dict[str, tuple[str, ...]]:
    """Municipality names of the 2009–2021 structures (election results), casefolded → the codes that bore them."""
    found: dict[str, list[str]] = {}
    for r in _rows("norway_municipality_names_2009_2021.csv"):
        found.setdefault(r["name"].casefold(), []).append(r["code"])
    return {name: tuple(dict.fromkeys(codes)) for name, codes in found.items()}


@functools.cache
def county_names() -> dict[str, tuple[str, ...]]:
    """Every name a county code has had (2000–2024), by code: `07` → ("Vestfold",), `38` → ("Vestfold og Telemark",)."""
    found: dict[str, list[str]] = {}
    for r in _rows("norway_county_names_2000_2023.csv"):
        found.setdefault(r["code"], []).append(r["name"])
    for county in counties().values():
        found.setdefault(county.code, []).append(county.name)
    return {code: tuple(dict.fromkeys(names)) for code, names in found.items()}


@dataclass(frozen=True)
class FrameworkIndicator:
    code: str  # U4SSC: the KPI code as KS writes it ("SC: SH: SI: 4C"); JRC: KS's id ("2787")
    title: str  # English, as in KS's list
    lang: str = "en"  # the title's language (KS's `title_lang`)


@functools.cache
def u4ssc_kpis() -> dict[str, FrameworkIndicator]:
    """The U4SSC KPIs in KS's list, by code (some codes name several KPIs: the first title is kept)."""
    found: dict[str, FrameworkIndicator] = {}
    for r in _rows("u4ssc_kpis.csv"):
        found.setdefault(r["notation"], FrameworkIndicator(r["notation"], r["title"], r["title_lang"] or "en"))
    return found


@functools.cache
def jrc_indicators() -> dict[str, FrameworkIndicator]:
    """The 72 indicators of the EU JRC VLR handbook (2022) in KS's list, by KS's id."""
    return {
        r["local_id"]: FrameworkIndicator(r["local_id"], r["title"], r["title_lang"] or "en")
        for r in _rows("jrc_vlr_handbook_indicators_2022.csv")
    }


def framework_size(framework: str) -> int:
    """How many indicators the framework's list (as KS mapped it) has: rows, not distinct codes."""
    name = {"u4ssc": "u4ssc_kpis.csv", "jrc2022": "jrc_vlr_handbook_indicators_2022.csv"}[framework]
    return len(_rows(name))
