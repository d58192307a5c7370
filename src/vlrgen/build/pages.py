"""Plan a report's views per language and write its pages, landing page, assets and downloads."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from vlrgen import reference
from vlrgen.build.cache import BuildStats, chart_key
from vlrgen.build.editions import previous_of
from vlrgen.build.staged import StagedReport, read_manifest
from vlrgen.inputs.project import Project
from vlrgen.inputs.templates import template_root
from vlrgen.judge.assessment import Assessment
from vlrgen.output.downloads import write_data_downloads
from vlrgen.output.html import make_environment, render_index, render_member_pages, render_report
from vlrgen.output.tablewidths import fix_table_widths, measurer
from vlrgen.report.municipal import plan_report
from vlrgen.report.review import plan_review
from vlrgen.report.views import ReportView


def project_env(project: Project):
    return make_environment(project.template_dirs)


def published_reports(projects: list[Project], out_dir: Path) -> dict[str, tuple[str, ...]]:
    """Reports a review can link to, with their languages: those built now and those already published."""
    found = {
        p.parent.name: tuple(read_manifest(p.parent).get("languages", ())) for p in out_dir.glob("*/manifest.json")
    }
    return found | {p.config.slug: p.config.languages for p in projects}


def plan_view(project: Project, assessment: Assessment, lang: str, published: dict[str, tuple[str, ...]]):
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


def prepare_staging(project: Project, staging: Path) -> None:
    config = project.config
    _copy_assets(project, staging, template_root())
    entities = {config.entity.code, config.entity.county_code, reference.NATION_CODE} | {
        m.code for m in project.members
    }
    write_data_downloads(project.dataset.for_entities(entities), staging / "data")


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


def write_page(plan: StagedReport, lang: str, view: ReportView, svgs: dict[str, str], stats: BuildStats) -> None:
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
    measure = measurer(template_root() / "fonts")  # the tables' print widths (README, "Speed")
    html = fix_table_widths(
        render_report(env, view, page_svgs, pdf_name, annex_pdfs=annex_pdfs, member_html=member_html), measure
    )
    (lang_dir / "index.html").write_text(html, encoding="utf-8")
    plan.documents[lang] = [("index.html", pdf_name, "")] if pdf_name else []
    if parts and pdf_name:
        # A review over several counties: the PDF leaves out the member summaries, printed per county.
        printed = fix_table_widths(
            render_report(env, view, page_svgs, pdf_name, part="print", annex_pdfs=annex_pdfs, member_html=member_html),
            measure,
        )
        (lang_dir / "print.html").write_text(printed, encoding="utf-8")
        plan.documents[lang] = [("print.html", pdf_name, "")]
        html += printed
        for part in parts:
            annex = fix_table_widths(
                render_report(
                    env,
                    view,
                    {},
                    annex_pdfs[part.code],
                    template="review_annex.html",
                    part=part,
                    member_html=member_html,
                ),
                measure,
            )
            (lang_dir / f"{part.stem}.html").write_text(annex, encoding="utf-8")
            plan.documents[lang].append((f"{part.stem}.html", annex_pdfs[part.code], part.code))
            html += annex  # the digest covers every document of the language
    plan.html_digests[lang] = hashlib.sha256(html.encode()).hexdigest()
    if read_manifest(plan.target).get("html_digest", {}).get(lang) != plan.html_digests[lang]:
        stats.html_changed.append(f"{config.slug}/{lang}")


def write_landing(plan: StagedReport, published: dict[str, tuple[str, ...]]) -> None:
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
            html_hrefs={lang: f"{lang}/index.html" for lang in config.languages},
            formats=config.outputs,
            annexes=annexes,
            previous=previous,
        ),
        encoding="utf-8",
    )
