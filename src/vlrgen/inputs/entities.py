"""Entity resolution: turn what data files call a place into a 2024 code.

Accepts codes (`4001`, `K4001`, `K-4001`, `0805` from before the 2020 reform), names in any case
(`Porsgrunn`, `PORSGRUNN`, `Bamble (-2019)`, `4001 Porsgrunn`), county names and the words used
for the whole country (`Hele landet`, `Landet`, `Norge`). Unknown places come back with a
"did you mean" suggestion; they are never dropped silently.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from vlrgen import reference

__all__ = ["Resolution", "resolve_entity"]

NATION_NAMES = ("hele landet", "landet", "norge", "norway", "nasjonalt", "hele norge")


@dataclass(frozen=True)
class Resolution:
    code: str | None
    note: str = ""  # e.g. "historic code 0805 mapped to 4001"
    suggestion: str = ""
    valid_until: int = 9999  # last year the written code was in use; 9999 for current codes and names
    old_code: str = ""  # the historic code as written, when one was mapped


@functools.lru_cache(maxsize=4096)
def resolve_entity(text: str) -> Resolution:
    raw = text.strip()
    if not raw:
        return Resolution(None)
    code = _as_code(raw)
    if code is not None:
        return code
    historic = re.search(r"\((-\s*\d{4}|\d{4}\s*-\s*\d{0,4})\)\s*$", raw)
    if historic:  # "Bø (-2019)": a unit that no longer exists; its name may now belong to another place
        return Resolution(
            None,
            suggestion="",
            note=f"{raw!r} is a municipality that no longer exists; give its old kommunenummer so it can be mapped",
        )
    key = _normalise(raw)
    county = re.fullmatch(r"(.+?)\s*\((.+)\)", key)
    if county and county[1] in _ambiguous():
        return _in_county(county[1], county[2], raw)
    if key in _ambiguous():
        options = ", ".join(f"{p.code} ({reference.known_place(p.county_code).name})" for p in _ambiguous()[key])
        return Resolution(
            None,
            note=f'"{raw}" is the name of more than one municipality: {options}; '
            "use the kommunenummer or add the county in brackets",
        )
    names = _names()
    if key in names:
        return Resolution(names[key])
    guess = difflib.get_close_matches(key, list(names), n=1, cutoff=0.75)
    return Resolution(None, suggestion=_display_names()[guess[0]] if guess else "")


def _as_code(raw: str) -> Resolution | None:
    match = re.fullmatch(r"(?:[KF]-?)?(\d{1,4})(?:\s+\S.*)?", raw, re.I)
    if not match:
        return None
    digits = match[1]
    if digits in ("0", "00"):
        return Resolution(reference.NATION_CODE)
    candidates = [digits.zfill(4)] if len(digits) > 2 else [digits.zfill(2), digits.zfill(4)]
    for candidate in candidates:
        if reference.place(candidate):
            return Resolution(candidate)
    for candidate in candidates:
        changed = reference.code_changes().get(candidate)
        if changed:
            new, weight, last_year = changed
            if weight < 0.99:
                return Resolution(
                    None,
                    note=f"code {candidate} was later split between several municipalities or "
                    f"counties (the largest part, {weight:.0%}, is now {new}); its values "
                    "cannot be given to one of them",
                )
            return Resolution(
                new, note=f"historic code {candidate} mapped to {new}", valid_until=last_year, old_code=candidate
            )
    return Resolution(None, suggestion="")


@functools.cache
def _ambiguous() -> dict[str, list]:
    by_name: dict[str, list] = {}
    for place in reference.municipalities().values():
        by_name.setdefault(place.name.casefold(), []).append(place)
    return {name: places for name, places in by_name.items() if len(places) > 1}


def _in_county(name: str, county: str, raw: str) -> Resolution:
    for place in _ambiguous()[name]:
        if reference.known_place(place.county_code).name.casefold().startswith(county.strip()):
            return Resolution(place.code)
    return Resolution(None, note=f'"{raw}": no municipality of that name in that county')


def _normalise(name: str) -> str:
    name = re.sub(r"\s*\((?:-\s*\d{4}|\d{4}\s*-\s*\d{0,4})\)\s*$", "", name)  # "Bamble (-2019)", "Bø (2005-2019)"
    name = re.sub(r"^(?:[KF]-?)?\d{2,4}\s+", "", name)  # "4001 Porsgrunn"
    name = re.sub(r"\s+(kommune|fylkeskommune|fylke)$", "", name, flags=re.I)
    return re.sub(r"\s+", " ", name).strip().casefold()


@functools.cache
def _names() -> dict[str, str]:
    names: dict[str, str] = dict.fromkeys(NATION_NAMES, reference.NATION_CODE)
    places = list(reference.counties().values()) + list(reference.municipalities().values())
    for place in places:  # municipalities last: a county and a municipality rarely share a name
        names.setdefault(place.name.casefold(), place.code)
    # Bilingual names are joined with a hyphen ("Oslo-Oslove"): accept each part when it is unique.
    parts: dict[str, set[str]] = {}
    for place in places:
        for part in place.name.split("-"):
            parts.setdefault(part.strip().casefold(), set()).add(place.code)
    for part, codes in parts.items():
        municipal = {c for c in codes if len(c) == 4}
        if part not in names and len(part) > 2 and (len(codes) == 1 or len(municipal) == 1):
            names[part] = next(iter(municipal or codes))  # "Oslo" is the municipality 0301
    return names


@functools.cache
def _display_names() -> dict[str, str]:
    shown = {n: n.title() for n in NATION_NAMES}
    for place in list(reference.counties().values()) + list(reference.municipalities().values()):
        shown.setdefault(place.name.casefold(), place.name)
    for key in _names():
        shown.setdefault(key, key.title())
    return shown
