"""Alternative text for charts: a generated description of what each chart draws, in the report's language.

A chart's short title is its caption; the description here says what a sighted reader takes from
the drawing: every line with its first and last value (and its lowest and highest), the status
bands and the green-threshold and target lines where they are drawn, the period; for a
distribution, how many municipalities, their range and median and where the highlighted
municipality and the marked county or national values lie; for stacked shares, the counts per
category. The words come from the chart job itself, so they describe exactly what is drawn.
The output phase puts them into the SVG as `<title>` and `<desc>` (WeasyPrint takes a PDF
figure's /Alt from the `<title>`).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from vlrgen.charts.comparison import ShareJob, StripJob
from vlrgen.charts.timeseries import ChartJob
from vlrgen.inputs.dataset import Indicator
from vlrgen.inputs.i18n import Language
from vlrgen.judge.rules import thresholds_of

__all__ = ["describe_shares", "describe_strip", "describe_timeseries", "join_words"]


def describe_timeseries(job: ChartJob, indicator: Indicator, language: Language, period_labels: dict[int, str]) -> str:
    """Every line from its first to its last value, the status bands and the reference lines."""
    unit, decimals = indicator.unit[language.code], indicator.decimals

    def amount(value: float) -> str:
        return language.quantity(value, decimals, unit)

    def period(year: int) -> str:
        return period_labels.get(year, str(year))

    years = sorted({year for line in job.lines for year, _ in line.points})
    if years[0] == years[-1]:
        sentences = [language.t("alt.line_chart_one", period=period(years[0]))]
    else:
        sentences = [language.t("alt.line_chart", first=period(years[0]), last=period(years[-1]))]
    for line in job.lines:
        (start_year, start), (end_year, end) = line.points[0], line.points[-1]
        if len(line.points) == 1:
            sentences.append(
                language.t("alt.line_single", label=line.label, end=amount(end), end_period=period(end_year))
            )
            continue
        text = language.t(
            "alt.line",
            label=line.label,
            start=amount(start),
            start_period=period(start_year),
            end=amount(end),
            end_period=period(end_year),
        )
        low_year, low = min(line.points, key=lambda p: (p[1], p[0]))
        high_year, high = max(line.points, key=lambda p: (p[1], -p[0]))
        if low not in (start, end):
            text += language.t("alt.line_low", low=amount(low), low_period=period(low_year))
        if high not in (start, end):
            text += language.t("alt.line_high", high=amount(high), high_period=period(high_year))
        sentences.append(text + ".")
    sentences += _bands_and_references(job.bands, job.references, indicator, language)
    return " ".join(sentences)


def describe_strip(job: StripJob, indicator: Indicator, language: Language, period: str) -> str:
    """How many municipalities, their range and median, the highlighted ones and the marked values."""
    unit, decimals = indicator.unit[language.code], indicator.decimals

    def amount(value: float) -> str:
        return language.quantity(value, decimals, unit)

    values = sorted(job.values)
    sentences = [
        language.t(
            "alt.strip",
            n=language.number(len(values), 0),
            period=period,
            low=amount(values[0]),
            high=amount(values[-1]),
            median=amount(statistics.median(values)),
        )
    ]
    for name, value in job.highlights:
        sentences.append(
            language.t(
                "alt.strip_highlight",
                name=name,
                value=amount(value),
                lower=language.number(sum(v < value for v in values), 0),
                higher=language.number(sum(v > value for v in values), 0),
                n=language.number(len(values), 0),
            )
        )
    if job.markers:
        items = [language.t("alt.marker", label=label, value=amount(value)) for label, value, _ in job.markers]
        sentences.append(language.t("alt.markers", items=join_words(items, language)))
    sentences += _bands_and_references(job.bands, (), indicator, language)
    return " ".join(sentences)


def describe_shares(job: ShareJob, language: Language, intro: str) -> str:
    """The chart's kind and, per bar, the count in every category that has any (none counts as zero)."""
    sentences = [intro]
    for label, counts in job.rows:
        items = [
            language.t("alt.share_item", category=category, n=language.number(count, 0))
            for category, count in zip(job.categories, counts)
            if count
        ]
        sentences.append(language.t("alt.share_row", row=label, items="; ".join(items) or language.number(0, 0)))
    return " ".join(sentences)


def _bands_and_references(bands, references, indicator: Indicator, language: Language) -> list[str]:
    unit, decimals = indicator.unit[language.code], indicator.decimals
    sentences = []
    t = thresholds_of(indicator)
    if bands and t:
        sentences.append(
            language.t(
                f"alt.bands_{t.direction}",
                green=language.quantity(t.green, decimals, unit),
                midpoint=language.quantity(t.midpoint, decimals, unit),
                red=language.quantity(t.red, decimals, unit),
            )
        )
    items = []
    for value, _label, kind in references:
        amount = language.quantity(value, decimals, unit)
        if kind == "target":
            items.append(language.t("alt.reference_target", year=indicator.target_year, value=amount))
        else:
            items.append(language.t("alt.reference_green", value=amount))
    if items:
        sentences.append(language.t("alt.references", items=join_words(items, language)))
    return sentences


def join_words(items: Sequence[str], language: Language) -> str:
    """`a, b and c` in the report's language."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {language.t('progress.and')} " + items[-1]
