"""A report project as gathered in phase 1: its config, narrative, data, catalogs and, for a review, its members.

`gather_project` reads everything one project folder names and collects every problem; nothing
here judges, plans or writes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from vlrgen import reference
from vlrgen.inputs.config import CONFIG_NAME, Config, load_config
from vlrgen.inputs.confine import confine_tree, inside
from vlrgen.inputs.content import Narrative, load_narrative
from vlrgen.inputs.dataset import Dataset
from vlrgen.inputs.editions import PreviousEdition, ReviewSnapshot, read_manifest
from vlrgen.inputs.fingerprint import member_fingerprint
from vlrgen.inputs.i18n import Language, available_languages, load_languages
from vlrgen.inputs.library import library_named
from vlrgen.inputs.members import Member, list_members
from vlrgen.inputs.observations import load_dataset
from vlrgen.inputs.quality import QualitySignal, check_data_quality
from vlrgen.inputs.shortcodes import check_shortcodes
from vlrgen.inputs.structured import StructuredContent, load_structured
from vlrgen.inputs.survey import SurveyData, load_survey
from vlrgen.inputs.templates import check_templates, template_root
from vlrgen.problems import Location, Problems

__all__ = ["LoadData", "Project", "data_key", "gather_project", "has_data", "load_config_data"]

LoadData = Callable[[Config, Problems], Dataset]


@dataclass(frozen=True)
class Project:
    """Everything phase 1 gathered for one report project."""

    config: Config
    narrative: Narrative
    dataset: Dataset
    languages: dict[str, Language]  # every available language (the report's are config.languages)
    template_dirs: tuple[Path, ...]
    members: tuple[Member, ...] = ()  # a review's members (empty for a municipal review)
    survey: SurveyData | None = None
    structured: StructuredContent = field(default_factory=StructuredContent)  # case studies, measures, engagement log
    member_data: dict[str, str] = field(default_factory=dict)  # a review: member code → fingerprint of its own data
    quality: tuple[QualitySignal, ...] = ()  # data-quality signals check warned about, for the report's notes
    previous: PreviousEdition | None = None  # report.previous: the edition this one compares with


def load_config_data(config: Config, problems: Problems) -> Dataset:
    """The data a project's config names, with text in its report languages (the build passes a loader
    that reuses cached results). Called only for a config with data (`has_data`)."""
    return load_dataset(
        config.indicators_path,
        config.observations_path,
        problems,
        sources_path=config.sources_path,
        languages=config.languages,
        roots=config.roots,
        limits=config.limits,
        library=library_named(config.library) if config.library else None,
    )


def has_data(config: Config) -> bool:
    """Does the config name a catalogue with data, or a library?"""
    return bool(config.library) or (
        config.indicators_path is not None and (config.observations_path or config.sources_path) is not None
    )


def data_key(config: Config, with_roots: bool = True) -> tuple:
    """What a project's data depends on: projects with the same key share one loaded data set.

    Without roots, the key lets projects with different allowed folders share a load that read only
    files inside both (see `_shared_dataset`)."""
    key = (
        config.indicators_path,
        config.observations_path,
        config.sources_path,
        config.library,
        config.languages,
        config.limits,
    )
    return (*key, config.roots) if with_roots else key


def gather_project(
    path: Path,
    problems: Problems,
    languages: tuple[str, ...] | None = None,
    formats: tuple[str, ...] | None = None,
    datasets: dict | None = None,
    load_data: LoadData = load_config_data,
) -> Project | None:
    """Phase 1: config, narrative, structured content, data and catalogs, with every problem collected.

    `datasets` shares loaded data between projects that name the same files (a county's members).
    """
    project = _gather(path, problems, languages, formats, datasets, load_data)
    folder = project.config.narrative_dir if project else None
    if project is None or folder is None:
        return project
    structured = load_structured(project.config.root, folder, project.config.languages, problems)
    return replace(project, structured=structured)


def _gather(
    path: Path,
    problems: Problems,
    languages: tuple[str, ...] | None = None,
    formats: tuple[str, ...] | None = None,
    datasets: dict | None = None,
    load_data: LoadData = load_config_data,
) -> Project | None:
    config = load_config(path, problems)
    if config is None:
        return None
    if config.templates_dir and not confine_tree(config.templates_dir, config.roots, problems, "template file"):
        config = replace(config, templates_dir=None)  # reported; nothing in the folder is read
    root = template_root()
    template_dirs = tuple(p for p in (config.templates_dir and config.templates_dir, root / "templates") if p)
    catalog_dirs = [root / "i18n"] + ([config.templates_dir / "i18n"] if config.templates_dir else [])
    available = available_languages(catalog_dirs)
    config = _available_only(config.with_overrides(languages, formats), languages is not None, available, problems)
    if not config.languages:
        return None
    # Every available catalog is read and checked, as the site index may name any of them.
    catalogs = load_languages(catalog_dirs, available, problems, report_codes=config.languages)
    check_templates(list(template_dirs), catalogs[config.languages[0]].messages, problems)
    narrative = (
        load_narrative(config.root, config.narrative_dir, config.languages, problems, own=config.own_sections)
        if config.narrative_dir
        else Narrative({})
    )
    if not has_data(config):
        if config.is_review:  # a review may rely on its member projects' data alone
            return _gather_review(
                config, narrative, Dataset({}, ()), catalogs, template_dirs, problems, datasets, load_data
            )
        _check_values(config, narrative, Dataset({}, ()), problems)
        previous = _previous_edition(config, problems, datasets, load_data)
        return Project(config, narrative, Dataset({}, ()), catalogs, template_dirs, previous=previous)
    before = len(problems.errors)
    dataset = _shared_dataset(config, problems, datasets, load_data)
    if len(problems.errors) == before and not any(o.entity == config.entity.code for o in dataset.observations):
        problems.warn(
            config.locate("data.observations"),
            "data.no_observations",
            f"the observations file has no rows for {config.entity.name} ({config.entity.code})",
        )
    if config.is_review:
        return _gather_review(config, narrative, dataset, catalogs, template_dirs, problems, datasets, load_data)
    _check_goal_commentary(config, narrative, dataset, problems)
    _check_values(config, narrative, dataset, problems)
    places = {config.entity.code, config.entity.county_code, reference.NATION_CODE} - {""}
    quality = check_data_quality(config, dataset, places, problems)
    previous = _previous_edition(config, problems, datasets, load_data)
    return Project(config, narrative, dataset, catalogs, template_dirs, quality=quality, previous=previous)


def _previous_edition(
    config: Config, problems: Problems, datasets: dict | None, load_data: LoadData
) -> PreviousEdition | None:
    """The edition `report.previous` names (the setting itself was checked and confined in inputs/config.py):
    a project folder's config and data, or a built edition's manifest. Its own `report.previous` is not
    followed: an edition compares with the one before it only."""
    path = config.previous
    if path is None:
        return None
    at = config.locate("report.previous")
    shown = config.previous_setting or os.path.relpath(path, config.root)
    key = "report.previous:"
    if path.is_dir():
        found = Problems()
        previous = load_config(path, found)
        problems.extend(found)
        if previous is None or found.errors:
            problems.add(
                at,
                "config.previous_damaged",
                f"{key} the previous edition in {shown} cannot be read: see the problems in its {CONFIG_NAME}",
            )
            return None
        if not _same_entity(config, previous.entity.code, previous.entity.name, previous.year, shown, at, problems):
            return None
        if not _same_kind(config, previous.is_review, previous.entity.name, previous.year, shown, at, problems):
            return None
        if not has_data(previous) and not (previous.is_review and previous.member_projects):
            problems.add(at, "config.previous_damaged", f"{key} the previous edition in {shown} names no data")
            return None
        previous = replace(previous, languages=config.languages)  # its indicator names in this report's languages
        dataset = _shared_dataset(previous, problems, datasets, load_data) if has_data(previous) else Dataset({}, ())
        if not previous.is_review:
            return PreviousEdition(shown, at, config=previous, dataset=dataset)
        members, dataset, _, _ = _review_members(previous, dataset, problems, datasets, load_data)
        if not members:
            problems.add(at, "config.previous_damaged", f"{key} the previous review in {shown} has no members")
            return None
        return PreviousEdition(shown, at, config=previous, dataset=dataset, members=members)
    snapshot = read_manifest(path, shown, at, problems)
    if snapshot is None or not _same_entity(config, snapshot.code, snapshot.entity, snapshot.year, shown, at, problems):
        return None
    if not _same_kind(
        config, isinstance(snapshot, ReviewSnapshot), snapshot.entity, snapshot.year, shown, at, problems
    ):
        return None
    return PreviousEdition(shown, at, snapshot=snapshot)


def _same_kind(
    config: Config, review: bool, name: str, year: int, shown: str, at: Location, problems: Problems
) -> bool:
    """A review of many members compares with the previous review of the members, an own report with an own report."""
    if review == config.is_review:
        return True
    then = f"a review of the municipalities in {name}" if review else f"{name}'s own report, not a review of members"
    now = "a review of many members" if config.is_review else f"{config.entity.name}'s own report"
    problems.add(
        at,
        "config.previous_mismatch",
        f"report.previous: {shown} is {then} ({year}), while this edition is {now}",
        hint="a review of many members compares with the previous review of the members, and a municipality's or "
        "county authority's own report with its own previous report",
    )
    return False


def _same_entity(config: Config, code: str, name: str, year: int, shown: str, at: Location, problems: Problems) -> bool:
    """The previous edition reviews the same place, in an earlier year."""
    if code != config.entity.code:
        problems.add(
            at,
            "config.previous_mismatch",
            f"report.previous: {shown} is a review of {name} ({code}), not of {config.entity.name} "
            f"({config.entity.code})",
            hint="an edition compares with the previous review of the same municipality or county",
        )
        return False
    if year >= config.year:
        problems.add(
            at,
            "config.previous_mismatch",
            f"report.previous: {shown} is the review of {year}, which is not earlier than this one ({config.year})",
        )
        return False
    return True


def _gather_review(
    config: Config,
    narrative: Narrative,
    dataset: Dataset,
    languages,
    template_dirs,
    problems: Problems,
    datasets: dict | None,
    load_data: LoadData,
) -> Project:
    """A review's members: its member projects (their data joins the review's) and the municipalities in scope."""
    members, dataset, slugs, fingerprints = _review_members(config, dataset, problems, datasets, load_data)
    if not members:
        problems.add(
            config.locate("members"),
            "config.no_members",
            'the review has no members: list member projects or set members.municipalities = "all"',
        )
    _check_values(config, narrative, dataset, problems)
    places = {config.entity.code, reference.NATION_CODE} | set(slugs)  # the scope, the nation, member projects
    quality = check_data_quality(config, dataset, places, problems)
    survey = load_survey(config.survey, config.languages, problems, config.limits) if config.survey else None
    if survey is not None and members and not any(m.code in survey.answers for m in members):
        problems.warn(
            config.locate("survey.answers"),
            "survey.no_members",
            f"no municipality of this review is in {survey.source}, so no survey chart is made",
        )
    previous = _previous_edition(config, problems, datasets, load_data)
    return Project(
        config,
        narrative,
        dataset,
        languages,
        template_dirs,
        members,
        survey,
        member_data=fingerprints,
        quality=quality,
        previous=previous,
    )


def _review_members(
    config: Config, dataset: Dataset, problems: Problems, datasets: dict | None, load_data: LoadData
) -> tuple[tuple[Member, ...], Dataset, dict[str, str], dict[str, str]]:
    """A review's members, its data with its member projects' own joined, the members' report folders
    (code → slug) and the fingerprints of their own data (code → fingerprint)."""
    slugs: dict[str, str] = {}
    fingerprints: dict[str, str] = {}
    for folder in config.member_projects:
        member = load_config(folder, problems)
        if member is None:
            continue
        if member.entity.kind != "municipality":
            problems.add(
                config.locate("members.projects"),
                "config.invalid",
                f"members.projects: {folder.name} is a {member.entity.kind} project; members are municipalities",
            )
            continue
        if config.entity.kind == "county" and member.entity.county_code != config.entity.code:
            problems.add(
                config.locate("members.projects"),
                "config.invalid",
                f"members.projects: {member.entity.name} ({member.entity.code}) is not in "
                f"{config.entity.name}; a county review's members are its own municipalities",
            )
            continue
        slugs[member.entity.code] = member.slug
        # A member's data joins the review, so its texts are read in the review's languages.
        member = replace(member, languages=config.languages)
        if has_data(member):
            own = _shared_dataset(member, problems, datasets, load_data)
            fingerprints[member.entity.code] = member_fingerprint(own, member.entity.code)
            dataset = _merge_member_data(dataset, own, member.entity.code, problems)
    members = list_members(config.entity.code, config.member_scope, slugs, dataset, config.year)
    return members, dataset, slugs, fingerprints


def _shared_dataset(config: Config, problems: Problems, datasets: dict | None, load_data: LoadData) -> Dataset:
    """The project's data, loaded once for all projects naming the same files (the example's four share
    one data folder). Another project's load is reused only when every file it read lies inside this
    project's own allowed folders too, and that load refused no file as lying outside its own."""
    key = data_key(config, with_roots=False)
    cached = datasets.get(key) if datasets is not None else None
    library = library_named(config.library) if config.library else None
    allowed = (*config.roots, library.folder) if library else config.roots  # a library is its own root
    if cached is not None and all(inside(path, allowed) for path in cached.files):
        return cached
    before = len(problems.items)
    dataset = load_data(config, problems)
    if datasets is not None and not any(p.code.startswith("path.") for p in problems.items[before:]):
        datasets[key] = dataset
    return dataset


def _merge_member_data(dataset: Dataset, member_data: Dataset, code: str, problems: Problems) -> Dataset:
    """Add a member project's own observations (and indicators) to the review's data.

    The review's own value wins when both have one; they must agree. A member's value fills a gap.
    An indicator defined differently (unit, direction, weighting) in the member's catalogue is reported.
    """
    if member_data is dataset:
        return dataset
    for key, theirs in member_data.indicators.items():
        ours = dataset.indicators.get(key)
        if ours is not None and (ours.unit, ours.direction, ours.weighting) != (
            theirs.unit,
            theirs.direction,
            theirs.weighting,
        ):
            problems.add(
                theirs.location,
                "data.member_conflict",
                f"indicator {key} is defined with another unit, direction or weighting than in the review's "
                f"catalogue ({ours.location})",
                hint="use one catalogue for the review and its members",
            )
    have = {(o.indicator, o.entity, o.period): o for o in dataset.observations}
    replaced, added = set(), []
    for o in member_data.observations:
        if o.entity != code:
            continue
        known = have.get((o.indicator, o.entity, o.period))
        if known is None or (known.value is None and o.value is not None):
            added.append(o)
            replaced.add((o.indicator, o.entity, o.period))
        elif o.value is not None and known.value != o.value:
            problems.add(
                o.location,
                "data.member_conflict",
                f"{o.indicator} for {code} in {o.period} is {o.value} here but {known.value} in the review's "
                f"own data ({known.location})",
            )
    kept = tuple(o for o in dataset.observations if (o.indicator, o.entity, o.period) not in replaced)
    groups = {(o.indicator, o.entity, o.period, o.group) for o in dataset.breakdowns}
    more = tuple(
        o
        for o in member_data.breakdowns
        if o.entity == code and (o.indicator, o.entity, o.period, o.group) not in groups
    )
    indicators = {**member_data.indicators, **dataset.indicators}
    return Dataset(indicators, kept + tuple(added), breakdowns=dataset.breakdowns + more)


def _check_values(config: Config, narrative: Narrative, dataset: Dataset, problems: Problems) -> None:
    """The indicators the text quotes ({{< value … >}}) against the catalogue and the entity's data."""
    codes = [code for _, section in sorted(narrative.sections.items()) for code in section.shortcodes]
    check_shortcodes(codes, dataset, config.entity.code, config.entity.name, problems)


def _check_goal_commentary(config: Config, narrative: Narrative, dataset: Dataset, problems: Problems) -> None:
    """Commentary for a goal is shown only in that goal's block, which needs data for the entity."""
    with_data = {
        dataset.indicators[o.indicator].goal
        for o in dataset.observations
        if o.entity == config.entity.code and o.value is not None and o.indicator in dataset.indicators
    }
    for (key, _), section in sorted(narrative.sections.items()):
        if key.startswith("goal-") and int(key[5:]) not in with_data:
            problems.warn(
                Location(section.path, 1, 1),
                "content.goal_without_data",
                f"commentary for goal {int(key[5:])} is not shown: no indicator under that goal has data "
                f"for {config.entity.name}",
            )


def _available_only(config: Config, from_command_line: bool, available: tuple[str, ...], problems: Problems) -> Config:
    """The config with only languages that have a catalog; each other one (and each report.title.<lang>
    for a language without one) is an error naming the languages there are."""
    listed = ", ".join(available) or "none"
    hint = "a language is added with its message catalog, templates/i18n/<lang>.toml; see README.md"
    for code in config.languages:
        if code not in available:
            where = "--lang" if from_command_line else "report.languages"
            problems.add(
                Location(config.path) if from_command_line else config.locate("report.languages"),
                "usage.unknown_language" if from_command_line else "config.unknown_language",
                f'{where}: there is no message catalog for "{code}"; available languages: {listed}',
                hint=hint,
            )
    for code in config.titles:
        if code not in available:
            problems.add(
                config.locate(f"report.title.{code}"),
                "config.unknown_language",
                f'report.title.{code}: there is no message catalog for "{code}"; available languages: {listed}',
                hint=hint,
            )
    return replace(config, languages=tuple(c for c in config.languages if c in available))
