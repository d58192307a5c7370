"""One assessment per project: every judgement a report shows, computed once and without words.

`assess_project` runs the rules over a gathered project exactly once per build, whatever the
number of report languages: statuses, scores, trends and target progress for the entity (or for
every member of a review), goal colours, comparisons with the county, the nation and peers, and a
review's aggregates across members. Planning per language only words and formats the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vlrgen import reference
from vlrgen.inputs.config import Config
from vlrgen.inputs.dataset import Dataset, Indicator, Observation
from vlrgen.inputs.editions import EditionSnapshot, PreviousEdition, ReviewSnapshot
from vlrgen.inputs.members import Member, make_member, scope_members
from vlrgen.inputs.project import Project
from vlrgen.judge.aggregate import (
    Aggregate,
    Coverage,
    Distribution,
    aggregate_indicator,
    coverage,
    distribution,
    goal_shares,
    top_and_bottom,
)
from vlrgen.judge.breakdowns import Breakdown, breakdown_coverage, breakdowns_of
from vlrgen.judge.compare import Comparison, compare_entity
from vlrgen.judge.editions import (
    EditionChanges,
    ReviewChanges,
    as_of,
    compare_editions,
    compare_reviews,
    previous_snapshot,
    review_snapshot_of,
    snapshot_of,
    with_labels,
)
from vlrgen.judge.rules import (
    GoalRow,
    IndicatorResult,
    KpiSummary,
    Timeliness,
    assess_dataset,
    assess_indicator,
    summarise_entity,
    summarise_indicator,
)

__all__ = ["Assessment", "EntityAssessment", "IndicatorSpread", "QuotedValue", "ReviewAssessment", "assess_project"]


@dataclass(frozen=True)
class QuotedValue:
    """An indicator the narrative quotes ({{< value … >}}), for the report's own entity: the figures of
    its KPI table row, its judgement and the value the period under review starts from."""

    summary: KpiSummary
    result: IndicatorResult
    base: Observation | None  # the first value from the base year on (the first of all when none is)


@dataclass(frozen=True)
class EntityAssessment:
    """A municipality's (or a county's) own indicators, judged."""

    county: str | None  # the county it is compared with (a municipality's), else None
    summaries: dict[int, tuple[KpiSummary, ...]]  # by goal, for every goal where the entity has data
    results: tuple[IndicatorResult, ...]
    goal_rows: tuple[GoalRow, ...]
    comparisons: dict[str, Comparison]  # by indicator id (municipalities only)
    quoted: dict[str, QuotedValue] = field(default_factory=dict)  # by indicator id
    snapshot: EditionSnapshot | None = None  # this edition's judgement, recorded in manifest.json
    changes: EditionChanges | None = None  # since the previous edition (report.previous)
    breakdowns: dict[str, tuple[Breakdown, ...]] = field(default_factory=dict)  # by indicator id, those with any

    def result(self, indicator: str) -> IndicatorResult:
        return next(r for r in self.results if r.indicator.id == indicator)

    def goal_row(self, goal: int) -> GoalRow | None:
        return next((g for g in self.goal_rows if g.goal == goal), None)


@dataclass(frozen=True)
class IndicatorSpread:
    """One indicator across a review's members: distribution, the scope's value, top and bottom."""

    indicator: Indicator
    distribution: Distribution
    nation: Aggregate | None  # a county review also marks the national value
    top: tuple[tuple[Member, float], ...]
    bottom: tuple[tuple[Member, float], ...]


@dataclass(frozen=True)
class ReviewAssessment:
    """A county or national review: every member judged, and the aggregates across them."""

    members: tuple[Member, ...]
    results: tuple[IndicatorResult, ...]
    goal_rows: tuple[GoalRow, ...]
    shares: dict[int, dict[str, int]]  # goal → number of members per status
    spreads: dict[int, tuple[IndicatorSpread, ...]]  # goal → its indicators, for goals with indicators
    coverage: Coverage
    results_of: dict[str, tuple[IndicatorResult, ...]]  # member code → its results
    status_of: dict[str, dict[int, str]]  # member code → goal → status
    without_data: tuple[Member, ...]
    quoted: dict[str, QuotedValue] = field(default_factory=dict)  # the scope's own values, by indicator id
    breakdowns: tuple[tuple[Indicator, str, int], ...] = ()  # (indicator, dimension, members that have it)
    snapshot: ReviewSnapshot | None = None  # this edition's judgement, recorded in manifest.json
    changes: ReviewChanges | None = None  # since the previous edition (report.previous)

    @property
    def distributions(self) -> dict[str, Distribution]:
        return {s.indicator.id: s.distribution for spreads in self.spreads.values() for s in spreads}


@dataclass(frozen=True)
class Assessment:
    """Everything judged about one project; exactly one of `entity` and `review` is set."""

    base_year: int
    entity: EntityAssessment | None = None
    review: ReviewAssessment | None = None


def assess_project(project: Project) -> Assessment:
    config = project.config
    if config.is_review:
        return Assessment(config.base_year, review=_assess_review(project))
    return Assessment(config.base_year, entity=_assess_entity(project))


def _assess_entity(project: Project) -> EntityAssessment:
    config, dataset = project.config, project.dataset
    entity = config.entity
    county = entity.county_code if entity.kind == "municipality" else None
    by_goal = summarise_entity(dataset, entity.code, county, reference.NATION_CODE)
    counties = {entity.code: entity.county_code or entity.code}
    timeliness = Timeliness(config.year, config.outdated_after)
    results, goal_rows = assess_dataset(
        dataset.for_entities({entity.code}), config.base_year, [entity.code], counties, timeliness
    )
    comparisons = compare_entity(dataset, entity.code, config.year) if entity.kind == "municipality" else {}
    summaries = {goal: tuple(found) for goal, found in sorted(by_goal.items())}
    quoted = _quoted_values(project, county)
    shown = {s.indicator.id for found in summaries.values() for s in found if s.latest is not None}
    breakdowns = {
        i: found for i in sorted(shown) if (found := breakdowns_of(dataset, dataset.indicators[i], entity.code))
    }
    snapshot = with_labels(snapshot_of(config, tuple(results), tuple(goal_rows)), dataset)
    previous = previous_snapshot(project.previous) if project.previous else None
    changes = compare_editions(previous, snapshot) if isinstance(previous, EditionSnapshot) else None
    return EntityAssessment(
        county, summaries, tuple(results), tuple(goal_rows), comparisons, quoted, snapshot, changes, breakdowns
    )


def _quoted_values(project: Project, county: str | None) -> dict[str, QuotedValue]:
    """The values the narrative quotes, judged like the KPI table's rows (a review: its scope's own values)."""
    config, dataset = project.config, project.dataset
    ids = {c.indicator for s in project.narrative.sections.values() for c in s.shortcodes}
    quoted = {}
    for indicator in (dataset.indicators[i] for i in sorted(ids) if i in dataset.indicators):
        summary = summarise_indicator(dataset, indicator, config.entity.code, county, reference.NATION_CODE)
        result = assess_indicator(config.entity.code, indicator, summary.series, config.base_year)
        since = [o for o in summary.series if o.period >= config.base_year] or list(summary.series)
        quoted[indicator.id] = QuotedValue(summary, result, since[0] if since else None)
    return quoted


def _assess_review(project: Project) -> ReviewAssessment:
    config, dataset, members = project.config, project.dataset, project.members
    codes = [m.code for m in members]
    results, goal_rows, spreads = _judge_members(config, dataset, members)
    matrix = coverage(dataset, sorted(dataset.indicators.values(), key=lambda i: (i.goal, i.id)), members)
    results_of: dict[str, list[IndicatorResult]] = {}
    for result in results:
        results_of.setdefault(result.entity, []).append(result)
    status_of: dict[str, dict[int, str]] = {}
    for row in goal_rows:
        status_of.setdefault(row.entity, {})[row.goal] = row.result.status
    shares = goal_shares(goal_rows, members, sorted(spreads))
    distributions = {s.indicator.id: s.distribution for found in spreads.values() for s in found}
    snapshot = review_snapshot_of(config, members, goal_rows, shares, distributions)
    previous = _previous_review(project.previous) if project.previous else None
    return ReviewAssessment(
        members=members,
        results=results,
        goal_rows=goal_rows,
        shares=shares,
        spreads=spreads,
        coverage=matrix,
        results_of={code: tuple(found) for code, found in results_of.items()},
        status_of=status_of,
        without_data=tuple(m for m, cells in matrix.rows if not any(cells)),
        quoted=_quoted_values(project, None),
        breakdowns=breakdown_coverage(dataset, codes),
        snapshot=snapshot,
        changes=compare_reviews(previous, snapshot) if previous else None,
    )


def _judge_members(
    config: Config, dataset: Dataset, members: tuple[Member, ...], nation: bool = True
) -> tuple[tuple[IndicatorResult, ...], tuple[GoalRow, ...], dict[int, tuple[IndicatorSpread, ...]]]:
    """Every member judged, and per goal each indicator's spread over the members (with the national value
    beside a county's when `nation`)."""
    scope = config.entity.code
    codes = [m.code for m in members]
    counties = {m.code: reference.known_place(m.code).county_code for m in members}
    timeliness = Timeliness(config.year, config.outdated_after)
    results, goal_rows = assess_dataset(dataset.for_entities(set(codes)), config.base_year, codes, counties, timeliness)
    indicators = sorted(dataset.indicators.values(), key=lambda i: (i.goal, i.id))
    nation_members = (
        tuple(make_member(c, config.year) for c in scope_members(reference.NATION_CODE))
        if nation and scope != reference.NATION_CODE
        else ()
    )
    spreads: dict[int, tuple[IndicatorSpread, ...]] = {}
    for number in sorted({i.goal for i in indicators}):
        found = []
        for indicator in (i for i in indicators if i.goal == number):
            dist = distribution(dataset, indicator, members, scope)
            national = None
            if nation_members and dist.values:
                national = aggregate_indicator(dataset, indicator, nation_members, dist.period, reference.NATION_CODE)
            top, bottom = top_and_bottom(dist)
            found.append(IndicatorSpread(indicator, dist, national, top, bottom))
        spreads[number] = tuple(found)
    return tuple(results), tuple(goal_rows), spreads


def _previous_review(previous: PreviousEdition) -> ReviewSnapshot | None:
    """The previous review's snapshot: as its manifest recorded it, or its project folder's members judged
    again now with the same rules as this review, on the data its report year could know (judge/editions.py)."""
    if isinstance(previous.snapshot, ReviewSnapshot):
        return previous.snapshot
    config, dataset = previous.config, previous.dataset
    if config is None or dataset is None or not previous.members:
        return None
    then = as_of(dataset, config.year)
    _, goal_rows, spreads = _judge_members(config, then, previous.members, nation=False)
    shares = goal_shares(goal_rows, previous.members, sorted(spreads))
    distributions = {s.indicator.id: s.distribution for found in spreads.values() for s in found}
    return review_snapshot_of(config, previous.members, goal_rows, shares, distributions, "folder")
