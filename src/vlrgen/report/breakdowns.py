"""Leave no one behind, worded: each judged breakdown as a table of groups × periods with the gap row,
a chart with one line per group, and a sentence on the gap and how it developed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vlrgen.charts.timeseries import ChartJob, ChartLine
from vlrgen.inputs.i18n import PERCENT_UNITS, Language
from vlrgen.judge.breakdowns import Breakdown, Gap
from vlrgen.report.alttext import describe_timeseries
from vlrgen.report.describe import indicator_subject, period_text
from vlrgen.report.views import Figure, Numbering

__all__ = ["MAX_PERIODS", "BreakdownView", "describe_gap", "group_label", "plan_breakdown"]

MAX_PERIODS = 6  # the table and chart show the latest periods only, so that a breakdown stays small


@dataclass(frozen=True)
class BreakdownView:
    breakdown: Breakdown
    anchor: str  # "breakdown-<indicator>-<dimension>"
    title: str  # "Vedvarende lavinntekt etter innvandringskategori"
    sentence: str  # the gap and its development ("" when the dimension has no stated gap)
    figure: Figure | None  # a chart with the table as its data, when there are two periods or more
    table_number: int  # the table's own number when it stands without a chart, else 0
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    periods: str  # "2012–2014", for the list in the leave-no-one-behind section


def group_label(dimension: str, code: str, language: Language) -> str:
    if dimension == "age_group" and code != "all":
        return language.t("breakdown.age_band", band=period_text(code))
    return language.t(f"breakdown.group.{code}")


def _among(dimension: str, code: str, language: Language) -> str:
    if dimension == "age_group" and code != "all":
        return language.t("breakdown.among_age_band", band=period_text(code))
    return language.t(f"breakdown.among.{code}")


def _gap_amount(value: float, decimals: int, unit: str, language: Language) -> str:
    """A gap between two values: percentage points for percentages, else the unit."""
    if unit in PERCENT_UNITS:
        return f"{language.number(value, decimals)}\u00a0{language.t('kpi.points')}"
    return language.quantity(value, decimals, unit)


def describe_gap(b: Breakdown, language: Language) -> str:
    """ "Blant innvandrere var … 33,2 % i 2014, mot 6,8 % i resten av befolkningen – en forskjell på 26,4
    prosentpoeng, som har økt fra 21,3 prosentpoeng i 2012." """
    end = b.latest
    if b.pair is None or end is None:
        return ""
    indicator, lang = b.indicator, language.code
    unit, decimals = indicator.unit[lang], indicator.decimals
    first, second = b.pair
    text = language.t(
        "breakdown.gap",
        among_first=_among(b.dimension, first, language),
        among_second=_among(b.dimension, second, language),
        subject=_subject(b, language),
        first=language.quantity(end.first, decimals, unit),
        second=language.quantity(end.second, decimals, unit),
        period=_period(end),
        gap=_gap_amount(abs(end.value), decimals, unit, language),
    )
    if b.development != "single":
        start = b.gaps[0]
        text += language.t(
            f"breakdown.{b.development}",
            start_gap=_gap_amount(abs(start.value), decimals, unit, language),
            start_period=_period(start),
        )
    return text[:1].upper() + text[1:] + "."


def _subject(b: Breakdown, language: Language) -> str:
    """The indicator's subject, unless it names one group ("andelen innvandrere med …"): then "andelen"."""
    unit = b.indicator.unit[language.code]
    if b.total_group and unit in PERCENT_UNITS:
        return language.t("breakdown.subject_share")
    return indicator_subject(b.indicator, language)


def _period(gap: Gap) -> str:
    return period_text(gap.label or gap.period)


def plan_breakdown(
    b: Breakdown, numbering: Numbering, language: Language, font_dir: Path, colour: str, entity_name: str
) -> BreakdownView:
    indicator, lang = b.indicator, language.code
    unit, decimals = indicator.unit[lang], indicator.decimals
    periods = b.periods[-MAX_PERIODS:]
    labels = {o.period: o.period_label for _, series in b.groups for o in series if o.period_label}
    shown = [period_text(labels.get(p) or p) for p in periods]
    by_group = [(code, {o.period: o.value for o in series}) for code, series in b.groups]
    columns = (language.t(f"breakdown.dimension.{b.dimension}"),) + tuple(shown)
    rows = [
        (group_label(b.dimension, code, language),)
        + tuple(language.cell(values.get(p), decimals, unit) for p in periods)
        for code, values in by_group
    ]
    if b.pair:
        gaps = {g.period: g.value for g in b.gaps}
        first, second = (group_label(b.dimension, code, language).lower() for code in b.pair)
        key = "breakdown.gap_row_points" if unit in PERCENT_UNITS else "breakdown.gap_row"
        rows.append(
            (language.t(key, first=first, second=second, unit=unit),)
            + tuple(language.change(gaps.get(p), decimals) for p in periods)
        )
    title = language.t("breakdown.title", indicator=indicator.name[lang], by=language.t(f"breakdown.by.{b.dimension}"))
    anchor = f"breakdown-{indicator.id}-{b.dimension}"
    figure, table_number = None, 0
    if len(periods) > 1:
        number = numbering.figure()
        lines = tuple(
            ChartLine(
                group_label(b.dimension, code, language),
                tuple((p, v) for p, v in sorted(values.items()) if p in periods and v is not None),
                f"group{n}",
            )
            for n, (code, values) in enumerate(by_group, start=1)
        )
        job = ChartJob(
            name=f"fig-{number:02d}-{indicator.id}-{b.dimension}",
            language=lang,
            lines=tuple(line for line in lines if line.points),
            y_label=unit,
            decimals=decimals,
            colour=colour,
            font_dir=str(font_dir),
            locale=language.locale,
            height=2.6,
        )
        caption = language.t(
            "breakdown.figure_caption",
            indicator=indicator.name[lang],
            unit=unit,
            entity=entity_name,
            by=language.t(f"breakdown.by.{b.dimension}"),
        )
        description = describe_timeseries(job, indicator, language, {p: period_text(t) for p, t in labels.items()})
        if sentence := describe_gap(b, language):
            description += " " + sentence
        figure = Figure(number, job.name, caption, description, job, columns, tuple(rows), indicator)
    else:
        table_number = numbering.table()
    start = period_text(labels.get(b.periods[0]) or b.periods[0])
    span = start if len(b.periods) == 1 else language.t("breakdown.span", first=start, last=shown[-1])
    return BreakdownView(b, anchor, title, describe_gap(b, language), figure, table_number, columns, tuple(rows), span)
