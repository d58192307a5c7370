"""Structured content a review carries besides its sections: case studies, plans and measures, engagement.

All three live in the narrative folder, by convention:

- `cases/<id>.toml`: one case study per file ("Look to Norway" boxes): title and text per language,
  goals, targets, partners, period, result, contact and an optional image.
- `measures.csv`: the plans and measures that follow up SDG targets: `plan`, `measure`, `targets`
  (`11.2;13.2`), optional `responsible` and `budget` (NOK). Text columns are one per language
  (`measure_nb`, `measure_en`) or one for all (`plan`).
- `engagement.csv`: the log of stakeholder engagement: `date` (2025-03-12, 2025-03 or 2025), `who`,
  `how` and optional `what`, the text columns again per language or one for all.

A table with an `example` column saying `true` is labelled as example content, like a case with
`example = true`. Every problem names its file and line; everything is shown in every report language.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vlrgen import reference
from vlrgen.inputs.confine import confine
from vlrgen.inputs.content import UNSAFE_SVG, render_markdown
from vlrgen.inputs.tables import Row, parse_number, read_tidy
from vlrgen.inputs.tomlfile import TomlFile, TomlKind, read_toml
from vlrgen.problems import Location, Problems

__all__ = ["Case", "Engagement", "Measure", "StructuredContent", "load_structured"]

CASE_KIND = TomlKind("content", "the case file is not UTF-8 text", hint="save it as UTF-8 in your editor")
CASE_KEYS = ("title", "text", "result", "goals", "targets", "partners", "period", "contact", "image", "image_alt")
CASE_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclass(frozen=True)
class Case:
    id: str
    title: dict[str, str]
    text: dict[str, str]  # sanitised HTML per language (what was done)
    result: dict[str, str]  # sanitised HTML per language
    goals: tuple[int, ...]
    targets: tuple[str, ...]
    partners: tuple[str, ...]
    period: str
    contact: str
    image: tuple[Path, str] | None  # (file, path under the output's media/)
    image_alt: dict[str, str]
    example: bool
    location: Location


@dataclass(frozen=True)
class Measure:
    plan: dict[str, str]
    measure: dict[str, str]
    targets: tuple[str, ...]
    responsible: dict[str, str]
    budget: float | None  # NOK; None when not given
    location: Location

    @property
    def goals(self) -> tuple[int, ...]:
        return tuple(sorted({int(t.split(".")[0]) for t in self.targets}))


@dataclass(frozen=True)
class Engagement:
    date: str  # as written: 2025-03-12, 2025-03 or 2025
    who: dict[str, str]
    how: dict[str, str]
    what: dict[str, str]
    location: Location


@dataclass(frozen=True)
class StructuredContent:
    cases: tuple[Case, ...] = ()
    measures: tuple[Measure, ...] = ()
    engagement: tuple[Engagement, ...] = ()
    measures_example: bool = False
    engagement_example: bool = False

    @property
    def assets(self) -> tuple[tuple[Path, str], ...]:
        return tuple(case.image for case in self.cases if case.image)


def load_structured(
    root: Path, narrative_dir: Path, languages: tuple[str, ...], problems: Problems
) -> StructuredContent:
    """Read the case studies, the measures and the engagement log that exist in the narrative folder."""
    folder = narrative_dir / "cases"
    cases = tuple(
        case
        for path in sorted(folder.glob("*.toml") if folder.is_dir() else [])
        if _inside(root, path, problems) and (case := _read_case(root, path, languages, problems))
    )
    measures, measures_example = _read_rows(root, narrative_dir / "measures.csv", languages, problems, MEASURES)
    engagement, engagement_example = _read_rows(root, narrative_dir / "engagement.csv", languages, problems, ENGAGEMENT)
    return StructuredContent(cases, measures, engagement, measures_example, engagement_example)


def _inside(root: Path, path: Path, problems: Problems) -> bool:
    """A file of the project that really lies inside it (a link to a file elsewhere is refused, and reported)."""
    found = confine(path, (root,), problems, Location(path, 1, 1), "content file")
    return found is not None and found.is_file()


def _read_case(root: Path, path: Path, languages: tuple[str, ...], problems: Problems) -> Case | None:
    if not CASE_ID.fullmatch(path.stem):
        problems.add(
            Location(path), "content.case", "a case file is named with a-z, 0-9, - and _ (e.g. bus-lanes.toml)"
        )
        return None
    toml = read_toml(path, CASE_KIND, problems)
    if toml is None:
        return None
    data = dict(toml.data)
    example = data.pop("example", False) is True
    for key in sorted(set(data) - set(CASE_KEYS)):
        guess = difflib.get_close_matches(key, CASE_KEYS, n=1)
        problems.add(
            toml.locate(key),
            "content.case",
            f'"{key}" is not a setting of a case',
            hint=f'did you mean "{guess[0]}"?' if guess else "known: " + ", ".join(CASE_KEYS),
        )
    title = _per_language(toml, "title", languages, problems, required=True)
    goals = _goals(toml, problems)
    targets = _targets(toml.data.get("targets", []), toml.locate("targets"), goals, problems)
    partners = _strings(toml, "partners", problems)
    prefix = f"case-{path.stem}"

    def markdown(key: str) -> dict[str, str]:
        texts = _per_language(toml, key, languages, problems, required=False)
        return {lang: _render(text, path, root, prefix, problems, toml.locate(key)) for lang, text in texts.items()}

    image = None
    if isinstance(raw := data.get("image"), str):
        resolved = (path.parent / raw).resolve()
        if resolved.is_relative_to(root) and resolved.is_file():
            image = (resolved, resolved.relative_to(root).as_posix())
            if resolved.suffix.lower() == ".svg" and UNSAFE_SVG.search(resolved.read_bytes()):
                problems.add(
                    toml.locate("image"),
                    "content.unsafe_svg",
                    f"the SVG image {resolved.name} contains a script, an event handler or a link to another file",
                    hint="export the image again without scripts or links, or save it as PNG",
                )
                image = None
        else:
            problems.add(
                toml.locate("image"), "content.missing_image", f"image {raw} not found inside the project folder"
            )
    return Case(
        id=path.stem,
        title=title,
        text=markdown("text"),
        result=markdown("result"),
        goals=goals,
        targets=targets,
        partners=partners,
        period=_text(toml, "period", problems),
        contact=_text(toml, "contact", problems),
        image=image,
        image_alt=_per_language(toml, "image_alt", languages, problems, required=image is not None),
        example=example,
        location=Location(path, 1, 1),
    )


def _render(text: str, path: Path, root: Path, prefix: str, problems: Problems, at: Location) -> str:
    html, _, rejected = render_markdown(text, path.parent, root, prefix=prefix, top_level=5, media_prefix="../media/")
    for src in rejected:
        problems.add(at, "content.case", f"{src} in a case's text is removed: put the case's picture in image = …")
    return html


def _per_language(
    toml: TomlFile, key: str, languages: tuple[str, ...], problems: Problems, required: bool
) -> dict[str, str]:
    """A text per report language (`title.nb = "…"`); a missing one is an error when required, else a warning."""
    raw = toml.data.get(key, {})
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        problems.add(toml.locate(key), "content.case", f'{key}: expected one text per language, like {key}.nb = "…"')
        return {}
    if not raw and not required:
        return {}
    for lang in languages:
        if not str(raw.get(lang, "")).strip():
            problem = problems.add if required else problems.warn
            problem(
                toml.locate(f"{key}.{lang}", key),
                "content.untranslated" if not required else "content.case",
                f"{key}.{lang}: the case has no {key} in {lang}"
                + ("" if required else f'; the {lang} report shows "not yet translated"'),
            )
    return {lang: text.strip() for lang, text in raw.items() if text.strip()}


def _goals(toml: TomlFile, problems: Problems) -> tuple[int, ...]:
    raw = toml.data.get("goals")
    if not isinstance(raw, list) or not raw or not all(isinstance(g, int) and 1 <= g <= 17 for g in raw):
        problems.add(toml.locate("goals"), "content.case", f"goals: expected a list of SDG numbers 1–17, got {raw!r}")
        return ()
    return tuple(sorted(set(raw)))


def _targets(raw: Any, at: Location, goals: tuple[int, ...] | None, problems: Problems) -> tuple[str, ...]:
    """SDG target codes, each known; in a case each must belong to one of its goals."""
    items = raw.split(";") if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
        problems.add(at, "content.targets", f'expected SDG targets like "11.2" or "13.2", got {raw!r}')
        return ()
    known, found = reference.target_titles(), []
    for target in (t.strip() for t in items if t.strip()):
        if target not in known:
            guess = difflib.get_close_matches(target, list(known), n=1)
            problems.add(
                at,
                "content.targets",
                f'"{target}" is not an SDG target',
                hint=f'did you mean "{guess[0]}"?' if guess else "targets are written like 11.2 or 13.b",
            )
        elif goals is not None and goals and int(target.split(".")[0]) not in goals:
            problems.add(
                at, "content.targets", f"target {target} belongs to goal {target.split('.')[0]}, not listed in goals"
            )
        else:
            found.append(target)
    return tuple(dict.fromkeys(found))


def _strings(toml: TomlFile, key: str, problems: Problems) -> tuple[str, ...]:
    raw = toml.data.get(key, [])
    if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
        problems.add(toml.locate(key), "content.case", f"{key}: expected a list of names in quotes, got {raw!r}")
        return ()
    return tuple(p.strip() for p in raw if p.strip())


def _text(toml: TomlFile, key: str, problems: Problems) -> str:
    raw = toml.data.get(key, "")
    if not isinstance(raw, str):
        problems.add(toml.locate(key), "content.case", f"{key}: expected a text in quotes, got {raw!r}")
        return ""
    return raw.strip()


def _read_rows(
    root: Path, path: Path, languages: tuple[str, ...], problems: Problems, layout: _Layout
) -> tuple[tuple, bool]:
    """The rows of a measures or engagement table (empty when the file does not exist), and its example flag."""
    if not path.exists() or not _inside(root, path, problems):
        return (), False
    accept = re.compile("(" + "|".join(layout.texts) + r")_[a-z]{2,3}")
    optional = layout.texts + layout.optional + ("example",)
    table = read_tidy(path, layout.required, optional, problems, accept=accept)
    if table is None:
        return (), False
    for column in layout.texts[: layout.required_texts]:
        if column not in table.columns and not all(f"{column}_{lang}" in table.columns for lang in languages):
            problems.add(
                Location(path, 1, 1),
                "data.missing_column",
                f'column "{column}" (or one per language: {", ".join(f"{column}_{lang}" for lang in languages)}) '
                "is missing from the header",
            )
            return (), False
    rows = tuple(found for row in table.rows if (found := layout.make(row, languages, problems)))
    example = any(
        row.text("example").strip().lower() in {"true", "yes", "ja"} for row in table.rows if "example" in row
    )
    return rows, example


def _row_texts(row: Row, column: str, languages: tuple[str, ...], problems: Problems, required: bool) -> dict[str, str]:
    found = {}
    for lang in languages:
        name = f"{column}_{lang}" if f"{column}_{lang}" in row else column
        text = row.text(name).strip() if name in row else ""
        if text:
            found[lang] = text
        elif required:
            problems.add(
                row[name].location if name in row else Location(Path(), row.line),
                "content.missing_text",
                f"{name}: empty; every row needs its {column} in {lang}",
            )
    return found


def _measure(row: Row, languages: tuple[str, ...], problems: Problems) -> Measure | None:
    cell = row["targets"]
    targets = _targets(cell.text, cell.location, None, problems)
    if not cell.text.strip():
        problems.add(cell.location, "content.targets", "a measure names the SDG targets it follows up (e.g. 11.2;13.2)")
    budget = None
    if "budget" in row:
        budget, ok = parse_number(row["budget"], plain=True)
        if not ok:
            problems.add(
                row["budget"].location,
                "content.not_a_number",
                f'budget "{row.text("budget")}" is not an amount in NOK (write it like 1500000)',
            )
    plan = _row_texts(row, "plan", languages, problems, True)
    measure = _row_texts(row, "measure", languages, problems, True)
    responsible = _row_texts(row, "responsible", languages, problems, False)
    if not targets:
        return None
    return Measure(plan, measure, targets, responsible, budget, cell.location)


def _engagement(row: Row, languages: tuple[str, ...], problems: Problems) -> Engagement | None:
    cell = row["date"]
    match = DATE.fullmatch(cell.text.strip())
    if match is None or (match[2] and not 1 <= int(match[2]) <= 12) or (match[3] and not 1 <= int(match[3]) <= 31):
        problems.add(cell.location, "content.date", f'"{cell.text}" is not a date like 2025-03-12, 2025-03 or 2025')
        return None
    return Engagement(
        date=cell.text.strip(),
        who=_row_texts(row, "who", languages, problems, True),
        how=_row_texts(row, "how", languages, problems, True),
        what=_row_texts(row, "what", languages, problems, False),
        location=cell.location,
    )


@dataclass(frozen=True)
class _Layout:
    """A table's columns: required ones, text columns (one for all languages or one per language; the first
    `required_texts` of them required) and optional ones, and how a row becomes a value."""

    required: tuple[str, ...]
    texts: tuple[str, ...]
    required_texts: int
    optional: tuple[str, ...]
    make: Callable[[Row, tuple[str, ...], Problems], Any]


MEASURES = _Layout(("targets",), ("plan", "measure", "responsible"), 2, ("budget",), _measure)
ENGAGEMENT = _Layout(("date",), ("who", "how", "what"), 2, (), _engagement)
