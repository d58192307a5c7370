"""Build orchestration: gather and check everything, then draw, render and write.

Phases run one way (see README, "How the pipeline is built"). Nothing is written before
every project has been gathered without errors, and each report is assembled in a staging
folder that replaces the previous output only when complete.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import reference
from .charts import draw_chart
from .config import Config, load_config
from .content import Narrative, load_narrative
from .data import Dataset, load_dataset
from .i18n import Language, load_languages
from .problems import BuildFailed, Location, Problem, Problems
from .render import check_templates, make_environment, plan_report, render_index, render_report, template_root

__all__ = ["Project", "BuildOptions", "gather_project", "check_projects", "build_projects"]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Project:
    """Everything phase 1 gathered for one report project."""

    config: Config
    narrative: Narrative
    dataset: Dataset
    languages: dict[str, Language]
    template_dirs: tuple[Path, ...]


@dataclass(frozen=True)
class BuildOptions:
    out_dir: Path
    languages: tuple[str, ...] | None = None
    formats: tuple[str, ...] | None = None
    strict: bool = False


@dataclass
class BuildReport:
    problems: Problems = field(default_factory=Problems)
    built: list[Path] = field(default_factory=list)


def gather_project(path: Path, problems: Problems, languages: tuple[str, ...] | None = None,
                   formats: tuple[str, ...] | None = None) -> Project | None:
    """Phase 1: config, narrative, data and catalogs, with every problem collected."""
    config = load_config(path, problems)
    if config is None:
        return None
    config = config.with_overrides(languages, formats)
    root = template_root()
    template_dirs = tuple(p for p in (config.templates_dir and config.templates_dir, root / "templates") if p)
    catalog_dirs = [root / "i18n"] + ([config.templates_dir / "i18n"] if config.templates_dir else [])
    catalog_codes = tuple(sorted(set(config.languages) | {"nb", "en"}))
    languages = load_languages(catalog_dirs, catalog_codes, problems)
    check_templates(list(template_dirs), languages["en"].messages, problems)
    narrative = (load_narrative(config.root, config.narrative_dir, config.languages, problems)
                 if config.narrative_dir else Narrative({}))
    if config.indicators_path is None or (config.observations_path is None and config.sources_path is None):
        return Project(config, narrative, Dataset({}, ()), languages, template_dirs)
    before = len(problems.errors)
    dataset = load_dataset(config.indicators_path, config.observations_path, problems,
                           sources_path=config.sources_path)
    if len(problems.errors) == before and not any(o.entity == config.entity.code for o in dataset.observations):
        problems.warn(config.locate("data.observations"), "data.no_observations",
                      f"the observations file has no rows for {config.entity.name} ({config.entity.code})")
    _check_goal_commentary(config, narrative, dataset, problems)
    return Project(config, narrative, dataset, languages, template_dirs)


def _check_goal_commentary(config: Config, narrative: Narrative, dataset: Dataset, problems: Problems) -> None:
    """Commentary for a goal is shown only in that goal's block, which needs data for the entity."""
    with_data = {dataset.indicators[o.indicator].goal for o in dataset.observations
                 if o.entity == config.entity.code and o.value is not None and o.indicator in dataset.indicators}
    for (key, _), section in sorted(narrative.sections.items()):
        if key.startswith("goal-") and int(key[5:]) not in with_data:
            problems.warn(Location(section.path, 1, 1), "content.goal_without_data",
                          f"commentary for goal {int(key[5:])} is not shown: no indicator under that goal has data "
                          f"for {config.entity.name}")


def check_projects(paths: list[Path], strict: bool = False, languages=None, formats=None) -> tuple[list[Project], Problems]:
    problems = Problems()
    projects = [p for path in paths if (p := gather_project(path, problems, languages, formats))]
    seen: dict[str, Config] = {}
    for project in projects:
        slug = project.config.slug
        if slug in seen:
            problems.add(project.config.locate("report.slug"), "config.duplicate_slug",
                         f'two projects would both write output/{slug} (also {seen[slug].path})',
                         hint="set report.slug in one of them")
        seen[slug] = project.config
    return projects, (problems.strict() if strict else problems)


def build_projects(paths: list[Path], options: BuildOptions, progress: Progress = lambda _: None) -> BuildReport:
    """Check everything, assemble every report in staging folders, then swap them all into place.

    If any project fails, no report in the output folder changes.
    """
    report = BuildReport()
    projects, problems = check_projects(paths, options.strict, options.languages, options.formats)
    report.problems.extend(problems)
    if problems.errors:
        return report
    options.out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for project in projects:
            target = options.out_dir / project.config.slug
            if target.exists() and not (target / "manifest.json").is_file():
                raise BuildFailed([Problem(project.config.locate("report.slug"), "build.foreign_folder",
                                           f"{target} exists and was not made by vlrgen; refusing to replace it",
                                           hint="choose another --out folder or report.slug")])
            staged.append((stage_project(project, options.out_dir, progress, report.problems), target))
    except BuildFailed as failed:
        report.problems.extend(failed.problems)
    finally:
        if report.problems.errors or len(staged) < len(projects):
            for staging, _ in staged:
                shutil.rmtree(staging, ignore_errors=True)
    if report.problems.errors or len(staged) < len(projects):
        return report
    for staging, target in staged:
        report.built.append(_replace_atomically(staging, target))
    write_site_index(options.out_dir, project_env(projects[0]), projects[0].languages)
    return report


def project_env(project: Project):
    return make_environment(list(project.template_dirs))


def stage_project(project: Project, out_dir: Path, progress: Progress, problems: Problems) -> Path:
    """Write one complete report into a staging folder beside its final place."""
    staging = out_dir / f".staging-{project.config.slug}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        _write_report(project, staging, progress, problems)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _write_report(project: Project, staging: Path, progress: Progress, problems: Problems) -> None:
    config = project.config
    env = project_env(project)
    root = template_root()
    _copy_assets(project, staging, root)
    entities = {config.entity.code, config.entity.county_code, reference.NATION_CODE}
    _write_data_downloads(project.dataset.for_entities(entities), staging / "data")
    pdf_names = {lang: f"{config.slug}-{lang}.pdf" for lang in config.languages}
    pages: dict[str, int] = {}
    for lang in config.languages:
        progress(f"{config.slug}: {lang} charts and HTML")
        view = plan_report(config, project.narrative, project.dataset, project.languages[lang], root / "fonts")
        svgs = {figure.name: draw_chart(figure.job) for figure in view.figures}
        lang_dir = staging / lang
        (lang_dir / "figures").mkdir(parents=True)
        for name, svg in svgs.items():
            (lang_dir / "figures" / f"{name}.svg").write_text(svg, encoding="utf-8")
        html = render_report(env, view, svgs, pdf_names[lang] if "pdf" in config.outputs else None)
        (lang_dir / "index.html").write_text(html, encoding="utf-8")
    (staging / "index.html").write_text(
        render_index(env, "landing.html", cfg=config, languages=project.languages, pdf_names=pdf_names,
                     formats=config.outputs), encoding="utf-8")
    if "pdf" in config.outputs:
        pages = _write_pdfs(project, staging, pdf_names, progress, problems)
    manifest = {"slug": config.slug, "entity": config.entity.name, "code": config.entity.code,
                "kind": config.entity.kind, "year": config.year, "languages": list(config.languages),
                "pdf": {lang: name for lang, name in pdf_names.items() if lang in pages}, "pages": pages}
    (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def _write_pdfs(project: Project, staging: Path, pdf_names: dict[str, str], progress: Progress,
                problems: Problems) -> dict[str, int]:
    from .pdf import PdfRequest, render_pdf

    config = project.config
    roots = (staging, config.root) + project.template_dirs + (template_root(),)
    pages = {}
    for lang, name in pdf_names.items():
        progress(f"{config.slug}: {lang} PDF")
        request = PdfRequest(staging / lang / "index.html", staging / name, roots, config.pdf_variant)
        try:
            result = render_pdf(request)
        except Exception as exc:  # WeasyPrint raises many kinds; report it, never a traceback
            raise BuildFailed([Problem(Location(config.path), "pdf.failed",
                                       f"the {lang} PDF could not be made: {type(exc).__name__}: {exc}")])
        for url in result.refused:
            problems.warn(Location(config.path), "pdf.refused_url",
                          f"the PDF engine was not allowed to fetch {url} (only files inside the project are used)")
        pages[lang] = result.pages
    return pages


def _copy_assets(project: Project, staging: Path, root: Path) -> None:
    assets = staging / "assets"
    shutil.copytree(root / "static", assets)
    shutil.copytree(root / "fonts", assets / "fonts")
    media = {source: target for section in project.narrative.sections.values() for source, target in section.assets}
    if project.config.logo:
        media[project.config.logo] = project.config.logo.relative_to(project.config.root).as_posix()
    for source, target in sorted(media.items()):
        destination = staging / "media" / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)


def _write_data_downloads(dataset: Dataset, folder: Path) -> None:
    folder.mkdir(parents=True)
    with open(folder / "observations.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["indicator", "entity", "period", "value", "period_label"])
        for o in sorted(dataset.observations, key=lambda o: (o.indicator, o.entity, o.period)):
            writer.writerow([o.indicator, o.entity, o.period, "" if o.value is None else repr(o.value), o.period_label])
    shutil.copyfile(next(iter(dataset.indicators.values())).location.path, folder / "indicators.csv") \
        if dataset.indicators else None


def _replace_atomically(staging: Path, target: Path) -> Path:
    old = target.with_name(f".old-{target.name}-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def write_site_index(out_dir: Path, env, catalogs: dict[str, Language]) -> None:
    """`output/index.html`: every report in the output folder, from their manifests."""
    manifests = []
    for path in sorted(out_dir.glob("*/manifest.json")):
        manifests.append(json.loads(path.read_text(encoding="utf-8")))
    html = render_index(env, "site_index.html", reports=manifests, catalogs=catalogs)
    temporary = out_dir / f".index-{os.getpid()}.html"
    temporary.write_text(html, encoding="utf-8")
    os.replace(temporary, out_dir / "index.html")
