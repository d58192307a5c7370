"""Plan a municipal or county review (a VLR) in one language: an immutable `ReportView`.

`plan_report` assembles the view of one report in one language (sections in skeleton order,
goals with KPI tables, numbered figures and tables, sources) and lists the chart jobs it needs.
Templates (`output.html`) only present it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from vlrgen import __version__, reference
from vlrgen.charts.comparison import StripJob
from vlrgen.charts.timeseries import ChartJob, band_edges, plan_chart
from vlrgen.inputs.breakdowns import DIMENSIONS
from vlrgen.inputs.config import Config
from vlrgen.inputs.content import Narrative, Section
from vlrgen.inputs.dataset import Dataset, Indicator, Observation
from vlrgen.inputs.i18n import Language
from vlrgen.inputs.quality import QualitySignal
from vlrgen.inputs.structured import StructuredContent
from vlrgen.judge.assessment import EntityAssessment
from vlrgen.judge.compare import Comparison
from vlrgen.judge.rules import GoalRow, IndicatorResult, KpiSummary, thresholds_of
from vlrgen.report.alttext import describe_strip, describe_timeseries, join_words
from vlrgen.report.breakdowns import BreakdownView, plan_breakdown
from vlrgen.report.describe import describe_highlights, describe_indicator, period_text
from vlrgen.report.editions import EditionsView, plan_editions
from vlrgen.report.palette import ink_on_white, plan_palette
from vlrgen.report.structured import (
    MeasuresView,
    plan_engagement,
    plan_goal_measures,
    plan_structured,
    structured_parts,
)
from vlrgen.report.values import fill_values
from vlrgen.report.views import (
    Figure,
    Numbering,
    ReportView,
    cited_sources,
    plan_contents,
    plan_cover,
    plan_frameworks,
    section_views,
)

__all__ = ["GoalView", "KpiView", "MunicipalView", "plan_report"]


@dataclass(frozen=True)
class KpiView:
    summary: KpiSummary
    result: IndicatorResult
    sentence: str


@dataclass(frozen=True)
class TileView:
    number: int
    colour: str
    short: str
    status: str
    trend: str
    score: float | None
    has_data: bool
    outdated_since: int | None = None  # the colour rests on figures from this year or older alone


@dataclass(frozen=True)
class MethodRow:
    indicator: Indicator
    result: IndicatorResult
    years: int
    first: str
    last: str
    comparisons: tuple[str, ...]
    insufficient: str  # why status or trend is missing, "" when both are there

    @property
    def beyond_bounds(self) -> bool:
        """The green threshold lies beyond the best value, or the red one beyond the worst (as SDSN publishes some)."""
        thresholds = thresholds_of(self.indicator)
        return bool(thresholds and thresholds.beyond_bounds)


@dataclass(frozen=True)
class GoalView:
    number: int
    colour: str
    short: str
    title: str
    targets: tuple[tuple[str, str, str], ...]  # (code, text, language of the text) of the SDG targets
    narrative: Section | None
    narrative_state: str  # "ok", "untranslated" (exists in another language) or "none"
    table_number: int
    kpis: tuple[KpiView, ...]
    figures: tuple[Figure, ...]
    row: GoalRow | None
    comparisons: tuple[Comparison, ...] = ()
    comparison_table: int = 0
    comparison_figures: tuple[Figure, ...] = ()
    breakdowns: tuple[BreakdownView, ...] = ()  # leave no one behind: the KPIs' breakdowns


@dataclass(frozen=True, kw_only=True)
class MunicipalView(ReportView):
    """A municipality's (or a county's own) review: goals with KPI tables, figures, dashboard and annexes."""

    goals: tuple[GoalView, ...]
    goals_without_data: tuple[tuple[int, str], ...]
    indicators: tuple[Indicator, ...]
    observations: tuple[tuple[Indicator, Observation], ...]
    annex_tables: tuple[int, int, int, int]
    place_names: dict[str, str]
    tiles: tuple[TileView, ...]
    highlights: tuple[str, ...]
    method_rows: tuple[MethodRow, ...]
    base_year: int
    quality: dict[str, tuple[QualitySignal, ...]] = field(default_factory=dict)  # indicator → the place's signals
    editions: EditionsView | None = None  # changes since the previous edition (report.previous)
    breakdowns: tuple[BreakdownView, ...] = ()  # every goal's, for the leave-no-one-behind section
    breakdown_intro: str = ""

    @property
    def shows_county(self) -> bool:
        """Comparison tables have a county column (a county's own report compares with the nation only)."""
        return len(self.place_names) > 2


def plan_report(
    config: Config,
    narrative: Narrative,
    dataset: Dataset,
    assessment: EntityAssessment,
    language: Language,
    font_dir: Path,
    content: StructuredContent | None = None,
    quality: tuple[QualitySignal, ...] = (),
    previous_href: str | None = None,
) -> MunicipalView:
    """Word and number the judged entity in one language; nothing here judges."""
    lang = language.code
    entity = config.entity
    county = assessment.county
    narrative = fill_values(narrative, assessment.quoted, language)
    content = content or StructuredContent()
    places = {entity.code: entity.name, reference.NATION_CODE: language.t("place.nation")}
    if county:
        places[county] = reference.display_name(county)
    by_goal = assessment.summaries
    results, goal_rows = assessment.results, assessment.goal_rows
    result_of = {r.indicator.id: r for r in results}
    row_of = {g.goal: g for g in goal_rows}
    comparisons = assessment.comparisons
    goals, numbering = [], Numbering()
    engagement = plan_engagement(content, language, numbering)  # the methodology chapter comes first
    goal_measures: dict[int, MeasuresView] = {}
    for number in sorted(by_goal):
        table = numbering.table()
        kpis, figures = [], []
        for summary in by_goal[number]:
            result = result_of[summary.indicator.id]
            if summary.latest is None:
                kpis.append(KpiView(summary, result, ""))
                continue
            sentence = describe_indicator(summary, result, language, config.base_year)
            kpis.append(KpiView(summary, result, sentence))
            figures.append(_plan_figure(numbering.figure(), summary, dataset, county, places, language, font_dir))
        compared = tuple(comparisons[k.summary.indicator.id] for k in kpis if k.summary.indicator.id in comparisons)
        compare_figures = []
        for c in (c for c in compared if c.spread):
            compare_figures.append(_comparison_figure(numbering.figure(), c, entity.name, language, font_dir, places))
        goal = _goal_view(number, narrative, language, table, kpis, figures, row_of.get(number))
        if compared:
            goal = replace(
                goal,
                comparisons=compared,
                comparison_table=numbering.table(),
                comparison_figures=tuple(compare_figures),
            )
        colour = ink_on_white(reference.goals()[number].colour)
        planned = tuple(
            plan_breakdown(b, numbering, language, font_dir, colour, entity.name)
            for k in kpis
            for b in assessment.breakdowns.get(k.summary.indicator.id, ())
        )
        goal = replace(goal, breakdowns=planned)
        if measures := plan_goal_measures(content, number, language, numbering):
            goal_measures[number] = measures
        goals.append(goal)
    changes = assessment.changes
    editions = plan_editions(changes, language, numbering, previous_href) if changes else None
    used = tuple(k.summary.indicator for g in goals for k in g.kpis if k.summary.latest)
    observations = tuple((k.summary.indicator, o) for g in goals for k in g.kpis for o in k.summary.series)
    names = {n: language.t(f"goal.{n}.short") for n in reference.goals()}
    sections = section_views(narrative, language)
    annex_tables = (numbering.table(), numbering.table(), numbering.table(), numbering.table())
    structured = plan_structured(
        content, language, numbering, tuple(g.number for g in goals), engagement, goal_measures
    )
    parts = structured_parts(structured, language)
    parts["progress"] = [(f"goal-{g.number}", f"{g.number}. {g.short}") for g in goals]
    if editions:
        parts["progress"].append((editions.anchor, editions.title))
    return MunicipalView(
        config=config,
        language=language,
        sections=sections,
        contents=plan_contents(sections, parts),
        cover=plan_cover(
            config,
            language,
            language.t("report.title"),
            language.t(f"report.cover_kind_{entity.kind}", name=entity.name),
            language.t("report.subtitle"),
            __version__,
        ),
        figures=tuple(
            f
            for g in goals
            for f in g.figures + g.comparison_figures + tuple(b.figure for b in g.breakdowns if b.figure)
        ),
        goals=tuple(goals),
        goals_without_data=tuple((n, names[n]) for n in reference.goals() if n not in by_goal),
        indicators=used,
        observations=observations,
        annex_tables=annex_tables,
        structured=structured,
        place_names=places,
        sources=cited_sources(used, lang),
        version=__version__,
        palette=plan_palette(config.accent),
        tiles=_tiles(row_of, by_goal, names),
        highlights=tuple(describe_highlights(goal_rows, language, names)),
        method_rows=_method_rows(results, dataset, entity.code, county, places, config.base_year, language),
        base_year=config.base_year,
        frameworks=plan_frameworks(used, lang),
        quality=_quality_of(quality, entity.code),
        editions=editions,
        breakdowns=tuple(b for g in goals for b in g.breakdowns),
        breakdown_intro=_breakdown_intro(tuple(b for g in goals for b in g.breakdowns), entity.name, language),
    )


def _quality_of(signals: tuple[QualitySignal, ...], code: str) -> dict[str, tuple[QualitySignal, ...]]:
    """The place's own data-quality signals by indicator (a note beside the indicator says what check said)."""
    notes: dict[str, tuple[QualitySignal, ...]] = {}
    for signal in signals:
        if signal.entity == code:
            notes[signal.indicator] = (*notes.get(signal.indicator, ()), signal)
    return notes


def _breakdown_intro(breakdowns: tuple[BreakdownView, ...], name: str, language: Language) -> str:
    indicators = {b.breakdown.indicator.id for b in breakdowns}
    dimensions = sorted({b.breakdown.dimension for b in breakdowns}, key=list(DIMENSIONS).index)
    by = join_words([language.t(f"breakdown.by.{d}") for d in dimensions], language)
    return language.t("breakdown.list_intro", n=language.number(len(indicators), 0), name=name, by=by)


def _tiles(row_of: dict[int, GoalRow], by_goal: dict, names: dict[int, str]) -> tuple[TileView, ...]:
    tiles = []
    for number, goal in reference.goals().items():
        row = row_of.get(number)
        tiles.append(
            TileView(
                number,
                goal.colour,
                names[number],
                row.result.status if row else "grey",
                row.trend if row else "unavailable",
                row.result.score if row else None,
                number in by_goal,
                row.latest if row and row.outdated and row.result.status != "grey" else None,
            )
        )
    return tuple(tiles)


def _method_rows(
    results: tuple[IndicatorResult, ...],
    dataset: Dataset,
    entity: str,
    county: str | None,
    places: dict[str, str],
    base_year: int,
    language: Language,
) -> tuple[MethodRow, ...]:
    rows = []
    for result in results:
        indicator = result.indicator
        series = [o for o in dataset.series(indicator.id, entity) if o.value is not None]
        comparisons = tuple(
            places[code]
            for code in (county, reference.NATION_CODE)
            if code and any(o.value is not None for o in dataset.series(indicator.id, code))
        )
        if not series:
            reason = language.t("method.reason_no_data", entity=places[entity])
        elif result.method == "none" or indicator.thresholds is None:
            reason = language.t("method.reason_no_thresholds")
        elif result.trend == "unavailable":
            reason = language.t("method.reason_no_trend", base_year=base_year)
        else:
            reason = ""
        label = lambda o: o.period_label or str(o.period)  # noqa: E731
        rows.append(
            MethodRow(
                indicator,
                result,
                len(series),
                label(series[0]) if series else "–",
                label(series[-1]) if series else "–",
                comparisons,
                reason,
            )
        )
    return tuple(rows)


def _goal_view(
    number: int,
    narrative: Narrative,
    language: Language,
    table: int,
    kpis: list[KpiView],
    figures: list[Figure],
    row: GoalRow | None,
) -> GoalView:
    goal = reference.goals()[number]
    targets = sorted({t for k in kpis for t in k.summary.indicator.targets}, key=_target_key)
    return GoalView(
        number=number,
        colour=goal.colour,
        short=language.t(f"goal.{number}.short"),
        title=language.t(f"goal.{number}.title"),
        targets=tuple(_target_text(t, language) for t in targets),
        narrative=narrative.get(f"goal-{number:02d}", language.code),
        table_number=table,
        narrative_state="ok"
        if narrative.get(f"goal-{number:02d}", language.code)
        else ("untranslated" if narrative.languages_with(f"goal-{number:02d}") else "none"),
        kpis=tuple(kpis),
        figures=tuple(figures),
        row=row,
    )


def _plan_figure(
    number: int,
    summary: KpiSummary,
    dataset: Dataset,
    county: str | None,
    places: dict[str, str],
    language: Language,
    font_dir: Path,
) -> Figure:
    indicator = summary.indicator
    lang = language.code
    county_series = dataset.series(indicator.id, county) if county else ()
    nation_series = dataset.series(indicator.id, reference.NATION_CODE)
    entity_code = next(iter(places))
    labels = {
        "entity": places[entity_code],
        "county": places.get(county or "", ""),
        "nation": places[reference.NATION_CODE],
    }
    name = f"fig-{number:02d}-{indicator.id}"
    job = plan_chart(
        name,
        summary,
        county_series,
        nation_series,
        labels,
        language,
        ink_on_white(reference.goals()[indicator.goal].colour),  # a line in the goal colour that reads on white
        font_dir,
    )
    in_text = {places[reference.NATION_CODE]: language.t("place.nation_text")}  # "hele landet" mid-sentence
    shown = [in_text.get(line.label, line.label) for line in job.lines]
    caption = language.t(
        "progress.figure_caption", indicator=indicator.name[lang], unit=indicator.unit[lang], entity=shown[0]
    )
    if len(shown) > 1:
        others = f" {language.t('progress.and')} ".join(shown[1:])
        caption += ", " + language.t("progress.figure_compared", others=others)
    columns, rows = _figure_table(summary, job, language)
    period_labels = {
        o.period: o.period_label for s in (summary.series, county_series, nation_series) for o in s if o.period_label
    }
    description = describe_timeseries(job, indicator, language, period_labels)
    return Figure(number, name, caption, description, job, columns, rows, indicator)


def _comparison_strip(c: Comparison, language: Language, font_dir: Path, names: dict[str, str]) -> StripJob:
    """The national spread with the municipality highlighted and the county, nation and peers marked."""
    indicator, lang = c.indicator, language.code
    markers = []
    for role, aggregate, label in (
        ("county", c.county, names.get(c.member.county_code, "")),
        ("nation", c.nation, names[reference.NATION_CODE]),
        ("peers", c.peers, language.t("compare.peers_short")),
    ):
        if aggregate is not None and aggregate.value is not None:
            how = language.t(f"review.method_{aggregate.how}")
            markers.append((f"{label} ({how})", aggregate.value, role))
    return StripJob(
        f"cmp-{indicator.id}",
        lang,
        str(font_dir),
        indicator.unit[lang],
        indicator.decimals,
        reference.goals()[indicator.goal].colour,
        c.spread,
        highlights=((c.member.name, c.value),),
        markers=tuple(markers),
        bands=band_edges(indicator),
        locale=language.locale,
    )


def _comparison_figure(
    number: int, c: Comparison, name: str, language: Language, font_dir: Path, names: dict[str, str]
) -> Figure:
    indicator, lang = c.indicator, language.code
    job = replace(_comparison_strip(c, language, font_dir, names), name=f"fig-{number:02d}-{indicator.id}-compare")
    caption = language.t(
        "compare.figure_caption",
        indicator=indicator.name[lang],
        unit=indicator.unit[lang],
        period=period_text(c.label),
        name=name,
        n=language.number(len(job.values), 0),
    )
    columns = (language.t("compare.place"), language.t("kpi.value"))
    rows = ((name, language.cell(c.value, indicator.decimals, indicator.unit[lang])),) + tuple(
        (label, language.cell(value, indicator.decimals, indicator.unit[lang])) for label, value, _ in job.markers
    )
    description = describe_strip(job, indicator, language, c.label)
    return Figure(number, job.name, caption, description, job, columns, rows, indicator)


def _figure_table(summary: KpiSummary, job: ChartJob, language: Language):
    indicator = summary.indicator
    by_line = [dict(line.points) for line in job.lines]
    labels = {o.period: period_text(o.period_label or o.period) for o in summary.series}
    periods = sorted(set().union(*by_line))
    rows = tuple(
        (labels.get(p, str(p)),) + tuple(language.number(values.get(p), indicator.decimals) for values in by_line)
        for p in periods
    )
    columns = (language.t("kpi.period"),) + tuple(line.label for line in job.lines)
    return columns, rows


def _target_text(target: str, language: Language) -> tuple[str, str, str]:
    """(code, text, language of the text): the official English where the report language has no text,
    and the packaged texts in another language labelled as the unofficial translations they are."""
    text, packaged = language.target_title(target), reference.target_titles().get(target, {})
    fallback = reference.FALLBACK_LANGUAGE
    if language.code != fallback and text == packaged.get(fallback):
        return target, text, fallback
    if language.code != fallback and text and text == packaged.get(language.code):
        return target, f"{text} ({language.t('ui.unofficial_translation')})", language.code
    return target, text, language.code


def _target_key(target: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 100 + ord(p[0]) for p in target.split("."))
