"""Words from judgements: generated sentences per language for indicators and highlights.

Every sentence is built from catalog strings of the report language and numbers formatted by
that language's Babel formatter; nothing here decides a status or reads a file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from vlrgen.inputs.dataset import Indicator, Observation
from vlrgen.inputs.i18n import Language
from vlrgen.judge.rules import GoalRow, IndicatorResult, KpiSummary, normalised_score, thresholds_of

__all__ = [
    "STATUS_ORDER",
    "describe_goal_statuses",
    "describe_highlights",
    "describe_indicator",
    "goal_status_labels",
    "indicator_subject",
    "period_text",
    "start_of_period",
]

STATUS_ORDER = ("green", "yellow", "orange", "red", "grey")

# A hyphen between two digits in a published period ("2022-2025", "2023/24-2025/26") is a range.
_RANGE_HYPHEN = re.compile(r"(?<=\d)-(?=\d)")


def period_text(period: object) -> str:
    """A period as printed: the published label, with an en dash for a range ("2022–2025"). A word joiner
    after the dash keeps the range on one line (an en dash is a break opportunity; a hyphen was not)."""
    return _RANGE_HYPHEN.sub("\u2013\u2060", str(period))


def indicator_subject(indicator: Indicator, language: Language) -> str:
    """What a generated sentence says changed, in running text: the catalogue's `subject_<lang>` ("andelen
    innbyggere som er 80 år eller eldre,"), else a neutral phrase naming the indicator ("verdien for «…»")."""
    written = (indicator.subject or {}).get(language.code, "")
    return written or language.t("sentence.fallback_subject", name=indicator.name[language.code])


def start_of_period(series: Sequence[Observation], base_year: int) -> Observation | None:
    """The observation a description starts from: the first at or after the base year."""
    recent = [o for o in series if o.period >= base_year]
    return (recent or list(series) or [None])[0]  # type: ignore[list-item]  # [None] only when empty


def describe_indicator(summary: KpiSummary, result: IndicatorResult, language: Language, base_year: int) -> str:
    """A few sentences: what happened to the measure, the local target, the status and what the trend means."""
    indicator, lang = summary.indicator, language.code
    unit, decimals = indicator.unit[lang], indicator.decimals
    end = summary.latest
    if end is None or end.value is None:  # only indicators with a latest value are described
        raise ValueError(f"{indicator.id} has no value to describe")
    start = start_of_period(summary.series, base_year)
    values = dict(
        subject=indicator_subject(indicator, language),
        end=language.quantity(end.value, decimals, unit),
        end_period=_period(end),
    )
    if start is None or start.value is None or start.period == end.period:
        text = language.t("sentence.single", **values)
    else:
        values.update(start=language.quantity(start.value, decimals, unit), start_period=_period(start))
        difference = round(end.value - start.value, decimals)
        key = "sentence.rose" if difference > 0 else ("sentence.fell" if difference < 0 else "sentence.unchanged")
        text = language.t(key, **values)
    text = text[:1].upper() + text[1:]
    if indicator.target is not None:
        text += language.t(
            "sentence.target", year=indicator.target_year, target=language.quantity(indicator.target, decimals, unit)
        )
    text += "."
    if result.method == "sdsn":
        text += " " + language.t(
            "sentence.status",
            status=language.t(f"status.{result.status}"),
            meaning=language.t(f"status_meaning.{result.status}"),
        )
        text += " " + _trend_sentence(indicator, result, start, end, language)
    if indicator.target is not None:
        text += " " + language.t(f"progress_sentence.{result.progress}")
    return text


def _trend_sentence(
    indicator: Indicator, result: IndicatorResult, start: Observation | None, end: Observation, language: Language
) -> str:
    """What the trend means; when both ends lie beyond the same bound, their scores are equal (0 or 100) and
    the trend word says nothing about the change, so the sentence says that instead of contradicting it."""
    thresholds = thresholds_of(indicator)
    if thresholds and start is not None and start.value is not None and end.value is not None:
        first, last = normalised_score(start.value, thresholds), normalised_score(end.value, thresholds)
        moved = round(end.value - start.value, indicator.decimals) != 0
        for score, key, bound in ((0.0, "beyond_worst", thresholds.worst), (100.0, "beyond_best", thresholds.best)):
            if moved and first == last == score:
                better = (end.value > start.value) == (indicator.direction == "higher")
                return language.t(
                    f"sentence.{key}",
                    bound=language.quantity(bound, indicator.decimals, indicator.unit[language.code]),
                    trend=language.t(f"trend.{result.trend}"),
                    change=language.t("sentence.change_better" if better else "sentence.change_worse"),
                )
    return language.t(f"trend_sentence.{result.trend}")


def describe_highlights(goals: Sequence[GoalRow], language: Language, goal_names: dict[int, str]) -> list[str]:
    """Sentences naming the goals doing best and worst, and the count per status."""
    assessed = [g for g in goals if g.result.status != "grey" and g.result.score is not None]
    if not assessed:
        return [language.t("highlights.none")]
    counts = {s: sum(g.result.status == s for g in assessed) for s in ("green", "yellow", "orange", "red")}
    parts = [language.t(f"highlights.count_{s}", n=n) for s, n in counts.items() if n]
    sentences = [language.t("highlights.counts", assessed=len(assessed), total=17, parts=_join(parts, language))]
    ranked = sorted(assessed, key=lambda g: (-(g.result.score or 0.0), g.goal))  # every score is set here
    best, worst = ranked[:2], [g for g in reversed(ranked[-2:]) if g not in ranked[:2]]
    sentences.append(language.t("highlights.best", goals=_goal_list(best, language, goal_names)))
    if worst:
        sentences.append(language.t("highlights.worst", goals=_goal_list(worst, language, goal_names)))
    return sentences


def goal_status_labels(language: Language) -> dict[tuple[int, str], str]:
    """A goal tile's label for a screen reader, per goal and status: "Mål 1 Utrydde fattigdom: grå (for lite data)"."""
    return {
        (number, status): language.t(
            "review.tile_label",
            goal=number,
            name=language.t(f"goal.{number}.short"),
            status=language.t(f"status.{status}"),
            meaning=language.t(f"status_meaning.{status}"),
        )
        for number in range(1, 18)
        for status in STATUS_ORDER
    }


def describe_goal_statuses(status_of: dict[int, str], language: Language) -> str:
    """The goals by status in words, so the coloured tiles never carry the status alone:
    "Mål etter status – grønn: 3 og 6; grå: 1, 2, 4, 5 og 7–17."."""
    parts = []
    for status in STATUS_ORDER:
        goals = [n for n in range(1, 18) if status_of.get(n, "grey") == status]
        if goals:
            parts.append(
                language.t("review.status_part", status=language.t(f"status.{status}"), goals=_runs(goals, language))
            )
    return language.t("review.member_statuses", parts="; ".join(parts))


def _runs(numbers: Sequence[int], language: Language) -> str:
    """1, 2, 4, 5 og 7–17: three or more consecutive numbers as a range."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    items: list[str] = []
    for run in runs:
        items += [f"{run[0]}–{run[-1]}"] if len(run) >= 3 else [str(n) for n in run]
    return _join(items, language)


def _goal_list(goals: Sequence[GoalRow], language: Language, names: dict[int, str]) -> str:
    items = [
        language.t("highlights.goal_item", number=g.goal, name=names[g.goal], score=language.number(g.result.score, 0))
        for g in goals
    ]
    return _join(items, language)


def _join(items: Sequence[str], language: Language) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {language.t('progress.and')} " + items[-1]


def _period(observation: Observation) -> str:
    return period_text(observation.period_label or observation.period)
