"""Charts and PDFs handed to the worker processes, and their results taken back (via the cache)."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import Future
from dataclasses import dataclass

from vlrgen.build import publish
from vlrgen.build.cache import ArtifactCache, BuildStats, assets_digest, chart_key, pdf_key
from vlrgen.build.executor import Executor
from vlrgen.build.staged import StagedReport
from vlrgen.charts.jobs import Drawable, draw_charts
from vlrgen.inputs.templates import template_root
from vlrgen.output.pdf import PdfRenderer, PdfRequest
from vlrgen.problems import BuildFailed, Location, Problem, Problems

# Charts go before any PDF in the workers' queue: pages (and so their PDFs) wait for them.
CHART_PRIORITY = 1e12


@dataclass(frozen=True)
class ChartBatch:
    """One page's charts on their way: those being drawn, and those the cache already holds."""

    todo: tuple[tuple[str, Drawable], ...]  # (key, job) in the order the futures' results come back
    futures: tuple[Future, ...]  # each gives a list of SVG texts
    cached: tuple[str, ...]  # keys


def start_charts(
    jobs: list[Drawable], seen: set[str], cache: ArtifactCache, executor: Executor, stats: BuildStats
) -> ChartBatch:
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
    return ChartBatch(tuple(ordered), tuple(futures), tuple(key for key, _ in cached))


def collect_charts(batch: ChartBatch, svgs: dict[str, str], cache: ArtifactCache, stats: BuildStats) -> None:
    for key in batch.cached:
        svgs[key] = cache.path("charts", key, ".svg").read_text(encoding="utf-8")
        stats.charts_cached += 1
    for (key, job), svg in zip(batch.todo, [svg for future in batch.futures for svg in future.result()]):
        cache.put_text("charts", key, ".svg", svg)
        svgs[key] = svg
        stats.charts_drawn += 1
        stats.charts_drawn_names.append(f"{job.language}/{job.name}")


@dataclass(frozen=True)
class PdfJob:
    """One PDF to make: which report, language and annex part (or ""), its cache key and the request."""

    plan: StagedReport
    lang: str
    part: str
    key: str
    request: PdfRequest


@dataclass(frozen=True)
class StartedPdf:
    job: PdfJob
    future: Future  # gives the renderer's render_safely result: (result or None, error text)


def pdf_size(request: PdfRequest) -> float:
    """A PDF's priority: the size of its page, a fair guess at its layout time (largest first)."""
    return float(request.html_path.stat().st_size)


def submit_pdf(executor: Executor, renderer: PdfRenderer, job: PdfJob, **how) -> StartedPdf:
    return StartedPdf(job, executor.submit(renderer.render_safely, job.request, **how))


@dataclass(frozen=True)
class DeferredPdf:
    """A PDF a build left to its caller (`vlrgen serve`): the request it would have laid out itself."""

    slug: str
    lang: str
    part: str  # annex part, or "" for the report's own PDF
    request: PdfRequest  # paths in the new site version: valid until the next build replaces it


def pdf_request(plan: StagedReport, lang: str, html_name: str, pdf_name: str) -> PdfRequest:
    """What the renderer gets for one document: its page, the PDF to write, the folders it may read."""
    config = plan.project.config
    roots = (plan.staging, config.root) + plan.project.template_dirs + (template_root(),)
    return PdfRequest(plan.staging / lang / html_name, plan.staging / pdf_name, roots, config.pdf_variant)


def deferred_pdfs(plan: StagedReport, lang: str) -> list[DeferredPdf]:
    """This language's PDFs, as requests for the caller (no cache: the caller makes them itself). The PDFs
    published before are linked into the new version: they stay, perhaps out of date, until the caller's
    own replace them."""
    slug = plan.project.config.slug
    found = []
    for html_name, pdf_name, part in plan.documents.get(lang, []):
        request = pdf_request(plan, lang, html_name, pdf_name)
        if (plan.target / pdf_name).is_file():
            publish.link_file(plan.target / pdf_name, request.pdf_path)
        found.append(DeferredPdf(slug, lang, part, request))
    return found


def pdf_requests(
    plan: StagedReport, lang: str, cache: ArtifactCache, stats: BuildStats, renderer: PdfRenderer
) -> list[PdfJob]:
    """This language's PDFs not in the cache; cached ones are copied now."""
    config = plan.project.config
    if plan.documents.get(lang) and plan.assets_digest is None:
        plan.assets_digest = assets_digest(plan.staging)
    requests = []
    for html_name, pdf_name, part in plan.documents.get(lang, []):
        request = pdf_request(plan, lang, html_name, pdf_name)
        key = renderer.artifact_key(pdf_key(request.html_path, plan.assets_digest or "", config.pdf_variant))
        cached = cache.get("pdf", key, ".pdf")
        if cached:
            shutil.copyfile(cached, request.pdf_path)
            pages = cache.get("pdf", key, ".json")
            _record_pages(plan, lang, part, json.loads(pages.read_text())["pages"] if pages else 0)
            stats.pdfs_cached += 1
        else:
            requests.append(PdfJob(plan, lang, part, key, request))
    return requests


def _record_pages(plan: StagedReport, lang: str, part: str, pages: int) -> None:
    if part:
        plan.annex_pages.setdefault(lang, {})[part] = pages
    else:
        plan.pages[lang] = pages


def collect_pdfs(started: list[StartedPdf], cache: ArtifactCache, problems: Problems, stats: BuildStats) -> None:
    """Store each PDF made in the cache and note its pages; a PDF that failed fails the build (all named)."""
    failures = []
    for job, future in ((s.job, s.future) for s in started):
        plan, lang, part = job.plan, job.lang, job.part
        config = plan.project.config
        result, error = future.result()
        if result is None:
            failures.append(Problem(Location(config.path), "pdf.failed", f"the {lang} PDF could not be made: {error}"))
            continue
        for url in result.refused:
            problems.warn(
                Location(config.path),
                "pdf.refused_url",
                f"the PDF engine was not allowed to fetch {url} (only files inside the project are used)",
            )
        cache.put_file("pdf", job.key, ".pdf", job.request.pdf_path)
        cache.put_text("pdf", job.key, ".json", json.dumps({"pages": result.pages}))
        _record_pages(plan, lang, part, result.pages)
        publish.checkpoint("pdf")
        stats.pdfs_made += 1
        stats.pdfs_made_names.append(f"{config.slug}/{lang}" + (f"/{part}" if part else ""))
    if failures:
        raise BuildFailed(failures)
