"""Plan the structured content in one language: case boxes, measures tables, the engagement log.

Shared by municipal and review reports. Tables are numbered in reading order: the engagement log
(methodology) before the goals, a goal's measures after its other tables, the annex tables last.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from babel.dates import format_date

from vlrgen.inputs.i18n import Language
from vlrgen.inputs.structured import Case, StructuredContent
from vlrgen.report.views import Numbering

__all__ = [
    "CaseView",
    "EngagementView",
    "MeasuresView",
    "StructuredView",
    "plan_engagement",
    "plan_goal_measures",
    "plan_structured",
    "structured_parts",
]


LONG_TABLE_ROWS = 12  # a table with more rows may break across pages (.table-long in report.css)


@dataclass(frozen=True)
class CaseView:
    anchor: str
    title: str
    text: str  # sanitised HTML, "" when there is none in this language
    result: str
    untranslated: bool  # the text exists in another language only
    goals: tuple[tuple[int, str], ...]  # (number, short name)
    targets: tuple[tuple[str, str], ...]  # (code, text)
    partners: tuple[str, ...]
    period: str
    contact: str
    image_src: str | None
    image_alt: str
    example: bool
    home: int | None  # the goal whose chapter shows the box; None: the annex shows it


@dataclass(frozen=True)
class MeasuresView:
    number: int  # table number
    caption: str
    rows: tuple[tuple[str, str, tuple[tuple[str, str], ...], str, str], ...]  # plan, measure, targets, who, budget

    @property
    def long(self) -> bool:
        """More rows than fit beside the caption on one page: the table may break across pages."""
        return len(self.rows) > LONG_TABLE_ROWS


@dataclass(frozen=True)
class EngagementView:
    number: int
    rows: tuple[tuple[str, str, str, str], ...]  # date, who, how, what
    example: bool

    @property
    def long(self) -> bool:
        """More rows than fit beside the caption on one page: the table may break across pages."""
        return len(self.rows) > LONG_TABLE_ROWS


@dataclass(frozen=True)
class StructuredView:
    cases: tuple[CaseView, ...] = ()
    goal_measures: dict[int, MeasuresView] | None = None
    measures: MeasuresView | None = None  # the annex: every measure
    measures_summary: str = ""  # "23 tiltak følger opp 14 delmål."
    measures_example: bool = False
    engagement: EngagementView | None = None

    def cases_of(self, goal: int) -> tuple[CaseView, ...]:
        """The cases listing this goal: boxes for those at home here, references for the others."""
        return tuple(c for c in self.cases if goal in (n for n, _ in c.goals))

    def measures_of(self, goal: int) -> MeasuresView | None:
        return (self.goal_measures or {}).get(goal)

    def shows(self, key: str) -> bool:
        """Whether anything is shown in the section `key` (highlights, methodology, annexes)."""
        if key == "highlights":
            return bool(self.cases or self.measures_summary)
        if key == "methodology":
            return self.engagement is not None
        return key == "annexes" and bool(self.cases or self.measures)

    def shows_goal(self, goal: int) -> bool:
        return bool(self.cases_of(goal) or self.measures_of(goal))

    @property
    def in_annex(self) -> tuple[CaseView, ...]:
        return tuple(c for c in self.cases if c.home is None)


def plan_engagement(content: StructuredContent, language: Language, numbering: Numbering) -> EngagementView | None:
    if not content.engagement:
        return None
    lang = language.code
    rows = tuple(
        (_date(e.date, language), e.who.get(lang, "–"), e.how.get(lang, "–"), e.what.get(lang, ""))
        for e in sorted(content.engagement, key=lambda e: e.date)
    )
    return EngagementView(numbering.table(), rows, content.engagement_example)


def plan_goal_measures(
    content: StructuredContent, goal: int, language: Language, numbering: Numbering
) -> MeasuresView | None:
    measures = [m for m in content.measures if goal in m.goals]
    if not measures:
        return None
    caption = language.t("measures.goal_caption", goal=goal, name=language.t(f"goal.{goal}.short"))
    return _measures_view(measures, numbering.table(), caption, language, goal)


def plan_structured(
    content: StructuredContent,
    language: Language,
    numbering: Numbering,
    goals_shown: tuple[int, ...],
    engagement: EngagementView | None,
    goal_measures: dict[int, MeasuresView],
) -> StructuredView:
    """Everything else, once the goals are numbered: the cases and the annex table of all measures."""
    cases = tuple(_case_view(c, language, goals_shown) for c in content.cases)
    measures = None
    summary = ""
    if content.measures:
        measures = _measures_view(
            list(content.measures), numbering.table(), language.t("measures.annex_caption"), language, None
        )
        targets = {t for m in content.measures for t in m.targets}
        n, k = len(content.measures), len(targets)
        summary = language.t(
            "measures.summary_one" if n == 1 else "measures.summary",
            n=language.number(n, 0),
            targets=language.t("measures.targets_one" if k == 1 else "measures.targets", n=language.number(k, 0)),
        )
    return StructuredView(cases, goal_measures, measures, summary, content.measures_example, engagement)


def structured_parts(view: StructuredView, language: Language) -> dict[str, list[tuple[str, str]]]:
    """Lines for the table of contents: the engagement log and the annexes."""
    parts: dict[str, list[tuple[str, str]]] = {"methodology": [], "annexes": []}
    if view.engagement:
        parts["methodology"].append(("engagement", language.t("engagement.title")))
    if view.cases:
        parts["annexes"].append(("annex-cases", language.t("cases.annex_title")))
    if view.measures:
        parts["annexes"].append(("annex-measures", language.t("measures.annex_title")))
    return parts


def _case_view(case: Case, language: Language, goals_shown: tuple[int, ...]) -> CaseView:
    lang = language.code
    text, result = case.text.get(lang, ""), case.result.get(lang, "")
    return CaseView(
        anchor=f"case-{case.id}",
        title=case.title.get(lang, case.id),
        text=text,
        result=result,
        untranslated=not (text or result) and bool(case.text or case.result),
        goals=tuple((g, language.t(f"goal.{g}.short")) for g in case.goals),
        targets=tuple((t, language.target_title(t)) for t in case.targets),
        partners=case.partners,
        period=case.period,
        contact=case.contact,
        image_src=f"../media/{case.image[1]}" if case.image else None,
        image_alt=case.image_alt.get(lang, ""),
        example=case.example,
        home=next((g for g in case.goals if g in goals_shown), None),
    )


def _measures_view(measures, number: int, caption: str, language: Language, goal: int | None) -> MeasuresView:
    lang = language.code
    rows = []
    for m in sorted(measures, key=lambda m: (m.plan.get(lang, ""), m.measure.get(lang, ""))):
        targets = tuple(
            (t, language.target_title(t)) for t in m.targets if goal is None or int(t.split(".")[0]) == goal
        )
        budget = language.t("measures.budget_value", amount=language.number(m.budget, 0)) if m.budget else "–"
        rows.append((m.plan.get(lang, "–"), m.measure.get(lang, "–"), targets, m.responsible.get(lang, "–"), budget))
    return MeasuresView(number, caption, tuple(rows))


def _date(text: str, language: Language) -> str:
    """2025-03-12 → «12. mars 2025» / «12 March 2025»; a month or a year alone as written out too."""
    parts = [int(p) for p in text.split("-")]
    locale = language.number_locale
    if len(parts) == 3:
        return format_date(datetime.date(*parts), format="long", locale=locale)
    if len(parts) == 2:
        return format_date(datetime.date(parts[0], parts[1], 1), format="LLLL y", locale=locale)
    return str(parts[0])
