"""The view model every report shares: sections, figures, numbering, contents and cover.

A municipal, county or national report is planned into a subclass of `ReportView`; what the
pipeline and the page writer need (sections, figures, contents, cover, member pages) is on the
base class, so no caller has to tell the kinds apart. Everything here is frozen and carries
words in the report's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from vlrgen import reference
from vlrgen.inputs.config import Config
from vlrgen.inputs.content import Narrative, Section
from vlrgen.inputs.dataset import Indicator
from vlrgen.inputs.i18n import Language
from vlrgen.report.palette import Palette

__all__ = [
    "ContentsEntry",
    "CoverView",
    "Figure",
    "FrameworkCoverage",
    "FrameworkMatch",
    "Numbering",
    "ReportView",
    "SectionView",
    "cited_sources",
    "plan_contents",
    "plan_cover",
    "plan_frameworks",
    "section_views",
]


@dataclass(frozen=True)
class SectionView:
    key: str
    level: int
    title: str
    state: str  # "ok", "untranslated" or "missing"
    section: Section | None


@dataclass(frozen=True)
class Figure:
    """One numbered chart with its caption (also the chart's short title), a generated description of
    what it draws (its alternative text, `report.alttext`) and its data as a table."""

    number: int
    name: str
    caption: str
    description: str
    job: Any  # a chart job from vlrgen.charts (time series, strip or shares)
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    indicator: Indicator | None = None  # the indicator it shows, when it shows one

    @property
    def long_list(self) -> bool:
        """A table of names and values too long to print in one column (one row per municipality)."""
        return len(self.columns) <= 2 and len(self.rows) > 24


class Numbering:
    """Figures and tables numbered in reading order, one sequence each for the whole report."""

    def __init__(self) -> None:
        self.figures = 0
        self.tables = 0

    def figure(self) -> int:
        self.figures += 1
        return self.figures

    def table(self) -> int:
        self.tables += 1
        return self.tables


@dataclass(frozen=True)
class ContentsEntry:
    """A line of the table of contents: a top-level section, its sub-sections and generated parts."""

    anchor: str
    title: str
    children: tuple[ContentsEntry, ...] = ()  # the section's own sub-sections
    parts: tuple[ContentsEntry, ...] = ()  # generated parts under it (goals, survey, annex tables)


@dataclass(frozen=True)
class CoverView:
    title: str  # the report's title without the year (also the page title)
    entity_line: str
    subtitle: str
    year_line: str
    date_line: str  # the publication date (report.date) in the language's long form; "" when not set
    generator: str
    logo_src: str | None  # relative to the language folder
    logo_alt: str = ""  # the organisation the logo stands for


@dataclass(frozen=True, kw_only=True)
class ReportView:
    """What every report view has; `template` names the page that presents it."""

    config: Config
    language: Language
    sections: tuple[SectionView, ...]
    contents: tuple[ContentsEntry, ...]
    cover: CoverView
    figures: tuple[Figure, ...]
    sources: tuple[tuple[str, str], ...]
    version: str
    palette: Palette  # colours with readable text on and in them (report.palette)
    template: str = "report.html"
    member_pages: tuple[Any, ...] = ()  # a review's member summaries
    annex_parts: tuple[Any, ...] = ()  # a review printed as one PDF per county part
    structured: Any = None  # a report.structured.StructuredView: case studies, measures, engagement log
    frameworks: FrameworkCoverage | None = None  # the U4SSC KPIs and JRC indicators the report's indicators match


@dataclass(frozen=True)
class FrameworkMatch:
    code: str
    title: str
    indicators: tuple[str, ...]  # the report's indicator names (in the report language) that match it
    title_lang: str = "en"  # the language of `title` (KS's lists are in English): marked where it differs


@dataclass(frozen=True)
class FrameworkCoverage:
    """Which indicators of two frameworks (in KS's lists) the report's indicators match, and of how many."""

    u4ssc: tuple[FrameworkMatch, ...]
    jrc: tuple[FrameworkMatch, ...]
    u4ssc_total: int
    jrc_total: int

    @property
    def u4ssc_count(self) -> int:
        return len(self.u4ssc)

    @property
    def jrc_count(self) -> int:
        return len(self.jrc)


def plan_frameworks(indicators: Iterable[Indicator], lang: str) -> FrameworkCoverage:
    """The framework indicators the report's indicators name (catalogue columns `u4ssc` and `jrc2022`)."""
    u4ssc: dict[str, list[str]] = {}
    jrc: dict[str, list[str]] = {}
    for indicator in indicators:
        if indicator.u4ssc:
            u4ssc.setdefault(indicator.u4ssc, []).append(indicator.name[lang])
        if indicator.jrc2022:
            jrc.setdefault(indicator.jrc2022, []).append(indicator.name[lang])
    kpis, handbook = reference.u4ssc_kpis(), reference.jrc_indicators()
    return FrameworkCoverage(
        tuple(FrameworkMatch(c, kpis[c].title, tuple(n), kpis[c].lang) for c, n in sorted(u4ssc.items()) if c in kpis),
        tuple(
            FrameworkMatch(c, handbook[c].title, tuple(n), handbook[c].lang)
            for c, n in sorted(jrc.items())
            if c in handbook
        ),
        reference.framework_size("u4ssc"),
        len(handbook),
    )


def section_views(narrative: Narrative, language: Language) -> tuple[SectionView, ...]:
    views = []
    for key, level in narrative.outline:
        section = narrative.get(key, language.code)
        state = "ok" if section else ("untranslated" if narrative.languages_with(key) else "missing")
        own = narrative.titles.get(key, {}).get(language.code)  # an own section's heading (inputs/outline.py)
        title = (section.title if section and section.title else None) or own or language.t(f"section.{key}")
        views.append(SectionView(key, level, title, state, section))
    return tuple(views)


def plan_contents(
    sections: tuple[SectionView, ...], parts: dict[str, list[tuple[str, str]]] | None = None
) -> tuple[ContentsEntry, ...]:
    """Top-level sections with their sub-sections and, under a section key, generated (anchor, title) parts."""
    entries: list[tuple[SectionView, list[SectionView]]] = []
    for section in sections:
        if section.level == 1 or not entries:
            entries.append((section, []))
        else:
            entries[-1][1].append(section)
    return tuple(
        ContentsEntry(
            s.key,
            s.title,
            tuple(ContentsEntry(c.key, c.title) for c in children),
            tuple(ContentsEntry(anchor, title) for anchor, title in (parts or {}).get(s.key, ())),
        )
        for s, children in entries
    )


def plan_cover(
    config: Config, language: Language, title: str, entity_line: str, subtitle: str, version: str
) -> CoverView:
    logo = f"../media/{config.logo.relative_to(config.root).as_posix()}" if config.logo else None
    return CoverView(
        title=config.titles.get(language.code) or title,
        entity_line=entity_line,
        subtitle=subtitle,
        year_line=language.t("report.year_line", year=config.year),
        date_line=language.date(config.date) if config.date else "",
        generator=language.t("report.generated_by", version=version),
        logo_src=logo,
        logo_alt=config.author or config.entity.name,
    )


def cited_sources(indicators: Iterable[Indicator], lang: str) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    for indicator in indicators:
        seen.setdefault(indicator.source_name[lang], indicator.source_url)
    return tuple(sorted(seen.items()))
