"""Build orchestration: gather and check everything, then draw, render and write.

Phases run one way (see README, "How the pipeline is built"). Nothing is written before
every project has been gathered without errors; every report is then assembled in a new site
version, which replaces the published site in one step only when complete (build/publish.py).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import vlrgen
from vlrgen.build import publish, unchanged
from vlrgen.build.cache import CACHE_NAME, ArtifactCache, BuildStats
from vlrgen.build.check import check_projects
from vlrgen.build.executor import Executor, make_executor
from vlrgen.build.pages import plan_view, prepare_staging, project_env, published_reports, write_landing, write_page
from vlrgen.build.publish import Site, entry_state
from vlrgen.build.site_index import write_site_index
from vlrgen.build.staged import StagedReport, write_manifest
from vlrgen.build.stale import StaleReview, describe_stale, find_stale_reviews
from vlrgen.build.workers import (
    ChartBatch,
    DeferredPdf,
    PdfJob,
    StartedPdf,
    collect_charts,
    collect_pdfs,
    deferred_pdfs,
    pdf_requests,
    pdf_size,
    start_charts,
    submit_pdf,
)
from vlrgen.charts import jobs as chart_jobs
from vlrgen.inputs.config import Config, load_config
from vlrgen.inputs.project import Project
from vlrgen.inputs.series import spread_reading
from vlrgen.inputs.templates import template_root
from vlrgen.judge.assessment import assess_project
from vlrgen.output import pdf as pdf_output
from vlrgen.output.pdf import PdfRenderer, WeasyPrintRenderer
from vlrgen.problems import BuildFailed, Location, Problem, Problems

__all__ = ["BuildOptions", "BuildReport", "build_projects", "check_projects"]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildOptions:
    out_dir: Path
    languages: tuple[str, ...] | None = None
    formats: tuple[str, ...] | None = None
    strict: bool = False
    jobs: int | None = None  # None: one worker per core
    force: bool = False  # ignore the artifact cache
    with_reviews: bool = False  # also build the reviews that include a member built now and are out of date
    pdf_renderer: PdfRenderer = field(default_factory=WeasyPrintRenderer)  # tests: output.pdf.FakePdfRenderer()
    # `vlrgen serve`: pages written as for their PDFs (links, print versions), the PDFs left to the caller
    # (BuildReport.pdfs); nothing is laid out and no PDF is published
    defer_pdfs: bool = False


@dataclass
class BuildReport:
    problems: Problems = field(default_factory=Problems)
    built: list[Path] = field(default_factory=list)
    stats: BuildStats = field(default_factory=BuildStats)
    inputs: list[Path] = field(default_factory=list)  # the project folders and data files read (serve watches them)
    stale: list[StaleReview] = field(default_factory=list)  # reviews now out of date (build/stale.py)
    pdfs: list[DeferredPdf] = field(default_factory=list)  # with BuildOptions.defer_pdfs: the PDFs not made


def build_projects(paths: list[Path], options: BuildOptions, progress: Progress = lambda _: None) -> BuildReport:
    """Check everything, assemble every report in a new site version, then publish it in one step.

    A build refused at the check writes nothing into the output folder. If any project fails later, or
    the build is stopped (a signal, Ctrl-C: any BaseException that is not an Exception), the published
    site does not change and what the build wrote is removed; worker processes are ended at once when
    stopped. Publishing and what a killed build leaves behind: see build/publish.py.
    """
    report = BuildReport()
    began, clock = time.time_ns(), time.perf_counter()
    cache = ArtifactCache(options.out_dir / CACHE_NAME, enabled=not options.force)
    cache.hold()  # nothing is written before the check has passed
    cold = options.force or not cache.folder.is_dir()
    renderer = options.pdf_renderer
    pdfs = (options.formats is None or "pdf" in options.formats) and not options.defer_pdfs
    pdf_modules = (pdf_output.__name__, *renderer.heavy_imports) if pdfs else ()
    # the workers read source files during the check (inputs.series), then draw charts and lay out PDFs
    executor = make_executor(options.jobs, (spread_reading.__module__, *chart_jobs.WORKER_MODULES, *pdf_modules))
    site = Site(options.out_dir)
    stagings: list[tuple[Path, Path]] = []
    projects: list[Project] = []
    try:
        try:
            if cold:  # everything will be made: let the workers start while the project is read
                executor.warm_up(chart_jobs.warm_up, str(template_root() / "fonts"))
            elif pdfs:  # perhaps one edited page: keep a PDF maker ready
                executor.stand_by(pdf_modules)
            with spread_reading(_spread_over(executor), executor.jobs * 4 if executor.jobs > 1 else 1):
                projects = _check_for_build(paths, options, cache, report)
            report.stats.seconds["gather"] = time.perf_counter() - clock
            if not projects:
                return report
            # The projects' data stays alive for the whole build: keep the garbage collector from walking it
            # again at every collection while pages (and an edited page's PDF, in this process) are made.
            gc.freeze()
            publish.checkpoint("checked")
            try:
                site.open(progress)
            except BuildFailed as failed:  # a folder of that name that is not vlrgen's
                report.problems.extend(failed.problems)
                return report
            cache.release()
            version = site.new_version()
            try:
                stagings = _stage_all(
                    projects, options.out_dir, version, cache, executor, progress, report, renderer, options.defer_pdfs
                )
            except BuildFailed as failed:
                report.problems.extend(failed.problems)
            except BrokenProcessPool:
                report.problems.add(
                    Location(options.out_dir),
                    "build.worker_died",
                    "a worker process making charts or PDFs stopped unexpectedly (out of memory?)",
                    hint="try again with --jobs 1",
                )
        except BaseException as stop:
            if not isinstance(stop, Exception):  # stopped: end the workers now instead of waiting for them
                executor.terminate()
            raise
        finally:
            executor.close()  # no worker may still be writing into the new version
            gc.unfreeze()
        if report.problems.errors or not projects or len(stagings) < len(projects):
            report.pdfs = []  # their version is not published
            return report
        catalogs = {code: language for project in reversed(projects) for code, language in project.languages.items()}
        site.publish(version, lambda folder: write_site_index(folder, project_env(projects[0]), catalogs))
        report.built = [target for _, target in stagings]
        report.stale = find_stale_reviews(projects, options.out_dir)
        _record(paths, options, projects, report, began)
        return report
    finally:
        site.close()  # removes an unpublished version, releases the lock


def _spread_over(executor: Executor):
    """Source files read by the workers (which otherwise wait while the projects are checked), ahead of
    their warm-up and the costliest part first; the first part is read here meanwhile. Serial executors
    read every part here."""

    def spread(function, parts: list, costs: list[float]) -> list:
        futures = [executor.submit(function, part, priority=2e9 + cost) for part, cost in zip(parts[1:], costs[1:])]
        first = function(parts[0]) if parts else None
        return [first, *(future.result() for future in futures)] if parts else []

    return spread


def build_key(projects: list[Path], options: BuildOptions) -> str:
    """What identifies a build for build/unchanged.py: the projects asked for and the options that change output."""
    return unchanged.build_key(
        projects,
        options.out_dir,
        languages=options.languages,
        formats=options.formats,
        strict=options.strict,
        with_reviews=options.with_reviews,
        renderer=type(options.pdf_renderer).__name__ + (" deferred" if options.defer_pdfs else ""),
    )


def _record(paths: list[Path], options: BuildOptions, projects: list[Project], report: BuildReport, began: int) -> None:
    """What this build could read and what it published, so the same build asked again stops at once.

    A file changed after `began` (the build's start, in ns) is recorded as unsettled: the build may have read
    it before or after the change, so the next build is a whole one."""
    folders = [template_root(), Path(vlrgen.__file__).parent]  # vlrgen's code, library, templates
    seen: set[Path] = set()
    for project in projects:
        folders += [*project.template_dirs, *_folders_read(project.config, seen)]
    files = [f for p in projects for f in p.dataset.files]
    printed = unchanged.Unchanged(tuple(report.built), report.problems, tuple(describe_stale(report.stale)))
    unchanged.record_build(options.out_dir, build_key(paths, options), folders, files, printed, began)


def _folders_read(config: Config, seen: set[Path]) -> list[Path]:
    """The folders a project may read from: its allowed folders; for a review, those of each member and the
    folder each member was found in (a `members.projects` pattern may match a new one there); and those of
    its previous edition (a folder, read the same way, or a manifest file)."""
    if config.root in seen:
        return []
    seen.add(config.root)
    folders = list(config.roots)
    for member in config.member_projects:
        folders.append(member.parent)
        found = load_config(member, Problems())
        folders += found.roots if found else [member]
    if config.previous is not None:
        before = load_config(config.previous, Problems()) if config.previous.is_dir() else None
        folders += _folders_read(before, seen) if before else [config.previous]
    return folders


def _check_for_build(
    paths: list[Path], options: BuildOptions, cache: ArtifactCache, report: BuildReport
) -> list[Project]:
    """The projects to build, all checked (with the stale reviews that include them, if asked); none when refused.

    Their problems go into the report, and so do the inputs read (what `vlrgen serve` watches).
    """
    projects, problems = check_projects(paths, options.strict, options.languages, options.formats, cache)
    if options.with_reviews and not problems.errors:
        reviews = [r.project for r in find_stale_reviews(projects, options.out_dir) if r.project]
        if reviews := [r for r in dict.fromkeys(reviews) if r not in {p.config.root for p in projects}]:
            projects, problems = check_projects(
                list(paths) + reviews, options.strict, options.languages, options.formats, cache
            )
    report.inputs = [p.config.root for p in projects] + [f for p in projects for f in p.dataset.files]
    report.inputs += [m for p in projects for m in p.config.member_projects]
    report.inputs += [p.config.previous for p in projects if p.config.previous]
    report.problems.extend(problems)
    if problems.errors:
        return []
    foreign = [p for p in projects if entry_state(options.out_dir, p.config.slug) == "foreign"]
    report.problems.extend([_foreign_folder(p, options.out_dir) for p in foreign])
    return [] if foreign else projects


def _foreign_folder(project: Project, out_dir: Path) -> Problem:
    return Problem(
        project.config.locate("report.slug"),
        "build.foreign_folder",
        f"{out_dir / project.config.slug} exists and was not made by vlrgen; refusing to replace it",
        hint="choose another --out folder or report.slug",
    )


def _stage_all(
    projects: list[Project],
    out_dir: Path,
    version: Path,
    cache: ArtifactCache,
    executor: Executor,
    progress: Progress,
    report: BuildReport,
    renderer: PdfRenderer,
    defer_pdfs: bool = False,
) -> list[tuple[Path, Path]]:
    """Phases over all projects at once, so charts and PDFs of every report share the workers."""
    seconds, clock = report.stats.seconds, time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        seconds[name] = time.perf_counter() - clock
        clock = time.perf_counter()

    plans: list[StagedReport] = []
    pending: list[list[ChartBatch]] = []
    seen: set[str] = set()
    published = published_reports(projects, out_dir)
    svgs: dict[str, str] = {}
    started: list[StartedPdf] = []
    waiting: list[PdfJob] = []

    def write_pages(plan: StagedReport, batches: list[ChartBatch]) -> None:
        """A report's pages, each as soon as its charts are in, and their PDFs queued."""
        nonlocal waiting
        for (lang, view), batch in zip(plan.views.items(), batches):
            collect_charts(batch, svgs, cache, report.stats)
            write_page(plan, lang, view, svgs, report.stats)
            publish.checkpoint("page")
            if defer_pdfs:
                report.pdfs += deferred_pdfs(plan, lang)
                continue
            waiting += pdf_requests(plan, lang, cache, report.stats, renderer)
            if len(waiting) == 1 and not started and not executor.started:
                ready = executor.submit_standby(renderer.render_safely, waiting[0].request)
                if ready is not None:  # the first changed PDF starts now, beside the rest of the build
                    started.append(StartedPdf(waiting[0], ready))
                    waiting = []
            if executor.started or len(waiting) > 1:
                started.extend(
                    submit_pdf(executor, renderer, w, heavy=True, priority=pdf_size(w.request)) for w in waiting
                )
                waiting = []
        write_landing(plan, published)

    for project in projects:
        # each report is staged straight into the new site version; `target` is where readers find it
        plan = StagedReport(project, version / project.config.slug, out_dir / project.config.slug)
        prepare_staging(project, plan.staging)
        assessment = assess_project(project)  # once per project, whatever the number of languages
        plan.assessment = assessment
        plan.views = {lang: plan_view(project, assessment, lang, published) for lang in project.config.languages}
        plans.append(plan)
        # A report's charts start as soon as it is planned, and are drawn while the next report is planned;
        # then its pages are written and its PDFs queued (so the workers start on PDFs before the last report
        # is planned: the example's four reports took 0.8 s to plan).
        pending.append(
            [
                start_charts([f.job for f in view.figures], seen, cache, executor, report.stats)
                for view in plan.views.values()
            ]
        )
        if len(plans) > 1:
            write_pages(plans[-2], pending[-2])
    lap("plan")
    publish.checkpoint("planned")
    progress("charts and PDFs")
    if plans:
        write_pages(plans[-1], pending[-1])
    # A PDF left over (without a standby process, or a second edited page) is made here: starting a
    # worker pool would cost more than it saves.
    started += [submit_pdf(executor, renderer, w, inline=True) for w in waiting]
    lap("charts_pages")
    publish.checkpoint("pages")
    collect_pdfs(started, cache, report.problems, report.stats)
    lap("pdfs")
    for plan in plans:
        write_manifest(plan)
    publish.checkpoint("staged")
    return [(plan.staging, plan.target) for plan in plans]
