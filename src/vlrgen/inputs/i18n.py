"""Message catalogs and Babel-backed number formatting, one immutable object per language.

The report languages are data: a language is available when a catalog for it exists,
`report_templates/i18n/<lang>.toml` or a project's `templates/i18n/<lang>.toml` (which overrides
keys of the default one). `<lang>` is a two- or three-letter ISO 639 code (`nb`, `nn`, `se`, `smj`).
Each language's catalog names the language in a `[language]` table:

    [language]
    name = "Norsk (bokmål)"   # the language's own name, shown in links to it
    locale = "nb_NO"          # Babel locale for numbers (optional; default: the code)

Every other key is a message. SDG goal names and target texts come from the packaged reference
data, keyed by language; a catalog may give its own (`[goal.13] short = "…"`, `[target] "13.1" = "…"`).
Where neither has a label for a language, the English one is shown and a warning says so.
Nothing here touches the process locale: every language gets its own `Language` object.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import math
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import get_minus_sign_symbol, get_plus_sign_symbol, parse_pattern

from vlrgen import reference
from vlrgen.inputs.recent import Recent
from vlrgen.inputs.tomlfile import TomlKind, read_toml
from vlrgen.problems import Location, Problem, Problems

__all__ = ["LANGUAGE_CODE", "PERCENT_UNITS", "Language", "available_languages", "load_languages"]

PERCENT_UNITS = {"%", "prosent", "percent"}
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")  # a catalog's file name: nb.toml, nn.toml, smj.toml
LANGUAGE_KEYS = ("name", "locale")  # the [language] table of a catalog
CATALOG_KIND = TomlKind("i18n", "message catalog is not UTF-8 text", not_toml="message catalog is not valid TOML")


@dataclass(frozen=True)
class Language:
    """Strings and number formats for one report language."""

    code: str
    messages: dict[str, str]
    name: str = ""  # the language's own name: "Norsk (bokmål)", "English"
    locale: str = ""  # the Babel locale for numbers; empty: the code
    names: dict[str, str] = field(default_factory=dict)  # every loaded language's own name, for links to it

    @property
    def number_locale(self) -> str:
        return self.locale or self.code

    def t(self, key: str, **values: object) -> str:
        """The catalog string for `key`, with `{name}` placeholders filled in."""
        text = self.messages.get(key)
        if text is None:  # parity is checked in gather; this only guards template typos
            raise KeyError(f"message {key!r} is missing from the {self.code} catalog")
        return text.format(**values) if values else text

    def number(self, value: float | None, decimals: int = 1) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        return _format_number(self.number_locale, value, decimals, math.copysign(1.0, value))  # -0.0 == 0.0 as a key

    def date(self, value: datetime.date) -> str:
        """A date in the locale's long form: `12. juni 2025` (nb_NO), `12 June 2025` (en_GB)."""
        return format_date(value, format="long", locale=self.number_locale)

    def change(self, value: float | None, decimals: int = 1) -> str:
        """A signed difference, per the locale: `+1,2` / `−0,4` (nb_NO) or `+1.2` / `-0.4` (en_GB)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        text = self.number(abs(value), decimals)
        if round(value, decimals) == 0:
            return text
        sign = get_plus_sign_symbol(self.number_locale) if value > 0 else get_minus_sign_symbol(self.number_locale)
        return sign + text

    def quantity(self, value: float | None, decimals: int, unit: str) -> str:
        """A value with its unit, percentages per the locale (`86,8 %` / `86.8%`)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        if unit in PERCENT_UNITS:
            return self.number(value, decimals) + _percent_suffix(self.number_locale)
        return f"{self.number(value, decimals)}\u00a0{unit}" if unit else self.number(value, decimals)

    def cell(self, value: float | None, decimals: int, unit: str) -> str:
        """A table cell value: percentages keep their sign, other units go in the row heading."""
        return self.quantity(value, decimals, unit) if unit in PERCENT_UNITS else self.number(value, decimals)

    def row_unit(self, unit: str) -> str:
        """The unit shown under a table row heading: empty for percentages, which carry their own sign."""
        return "" if unit in PERCENT_UNITS else unit

    def target_title(self, target: str) -> str:
        """The text of an SDG target ("13.1"), or "" for a code that is not a target."""
        return self.messages.get(f"target.{target}", "")


@functools.lru_cache(maxsize=65536)  # counts, years and shares repeat across pages and languages
def _format_number(locale: str, value: float, decimals: int, _sign: float) -> str:
    text = _number_pattern(decimals).apply(value, _locale(locale))
    return get_minus_sign_symbol(locale) + text[1:] if text.startswith("-") else text


@functools.cache
def _percent_suffix(locale: str) -> str:
    """What follows the number in the locale's percent pattern: ` %` (nb_NO) or `%` (en_GB)."""
    return _locale(locale).percent_formats[None].pattern.split("0")[-1]


@functools.cache
def _locale(locale: str) -> Locale:
    return Locale.parse(locale)


@functools.cache
def _number_pattern(decimals: int):
    """Parsed once: a report formats tens of thousands of numbers (what format_decimal does per call)."""
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals > 0 else ""))


def available_languages(catalog_dirs: list[Path]) -> tuple[str, ...]:
    """The codes of the languages with a catalog in any of `catalog_dirs`, sorted."""
    found = {p.stem for folder in catalog_dirs for p in folder.glob("*.toml") if LANGUAGE_CODE.fullmatch(p.stem)}
    return tuple(sorted(found))


def load_languages(
    catalog_dirs: list[Path], codes: tuple[str, ...], problems: Problems, report_codes: tuple[str, ...] | None = None
) -> dict[str, Language]:
    """Load the catalogs for `codes`; report keys missing in one language as errors.

    `catalog_dirs` is a search path: later folders override keys of earlier ones. SDG labels shown
    in English for want of a translation are reported for `report_codes` (default: all `codes`).
    Catalogs read before in this process are parsed again only when one of their files changed (a preview
    rebuilds after every edit); the languages are then the same objects, not to be changed.
    """
    key = (tuple(catalog_dirs), tuple(codes), report_codes, _digests(catalog_dirs, codes))
    kept = _RECENT_CATALOGS.recall(key)
    if kept is None:
        read = Problems()
        kept = (_load_languages(catalog_dirs, codes, read, report_codes), tuple(read.items))
        if _digests(catalog_dirs, codes) == key[-1]:  # not saved again while it was read: what was read is that
            _RECENT_CATALOGS.remember(key, kept)
    problems.extend(list(kept[1]))
    return dict(kept[0])


_RECENT_CATALOGS: Recent[tuple, tuple[dict[str, Language], tuple[Problem, ...]]] = Recent(4)


def _digests(catalog_dirs: list[Path], codes: tuple[str, ...]) -> tuple:
    """Each catalog file's SHA-256 (None: no such file): a few kilobytes, far cheaper to read than to parse,
    and right even where a same-size save keeps the file's times."""
    found: list[str | None] = []
    for folder in catalog_dirs:
        for code in codes:
            try:
                found.append(hashlib.sha256((folder / f"{code}.toml").read_bytes()).hexdigest())
            except OSError:
                found.append(None)
    return tuple(found)


def _load_languages(
    catalog_dirs: list[Path], codes: tuple[str, ...], problems: Problems, report_codes: tuple[str, ...] | None
) -> dict[str, Language]:
    merged: dict[str, dict[str, str]] = {}
    origin: dict[tuple[str, str], Location] = {}
    about: dict[str, dict[str, tuple[str, Location]]] = {}  # code → name/locale → (value, where)
    first_file: dict[str, Path] = {}
    in_english: dict[str, list[str]] = {}
    for code in codes:
        merged[code], in_english[code] = _sdg_messages(code)
        about[code] = {}
        for position, folder in enumerate(catalog_dirs):
            path = folder / f"{code}.toml"
            if path.is_file():
                first_file.setdefault(code, path)
                messages = _read_catalog(path, code, problems, origin, about[code])
                if position:  # an override must keep the placeholders the templates fill in
                    _check_placeholders(messages, merged[code], origin, code, problems)
                merged[code].update(messages)
    _check_parity(merged, origin, problems)
    names = {code: _language_name(code, about[code], first_file.get(code), problems) for code in codes}
    for code in codes if report_codes is None else [c for c in codes if c in report_codes]:
        _warn_sdg_in_english(code, [k for k in in_english[code] if (code, k) not in origin], first_file, problems)
    return {
        code: Language(
            code, merged[code], names[code], _language_locale(code, about[code], first_file, problems), names
        )
        for code in codes
    }


def _read_catalog(path: Path, code: str, problems: Problems, origin: dict, about: dict) -> dict[str, str]:
    """A catalog's messages (flattened: `ui.contents`); its `[language]` table goes into `about`."""
    toml = read_toml(path, CATALOG_KIND, problems)
    if toml is None:
        return {}
    raw = dict(toml.data)
    language = raw.pop("language", {})
    for key, value in language.items() if isinstance(language, dict) else [("", language)]:
        where = toml.locate(f"language.{key}", "language")
        if key not in LANGUAGE_KEYS:
            problems.add(where, "i18n.language", '[language] holds name = "…" and locale = "…" only')
        elif not isinstance(value, str) or not value.strip():
            problems.add(where, "i18n.language", f"language.{key} must be a text in quotes")
        else:
            about[key] = (value.strip(), where)
    flat = {}
    for key, value in _flatten(raw):
        where = toml.locate(key)
        if not isinstance(value, str):
            problems.add(where, "i18n.not_text", f'message "{key}" must be a text in quotes')
            continue
        flat[key] = value
        origin[(code, key)] = where
    return flat


def _language_name(code: str, about: dict, path: Path | None, problems: Problems) -> str:
    """The language's own name; every catalog must give it, since links to the language show it."""
    if "name" in about:
        return about["name"][0]
    problems.add(
        Location(path or Path(f"{code}.toml"), 1, 1),
        "i18n.language",
        f"the {code} catalog does not name its language",
        hint='add [language] name = "…": the language\'s own name, shown in links to it, e.g. "Norsk (nynorsk)"',
    )
    return code


def _language_locale(code: str, about: dict, first_file: dict[str, Path], problems: Problems) -> str:
    """The Babel locale for numbers: the catalog's `locale`, else the code itself, which Babel must know."""
    locale, where = about.get("locale", (code, Location(first_file.get(code, Path(f"{code}.toml")), 1, 1)))
    try:
        Locale.parse(locale)
    except (ValueError, UnknownLocaleError):
        problems.add(
            where,
            "i18n.unknown_locale",
            f'"{locale}" is not a locale Babel knows, so numbers cannot be formatted for {code}',
            hint='set [language] locale to a Babel locale such as "nn_NO" or "se_NO"',
        )
        return reference.FALLBACK_LANGUAGE  # only `vlrgen check` continues past the error
    return locale


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


def _sdg_messages(code: str) -> tuple[dict[str, str], list[str]]:
    """SDG goal names and target texts in `code` as messages, English where the reference data has none.

    Returns the messages and the keys given in English, for the warning once the catalogs are read
    (a catalog may give its own).
    """
    fallback = reference.FALLBACK_LANGUAGE
    messages, in_english = {}, []
    labels = [
        (f"goal.{number}.{kind}", texts)
        for number, goal in reference.goals().items()
        for kind, texts in (("short", goal.short), ("title", goal.title))
    ] + [(f"target.{target}", texts) for target, texts in reference.target_titles().items()]
    # Target texts exist in a language only where they were written with care (the bokmål ones for
    # the example's targets): the rest are shown in the official English, marked as English, by
    # design. Only a language without any target text is warned about.
    has_targets = any(code in texts for texts in reference.target_titles().values())
    for key, texts in labels:
        if code in texts:
            messages[key] = texts[code]
        else:
            messages[key] = texts[fallback]
            if key.startswith("goal.") or not has_targets:
                in_english.append(key)
    return messages, in_english


def _warn_sdg_in_english(code: str, keys: list[str], first_file: dict[str, Path], problems: Problems) -> None:
    if not keys:
        return
    goals = {k.split(".")[1] for k in keys if k.startswith("goal.")}
    targets = sum(1 for k in keys if k.startswith("target."))
    problems.warn(
        Location(first_file.get(code, Path(f"{code}.toml")), 1, 1),
        "i18n.sdg_in_english",
        f"the names of {len(goals)} SDG goals and {targets} SDG target texts have no {code} version in the "
        f"packaged reference data or the {code} catalog; the {code} report shows them in English",
        hint='give them in the catalog: [goal.13] short = "…" and title = "…", [target] "13.1" = "…"',
    )
