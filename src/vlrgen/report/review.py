"""Plan a review of many members (the national VSR or a county review) in one language.

`plan_review` turns the members, the merged dataset and the survey into an immutable view:
goal-status shares, per indicator the distribution over members with the county or national
value (published, population-weighted or median, labelled), top and bottom performers, the
coverage matrix, survey summaries and one annex page per member. Templates only present it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from vlrgen import __version__, reference
from vlrgen.charts.comparison import ANSWER_COLOURS, NO_ANSWER_COLOUR, STATUS_COLOURS, ShareJob, StripJob
from vlrgen.charts.timeseries import band_edges
from vlrgen.inputs.config import Config
from vlrgen.inputs.content import Narrative, Section
from vlrgen.inputs.dataset import Dataset, Indicator
from vlrgen.inputs.i18n import Language
from vlrgen.inputs.members import Member, band_label
from vlrgen.inputs.structured import StructuredContent
from vlrgen.inputs.survey import GroupSummary, Question, SurveyData, summarise_question
from vlrgen.judge.aggregate import Aggregate, Coverage, Distribution, best_and_worst_indicators
from vlrgen.judge.assessment import ReviewAssessment
from vlrgen.judge.rules import IndicatorResult
from vlrgen.report.alttext import describe_shares, describe_strip
from vlrgen.report.describe import describe_goal_statuses, goal_status_labels, period_text
from vlrgen.report.palette import plan_palette
from vlrgen.report.review_editions import ReviewEditionsView, plan_review_editions
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

__all__ = ["GoalBlock", "IndicatorBlock", "MemberPage", "ReviewView", "SurveyBlock", "plan_review"]


@dataclass(frozen=True)
class IndicatorBlock:
    indicator: Indicator
    distribution: Distribution
    figure: Figure | None
    top: tuple[tuple[Member, float], ...]
    bottom: tuple[tuple[Member, float], ...]

    @property
    def ranking(self) -> tuple[tuple[tuple[Member, float] | None, tuple[Member, float] | None], ...]:
        """Rows of the best/weakest table: both lists side by side (None where one list is shorter), ties
        listed up to 12 rows."""
        longest, shortest = max(len(self.top), len(self.bottom)), min(len(self.top), len(self.bottom))
        rows = min(shortest, 12) if longest > 12 else longest
        return tuple(
            (self.top[i] if i < len(self.top) else None, self.bottom[i] if i < len(self.bottom) else None)
            for i in range(rows)
        )

    @property
    def top_tied(self) -> int:
        """How many members share the best places when ties make the list longer than three (else 0)."""
        return len(self.top) if len(self.top) > 3 else 0

    @property
    def bottom_tied(self) -> int:
        return len(self.bottom) if len(self.bottom) > 3 else 0

    @property
    def with_values(self) -> int:
        """Members with a value in the period shown."""
        return len(self.distribution.values)


@dataclass(frozen=True)
class GoalBlock:
    number: int
    colour: str
    short: str
    title: str
    shares: dict[str, int]
    indicators: tuple[IndicatorBlock, ...]
    narrative: Section | None = None  # the review's own goal-NN.md commentary
    narrative_state: str = "none"  # "ok", "untranslated" or "none"
    outdated: int = 0  # members whose colour for the goal rests on outdated figures alone


@dataclass(frozen=True)
class SurveyBlock:
    question: Question
    figures: tuple[Figure, ...]
    respondents: int


@dataclass(frozen=True)
class MemberPage:
    member: Member
    county: str
    band: str
    statuses: tuple[tuple[int, str, str], ...]  # (goal, status, label for a screen reader) for all 17 goals
    status_words: str  # the goals by status in words (the tiles show it in colour)
    best: tuple[IndicatorResult, ...]
    worst: tuple[IndicatorResult, ...]
    context: tuple[tuple[Indicator, float, str, Aggregate], ...]  # context indicators: value, period label, scope value
    assessed: int  # indicators with a status
    link: str | None


@dataclass(frozen=True)
class IndicatorCoverage:
    indicator: Indicator
    with_data: int  # members with at least one value
    first: int | None
    last: int | None


@dataclass(frozen=True)
class AnnexPart:
    """The member pages of one county. A review over several counties prints each part as its own PDF:
    WeasyPrint keeps every page of a document in memory, so 357 member pages in one PDF would need
    far more than a worker's budget, while the largest county needs about a seventh of it."""

    code: str  # county code
    name: str
    pages: tuple[MemberPage, ...]
    coverage: Coverage

    @property
    def stem(self) -> str:
        return f"members-{self.code}"

    @property
    def member_count(self) -> int:
        return len(self.pages)


@dataclass(frozen=True, kw_only=True)
class ReviewView(ReportView):
    """A county or national review: aggregates across members, survey, coverage and member summaries."""

    scope_name: str
    members: tuple[Member, ...]
    overview: Figure | None
    goals: tuple[GoalBlock, ...]
    survey: tuple[SurveyBlock, ...]
    survey_illustrative: bool
    survey_source: str
    coverage: Coverage
    without_data: tuple[Member, ...]
    members_with_data: int
    tables: dict[str, int]

    @property
    def member_count(self) -> int:
        return len(self.members)

    @property
    def without_data_count(self) -> int:
        return len(self.without_data)

    @property
    def annex_count(self) -> int:
        return len(self.annex_parts)

    highlights: tuple[str, ...] = ()
    coverage_summary: tuple[IndicatorCoverage, ...] = ()
    template: str = "review.html"
    period_labels: dict[tuple[str, int], str] = field(default_factory=dict)  # (indicator, period) → as published
    breakdowns: tuple[str, ...] = ()  # leave no one behind: each breakdown the members' data hold, worded
    editions: ReviewEditionsView | None = None  # changes since the previous review (report.previous)

    def period_of(self, indicator: str, period: object) -> str:
        """A period of an indicator as its source publishes it ("2023/24–2025/26", not the end year 2025)."""
        try:
            key = (indicator, int(str(period)))
        except ValueError:
            return period_text(period)
        return period_text(self.period_labels.get(key) or period)


def plan_review(
    config: Config,
    narrative: Narrative,
    dataset: Dataset,
    assessment: ReviewAssessment,
    language: Language,
    font_dir: Path,
    survey: SurveyData | None,
    links: dict[str, str],
    content: StructuredContent | None = None,
    previous_href: str | None = None,
) -> ReviewView:
    """Word and number the judged review in one language; nothing here judges."""
    lang = language.code
    scope = config.entity.code
    members = assessment.members
    narrative = fill_values(narrative, assessment.quoted, language)
    content = content or StructuredContent()
    scope_name = language.t("review.scope_nation") if scope == reference.NATION_CODE else reference.display_name(scope)
    if scope == reference.NATION_CODE:  # the nation is named in the report's language ("Norway", not "Norge")
        config = replace(config, entity=replace(config.entity, name=scope_name))
    numbering = Numbering()
    engagement = plan_engagement(content, language, numbering)  # the methodology chapter comes first
    goal_measures: dict[int, MeasuresView] = {}
    indicators = sorted(dataset.indicators.values(), key=lambda i: (i.goal, i.id))
    shares = assessment.shares
    overview = _overview_figure(numbering, shares, language, font_dir, len(members)) if assessment.spreads else None
    survey_blocks = _survey_blocks(numbering, survey, members, language, font_dir, scope)  # before progress, as read
    goals = []
    outdated = Counter(r.goal for r in assessment.goal_rows if r.outdated and r.result.status != "grey")
    for number, spreads in assessment.spreads.items():
        blocks = []
        for spread in spreads:
            dist = spread.distribution
            figure = (
                _strip_figure(
                    numbering, dist, scope_name, spread.nation, language, font_dir, scope == reference.NATION_CODE
                )
                if dist.values
                else None
            )
            blocks.append(IndicatorBlock(spread.indicator, dist, figure, spread.top, spread.bottom))
        if measures := plan_goal_measures(content, number, language, numbering):
            goal_measures[number] = measures
        goal = reference.goals()[number]
        key = f"goal-{number:02d}"
        text = narrative.get(key, lang)
        state = "ok" if text else ("untranslated" if narrative.languages_with(key) else "none")
        goals.append(
            GoalBlock(
                number,
                goal.colour,
                language.t(f"goal.{number}.short"),
                language.t(f"goal.{number}.title"),
                shares[number],
                tuple(blocks),
                text,
                state,
                outdated[number],
            )
        )
    changes = assessment.changes
    editions = plan_review_editions(changes, language, numbering, previous_href) if changes else None
    matrix = assessment.coverage
    scope_values = assessment.distributions
    labels = goal_status_labels(language)
    pages = tuple(
        _member_page(
            m,
            assessment.results_of.get(m.code, ()),
            assessment.status_of.get(m.code, {}),
            scope_values,
            language,
            links,
            labels,
        )
        for m in members
    )
    without = assessment.without_data
    tables = {"coverage_summary": numbering.table(), "coverage": numbering.table(), "aggregates": numbering.table()}
    structured = plan_structured(
        content, language, numbering, tuple(g.number for g in goals), engagement, goal_measures
    )
    sections = section_views(narrative, language)
    figures = ([overview] if overview else []) + [b.figure for g in goals for b in g.indicators if b.figure]
    annex_parts = [
        ("review-coverage", language.t("review.coverage_title")),
        ("review-aggregates", language.t("review.aggregates_title")),
        ("members", language.t("review.members_title")),
        ("review-sources", language.t("ui.sources")),
    ]
    extra = structured_parts(structured, language)
    parts = {
        "methodology": extra["methodology"],
        "policy_environment": [("survey", language.t("review.survey_title"))] if survey_blocks else [],
        "progress": [(f"goal-{g.number}", f"{g.number}. {g.short}") for g in goals]
        + ([(editions.anchor, editions.title)] if editions else []),
        "annexes": annex_parts[:-1] + extra["annexes"] + annex_parts[-1:],
    }
    kind = config.entity.kind
    return ReviewView(
        config=config,
        language=language,
        sections=sections,
        contents=plan_contents(sections, parts),
        cover=plan_cover(
            config,
            language,
            language.t(f"review.title_{kind}"),
            language.t(f"review.cover_{kind}", name=config.entity.name),
            language.t("review.subtitle", n=language.number(len(members), 0), scope=scope_name),
            __version__,
        ),
        figures=tuple(figures) + tuple(f for b in survey_blocks for f in b.figures),
        scope_name=scope_name,
        members=members,
        overview=overview,
        goals=tuple(goals),
        survey=survey_blocks,
        survey_illustrative=bool(survey and survey.illustrative),
        survey_source=survey.source if survey else "",
        coverage=matrix,
        member_pages=pages,
        without_data=without,
        members_with_data=len(members) - len(without),
        sources=cited_sources(tuple(indicators), lang),
        tables=tables,
        version=__version__,
        palette=plan_palette(config.accent),
        highlights=_highlights(shares, survey_blocks, survey, members, language),
        coverage_summary=_coverage_summary(matrix),
        annex_parts=_annex_parts(pages, matrix),
        period_labels={(o.indicator, o.period): o.period_label for o in dataset.observations if o.period_label},
        breakdowns=tuple(
            language.t(
                "breakdown.review_item",
                title=language.t("breakdown.title", indicator=i.name[lang], by=language.t(f"breakdown.by.{dimension}")),
                n=language.number(n, 0),
                members=language.number(len(members), 0),
            )
            for i, dimension, n in assessment.breakdowns
        ),
        structured=structured,
        editions=editions,
        frameworks=plan_frameworks([b.indicator for g in goals for b in g.indicators if b.distribution.values], lang),
    )


def _coverage_summary(matrix: Coverage) -> tuple[IndicatorCoverage, ...]:
    found = []
    for column, indicator in enumerate(matrix.indicators):
        cells = [c for _, row in matrix.rows if (c := row[column]) is not None]
        found.append(
            IndicatorCoverage(
                indicator,
                len(cells),
                min((c[0] for c in cells), default=None),
                max((c[1] for c in cells), default=None),
            )
        )
    return tuple(found)


def _annex_parts(pages: tuple[MemberPage, ...], matrix: Coverage) -> tuple[AnnexPart, ...]:
    """One part per county, in county-code order, when the members span more than one county."""
    counties = sorted({p.member.county_code for p in pages})
    if len(counties) < 2:
        return ()
    rows = {m.code: cells for m, cells in matrix.rows}
    parts = []
    for code in counties:
        own = tuple(p for p in pages if p.member.county_code == code)
        name = reference.display_name(code) if code else "–"
        parts.append(
            AnnexPart(
                code or "00",
                name,
                own,
                Coverage(matrix.indicators, tuple((p.member, rows[p.member.code]) for p in own)),
            )
        )
    return tuple(parts)


def _highlights(
    shares: dict[int, dict[str, int]],
    blocks: tuple[SurveyBlock, ...],
    survey: SurveyData | None,
    members: tuple[Member, ...],
    language: Language,
) -> tuple[str, ...]:
    """Generated findings: where most assessed municipalities are green or red, and each survey question's
    most common answer, every figure with its base."""
    lang, found = language.code, []
    assessed = {n: sum(c[s] for s in ("green", "yellow", "orange", "red")) for n, c in shares.items()}
    ranked = [n for n in shares if assessed[n]]
    for status in ("green", "red"):
        if ranked:
            best = max(ranked, key=lambda n: (shares[n][status] / assessed[n], -n))
            if shares[best][status]:
                found.append(
                    language.t(
                        f"review.highlight_{status}",
                        goal=best,
                        name=language.t(f"goal.{best}.short"),
                        n=language.number(shares[best][status], 0),
                        assessed=language.number(assessed[best], 0),
                    )
                )
    if not ranked:
        found.append(language.t("review.highlight_none"))
    if survey is None:
        return tuple(found)
    for block in blocks:
        answers = [survey.answers[m.code].get(block.question.column, "") for m in members if m.code in survey.answers]
        counts = [sum(1 for given in answers if given == a) for a in block.question.answers]
        highest = max(counts, default=0)
        if answers and highest:
            most = [block.question.labels[lang][i] for i, c in enumerate(counts) if c == highest]
            answer = f" {language.t('progress.and')} ".join(f"«{a}»" for a in most)  # a tie names every answer
            key = "review.highlight_survey" if len(most) == 1 else "review.highlight_survey_tie"
            sentence = language.t(
                key,
                question=block.question.text[lang],
                answer=answer,
                n=language.number(highest, 0),
                surveyed=language.number(len(answers), 0),
            )
            found.append(sentence + (" " + language.t("review.illustrative") if survey.illustrative else ""))
    return tuple(found)


def _overview_figure(
    numbering: Numbering, shares: dict[int, dict[str, int]], language: Language, font_dir: Path, total: int
) -> Figure:
    statuses = ("green", "yellow", "orange", "red", "grey")
    rows = tuple((f"{n}. {language.t(f'goal.{n}.short')}", tuple(shares[n][s] for s in statuses)) for n in shares)
    labels = tuple(language.t(f"status.{s}") for s in statuses)
    job = ShareJob(
        f"fig-{numbering.figures + 1:02d}-goal-shares",
        language.code,
        str(font_dir),
        rows,
        labels,
        tuple(STATUS_COLOURS[s] for s in statuses),
        language.t("review.share_of_members"),
        locale=language.locale,
    )
    number = numbering.figure()
    columns = (language.t("review.goal"),) + labels
    table_rows = tuple((label,) + tuple(language.number(c, 0) for c in counts) for label, counts in rows)
    caption = language.t("review.shares_caption", members=language.number(total, 0))
    description = describe_shares(job, language, language.t("alt.shares_goals"))
    return Figure(number, job.name, caption, description, job, columns, table_rows)


def _strip_figure(
    numbering: Numbering,
    dist: Distribution,
    scope_name: str,
    nation: Aggregate | None,
    language: Language,
    font_dir: Path,
    national_scope: bool,
) -> Figure:
    """The members' spread, with the scope's value (and, in a county review, the national value) marked."""
    indicator, lang = dist.indicator, language.code
    markers = []
    for name, aggregate, role in (
        (scope_name, dist.aggregate, "nation" if national_scope else "county"),
        (language.t("place.nation"), nation, "nation"),
    ):
        if aggregate is not None and aggregate.value is not None:
            how = language.t(f"review.method_{aggregate.how}")
            markers.append((f"{name} ({how})", aggregate.value, role))
    number = numbering.figure()
    job = StripJob(
        f"fig-{number:02d}-{indicator.id}-spread",
        lang,
        str(font_dir),
        indicator.unit[lang],
        indicator.decimals,
        reference.goals()[indicator.goal].colour,
        tuple(v for _, v in dist.values),
        markers=tuple(markers),
        bands=band_edges(indicator),
        locale=language.locale,
    )
    caption = language.t(
        "review.strip_caption",
        indicator=indicator.name[lang],
        unit=indicator.unit[lang],
        period=period_text(dist.label),
        n=language.number(len(dist.values), 0),
        members=language.number(len(dist.values) + len(dist.missing), 0),
    )
    columns = (language.t("review.municipality"), language.t("kpi.value"))
    rows = tuple((m.name, language.cell(v, indicator.decimals, indicator.unit[lang])) for m, v in dist.values)
    description = describe_strip(job, indicator, language, dist.label)
    return Figure(number, job.name, caption, description, job, columns, rows, indicator)


def _survey_blocks(
    numbering: Numbering,
    survey: SurveyData | None,
    members: tuple[Member, ...],
    language: Language,
    font_dir: Path,
    scope: str,
) -> tuple[SurveyBlock, ...]:
    if survey is None:
        return ()
    groupings = [("band", lambda m: m.band, lambda b: band_label(b, language))]
    if scope == reference.NATION_CODE:
        groupings.insert(0, ("county", lambda m: m.county_code, reference.display_name))
    blocks = []
    for index, question in enumerate(survey.questions, start=1):
        figures = []
        for kind, group_of, label_of in groupings:
            summaries = summarise_question(survey, question, members, group_of, label_of)
            if any(s.surveyed for s in summaries):  # no member surveyed: reported when the survey was read
                figures.append(
                    _survey_figure(numbering, index, question, kind, summaries, language, font_dir, survey.illustrative)
                )
        respondents = sum(1 for m in members if m.code in survey.answers)
        blocks.append(SurveyBlock(question, tuple(figures), respondents))
    return tuple(blocks)


def _survey_figure(
    numbering: Numbering,
    index: int,
    question: Question,
    kind: str,
    summaries: tuple[GroupSummary, ...],
    language: Language,
    font_dir: Path,
    illustrative: bool,
) -> Figure:
    lang = language.code
    categories = question.labels[lang] + (language.t("review.no_answer"),)
    colours = ANSWER_COLOURS[: len(question.answers)] + (NO_ANSWER_COLOUR,)
    number = numbering.figure()
    job = ShareJob(
        f"fig-{number:02d}-survey-q{index}-{kind}",
        lang,
        str(font_dir),
        tuple((f"{s.label} (n = {s.surveyed})", s.counts) for s in summaries if s.surveyed),
        categories,
        colours,
        language.t("review.share_of_respondents"),
        locale=language.locale,
    )
    caption = language.t(f"review.survey_caption_{kind}", question=question.text[lang])
    if illustrative:
        caption += " " + language.t("review.illustrative")
    columns = (
        language.t(f"review.group_{kind}"),
        language.t("review.members"),
        language.t("review.surveyed"),
    ) + categories
    rows = tuple(
        (s.label, language.number(s.members, 0), language.number(s.surveyed, 0))
        + tuple(language.number(c, 0) for c in s.counts)
        for s in summaries
    )
    description = describe_shares(job, language, language.t("alt.shares_survey"))
    return Figure(number, job.name, caption, description, job, columns, rows)


def _member_page(
    member: Member,
    own: tuple[IndicatorResult, ...],
    status: dict[int, str],
    scope_values: dict[str, Distribution],
    language: Language,
    links: dict[str, str],
    labels: dict[tuple[int, str], str],
) -> MemberPage:
    statuses = tuple((n, s, labels[n, s]) for n in reference.goals() for s in [status.get(n, "grey")])
    best, worst = best_and_worst_indicators(own)
    context = []
    for result in own:
        if result.indicator.direction == "none" and result.value is not None:
            dist = scope_values.get(result.indicator.id)
            if dist is not None:
                context.append((result.indicator, result.value, str(result.period), dist.aggregate))
    county = reference.display_name(member.county_code) if member.county_code else ""
    return MemberPage(
        member,
        county,
        band_label(member.band, language),
        statuses,
        describe_goal_statuses(status, language),
        tuple(best),
        tuple(worst),
        tuple(context),
        sum(r.score is not None for r in own),
        links.get(member.code),
    )


__all__ += ["AnnexPart", "Figure", "GoalBlock", "IndicatorBlock", "IndicatorCoverage", "MemberPage", "SurveyBlock"]
