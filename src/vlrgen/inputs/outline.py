"""The report's outline: the handbook's sections in order, with a project's own sections placed among them.

A project adds a section in `vlrgen.toml` and writes it like any other, one Markdown file per language
(`narrative/<lang>/<key>.md`):

    [[content.sections]]
    key = "climate_budget"          # a-z, 0-9 and _, not a standard key
    after = "local_frameworks"      # after that section (and its sub-sections), at its level
    # under = "introduction"        # …or as the last sub-section of a top-level section
    title.nb = "Klimabudsjettet"    # the heading in every report language
    title.en = "The climate budget"

Own sections are listed in order: a later one may be placed after an earlier one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vlrgen.problems import Location, Problems

__all__ = ["SECTIONS", "SECTION_KEYS", "OwnSection", "check_titles", "make_outline", "read_own_sections"]

# (key, heading level) in report order; level-2 keys are children of policy_environment.
SECTIONS: tuple[tuple[str, int], ...] = (
    ("opening_statement", 1),
    ("highlights", 1),
    ("introduction", 1),
    ("methodology", 1),
    ("policy_environment", 1),
    ("ownership", 2),
    ("local_frameworks", 2),
    ("three_dimensions", 2),
    ("leave_no_one_behind", 2),
    ("institutional_mechanisms", 2),
    ("structural_issues", 2),
    ("progress", 1),
    ("means_of_implementation", 1),
    ("conclusions", 1),
    ("annexes", 1),
)
SECTION_KEYS = tuple(key for key, _ in SECTIONS)
OWN_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
RESERVED = {"dashboard", "survey", "main", "members"}  # anchors the report's generated parts use
ENTRY_KEYS = ("key", "after", "under", "title")


@dataclass(frozen=True)
class OwnSection:
    """A section the project adds to the handbook's outline."""

    key: str
    anchor: str  # the section it is placed after, or under
    under: bool  # True: the last sub-section of `anchor`; False: after `anchor` at its level
    titles: dict[str, str]  # language code → heading
    location: Location


def read_own_sections(raw: Any, locate: Callable[[int], Location], problems: Problems) -> tuple[OwnSection, ...]:
    """`content.sections` from vlrgen.toml; `locate(n)` is where its n-th entry (from 1) is written."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
        problems.add(
            locate(1),
            "config.invalid",
            'content.sections: expected a list of sections like [[content.sections]] key = "…" after = "…"',
        )
        return ()
    found: list[OwnSection] = []
    for number, entry in enumerate(raw, start=1):
        own = _read_entry(entry, number, [s.key for s in found], locate(number), problems)
        if own is not None:
            found.append(own)
    return tuple(found)


def _read_entry(entry: dict, number: int, earlier: list[str], at: Location, problems: Problems) -> OwnSection | None:
    name = f"content.sections[{number}]"
    for unknown in sorted(set(entry) - set(ENTRY_KEYS)):
        guess = difflib.get_close_matches(unknown, ENTRY_KEYS, n=1)
        hint = f'did you mean "{guess[0]}"?' if guess else "an own section has key, after or under, and title.<lang>"
        problems.add(at, "config.unknown_key", f"{name}.{unknown}: unknown setting", hint=hint)
    key = entry.get("key")
    if not isinstance(key, str) or not OWN_KEY.fullmatch(key):
        problems.add(at, "config.invalid", f"{name}.key: expected a name of a-z, 0-9 and _, got {key!r}")
        return None
    if key in SECTION_KEYS or key in RESERVED or key in earlier:
        problems.add(at, "config.invalid", f'{name}.key: "{key}" is already a section of the report')
        return None
    placed = [(field, entry[field]) for field in ("after", "under") if field in entry]
    known = list(SECTION_KEYS) + earlier
    if len(placed) != 1:
        problems.add(at, "config.invalid", f"{name}: give exactly one of after = … and under = … for {key}")
        return None
    field, anchor = placed[0]
    if anchor not in known:
        guess = difflib.get_close_matches(str(anchor), known, n=1)
        problems.add(
            at,
            "config.invalid",
            f"{name}.{field}: {anchor!r} is not a standard section or an own section listed before {key}",
            hint=f'did you mean "{guess[0]}"?' if guess else "see the section keys in README.md",
        )
        return None
    if field == "under" and anchor in dict(SECTIONS) and dict(SECTIONS)[anchor] != 1:
        problems.add(at, "config.invalid", f"{name}.under: {anchor} is a sub-section; place {key} after it instead")
        return None
    titles = entry.get("title", {})
    if not isinstance(titles, dict) or not all(isinstance(t, str) and t.strip() for t in titles.values()):
        problems.add(at, "config.invalid", f'{name}.title: expected one heading per language, like title.nb = "…"')
        titles = {}
    return OwnSection(key, anchor, field == "under", {lang: t.strip() for lang, t in titles.items()}, at)


def make_outline(own: tuple[OwnSection, ...]) -> tuple[tuple[str, int], ...]:
    """The standard sections with the own ones placed: (key, heading level) in report order."""
    outline = list(SECTIONS)
    for section in own:
        keys = [k for k, _ in outline]
        position = keys.index(section.anchor)
        level = outline[position][1]
        end = position + 1
        while end < len(outline) and outline[end][1] > level:  # past the anchor's own sub-sections
            end += 1
        outline.insert(end, (section.key, level + 1 if section.under else level))
    return tuple(outline)


def check_titles(own: tuple[OwnSection, ...], languages: tuple[str, ...], problems: Problems) -> None:
    """An own section needs its heading in every report language, as the standard ones have in the catalogs."""
    for section in own:
        for lang in languages:
            if lang not in section.titles:
                problems.add(
                    section.location,
                    "config.missing_key",
                    f'content.sections: "{section.key}" has no heading in {lang} (title.{lang} = "…")',
                )
