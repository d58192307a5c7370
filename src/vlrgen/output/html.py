"""HTML: fill the Jinja2 templates with a planned view (report pages, member summaries, the site index)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup, escape

from vlrgen.inputs.members import band_label
from vlrgen.report.describe import period_text
from vlrgen.report.review import ReviewView

if TYPE_CHECKING:
    from vlrgen.report.views import ReportView

__all__ = ["label_svg", "make_environment", "mark_foreign", "render_index", "render_member_pages", "render_report"]


def make_environment(search_path) -> jinja2.Environment:
    """One environment per template search path and state of its files (an added override counts)."""
    search_path = tuple(search_path)
    state = tuple((p.as_posix(), p.stat().st_mtime_ns) for folder in search_path for p in sorted(folder.glob("*.html")))
    return _environment(search_path, state)


@functools.lru_cache(maxsize=32)
def _environment(search_path: tuple[Path, ...], state: tuple) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in search_path]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["safe_html"] = lambda html: Markup(html)  # only for sanitised or generated HTML
    env.filters["band_label"] = band_label
    env.filters["period"] = period_text  # a published period with an en dash for a range
    env.filters["foreign"] = mark_foreign
    return env


@functools.cache
def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs in Jinja's private per-user temporary folder (keyed by source)."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no usable (or no safe) temporary folder: compile each run
        return None


def mark_foreign(text: str, phrase: str, phrase_lang: str, page_lang: str) -> Markup:
    """`text` with `phrase` marked as written in another language, so a screen reader switches voice."""
    escaped = escape(text)
    if phrase_lang == page_lang or phrase not in text:
        return escaped
    return Markup(escaped.replace(escape(phrase), Markup(f'<span lang="{phrase_lang}">{escape(phrase)}</span>')))


def render_report(
    env: jinja2.Environment,
    view: ReportView,
    svgs: dict[str, str],
    pdf_name: str | None,
    template: str | None = None,
    **extra,
) -> str:
    """The page of a view; `template` and `extra` render another document of it (a print version, an annex).

    Links are made here, relative to the language folder the page is written to (`<slug>/<lang>/`):
    the same page in the other languages, the PDF, and a review's annex PDFs per county part.
    """
    lang = view.language.code
    annex_pdfs = extra.pop("annex_pdfs", None) or {}
    return env.get_template(template or view.template).render(
        view=view,
        L=view.language,
        cfg=view.config,
        svgs=_inline_charts(view, svgs),
        pdf_href=f"../{pdf_name}" if pdf_name else None,
        other_languages=[(code, f"../{code}/index.html") for code in view.config.languages if code != lang],
        annex_links=[
            (part.name, f"../{annex_pdfs[part.code]}") for part in view.annex_parts if part.code in annex_pdfs
        ],
        part=extra.pop("part", None),
        **extra,
    )


def render_member_pages(env: jinja2.Environment, view: ReportView) -> dict[str, Markup]:
    """Each member summary of a review once per language: the web page and the county annex share the HTML."""
    pages = view.member_pages
    if not pages or not isinstance(view, ReviewView):
        return {}
    module = env.get_template("members.html").make_module(
        {"view": view, "L": view.language, "cfg": view.config, "languages": view.config.languages}
    )
    member_page = module.member_page  # type: ignore[attr-defined]  # a macro of members.html
    return {p.member.code: Markup(member_page(p, view.scope_name)) for p in pages}


def render_index(env: jinja2.Environment, template: str, **context) -> str:
    return env.get_template(template).render(**context)


def _inline_charts(view: ReportView, svgs: dict[str, str]) -> dict[str, Markup]:
    """Each chart's SVG ready to sit in the page, named and described by its figure."""
    figures = {f.name: f for f in view.figures}
    return {
        name: Markup(label_svg(svg, name, figures[name].caption, figures[name].description) if name in figures else svg)
        for name, svg in svgs.items()
    }


def label_svg(svg: str, name: str, title: str, description: str) -> str:
    """The SVG without its XML prologue, as an image named by a <title> and described by a <desc>.

    WeasyPrint takes a PDF figure's /Alt from an inline SVG's <title>; browsers name the image from
    it and describe it from <desc>. The chart artifact itself stays free of words, so changing a
    description never redraws a chart."""
    start = svg.find("<svg")
    end = svg.find(">", start)
    if start < 0 or end < 0:
        raise ValueError(f"chart {name} is not an SVG document")
    opening = svg[start:end]
    words = f'<title id="{name}-title">{escape(title)}</title><desc id="{name}-desc">{escape(description)}</desc>'
    return (
        f'{opening} role="img" aria-labelledby="{name}-title" aria-describedby="{name}-desc">' + words + svg[end + 1 :]
    )
