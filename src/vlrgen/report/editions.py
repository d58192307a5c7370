"""Plan "Changes since the previous review" in one language: sentences, two tables and two lists.

The judgement of both editions is made in phase 2 (judge/editions.py); here it gets words, formatted
numbers and table numbers. Statuses are always written out, never shown by colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from vlrgen.inputs.editions import IndicatorState
from vlrgen.inputs.i18n import Language
from vlrgen.judge.editions import EditionChanges
from vlrgen.report.describe import period_text
from vlrgen.report.views import Numbering

__all__ = ["ANCHOR", "ChangeRow", "EditionsView", "plan_editions"]

ANCHOR = "changes"


@dataclass(frozen=True)
class Judgement:
    status: str  # a STATUSES key, for the colour dot beside the word
    status_text: str
    trend: str
    trend_text: str


@dataclass(frozen=True)
class ChangeRow:
    """One goal or indicator: its name, value (indicators) and judgement then and now, and the change."""

    name: str
    unit: str  # shown under the name (a unit other than %)
    then_value: str
    then_period: str
    then: Judgement | None  # None: not judged (a context indicator)
    now_value: str
    now_period: str
    now: Judgement | None
    change: str  # in words
    direction: str  # "better", "worse", "same" or ""


@dataclass(frozen=True)
class EditionsView:
    anchor: str
    title: str
    previous_name: str  # "Porsgrunn 2021"
    previous_href: str | None  # its report, when it is published in the same output
    previous_year: int
    year: int
    example: bool
    sentences: tuple[str, ...]
    goal_table: int
    goals: tuple[ChangeRow, ...]
    indicator_table: int
    indicators: tuple[ChangeRow, ...]
    new: tuple[str, ...]  # "name (goal N)"
    dropped: tuple[str, ...]
    new_sentence: str
    dropped_sentence: str


def plan_editions(changes: EditionChanges, language: Language, numbering: Numbering, href: str | None) -> EditionsView:
    t, previous, current = language.t, changes.previous, changes.current
    then_year, now_year = previous.year, current.year

    def judgement(status: str, trend: str) -> Judgement:
        return Judgement(status, t(f"status.{status}"), trend, t(f"trend.{trend}"))

    def change(direction: str) -> str:
        return t(f"changes.change_{direction or 'none'}")

    goal_rows = []
    for g in changes.goals:
        goal_rows.append(
            ChangeRow(
                f"{g.goal}. {t(f'goal.{g.goal}.short')}",
                "",
                "",
                "",
                judgement(g.then.status, g.then.trend) if g.then else None,
                "",
                "",
                judgement(g.now.status, g.now.trend) if g.now else None,
                change(g.direction),
                g.direction,
            )
        )
    indicator_rows = []
    for c in changes.indicators:
        unit = _text(c.now.unit, language)
        indicator_rows.append(
            ChangeRow(
                _text(c.now.name, language) or c.now.id,
                language.row_unit(unit),
                language.cell(c.then.value, c.then.decimals, unit),
                _period(c.then),
                judgement(c.then.status, c.then.trend) if c.then.judged else None,
                language.cell(c.now.value, c.now.decimals, unit),
                _period(c.now),
                judgement(c.now.status, c.now.trend) if c.now.judged else None,
                change(c.direction) if c.then.judged and c.now.judged else t("changes.change_context"),
                c.direction,
            )
        )
    goal_table = numbering.table() if goal_rows else 0
    indicator_table = numbering.table() if indicator_rows else 0
    sentences = [t(f"changes.provenance_{previous.route or 'manifest'}", year=then_year)]
    sentences += [s for s in (_summary(changes, "goals", language), _summary(changes, "indicators", language)) if s]
    new = tuple(_listed(s, language) for s in changes.new)
    dropped = tuple(_listed(s, language) for s in changes.dropped)
    return EditionsView(
        anchor=ANCHOR,
        title=t("changes.title"),
        previous_name=f"{previous.entity} {then_year}",
        previous_href=href,
        previous_year=then_year,
        year=now_year,
        example=previous.example,
        sentences=tuple(sentences),
        goal_table=goal_table,
        goals=tuple(goal_rows),
        indicator_table=indicator_table,
        indicators=tuple(indicator_rows),
        new=new,
        dropped=dropped,
        new_sentence=_count_sentence("new", len(new), then_year, language),
        dropped_sentence=_count_sentence("dropped", len(dropped), then_year, language),
    )


def _summary(changes: EditionChanges, of: str, language: Language) -> str:
    """ "Siden 2021 har 2 mål fått bedre status og 8 mål beholdt samme status." — only the counts that are not 0."""
    counts = [(d, changes.count(d, of)) for d in ("better", "worse", "same")]
    compared = sum(n for _, n in counts)
    if not compared:
        return ""
    if compared == counts[2][1]:
        one = "_one" if compared == 1 else ""
        return language.t(f"changes.{of}_all_same{one}", n=language.number(compared, 0), year=changes.previous.year)
    parts = [
        language.t(f"changes.{of}_{d}" + ("_one" if n == 1 else ""), n=language.number(n, 0)) for d, n in counts if n
    ]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {language.t('progress.and')} " + parts[-1]
    return language.t(f"changes.{of}_since", year=changes.previous.year, parts=joined)


def _count_sentence(kind: str, n: int, year: int, language: Language) -> str:
    if n == 0:
        return language.t(f"changes.{kind}_none", year=year)
    return language.t(f"changes.{kind}" + ("_one" if n == 1 else ""), n=language.number(n, 0), year=year)


def _listed(state: IndicatorState, language: Language) -> str:
    name = _text(state.name, language) or state.id
    unit = _text(state.unit, language)
    value = language.quantity(state.value, state.decimals, unit)
    return language.t("changes.listed", name=name, goal=state.goal, value=value, period=_period(state))


def _period(state: IndicatorState) -> str:
    return period_text(state.period_label or state.period) if state.period is not None else "–"


def _text(texts: dict[str, str], language: Language) -> str:
    """A text of the edition's catalogue in this language (a dropped indicator's may be in its languages only)."""
    return texts.get(language.code) or next(iter(texts.values()), "")
