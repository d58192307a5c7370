"""Build orchestration: gather and check everything, then draw, render and write.

Phases run one way (see README, "How the pipeline is built"). Nothing is written before
every project has been gathered without errors; every report is then assembled in a new site
version, which replaces the published site in one step only when complete (build/publish.py).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from vlrgen import reference
from vlrgen.build import publish
from vlrgen.build.cache import CACHE_NAME, ArtifactCache, BuildStats, assets_digest, chart_key, data_key, pdf_key
from vlrgen.build.editions import edition_record, previous_of
from vlrgen.build.executor import Executor, make_executor
from vlrgen.build.publish import Site, entry_state
from vlrgen.build.stale import StaleReview, find_stale_reviews
from vlrgen.charts import jobs as chart_jobs
from vlrgen.charts.jobs import Drawable, draw_charts
from vlrgen.inputs.config import Config
from vlrgen.inputs.dataset import Dataset
from vlrgen.inputs.i18n import Language
from vlrgen.inputs.library import in_a_library
from vlrgen.inputs.project import Project, gather_project, load_config_data
from vlrgen.inputs.templates import template_root
from vlrgen.judge.assessment import Assessment, assess_project
from vlrgen.output import pdf as pdf_output
from vlrgen.output.downloads import write_data_downloads
from vlrgen.output.html import make_environment, render_index, render_member_pages, render_report
from vlrgen.output.pdf import PdfRenderer, PdfRequest, WeasyPrintRenderer
from vlrgen.problems import BuildFailed, Location, Problem, Problems
from vlrgen.report.municipal import plan_report
from vlrgen.report.review import plan_review
from vlrgen.report.views import ReportView

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


@dataclass
class BuildReport:
    problems: Problems = field(default_factory=Problems)
    built: list[Path] = field(default_factory=list)
    stats: BuildStats = field(default_factory=BuildStats)
    inputs: list[Path] = field(default_factory=list)  # the project folders and data files read (serve watches them)
    stale: list[StaleReview] = field(default_factory=list)  # reviews now out of date (build/stale.py)


def _load_dataset(config: Config, problems: Problems, cache: ArtifactCache | None) -> Dataset:
    """Load the data, or reuse the result stored for exactly the same input files and languages (and its problems).

    The entry is found by the files the config names and the report languages; it is used only if every
    file the input phase read for it (the raw files a sources file names, too) is still the same.
    """
    paths = (config.indicators_path, config.observations_path, config.sources_path)
    scope = f"{','.join(config.languages)}|{','.join(map(str, config.roots))}|{config.limits}"  # what may be read
    named = f"{data_key(*paths)}|{scope}|{config.library or ''}"
    key = hashlib.sha256(named.encode()).hexdigest() if cache else None
    recent = _RECENT_DATA.get(key) if key else None  # a preview rebuilds in the same process
    if recent and data_key(*recent[0].files) == recent[2]:
        problems.extend(recent[1])
        return recent[0]
    stored = cache.get("data", key, ".pickle") if cache and key else None
    if stored:
        try:
            dataset, found, read_digest = pickle.loads(stored.read_bytes())
            if data_key(*dataset.files) == read_digest:
                problems.extend(found)
                _remember_data(key, (dataset, found, read_digest))
                return dataset
        except Exception:  # a damaged or old cache entry: read the files again
            pass
    found = Problems()
    dataset = load_config_data(config, found)
    problems.extend(found)
    if cache and key and not found.errors:
        stored_data = (dataset, found.items, data_key(*dataset.files))
        cache.put_bytes("data", key, ".pickle", pickle.dumps(stored_data))
        _remember_data(key, stored_data)
    return dataset


# The data sets this process loaded last, by cache key: unpickling the example's data takes over a second,
# and `vlrgen serve` rebuilds in one process after every edit (issue 17: an edit shows in ≤ 0.5 s). A data
# set is frozen, and an entry is used only while every file it was read from is unchanged.
_RECENT_DATA: dict[str, tuple] = {}


def _remember_data(key: str | None, entry: tuple) -> None:
    if key:
        _RECENT_DATA.pop(key, None)
        _RECENT_DATA[key] = entry
        while len(_RECENT_DATA) > 2:
            del _RECENT_DATA[next(iter(_RECENT_DATA))]


def check_projects(
    paths: list[Path], strict: bool = False, languages=None, formats=None, cache: ArtifactCache | None = None
) -> tuple[list[Project], Problems]:
    problems = Problems()
    datasets: dict = {}

    def load_data(config: Config, found: Problems) -> Dataset:
        return _load_dataset(config, found, cache)

    projects = [p for path in paths if (p := gather_project(path, problems, languages, formats, datasets, load_data))]
    seen: dict[str, Config] = {}
    for project in projects:
        slug = project.config.slug
        if slug in seen:
            problems.add(
                project.config.locate("report.slug"),
                "config.duplicate_slug",
                f"two projects would both write output/{slug} (also {seen[slug].path})",
                hint="set report.slug in one of them",
            )
        seen[slug] = project.config
    # --strict fails on the author's warnings; a data-quality warning about a packaged library's file stays a
    # warning (printed, and noted in the report), or every project on the library would fail CI forever.
    return projects, (problems.strict(lambda p: not in_a_library(p.location.path)) if strict else problems)


def build_projects(paths: list[Path], options: BuildOptions, progress: Progress = lambda _: None) -> BuildReport:
    """Check everything, assemble every report in a new site version, then publish it in one step.

    A build refused at the check writes nothing into the output folder. If any project fails later, or
    the build is stopped (a signal, Ctrl-C: any BaseException that is not an Exception), the published
    site does not change and what the build wrote is removed; worker processes are ended at once when
    stopped. Publishing and what a killed build leaves behind: see build/publish.py.
    """
    report = BuildReport()
    clock = time.perf_counter()
    cache = ArtifactCache(options.out_dir / CACHE_NAME, enabled=not options.force)
    cache.hold()  # nothing is written before the check has passed
    cold = options.force or not cache.folder.is_dir()
    renderer = options.pdf_renderer
    pdfs = options.formats is None or "pdf" in options.formats
    pdf_modules = (pdf_output.__name__, *renderer.heavy_imports) if pdfs else ()
    executor = make_executor(options.jobs, chart_jobs.WORKER_MODULES + pdf_modules)
    site = Site(options.out_dir)
    stagings: list[tuple[Path, Path]] = []
    projects: list[Project] = []
    try:
        try:
            if cold:  # everything will be made: let the workers start while the project is read
                executor.warm_up(chart_jobs.warm_up, str(template_root() / "fonts"))
            elif pdfs:  # perhaps one edited page: keep a PDF maker ready
                executor.stand_by(pdf_modules)
            projects, problems = check_projects(paths, options.strict, options.languages, options.formats, cache)
            if options.with_reviews and not problems.errors:
                reviews = [r.project for r in find_stale_reviews(projects, options.out_dir) if r.project]
                if reviews := [r for r in dict.fromkeys(reviews) if r not in {p.config.root for p in projects}]:
                    paths = list(paths) + reviews
                    projects, problems = check_projects(
                        paths, options.strict, options.languages, options.formats, cache
                    )
            report.inputs = [p.config.root for p in projects] + [f for p in projects for f in p.dataset.files]
            report.inputs += [m for p in projects for m in p.config.member_projects]
            report.inputs += [p.config.previous for p in projects if p.config.previous]
            report.stats.seconds["gather"] = time.perf_counter() - clock
            # The projects' data stays alive for the whole build: keep the garbage collector from walking it
            # again at every collection while pages (and an edited page's PDF, in this process) are made.
            gc.freeze()
            report.problems.extend(problems)
            if problems.errors:
                return report
            foreign = [p for p in projects if entry_state(options.out_dir, p.config.slug) == "foreign"]
            if foreign:
                report.problems.extend([_foreign_folder(p, options.out_dir) for p in foreign])
                return report
            publish.checkpoint("checked")
            try:
                site.open(progress)
            except BuildFailed as failed:  # a folder of that name that is not vlrgen's
                report.problems.extend(failed.problems)
                return report
            cache.release()
            version = site.new_version()
            try:
                stagings = _stage_all(projects, options.out_dir, version, cache, executor, progress, report, renderer)
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
            return report
        catalogs = {code: language for project in reversed(projects) for code, language in project.languages.items()}
        site.publish(version, lambda folder: write_site_index(folder, project_env(projects[0]), catalogs))
        report.built = [target for _, target in stagings]
        report.stale = find_stale_reviews(projects, options.out_dir)
        return report
    finally:
        site.close()  # removes an unpublished version, releases the lock


def _foreign_folder(project: Project, out_dir: Path) -> Problem:
    return Problem(
        project.config.locate("report.slug"),
        "build.foreign_folder",
        f"{out_dir / project.config.slug} exists and was not made by vlrgen; refusing to replace it",
        hint="choose another --out folder or report.slug",
    )


def project_env(project: Project):
    return make_environment(project.template_dirs)


@dataclass
class _Plan:
    project: Project
    staging: Path
    target: Path
    views: dict[str, ReportView] = field(default_factory=dict)
    assessment: Assessment | None = None
    pages: dict[str, int] = field(default_factory=dict)
    html_digests: dict[str, str] = field(default_factory=dict)
    # per language, the PDFs to make: (source HTML in the language folder, PDF name, annex part or "")
    documents: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    annex_pages: dict[str, dict[str, int]] = field(default_factory=dict)
    assets_digest: str | None = None


def _stage_all(
    projects: list[Project],
    out_dir: Path,
    version: Path,
    cache: ArtifactCache,
    executor: Executor,
    progress: Progress,
    report: BuildReport,
    renderer: PdfRenderer,
) -> list[tuple[Path, Path]]:
    """Phases over all projects at once, so charts and PDFs of every report share the workers."""
    seconds, clock = report.stats.seconds, time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        seconds[name] = time.perf_counter() - clock
        clock = time.perf_counter()

    plans: list[_Plan] = []
    pending: list[list[_ChartBatch]] = []
    seen: set[str] = set()
    published = _published_reports(projects, out_dir)
    for project in projects:
        # each report is staged straight into the new site version; `target` is where readers find it
        plan = _Plan(project, version / project.config.slug, out_dir / project.config.slug)
        _prepare_staging(project, plan.staging)
        assessment = assess_project(project)  # once per project, whatever the number of languages
        plan.assessment = assessment
        plan.views = {lang: _plan_view(project, assessment, lang, published) for lang in project.config.languages}
        plans.append(plan)
        # A report's charts start as soon as it is planned, while the next report is planned; as soon as
        # one report's charts are back its pages are written and its PDFs queued.
        pending.append(
            [
                _start_charts([f.job for f in view.figures], seen, cache, executor, report.stats)
                for view in plan.views.values()
            ]
        )
    lap("plan")
    publish.checkpoint("planned")
    progress("charts and PDFs")
    svgs: dict[str, str] = {}
    started: list[_StartedPdf] = []
    waiting: list[_PdfJob] = []
    for plan, batches in zip(plans, pending):
        for (lang, view), batch in zip(plan.views.items(), batches):  # a page's PDF starts once its charts are in
            _collect_charts(batch, svgs, cache, report.stats)
            _write_page(plan, lang, view, svgs, report.stats)
            publish.checkpoint("page")
            waiting += _pdf_requests(plan, lang, cache, report.stats, renderer)
            if len(waiting) == 1 and not started and not executor.started:
                ready = executor.submit_standby(renderer.render_safely, waiting[0].request)
                if ready is not None:  # the first changed PDF starts now, beside the rest of the build
                    started.append(_StartedPdf(waiting[0], ready))
                    waiting = []
            if executor.started or len(waiting) > 1:
                started += [
                    _submit_pdf(executor, renderer, w, heavy=True, priority=_pdf_size(w.request)) for w in waiting
                ]
                waiting = []
        _write_landing(plan, published)
    # A PDF left over (without a standby process, or a second edited page) is made here: starting a
    # worker pool would cost more than it saves.
    started += [_submit_pdf(executor, renderer, w, inline=True) for w in waiting]
    lap("charts_pages")
    publish.checkpoint("pages")
    _collect_pdfs(started, cache, report)
    lap("pdfs")
    for plan in plans:
        _write_manifest(plan)
    publish.checkpoint("staged")
    return [(plan.staging, plan.target) for plan in plans]


def _published_reports(projects: list[Project], out_dir: Path) -> dict[str, tuple[str, ...]]:
    """Reports a review can link to, with their languages: those built now and those already published."""
    found = {
        p.parent.name: tuple(_previous_manifest(p.parent).get("languages", ())) for p in out_dir.glob("*/manifest.json")
    }
    return found | {p.config.slug: p.config.languages for p in projects}


def _plan_view(project: Project, assessment: Assessment, lang: str, published: dict[str, tuple[str, ...]]):
    config, fonts, language = project.config, template_root() / "fonts", project.languages[lang]
    if assessment.entity is not None:
        return plan_report(
            config,
            project.narrative,
            project.dataset,
            assessment.entity,
            language,
            fonts,
            project.structured,
            project.quality,
            _previous_href(assessment, lang, published),
        )
    assert assessment.review is not None
    links = {
        m.code: f"../../{m.slug}/{lang}/index.html" if lang in published[m.slug] else f"../../{m.slug}/index.html"
        for m in project.members
        if m.slug in published
    }
    return plan_review(
        config,
        project.narrative,
        project.dataset,
        assessment.review,
        language,
        fonts,
        project.survey,
        links,
        project.structured,
        _previous_href(assessment, lang, published),
    )


def _previous_href(assessment: Assessment, lang: str, published: dict[str, tuple[str, ...]]) -> str | None:
    """The previous edition's report in the same output (in this language when it has it), else None."""
    before = previous_of(assessment)
    slug = before.slug if before else None
    if slug is None or slug not in published:
        return None
    return f"../../{slug}/{lang}/index.html" if lang in published[slug] else f"../../{slug}/index.html"


def _prepare_staging(project: Project, staging: Path) -> None:
    config = project.config
    _copy_assets(project, staging, template_root())
    entities = {config.entity.code, config.entity.county_code, reference.NATION_CODE} | {
        m.code for m in project.members
    }
    write_data_downloads(project.dataset.for_entities(entities), staging / "data")


@dataclass(frozen=True)
class _ChartBatch:
    """One page's charts on their way: those being drawn, and those the cache already holds."""

    todo: tuple[tuple[str, Drawable], ...]  # (key, job) in the order the futures' results come back
    futures: tuple[Future, ...]  # each gives a list of SVG texts
    cached: tuple[str, ...]  # keys


def _start_charts(
    jobs: list[Drawable], seen: set[str], cache: ArtifactCache, executor: Executor, stats: BuildStats
) -> _ChartBatch:
    """Cached charts are read later; the others of one page are shared out, one task per worker."""
    cached: list[tuple[str, Drawable]] = []
    todo: list[tuple[str, Drawable]] = []
    for job in jobs:
        key = chart_key(job)
        if key in seen:
            continue  # another page already asked for the same chart
        seen.add(key)
        (cached if cache.get("charts", key, ".svg") else todo).append((key, job))
    parts = max(1, min(executor.jobs, len(todo)))
    # Charts go before any PDF: pages (and so their PDFs) wait for them.
    futures = (
        [
            executor.submit(draw_charts, [job for _, job in todo[i::parts]], priority=CHART_PRIORITY)
            for i in range(parts)
        ]
        if todo
        else []
    )
    ordered = [item for i in range(parts) for item in todo[i::parts]]
    return _ChartBatch(tuple(ordered), tuple(futures), tuple(key for key, _ in cached))


def _collect_charts(batch: _ChartBatch, svgs: dict[str, str], cache: ArtifactCache, stats: BuildStats) -> None:
    for key in batch.cached:
        svgs[key] = cache.path("charts", key, ".svg").read_text(encoding="utf-8")
        stats.charts_cached += 1
    for (key, job), svg in zip(batch.todo, [svg for future in batch.futures for svg in future.result()]):
        cache.put_text("charts", key, ".svg", svg)
        svgs[key] = svg
        stats.charts_drawn += 1
        stats.charts_drawn_names.append(f"{job.language}/{job.name}")


def _write_page(plan: _Plan, lang: str, view: ReportView, svgs: dict[str, str], stats: BuildStats) -> None:
    config, env = plan.project.config, project_env(plan.project)
    lang_dir = plan.staging / lang
    (lang_dir / "figures").mkdir(parents=True)
    page_svgs = {f.name: svgs[chart_key(f.job)] for f in view.figures}
    for name, svg in page_svgs.items():
        (lang_dir / "figures" / f"{name}.svg").write_text(svg, encoding="utf-8")
    pdf_name = f"{config.slug}-{lang}.pdf" if "pdf" in config.outputs else None
    parts = view.annex_parts if pdf_name else ()
    annex_pdfs = {part.code: f"{config.slug}-{lang}-{part.stem}.pdf" for part in parts}
    member_html = render_member_pages(env, view)
    html = render_report(env, view, page_svgs, pdf_name, annex_pdfs=annex_pdfs, member_html=member_html)
    (lang_dir / "index.html").write_text(html, encoding="utf-8")
    plan.documents[lang] = [("index.html", pdf_name, "")] if pdf_name else []
    if parts and pdf_name:
        # A review over several counties: the PDF leaves out the member summaries, printed per county.
        printed = render_report(
            env, view, page_svgs, pdf_name, part="print", annex_pdfs=annex_pdfs, member_html=member_html
        )
        (lang_dir / "print.html").write_text(printed, encoding="utf-8")
        plan.documents[lang] = [("print.html", pdf_name, "")]
        html += printed
        for part in parts:
            annex = render_report(
                env, view, {}, annex_pdfs[part.code], template="review_annex.html", part=part, member_html=member_html
            )
            (lang_dir / f"{part.stem}.html").write_text(annex, encoding="utf-8")
            plan.documents[lang].append((f"{part.stem}.html", annex_pdfs[part.code], part.code))
            html += annex  # the digest covers every document of the language
    plan.html_digests[lang] = hashlib.sha256(html.encode()).hexdigest()
    if _previous_manifest(plan.target).get("html_digest", {}).get(lang) != plan.html_digests[lang]:
        stats.html_changed.append(f"{config.slug}/{lang}")


def _write_landing(plan: _Plan, published: dict[str, tuple[str, ...]]) -> None:
    config = plan.project.config
    before, previous = previous_of(plan.assessment), None
    if before is not None:  # (name and year, link to its landing page when published in the same output)
        href = f"../{before.slug}/index.html" if before.slug in published else None
        previous = (f"{before.entity} {before.year}", href)
    pdf_names = {lang: f"{config.slug}-{lang}.pdf" for lang in config.languages}
    names = {part.code: part.name for view in plan.views.values() for part in view.annex_parts}
    annexes = {
        lang: [(names[part], pdf) for _, pdf, part in plan.documents.get(lang, []) if part] for lang in config.languages
    }
    (plan.staging / "index.html").write_text(
        render_index(
            project_env(plan.project),
            "landing.html",
            cfg=config,
            languages=plan.project.languages,
            titles={lang: view.cover.title for lang, view in plan.views.items()},
            pdf_names=pdf_names,
            formats=config.outputs,
            annexes=annexes,
            previous=previous,
        ),
        encoding="utf-8",
    )


CHART_PRIORITY = 1e12


@dataclass(frozen=True)
class _PdfJob:
    """One PDF to make: which report, language and annex part (or ""), its cache key and the request."""

    plan: _Plan
    lang: str
    part: str
    key: str
    request: PdfRequest


@dataclass(frozen=True)
class _StartedPdf:
    job: _PdfJob
    future: Future  # gives the renderer's render_safely result: (result or None, error text)


def _pdf_size(request: PdfRequest) -> float:
    """A PDF's priority: the size of its page, a fair guess at its layout time (largest first)."""
    return float(request.html_path.stat().st_size)


def _submit_pdf(executor: Executor, renderer: PdfRenderer, job: _PdfJob, **how) -> _StartedPdf:
    return _StartedPdf(job, executor.submit(renderer.render_safely, job.request, **how))


def _pdf_requests(
    plan: _Plan, lang: str, cache: ArtifactCache, stats: BuildStats, renderer: PdfRenderer
) -> list[_PdfJob]:
    """This language's PDFs not in the cache; cached ones are copied now."""
    config = plan.project.config
    roots = (plan.staging, config.root) + plan.project.template_dirs + (template_root(),)
    if plan.documents.get(lang) and plan.assets_digest is None:
        plan.assets_digest = assets_digest(plan.staging)
    requests = []
    for html_name, pdf_name, part in plan.documents.get(lang, []):
        html, target = plan.staging / lang / html_name, plan.staging / pdf_name
        key = renderer.artifact_key(pdf_key(html, plan.assets_digest or "", config.pdf_variant))
        cached = cache.get("pdf", key, ".pdf")
        if cached:
            shutil.copyfile(cached, target)
            pages = cache.get("pdf", key, ".json")
            _record_pages(plan, lang, part, json.loads(pages.read_text())["pages"] if pages else 0)
            stats.pdfs_cached += 1
        else:
            requests.append(_PdfJob(plan, lang, part, key, PdfRequest(html, target, roots, config.pdf_variant)))
    return requests


def _record_pages(plan: _Plan, lang: str, part: str, pages: int) -> None:
    if part:
        plan.annex_pages.setdefault(lang, {})[part] = pages
    else:
        plan.pages[lang] = pages


def _collect_pdfs(started: list[_StartedPdf], cache: ArtifactCache, report: BuildReport) -> None:
    failures = []
    for job, future in ((s.job, s.future) for s in started):
        plan, lang, part = job.plan, job.lang, job.part
        config = plan.project.config
        result, error = future.result()
        if result is None:
            failures.append(Problem(Location(config.path), "pdf.failed", f"the {lang} PDF could not be made: {error}"))
            continue
        for url in result.refused:
            report.problems.warn(
                Location(config.path),
                "pdf.refused_url",
                f"the PDF engine was not allowed to fetch {url} (only files inside the project are used)",
            )
        cache.put_file("pdf", job.key, ".pdf", job.request.pdf_path)
        cache.put_text("pdf", job.key, ".json", json.dumps({"pages": result.pages}))
        _record_pages(plan, lang, part, result.pages)
        publish.checkpoint("pdf")
        report.stats.pdfs_made += 1
        report.stats.pdfs_made_names.append(f"{config.slug}/{lang}" + (f"/{part}" if part else ""))
    if failures:
        raise BuildFailed(failures)


def _write_manifest(plan: _Plan) -> None:
    config = plan.project.config
    manifest = {
        "slug": config.slug,
        "entity": config.entity.name,
        "code": config.entity.code,
        "kind": config.entity.kind,
        "members": len(plan.project.members),
        "year": config.year,
        "languages": list(config.languages),
        "pdf": {lang: f"{config.slug}-{lang}.pdf" for lang in config.languages if lang in plan.pages},
        "pages": {lang: plan.pages[lang] for lang in config.languages if lang in plan.pages},
        "html_digest": plan.html_digests,
        # the page each PDF is laid out from (a review's print version and county annexes differ)
        "pdf_sources": {pdf: f"{lang}/{html}" for lang, docs in plan.documents.items() for html, pdf, _ in docs},
    }
    manifest.update(edition_record(plan.assessment, config))  # what a later edition compares with (report.previous)
    if plan.project.member_data:  # a review: what it used of each member project (build/stale.py)
        manifest["project"] = os.path.relpath(config.root, plan.target.parent)
        slugs = {m.code: m.slug or "" for m in plan.project.members}
        manifest["member_data"] = {
            code: {"slug": slugs.get(code, ""), "data": digest}
            for code, digest in sorted(plan.project.member_data.items())
        }
    if plan.annex_pages:  # a review over several counties: member summaries printed per county
        manifest["annex_pdf"] = {
            lang: {part: pdf for _, pdf, part in plan.documents[lang] if part}
            for lang in config.languages
            if lang in plan.annex_pages
        }
        manifest["annex_pages"] = {
            lang: {part: plan.annex_pages[lang][part] for _, _, part in plan.documents[lang] if part}
            for lang in config.languages
            if lang in plan.annex_pages
        }
    (plan.staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def _previous_manifest(target: Path) -> dict:
    try:
        return json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _copy_assets(project: Project, staging: Path, root: Path) -> None:
    assets = staging / "assets"
    shutil.copytree(root / "static", assets)
    shutil.copytree(root / "fonts", assets / "fonts")
    media = {source: target for section in project.narrative.sections.values() for source, target in section.assets}
    media.update(project.structured.assets)  # case study pictures
    if project.config.logo:
        media[project.config.logo] = project.config.logo.relative_to(project.config.root).as_posix()
    for source, target in sorted(media.items()):
        destination = staging / "media" / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)


def _link_editions(manifests: list[dict]) -> None:
    """Each report's previous edition (`previous_edition`: slug or None, entity, year) and the later editions
    listed here that name it as theirs (`later_editions`)."""
    listed = {m.get("slug"): m for m in manifests}
    for manifest in manifests:
        manifest.setdefault("later_editions", [])
    for manifest in manifests:
        before = manifest.get("previous")
        if not isinstance(before, dict):
            continue
        slug = before.get("slug") if before.get("slug") in listed else None
        manifest["previous_edition"] = {"slug": slug, "entity": before.get("entity", ""), "year": before.get("year")}
        if slug:
            listed[slug]["later_editions"].append({"slug": manifest.get("slug"), "year": manifest.get("year")})


def write_site_index(out_dir: Path, env, catalogs: dict[str, Language]) -> None:
    """`index.html` in `out_dir` (a site version): every report in it, from their manifests."""
    manifests = []
    for path in sorted(out_dir.glob("*/manifest.json")):
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest.setdefault("members", 0)  # written by an older vlrgen
        review = manifest["members"] > 0
        manifest["index_kind"] = {"vsr": "vsr", "county": "county_review" if review else "county"}.get(
            manifest.get("kind"), "municipality"
        )
        manifests.append(manifest)
    _link_editions(manifests)
    order = ("vsr", "county_review", "county", "municipality")  # the national review first, then counties
    manifests.sort(key=lambda m: (order.index(m["index_kind"]), m.get("entity", ""), m.get("year", 0)))
    # The page speaks every language of the reports listed, in order of first appearance. A language
    # without a catalog in this run (a report left from an earlier build) is linked under its code.
    codes = list(dict.fromkeys(code for m in manifests for code in m.get("languages", ()) if code in catalogs))
    html = render_index(
        env, "site_index.html", reports=manifests, catalogs=catalogs, index_languages=codes or list(catalogs)
    )
    temporary = out_dir / f".index-{os.getpid()}.html"
    temporary.write_text(html, encoding="utf-8")
    os.replace(temporary, out_dir / "index.html")
