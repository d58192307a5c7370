"""HTML: fill the Jinja2 templates with a planned view (report pages, member summaries, the site index)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup

from vlrgen.inputs.members import band_label
from vlrgen.report.describe import period_text
from vlrgen.report.review import ReviewView

if TYPE_CHECKING:
    from vlrgen.report.views import ReportView

__all__ = ["make_environment", "render_index", "render_member_pages", "render_report"]


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
    return env


@functools.cache
def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs in Jinja's private per-user temporary folder (keyed by source)."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no usable (or no safe) temporary folder: compile each run
        return None


def render_report(
    env: jinja2.Environment,
    view: ReportView,
    svgs: dict[str, str],
    pdf_name: str | None,
    template: str | None = None,
    **extra,
) -> str:
    """The page of a view; `template` and `extra` render another document of it (a print version, an annex)."""
    return env.get_template(template or view.template).render(
        view=view,
        L=view.language,
        cfg=view.config,
        svgs={k: Markup(_inline(v)) for k, v in svgs.items()},
        pdf_name=pdf_name,
        languages=view.config.languages,
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


def _inline(svg: str) -> str:
    """Drop the XML prologue so the SVG can sit inside the HTML page."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
