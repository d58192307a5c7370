"""Message catalogs and Babel-backed number formatting, one immutable object per language.

Catalogs are flat TOML files (`report_templates/i18n/<lang>.toml`, optionally overridden by a
project's `templates/i18n/<lang>.toml`). SDG goal names come from the packaged reference data.
Nothing here touches the process locale: every language gets its own `Language` object.
"""

from __future__ import annotations

import functools
import math
import string
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.numbers import get_minus_sign_symbol, get_plus_sign_symbol, parse_pattern

from vlrgen import reference
from vlrgen.inputs.tomlfile import TomlKind, read_toml
from vlrgen.problems import Location, Problems

__all__ = ["PERCENT_UNITS", "Language", "load_languages"]

PERCENT_UNITS = {"%", "prosent", "percent"}
CATALOG_KIND = TomlKind("i18n", "message catalog is not UTF-8 text", not_toml="message catalog is not valid TOML")


@dataclass(frozen=True)
class Language:
    """Strings and number formats for one report language."""

    code: str
    messages: dict[str, str]

    def t(self, key: str, **values: object) -> str:
        """The catalog string for `key`, with `{name}` placeholders filled in."""
        text = self.messages.get(key)
        if text is None:  # parity is checked in gather; this only guards template typos
            raise KeyError(f"message {key!r} is missing from the {self.code} catalog")
        return text.format(**values) if values else text

    def number(self, value: float | None, decimals: int = 1) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        return _format_number(self.code, value, decimals, math.copysign(1.0, value))  # -0.0 == 0.0 as a key

    def change(self, value: float | None, decimals: int = 1) -> str:
        """A signed difference: `+1,2` / `−0,4` (nb) or `+1.2` / `-0.4` (en)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        text = self.number(abs(value), decimals)
        if round(value, decimals) == 0:
            return text
        sign = get_plus_sign_symbol(self.code) if value > 0 else get_minus_sign_symbol(self.code)
        return sign + text

    def quantity(self, value: float | None, decimals: int, unit: str) -> str:
        """A value with its unit, percentages per the locale (`86,8 %` / `86.8%`)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        if unit in PERCENT_UNITS:
            return self.number(value, decimals) + _percent_suffix(self.code)
        return f"{self.number(value, decimals)}\u00a0{unit}" if unit else self.number(value, decimals)

    def cell(self, value: float | None, decimals: int, unit: str) -> str:
        """A table cell value: percentages keep their sign, other units go in the row heading."""
        return self.quantity(value, decimals, unit) if unit in PERCENT_UNITS else self.number(value, decimals)

    def row_unit(self, unit: str) -> str:
        """The unit shown under a table row heading: empty for percentages, which carry their own sign."""
        return "" if unit in PERCENT_UNITS else unit


@functools.lru_cache(maxsize=65536)  # counts, years and shares repeat across pages and languages
def _format_number(code: str, value: float, decimals: int, _sign: float) -> str:
    text = _number_pattern(decimals).apply(value, _locale(code))
    return get_minus_sign_symbol(code) + text[1:] if text.startswith("-") else text


@functools.cache
def _percent_suffix(code: str) -> str:
    """What follows the number in the locale's percent pattern: ` %` (nb) or `%` (en)."""
    return _locale(code).percent_formats[None].pattern.split("0")[-1]


@functools.cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@functools.cache
def _number_pattern(decimals: int):
    """Parsed once: a report formats tens of thousands of numbers (what format_decimal does per call)."""
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals > 0 else ""))


def load_languages(catalog_dirs: list[Path], codes: tuple[str, ...], problems: Problems) -> dict[str, Language]:
    """Load the catalogs for `codes`; report keys missing in one language as errors.

    `catalog_dirs` is a search path: later folders override keys of earlier ones.
    """
    merged: dict[str, dict[str, str]] = {}
    origin: dict[tuple[str, str], Location] = {}
    for code in codes:
        merged[code] = _goal_messages(code)
        for position, folder in enumerate(catalog_dirs):
            path = folder / f"{code}.toml"
            if path.is_file():
                messages = _read_catalog(path, code, problems, origin)
                if position:  # an override must keep the placeholders the templates fill in
                    _check_placeholders(messages, merged[code], origin, code, problems)
                merged[code].update(messages)
    _check_parity(merged, origin, problems)
    return {code: Language(code, merged[code]) for code in codes}


def _read_catalog(path: Path, code: str, problems: Problems, origin: dict) -> dict[str, str]:
    toml = read_toml(path, CATALOG_KIND, problems)
    if toml is None:
        return {}
    flat = {}
    for key, value in _flatten(toml.data):
        where = toml.locate(key)
        if not isinstance(value, str):
            problems.add(where, "i18n.not_text", f'message "{key}" must be a text in quotes')
            continue
        flat[key] = value
        origin[(code, key)] = where
    return flat


def _flatten(raw: dict, prefix: str = ""):
    for key, value in raw.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _check_parity(merged: dict[str, dict[str, str]], origin: dict, problems: Problems) -> None:
    all_keys = set().union(*(m.keys() for m in merged.values())) if merged else set()
    for code, messages in merged.items():
        for key in sorted(all_keys - messages.keys()):
            other = next(c for c in merged if key in merged[c])
            problems.add(
                origin[(other, key)],
                "i18n.missing_message",
                f'message "{key}" exists in the {other} catalog but not in the {code} catalog',
            )


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _check_placeholders(
    messages: dict[str, str], defaults: dict[str, str], origin: dict, code: str, problems: Problems
) -> None:
    for key, text in messages.items():
        try:
            used = placeholders(text)
        except ValueError:
            problems.add(
                origin[(code, key)],
                "i18n.placeholder",
                f'message "{key}" has an unmatched {{ or }}',
                hint="write {{ or }} for a literal brace",
            )
            continue
        expected = placeholders(defaults[key]) if key in defaults else used
        if used != expected:
            shown = ", ".join(f"{{{name}}}" for name in sorted(expected)) or "no placeholders"
            problems.add(
                origin[(code, key)],
                "i18n.placeholder",
                f'message "{key}" must use {shown}, like the standard text (it uses '
                f"{', '.join(f'{{{n}}}' for n in sorted(used)) or 'none'})",
            )


def _goal_messages(code: str) -> dict[str, str]:
    messages = {}
    for number, goal in reference.goals().items():
        messages[f"goal.{number}.short"] = goal.short[code]
        messages[f"goal.{number}.title"] = goal.title[code]
    return messages
