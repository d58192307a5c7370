"""Read and validate a project's `vlrgen.toml` into a frozen `Config`.

Every problem in the file is reported in one pass, each naming its key and line
(`report.year: expected a year, got "2O25"`), so an author fixes them all at once.
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from vlrgen import reference
from vlrgen.inputs.confine import LinkLoop, confine, resolve_strictly
from vlrgen.inputs.discover import CONFIG_NAME
from vlrgen.inputs.library import available_libraries
from vlrgen.inputs.outline import OwnSection, read_own_sections
from vlrgen.inputs.tables.model import TableLimits
from vlrgen.inputs.tomlfile import TomlKind, peek_toml, read_toml
from vlrgen.problems import BuildFailed, Location, Problems

__all__ = [
    "CONFIG_NAME",
    "DEFAULT_LANGUAGES",
    "OUTPUTS",
    "Config",
    "Entity",
    "Survey",
    "load_config",
    "load_config_strictly",
]

# Report languages when vlrgen.toml names none. Which codes exist is data: a language is available
# when it has a message catalog (see inputs/i18n.py); the project check compares the two.
DEFAULT_LANGUAGES = ("nb", "en")
OUTPUTS = ("html", "pdf")
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3a", "pdf/a-2a", "pdf/a-3u", "none")  # README: which to publish, which to archive

# The schema: every key a vlrgen.toml may hold, with its meaning (shown in README).
SCHEMA: dict[str, str] = {
    "entity.name": "name of the municipality or county, as it should appear on the cover",
    "entity.code": "kommunenummer (4 digits) or fylkesnummer (2 digits), 2024 borders",
    "entity.kind": '"municipality", "county" or "vsr" (national review of the local government sector, code "0")',
    "report.year": "the year under review, e.g. 2025",
    "report.languages": 'report languages, default ["nb", "en"]',
    "report.outputs": 'what to build, default ["html", "pdf"]',
    "report.slug": "folder name under output/, default <entity-name>-<year>",
    "report.author": "author shown in the PDF metadata, default the entity name",
    "report.title.<lang>": "report title in one report language, e.g. report.title.nb (optional)",
    "report.previous": "the previous edition: its project folder, or the manifest.json of its built output (optional)",
    "report.example": "true when this edition is example content made to show the tool (a later edition says so)",
    "report.date": "publication date shown on the cover, e.g. 2025-06-12 (optional)",
    "content.narrative": 'folder with narrative/<lang>/<section>.md, default "narrative"',
    "content.templates": "folder with template overrides searched before the defaults (optional)",
    "content.sections": "own sections: [[content.sections]] with key, after or under, and title.<lang> (optional)",
    "data.indicators": "indicator catalogue CSV",
    "data.observations": "tidy observations CSV (indicator, entity, period, value), optional with data.sources",
    "data.sources": "declared data sources (TOML): raw files mapped to indicators, optional with data.observations",
    "data.library": 'a packaged indicator library used with (or instead of) your own data, e.g. "national"',
    "branding.logo": "logo image inside the project folder (optional)",
    "limits.rows": "most rows read from one table or sheet, default 500 000",
    "limits.cells": "most cells read from one table or sheet (rows × columns), default 5 000 000",
    "limits.cell_characters": "most characters in one cell, default 32 767 (Excel's own limit)",
    "limits.file_megabytes": "largest data file read, in MB (a spreadsheet part unpacked: the same; a sheet: ten times), default 100",
    "project.shared": 'folders outside this project that it may read data, survey and template files from, e.g. ["../data"]',
    "branding.accent": 'accent colour as "#rrggbb" (optional)',
    "pdf.variant": '"pdf/ua-1" (tagged, default), "pdf/a-3a" or "pdf/a-2a" (tagged and archival), "pdf/a-3u" or "none"',
    "assessment.base_year": "start of the period for trends and distance to target, default 2015",
    "assessment.outdated_after": "years before the report year after which a latest value counts as outdated, default 5",
    "members.projects": 'member project folders or globs, relative to this project, e.g. ["../porsgrunn", "../kommuner/*"]',
    "members.municipalities": '"all" (every municipality of the county, or of Norway for a VSR) or "in_data"',
    "survey.answers": "survey answers (CSV), one row per municipality, optional for a review",
    "survey.questions": "survey questions (CSV: column, answers, and question_<lang>, answers_<lang> per language)",
    "survey.entity": 'column of the answers file naming the municipality, default "kommunenummer"',
    "survey.illustrative": "true when the answers are made up (every survey chart and table then says so)",
}
TABLES = {key.rsplit(".", 1)[0] for key in SCHEMA}
PER_LANGUAGE = "<lang>"  # a schema key ending in .<lang> takes one key per language code
CONFIG_KIND = TomlKind("config", f"{CONFIG_NAME} is not UTF-8 text", hint="save it as UTF-8 in your editor")
PUBLISHED_FROM_PROJECT = ("content.narrative", "branding.logo")  # copied to media/ by their place in the project
REQUIRED = ("entity.name", "entity.code", "entity.kind", "report.year")  # and data.indicators or data.library


@dataclass(frozen=True)
class Entity:
    name: str
    code: str
    kind: str  # "municipality", "county" or "vsr"
    county_code: str


@dataclass(frozen=True)
class Survey:
    answers: Path
    questions: Path
    entity_column: str
    illustrative: bool


@dataclass(frozen=True)
class Config:
    path: Path
    root: Path
    entity: Entity
    year: int
    languages: tuple[str, ...]
    outputs: tuple[str, ...]
    slug: str
    author: str
    titles: dict[str, str]
    date: datetime.date | None  # report.date: the publication date on the cover
    narrative_dir: Path | None
    templates_dir: Path | None
    indicators_path: Path | None  # None when the setting has a problem (already reported)
    observations_path: Path | None
    sources_path: Path | None
    logo: Path | None
    accent: str | None
    pdf_variant: str | None
    base_year: int = 2015
    library: str | None = None  # a packaged indicator library (inputs/library.py), e.g. "national"
    outdated_after: int = 5  # a latest value older than this many years before report.year is outdated
    member_projects: tuple[Path, ...] = ()
    member_scope: str | None = None  # "all", "in_data" or None (only the member projects)
    survey: Survey | None = None
    own_sections: tuple[OwnSection, ...] = ()  # sections the project adds to the handbook's (inputs/outline.py)
    shared: tuple[Path, ...] = ()  # [project] shared, resolved: folders besides `root` the project may read from
    limits: TableLimits = field(default_factory=TableLimits)  # [limits]: how much one data table may ask
    previous: Path | None = None  # report.previous, resolved: a project folder or a built edition's manifest.json
    previous_setting: str = ""  # report.previous as written (a built output's folder may be a link to a version)
    example: bool = False  # report.example: this edition is example content
    key_locations: dict[str, Location] = field(default_factory=dict, compare=False)

    @property
    def is_review(self) -> bool:
        """A review of many members (the national VSR or a county's review of its municipalities)."""
        return self.entity.kind == "vsr" or bool(self.member_projects) or self.member_scope is not None

    @property
    def roots(self) -> tuple[Path, ...]:
        """The folders every file the project names must lie in (symbolic links followed)."""
        return (self.root, *self.shared)

    def locate(self, key: str) -> Location:
        return self.key_locations.get(key, Location(self.path, 1, 1))

    def with_overrides(
        self, languages: tuple[str, ...] | None = None, outputs: tuple[str, ...] | None = None
    ) -> Config:
        return replace(self, languages=languages or self.languages, outputs=outputs or self.outputs)


def load_config(project: Path, problems: Problems) -> Config | None:
    """Load `project/vlrgen.toml`, adding every problem found to `problems`.

    Returns a Config whenever the entity and year are usable, even if other settings have
    problems, so that later checks still run and an author sees everything in one pass.
    """
    given = project / CONFIG_NAME if project.is_dir() else project
    try:
        root = given.parent.resolve()
    except RuntimeError:  # the project folder is a link loop: reported below
        root = given.parent.absolute()
    if not given.is_file() and not given.is_symlink():
        problems.add(
            Location(root / given.name),
            "config.missing",
            f"no {CONFIG_NAME} here: a report project is a folder with a {CONFIG_NAME}",
        )
        return None
    path = confine(root / given.name, (root,), problems, Location(root / given.name), "the settings file")
    if path is None:
        return None
    if not path.is_file():
        problems.add(Location(path), "config.missing", f"{CONFIG_NAME} is a link to a file that does not exist")
        return None
    toml = read_toml(path, CONFIG_KIND, problems)
    if toml is None:
        return None
    values = _flatten(toml.data, "", problems, toml.locations, path)
    return _validate(path, root, values, toml.locations, problems)


def load_config_strictly(project: Path) -> Config:
    """Like load_config, but raise BuildFailed if the file has any error."""
    problems = Problems()
    config = load_config(project, problems)
    if problems.errors or config is None:
        raise BuildFailed(problems.items)
    return config


def _flatten(raw: dict, prefix: str, problems: Problems, locations: dict[str, Location], path: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and dotted in TABLES:
            values.update(_flatten(value, f"{dotted}.", problems, locations, path))
        elif _schema_key(dotted) in SCHEMA and not isinstance(value, dict):
            values[dotted] = value
        elif dotted in TABLES:
            example = next(k for k in SCHEMA if k.startswith(dotted + ".")).replace(PER_LANGUAGE, DEFAULT_LANGUAGES[0])
            problems.add(
                locations.get(dotted, Location(path, 1, 1)),
                "config.invalid",
                f"{dotted}: expected a table of settings like {example} = …, got {_show(value)}",
            )
        else:
            known = sorted(k for k in SCHEMA if not k.endswith(PER_LANGUAGE)) + sorted(TABLES)
            guess = difflib.get_close_matches(dotted, known, n=1, cutoff=0.6)
            hint = f'did you mean "{guess[0]}"?' if guess else "see the list of keys in README.md"
            problems.add(
                locations.get(dotted, Location(path, 1, 1)),
                "config.unknown_key",
                f"{dotted}: unknown setting",
                hint=hint,
            )
    return values


def _validate(
    path: Path, root: Path, values: dict[str, Any], locations: dict[str, Location], problems: Problems
) -> Config | None:
    def where(key: str) -> Location:
        table = key.rsplit(".", 1)[0]
        return locations.get(key) or locations.get(table) or Location(path, 1, 1)

    def bad(key: str, expected: str) -> None:
        problems.add(where(key), "config.invalid", f"{key}: expected {expected}, got {_show(values[key])}")

    for key in REQUIRED:
        if key not in values:
            problems.add(where(key), "config.missing_key", f"{key}: required setting is missing ({SCHEMA[key]})")

    name = _text(values, "entity.name", bad)
    kind = _choice(values, "entity.kind", ("municipality", "county", "vsr"), bad)
    code = _text(values, "entity.code", bad)
    county_code = _check_entity(code, kind, name, where("entity.code"), problems)
    year = values.get("report.year")
    if "report.year" in values and not (isinstance(year, int) and not isinstance(year, bool) and 1990 <= year <= 2100):
        bad("report.year", "a year")
        year = None
    languages = _list_of(values, "report.languages", None, bad) or DEFAULT_LANGUAGES
    outputs = _list_of(values, "report.outputs", OUTPUTS, bad) or OUTPUTS
    accent = _text(values, "branding.accent", bad)
    if accent and not re.fullmatch(r"#[0-9A-Fa-f]{6}", accent):
        bad("branding.accent", 'a colour like "#1a6b8f"')
        accent = None
    variant = _choice(values, "pdf.variant", PDF_VARIANTS, bad) or "pdf/ua-1"
    titles = {  # checked against the available languages with the catalogs (inputs/project.py)
        key.removeprefix("report.title."): t
        for key in values
        if key.startswith("report.title.") and (t := _text(values, key, bad))
    }
    base_year = values.get("assessment.base_year", 2015)
    if not (isinstance(base_year, int) and not isinstance(base_year, bool) and 1990 <= base_year <= 2100):
        bad("assessment.base_year", "a year")
        base_year = 2015

    shared = _shared_folders(values, root, where, problems)
    limits = _limits(values, bad)
    roots = (root, *shared)
    paths = {}
    for key, default, must_exist in (
        ("content.narrative", "narrative", "dir"),
        ("content.templates", None, "dir"),
        ("data.indicators", None, "file"),
        ("data.observations", None, "file"),
        ("data.sources", None, "file"),
        ("branding.logo", None, "file"),
    ):
        allowed = (root,) if key in PUBLISHED_FROM_PROJECT else roots
        paths[key] = _path(values, key, default, allowed, must_exist, where, problems)

    library = _library(values, bad, where, problems)
    outdated_after = values.get("assessment.outdated_after", 5)
    if isinstance(outdated_after, bool) or not isinstance(outdated_after, int) or not 0 <= outdated_after <= 50:
        bad("assessment.outdated_after", "a number of years from 0 to 50")
        outdated_after = 5
    if "data.indicators" not in values and "data.library" not in values:
        problems.add(
            where("data"),
            "config.missing_key",
            f"data.indicators: required setting is missing ({SCHEMA['data.indicators']}), unless data.library names a library",
        )
    if "data.observations" not in values and "data.sources" not in values and "data.library" not in values:
        problems.add(
            where("data"),
            "config.missing_key",
            "data.observations, data.sources or data.library: the project needs at least one of them",
        )
    slug = _text(values, "report.slug", bad)
    if slug and not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", slug):
        bad("report.slug", "a folder name of a-z, 0-9, '.', '_' and '-' (no slashes)")
        slug = None
    author = _text(values, "report.author", bad)
    date = _date(values, "report.date", bad)
    members = _member_projects(values, root, path, where, problems)
    scope = _choice(values, "members.municipalities", ("all", "in_data"), bad)
    if kind == "municipality" and (members or scope):
        problems.add(
            where("members"),
            "config.invalid",
            'members: only a county review or a VSR (entity.kind = "county" or "vsr") has members',
        )
    survey = _survey(values, roots, where, bad, problems)
    previous = _previous(values, root, roots, where, problems)
    example = values.get("report.example", False)
    if not isinstance(example, bool):
        bad("report.example", "true or false")
        example = True  # when in doubt, label it as example content
    own_sections = read_own_sections(
        values.get("content.sections"),
        lambda n: locations.get(f"content.sections[{n}]") or where("content.sections"),
        problems,
    )
    if survey is not None and not (kind == "vsr" or members or scope):
        problems.add(
            where("survey"),
            "config.invalid",
            "survey: only a review with members (a VSR, or a county with [members]) summarises a survey",
        )
    if name is None or kind is None or code is None or year is None or county_code is None:
        return None
    if "report.slug" in values and slug is None:
        return None
    return Config(
        path=path,
        root=root,
        entity=Entity(name=name, code=code, kind=kind, county_code=county_code or ""),
        year=year,
        languages=tuple(languages),
        outputs=tuple(outputs),
        slug=slug or f"{_slugify(name)}-{year}",
        author=author or name,
        titles=titles,
        date=date,
        narrative_dir=paths["content.narrative"],
        templates_dir=paths["content.templates"],
        indicators_path=paths["data.indicators"],
        observations_path=paths["data.observations"],
        sources_path=paths["data.sources"],
        logo=paths["branding.logo"],
        accent=accent,
        pdf_variant=None if variant == "none" else variant,
        base_year=base_year,
        library=library,
        outdated_after=outdated_after,
        key_locations=locations,
        member_projects=members,
        member_scope=scope,
        survey=survey,
        own_sections=own_sections,
        shared=shared,
        limits=limits,
        previous=previous,
        previous_setting=str(values.get("report.previous", "")) if previous else "",
        example=example,
    )


def _previous(values: dict, root: Path, roots: tuple[Path, ...], where, problems: Problems) -> Path | None:
    """`report.previous`: a project folder (or its vlrgen.toml), or the manifest.json of a built edition,
    inside the project's allowed folders; what it holds is read with the project (inputs/editions.py)."""
    raw = values.get("report.previous")
    if raw is None:
        return None
    key, at = "report.previous", where("report.previous")
    if not isinstance(raw, str) or not raw.strip():
        problems.add(at, "config.invalid", f"{key}: expected a folder or a manifest.json in quotes, got {_show(raw)}")
        return None
    if Path(raw).is_absolute():
        problems.add(at, "config.invalid", f"{key}: {raw} is an absolute path; write it relative to this project")
        return None
    hint = 'keep the previous edition inside the project folder, or add its folder to [project] shared, e.g. shared = ["../archive"]'
    resolved = confine(root / raw, roots, problems, at, f"{key}:", shown=raw, hint=hint)
    if resolved is None:
        return None
    if resolved.is_file() and resolved.name == CONFIG_NAME:
        resolved = resolved.parent
    if resolved.is_dir():
        if resolved == root:
            problems.add(at, "config.invalid", f"{key}: {raw} is this project itself, not its previous edition")
            return None
        if not (resolved / CONFIG_NAME).is_file():
            problems.add(
                at,
                "config.path_missing",
                f"{key}: the folder {raw} is not a report project (there is no {CONFIG_NAME} in it)",
                hint="name the previous edition's project folder, or the manifest.json in its built output folder",
            )
            return None
        return resolved
    if not resolved.exists():
        problems.add(at, "config.path_missing", f"{key}: {raw} does not exist")
        return None
    if resolved.suffix != ".json":
        problems.add(
            at,
            "config.invalid",
            f"{key}: {raw} is neither a project folder nor a manifest.json",
            hint="name the previous edition's project folder, or the manifest.json in its built output folder",
        )
        return None
    return resolved


def _library(values: dict, bad, where, problems: Problems) -> str | None:
    name = _text(values, "data.library", bad)
    if name is not None and name not in available_libraries():
        problems.add(
            where("data.library"),
            "config.invalid",
            f'data.library: there is no library "{name}"; available: {", ".join(available_libraries()) or "none"}',
        )
        return None
    return name


def _member_projects(values: dict, root: Path, path: Path, where, problems: Problems) -> tuple[Path, ...]:
    """Member folders: each entry a folder or a glob; every folder found must hold a vlrgen.toml."""
    raw = values.get("members.projects")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(p, str) and p for p in raw):
        problems.add(
            where("members.projects"),
            "config.invalid",
            f"members.projects: expected a list of folders in quotes, got {_show(raw)}",
        )
        return ()
    found: dict[Path, None] = {}
    for pattern in raw:
        if Path(pattern).is_absolute():
            problems.add(
                where("members.projects"),
                "config.invalid",
                f"members.projects: {pattern} is an absolute path; write it relative to this project",
            )
            continue
        if any(ch in pattern for ch in "*?["):
            matches = [
                p.parent.resolve()
                for p in sorted(root.glob(f"{pattern.rstrip('/')}/{CONFIG_NAME}"))
                if _kind_of(p) in ("municipality", None)
            ]  # a glob passes over other reviews
            if not matches:
                problems.add(
                    where("members.projects"),
                    "config.path_missing",
                    f"members.projects: {pattern} matches no folder with a {CONFIG_NAME}",
                )
        else:
            folder = (root / pattern).resolve()
            matches = [folder] if (folder / CONFIG_NAME).is_file() else []
            if not matches:
                problems.add(
                    where("members.projects"),
                    "config.path_missing",
                    f"members.projects: {pattern} is not a report project (no {CONFIG_NAME} there)",
                )
        found.update((m, None) for m in matches if m != path.parent)
    return tuple(found)


def _kind_of(config_file: Path) -> str | None:
    """entity.kind of another project, or None when it cannot be read (its own check will say why)."""
    entity = (peek_toml(config_file) or {}).get("entity")
    kind = entity.get("kind") if isinstance(entity, dict) else None
    return kind if isinstance(kind, str) else None


def _survey(values: dict, roots: tuple[Path, ...], where, bad, problems: Problems) -> Survey | None:
    if not any(key.startswith("survey.") for key in values):
        return None
    answers = _path(values, "survey.answers", None, roots, "file", where, problems)
    questions = _path(values, "survey.questions", None, roots, "file", where, problems)
    for key in ("survey.answers", "survey.questions"):
        if key not in values:
            problems.add(where("survey"), "config.missing_key", f"{key}: required for a survey ({SCHEMA[key]})")
    entity = _text(values, "survey.entity", bad) or "kommunenummer"
    illustrative = values.get("survey.illustrative", False)
    if not isinstance(illustrative, bool):
        bad("survey.illustrative", "true or false")
        illustrative = True  # when in doubt, label the answers as made up
    if answers is None or questions is None:
        return None
    return Survey(answers, questions, entity, illustrative)


def _check_entity(code: str | None, kind: str | None, name: str | None, at: Location, problems: Problems) -> str | None:
    if not code or not kind:
        return None
    if kind == "vsr":
        if code != reference.NATION_CODE:
            problems.add(
                at,
                "config.unknown_entity",
                f'entity.code: a VSR covers the whole country, so its code is "0", not "{code}"',
            )
            return None
        return ""
    digits = 4 if kind == "municipality" else 2
    place = reference.place(code)
    if not re.fullmatch(rf"\d{{{digits}}}", code) or place is None or place.kind != kind:
        problems.add(
            at,
            "config.unknown_entity",
            f'entity.code: "{code}" is not a {kind} code in the 2024 structure',
            hint=f"a {kind} code has {digits} digits, e.g. {'4001' if digits == 4 else '40'}",
        )
        return None
    if name and name.casefold() not in place.name.casefold():
        problems.warn(
            at, "config.entity_name", f'entity.name "{name}" differs from the official name "{place.name}" for {code}'
        )
    return place.county_code


def _limits(values: dict, bad) -> TableLimits:
    """`[limits]`: in vlrgen.toml, not per source, since how much work a build may take is the business
    of whoever builds the project (a sources file is shared by several projects and describes data)."""
    given = {}
    for name in ("rows", "cells", "cell_characters", "file_megabytes"):
        value = values.get(f"limits.{name}")
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            bad(f"limits.{name}", "a whole number from 1")
        else:
            given[name] = value
    return TableLimits(**given)


def _shared_folders(values: dict, root: Path, where, problems: Problems) -> tuple[Path, ...]:
    """`[project] shared`: the folders besides its own that a project may read files from.

    Why each project declares them in its own vlrgen.toml, rather than a group file in a parent
    folder: what a project may read is then decided by the project's own file alone, and can be
    read there by whoever reviews or builds it. A group file found by walking up the folders would
    let any folder above a project (a home folder, /tmp, a CI workspace) widen what every project
    below it reads, unseen; a project copied elsewhere would silently read other files. Four example
    projects repeating `shared = ["../data"]` is a small price for that.

    A shared folder must exist, be written relative to the project, and not hold the project itself:
    `..` or `/` would let the project read everything beside and below it, which is the opposite of
    declaring one folder. Files inside a shared folder are resolved like all others, so a link in it
    that leads elsewhere is still refused.
    """
    raw = values.get("project.shared")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(p, str) and p for p in raw):
        problems.add(
            where("project.shared"),
            "config.invalid",
            f'project.shared: expected a list of folders in quotes, like ["../data"], got {_show(raw)}',
        )
        return ()
    found: dict[Path, None] = {}
    for entry in raw:
        at = where("project.shared")
        if Path(entry).is_absolute():
            problems.add(
                at, "config.invalid", f"project.shared: {entry} is an absolute path; write it relative to this project"
            )
            continue
        try:
            folder = resolve_strictly(root / entry)
        except LinkLoop:
            problems.add(at, "path.link_loop", f"project.shared: {entry} is a symbolic link that leads to itself")
            continue
        if folder is None or not folder.is_dir():
            problems.add(at, "config.path_missing", f"project.shared: folder {entry} does not exist")
        elif root.is_relative_to(folder):
            problems.add(
                at,
                "config.invalid",
                f"project.shared: {entry} holds the project itself, so it would let the project read everything "
                "beside it",
                hint='name the shared folder itself, such as "../data"',
            )
        else:
            found[folder] = None
    return tuple(found)


def _path(
    values: dict, key: str, default: str | None, roots: tuple[Path, ...], kind: str, where, problems: Problems
) -> Path | None:
    """The resolved path a setting names, when it exists and lies inside `roots` (the first is the project)."""
    raw = values.get(key, default)
    if raw is None:
        return None
    if not isinstance(raw, str):
        problems.add(where(key), "config.invalid", f"{key}: expected a path, got {_show(raw)}")
        return None
    hint = (
        "files published with the report (narrative, logo) must live inside the project folder"
        if key in PUBLISHED_FROM_PROJECT
        else 'copy it into the project folder, or add its folder to [project] shared, e.g. shared = ["../data"]'
    )
    resolved = confine(roots[0] / raw, roots, problems, where(key), f"{key}:", shown=raw, hint=hint)
    if resolved is None:
        return None
    exists = resolved.is_dir() if kind == "dir" else resolved.is_file()
    if not exists:
        problems.add(
            where(key), "config.path_missing", f"{key}: {'folder' if kind == 'dir' else 'file'} {raw} does not exist"
        )
        return None
    return resolved


def _date(values: dict, key: str, bad) -> datetime.date | None:
    """A TOML date (`date = 2025-06-12`) or the same in quotes."""
    value = values.get(key)
    if value is None:
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    bad(key, "a date written year-month-day, e.g. 2025-06-12")
    return None


def _text(values: dict, key: str, bad) -> str | None:
    value = values.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        bad(key, "a text in quotes")
        return None
    return value.strip()


def _choice(values: dict, key: str, allowed: tuple[str, ...], bad) -> str | None:
    value = values.get(key)
    if value is None:
        return None
    if value not in allowed:
        bad(key, "one of " + ", ".join(f'"{a}"' for a in allowed))
        return None
    return value


def _list_of(values: dict, key: str, allowed: tuple[str, ...] | None, bad) -> list[str] | None:
    """A list of distinct texts, drawn from `allowed` (None: any text; languages are checked later)."""
    value = values.get(key)
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or not value
        or any(not isinstance(v, str) or not v or (allowed is not None and v not in allowed) for v in value)
        or len(set(value)) != len(value)
    ):
        if allowed is None:
            bad(key, 'a list of distinct codes in quotes, like ["nb", "en"]')
        else:
            bad(key, "a list drawn from " + ", ".join(f'"{a}"' for a in allowed))
        return None
    return value


def _schema_key(dotted: str) -> str:
    """The schema entry of a key: `report.title.nn` is `report.title.<lang>`."""
    table, _, last = dotted.rpartition(".")
    per_language = f"{table}.{PER_LANGUAGE}"
    return per_language if per_language in SCHEMA and last else dotted


def _show(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value).replace("True", "true").replace("False", "false")


def _slugify(text: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})
    return re.sub(r"[^a-z0-9]+", "-", text.translate(table).lower()).strip("-")
