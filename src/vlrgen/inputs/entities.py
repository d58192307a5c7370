"""Entity resolution: turn what data files call a place into a 2024 code.

Accepts codes (`4001`, `K4001`, `K-4001`, `0805` from before the 2020 reform), names in any case
(`Porsgrunn`, `PORSGRUNN`, `Bamble (-2019)`, `4001 Porsgrunn`, `Voss` for `Voss herad`, `Snåase Snåsa`
for `Snåase-Snåsa`), names with the county in brackets, also a county of an earlier structure
(`Herøy (Nordland)`, `Våler (Hedmark)`, `Nes (Viken)`), names of municipalities that no longer exist
(`Tysfjord`) and the words used for the whole country (`Hele landet`, `Landet`, `Norge`).

A place is read in the municipal structure of a year: the row's own period, or the `borders` a
source declares. A unit that was later merged into a larger one is a `part` of it; a unit that was
later split is refused (`split`), since its value cannot honestly be given to one successor. Unknown
places come back with a "did you mean" suggestion; they are never dropped silently.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, replace

from vlrgen import reference

__all__ = ["Resolution", "normalise_name", "resolve_entity"]

NATION_NAMES = ("hele landet", "landet", "norge", "norway", "nasjonalt", "hele norge")
FULL_UNIT = 0.99  # a share of at least this is the whole unit (the table's weights are rounded)
_HISTORIC_SUFFIX = r"\s*\((?:-\s*\d{4}|\d{4}\s*-\s*\d{0,4})\)\s*$"


@dataclass(frozen=True)
class Resolution:
    code: str | None
    note: str = ""  # e.g. "historic code 0805 mapped to 4001"
    suggestion: str = ""
    valid_until: int = 9999  # last year the written code was in use; 9999 for current codes and names
    old_code: str = ""  # the historic code as written (or found by name), when one was mapped
    part: bool = False  # the place was one of several units later merged into `code`
    split: str = ""  # the code of a unit later split between several 2024 units (then `code` is None)
    split_check: str = ""  # a 2024 name whose unit, in that year, was part of this later split unit
    in_use: bool = True  # False: a code read in a declared structure where it was not in use


@functools.lru_cache(maxsize=65536)
def resolve_entity(text: str, year: int | None = None, borders: int | None = None) -> Resolution:
    """The 2024 code for `text` as written for `year`; `borders`: the year whose structure the file uses."""
    raw = text.strip()
    if not raw:
        return Resolution(None)
    structure = borders or year
    code = _as_code(raw, structure, borders is not None)
    if code is not None:
        return code
    if re.search(_HISTORIC_SUFFIX, raw):  # "Bø (-2019)": a unit that no longer exists; its name may now be another's
        return Resolution(
            None,
            note=f"{raw!r} is a municipality that no longer exists; give its old kommunenummer so it can be mapped",
        )
    key = normalise_name(raw)
    qualified = re.fullmatch(r"(.+?)\s*\((.+)\)", key)
    name, county = (qualified[1], qualified[2]) if qualified else (key, "")
    if borders is not None:
        found = _historic(name, county, borders, raw)
        if found is not None:
            return found
    current = _current(name, county, raw)
    if current is not None:
        return _in_structure(current, raw, structure, borders is not None) if current.code else current
    found = _historic(name, county, structure, raw)
    if found is not None:
        return found
    if year is not None:  # a series asks for the suggestion only when it reports the place (year None)
        return Resolution(None)
    guess = difflib.get_close_matches(key, list(_names()), n=1, cutoff=0.75)
    return Resolution(None, suggestion=_display_names()[guess[0]] if guess else "")


@functools.lru_cache(maxsize=65536)  # a source names the same places on every row
def normalise_name(name: str) -> str:
    """The key a place name is matched by: no code, no "kommune"/"herad", hyphens as spaces, casefolded."""
    name = re.sub(_HISTORIC_SUFFIX, "", name)  # "Bamble (-2019)", "Bø (2005-2019)"
    name = re.sub(r"^(?:[KF]-?)?\d{2,4}\s+", "", name)  # "4001 Porsgrunn"
    name = re.sub(r"\s+(kommune|fylkeskommune|fylke|herad|herred)(?=$|\s*\()", "", name, flags=re.I)
    name = re.sub(r"\s*-\s*", " ", name)
    return re.sub(r"\s+", " ", name).strip().casefold()


def _as_code(raw: str, year: int | None, declared: bool) -> Resolution | None:
    match = re.fullmatch(r"(?:[KF]-?)?(\d{1,4})(?:\s+\S.*)?", raw, re.I)
    if not match:
        return None
    digits = match[1]
    if digits in ("0", "00", "0000"):
        return Resolution(reference.NATION_CODE)
    candidates = [digits.zfill(4)] if len(digits) > 2 else [digits.zfill(2), digits.zfill(4)]
    for candidate in candidates:
        if year is not None and (declared or not reference.place(candidate)) and reference.successors(candidate, year):
            return _old_code(candidate, year)
    in_use = not (declared and year is not None)  # a code the declared structure did not have
    for candidate in candidates:
        nearest = _nearest_year(candidate, year) if declared and year is not None else None
        if nearest is not None and not reference.place(candidate):  # a publisher's code of just before or after
            return replace(_old_code(candidate, nearest), in_use=False)
    for candidate in candidates:
        if reference.place(candidate):
            return Resolution(candidate, in_use=in_use)
    for candidate in candidates:
        changed = reference.code_changes().get(candidate)
        if changed:
            new, weight, last_year = changed
            if weight < FULL_UNIT:
                return replace(_refused(candidate, new, weight), in_use=in_use)
            note = f"historic code {candidate} mapped to {new}"
            return Resolution(new, note=note, valid_until=last_year, old_code=candidate, in_use=in_use)
    return Resolution(None, suggestion="", in_use=in_use)


def _nearest_year(code: str, year: int) -> int | None:
    """The year nearest to `year` in which `code` was in use, or None for a code the table does not have."""
    years = [y for _, _, first, last in reference._changes_by_old().get(code, ()) for y in (first, last)]
    return min(years, key=lambda y: (abs(y - year), -y)) if years else None


def _old_code(old: str, year: int) -> Resolution:
    """A code in use in `year`: the same unit under a 2024 code, one part of a merged one, or a split unit."""
    successors = reference.successors(old, year)
    new, weight = max(successors.items(), key=lambda item: item[1])
    if len(successors) > 1 or weight < FULL_UNIT:
        return _refused(old, new, weight)
    last = max(last for _, _, _, last in reference._changes_by_old()[old])
    if len(reference.predecessors(new, year)) > 1:
        note = f"code {old} was in {year} one of several units now merged into {new}"
        return Resolution(new, note=note, valid_until=last, old_code=old, part=True)
    note = "" if old == new else f"historic code {old} mapped to {new}"
    return Resolution(new, note=note, valid_until=9999 if old == new else last, old_code=old)


def _refused(old: str, new: str, weight: float) -> Resolution:
    return Resolution(
        None,
        note=f"code {old} was later split between several municipalities or counties (the largest part, "
        f"{weight:.0%}, is now {new}); its values cannot be given to one of them",
        split=old,
        old_code=old,
    )


def _in_structure(found: Resolution, raw: str, year: int | None, declared: bool) -> Resolution:
    """A 2024 name read for `year`: is it the same unit then, part of a later merger, or part of a split unit?"""
    assert found.code is not None
    if year is None:
        return found
    before = reference.predecessors(found.code, year)
    split = next((old for old, weight in before.items() if weight < FULL_UNIT), "")
    if split and declared:
        return _refused(split, found.code, before[split])
    if split and len(found.code) == 4:  # accepted only when the file is on 2024 borders (checked per series)
        return Resolution(found.code, split_check=split, old_code=split)
    if declared and len(before) > 1:
        named = [old for old in before if normalise_name(raw) in _names_of(old)]
        note = f'"{raw}" was in {year} one of several units now merged into {found.code}'
        return Resolution(found.code, note=note, old_code=named[0] if named else "", part=True)
    if declared and before:
        return _old_code(next(iter(before)), year)
    return found


def _historic(name: str, county: str, year: int | None, raw: str) -> Resolution | None:
    """A name of an earlier structure (election results 2009–2021), read in `year` when it was in use then."""
    codes = [c for c in reference.historic_names().get(name, ()) if not county or _county_matches(c, county)]
    codes = codes or ([] if county else list(_county_codes().get(name, ())))  # "Hedmark", "Troms Romsa"
    if year is not None:
        in_use = [c for c in codes if reference.successors(c, year)]
        if len(in_use) == 1:
            return _old_code(in_use[0], year)
        if len(in_use) > 1:
            return _ambiguous(raw, in_use)
    if len(codes) == 1 and not reference.place(codes[0]):
        last = max(last for _, _, _, last in reference._changes_by_old().get(codes[0], [("", 0, 0, 0)]))
        return _old_code(codes[0], last) if last else None
    return _ambiguous(raw, codes) if len(codes) > 1 and year is None else None


def _ambiguous(raw: str, codes: list[str]) -> Resolution:
    options = ", ".join(f"{c} ({_county_label(c)})" for c in codes)
    return Resolution(
        None,
        note=f'"{raw}" is the name of more than one municipality: {options}; '
        "use the kommunenummer or add the county in brackets",
    )


def _county_label(code: str) -> str:
    names = reference.county_names().get(code[:2], ())
    return names[-1] if names else code[:2]


def _current(name: str, county: str, raw: str) -> Resolution | None:
    """A 2024 name (with a county of any structure in brackets when the name alone is not enough)."""
    places = _by_name().get(name, [])
    if county:
        matching = [p for p in places if _county_matches(p, county)]
        if len(matching) == 1:
            return Resolution(matching[0])
        if places and not reference.historic_names().get(name):
            return Resolution(None, note=f'"{raw}": no municipality of that name in that county')
        return None
    if len(places) > 1:
        return _ambiguous(raw, places)
    code = _names().get(name)
    return Resolution(code) if code else None


def _county_matches(code: str, county: str) -> bool:
    """Does `county` name the county `code` lies in now, or lay in under an earlier structure?"""
    prefixes = {code[:2]} | {old[:2] for old in _all_predecessors(code)}
    names = {normalise_name(n) for p in prefixes for n in reference.county_names().get(p, ())}
    return any(n == county or n.startswith(county + " ") for n in names)


@functools.cache
def _county_codes() -> dict[str, tuple[str, ...]]:
    """Counties of earlier structures by normalised name: `hedmark` → ("04",)."""
    found: dict[str, list[str]] = {}
    for code, names in reference.county_names().items():
        for name in names:
            found.setdefault(normalise_name(name), []).append(code)
    return {name: tuple(dict.fromkeys(codes)) for name, codes in found.items()}


@functools.cache
def _all_predecessors(code: str) -> frozenset[str]:
    return frozenset(old for old, changes in reference._changes_by_old().items() if any(c[0] == code for c in changes))


@functools.cache
def _names_of(code: str) -> frozenset[str]:
    return frozenset(name for name, codes in reference.historic_names().items() if code in codes)


@functools.cache
def _by_name() -> dict[str, list[str]]:
    """2024 municipalities by normalised full name (several for names like Herøy or Våler)."""
    found: dict[str, list[str]] = {}
    for place in reference.municipalities().values():
        found.setdefault(normalise_name(place.name), []).append(place.code)
    return found


@functools.cache
def _names() -> dict[str, str]:
    names: dict[str, str] = dict.fromkeys(NATION_NAMES, reference.NATION_CODE)
    places = list(reference.counties().values()) + list(reference.municipalities().values())
    for place in places:  # municipalities last: a county and a municipality rarely share a name
        names.setdefault(normalise_name(place.name), place.code)
    # Bilingual names are joined with a hyphen ("Oslo-Oslove"): accept each part when it is unique.
    parts: dict[str, set[str]] = {}
    for place in places:
        for part in place.name.split("-"):
            parts.setdefault(normalise_name(part), set()).add(place.code)
    for part, codes in parts.items():
        municipal = {c for c in codes if len(c) == 4}
        if part not in names and len(part) > 2 and (len(codes) == 1 or len(municipal) == 1):
            names[part] = next(iter(municipal or codes))  # "Oslo" is the municipality 0301
    return names


@functools.cache
def _display_names() -> dict[str, str]:
    shown = {n: n.title() for n in NATION_NAMES}
    for place in list(reference.counties().values()) + list(reference.municipalities().values()):
        shown.setdefault(normalise_name(place.name), place.name)
    for key in _names():
        shown.setdefault(key, key.title())
    return shown
