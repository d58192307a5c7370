"""Editions: an edition's judgement as a snapshot, and what changed since the previous edition.

A previous edition named by its project folder is judged again here with today's rules from its own
data, cut at its report year: values for later periods are left out, so it says what that review
could know. One named by a built manifest brings its snapshot along (inputs/editions.py).

A review of many members compares differently (`compare_reviews`): per goal how the members' statuses
moved, which members' goal colours changed, which members joined or left, which indicators are new or
dropped, and for each indicator in both how the scope's own value (the county's or the nation's)
changed. Its previous project folder is judged again by judge/assessment.py, with the same rules as
the review itself, on data cut here (`as_of`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from vlrgen.inputs.config import Config
from vlrgen.inputs.dataset import Dataset
from vlrgen.inputs.editions import (
    STATUSES,
    EditionSnapshot,
    GoalState,
    IndicatorState,
    PreviousEdition,
    ReviewIndicator,
    ReviewSnapshot,
)
from vlrgen.inputs.members import Member
from vlrgen.judge.aggregate import Distribution
from vlrgen.judge.rules import GoalRow, IndicatorResult, Timeliness, assess_dataset, thresholds_of

__all__ = [
    "EditionChanges",
    "GoalChange",
    "IndicatorChange",
    "MemberChange",
    "ReviewChanges",
    "ReviewGoalChange",
    "ReviewIndicatorChange",
    "as_of",
    "compare_editions",
    "compare_reviews",
    "previous_snapshot",
    "review_snapshot_of",
    "snapshot_of",
    "with_labels",
]

RANK = {"green": 0, "yellow": 1, "orange": 2, "red": 3}  # grey: not judged, so not compared


@dataclass(frozen=True)
class IndicatorChange:
    """An indicator reported in both editions."""

    then: IndicatorState
    now: IndicatorState
    direction: str  # "better", "worse", "same", or "" when either status is not judged


@dataclass(frozen=True)
class GoalChange:
    goal: int
    then: GoalState | None
    now: GoalState | None
    direction: str


@dataclass(frozen=True)
class EditionChanges:
    previous: EditionSnapshot
    current: EditionSnapshot
    goals: tuple[GoalChange, ...]  # every goal with a status in either edition, by number
    indicators: tuple[IndicatorChange, ...]  # in both editions, by goal and id
    new: tuple[IndicatorState, ...]  # with a value now, none in the previous edition
    dropped: tuple[IndicatorState, ...]  # with a value in the previous edition, none now

    def count(self, direction: str, of: str = "goals") -> int:
        return sum(1 for c in (self.goals if of == "goals" else self.indicators) if c.direction == direction)


def snapshot_of(
    config: Config, results: tuple[IndicatorResult, ...], goal_rows: tuple[GoalRow, ...], route: str = ""
) -> EditionSnapshot:
    """An edition's judgement of its own entity: every indicator with a value, every goal with a row."""
    indicators = {}
    for r in results:
        if r.entity != config.entity.code or r.value is None:
            continue
        i = r.indicator
        indicators[i.id] = IndicatorState(
            i.id,
            i.goal,
            dict(i.name),
            dict(i.unit),
            i.decimals,
            r.method == "sdsn",
            r.status,
            r.trend,
            r.value,
            r.period,
            "",
        )
    goals = {g.goal: GoalState(g.goal, g.result.status, g.trend) for g in goal_rows if g.entity == config.entity.code}
    return EditionSnapshot(
        config.slug,
        config.entity.name,
        config.entity.code,
        config.year,
        config.base_year,
        indicators,
        goals,
        config.languages,
        config.example,
        route,
    )


def with_labels(snapshot: EditionSnapshot, dataset: Dataset) -> EditionSnapshot:
    """The published period text (`2018–2024`) of each latest value, as the data has it."""
    states = {}
    for key, s in snapshot.indicators.items():
        found = next((o for o in dataset.series(key, snapshot.code) if o.period == s.period), None)
        label = found.period_label if found else ""
        states[key] = replace(s, period_label=label)
    return replace(snapshot, indicators=states)


def previous_snapshot(previous: PreviousEdition) -> EditionSnapshot | None:
    """The previous edition's snapshot: as its manifest recorded it, or judged now from its project folder."""
    if previous.snapshot is not None:
        return previous.snapshot if isinstance(previous.snapshot, EditionSnapshot) else None
    config, dataset = previous.config, previous.dataset
    if config is None or dataset is None:
        return None
    code = config.entity.code
    then = as_of(dataset, config.year, {code})
    counties = {code: config.entity.county_code or code}
    results, rows = assess_dataset(
        then, config.base_year, [code], counties, Timeliness(config.year, config.outdated_after)
    )
    return with_labels(snapshot_of(config, tuple(results), tuple(rows), "folder"), then)


def as_of(dataset: Dataset, year: int, entities: set[str] | None = None) -> Dataset:
    """The data as an edition for `year` could know it: no values for later periods (and only `entities`')."""
    return Dataset(
        dataset.indicators,
        tuple(o for o in dataset.observations if o.period <= year and (entities is None or o.entity in entities)),
        dataset.files,
    )


def _direction(then: str | None, now: str | None) -> str:
    if then not in RANK or now not in RANK:
        return ""
    return "better" if RANK[now] < RANK[then] else "worse" if RANK[now] > RANK[then] else "same"


def compare_editions(previous: EditionSnapshot, current: EditionSnapshot) -> EditionChanges:
    goals = tuple(
        GoalChange(
            n,
            previous.goals.get(n),
            current.goals.get(n),
            _direction(
                previous.goals[n].status if n in previous.goals else None,
                current.goals[n].status if n in current.goals else None,
            ),
        )
        for n in sorted(set(previous.goals) | set(current.goals))
        if any(g.get(n) and g[n].status != "grey" for g in (previous.goals, current.goals))
    )
    order = lambda s: (s.goal, s.id)  # noqa: E731
    both = sorted((current.indicators[k] for k in current.indicators if k in previous.indicators), key=order)
    return EditionChanges(
        previous,
        current,
        goals,
        tuple(
            IndicatorChange(previous.indicators[s.id], s, _direction(previous.indicators[s.id].status, s.status))
            if previous.indicators[s.id].judged and s.judged
            else IndicatorChange(previous.indicators[s.id], s, "")
            for s in both
        ),
        tuple(sorted((s for k, s in current.indicators.items() if k not in previous.indicators), key=order)),
        tuple(sorted((s for k, s in previous.indicators.items() if k not in current.indicators), key=order)),
    )


@dataclass(frozen=True)
class ReviewGoalChange:
    """One goal of a review: its members per status then and now, and how many members' colours moved."""

    goal: int
    then: dict[str, int]  # members per status (all of STATUSES, zeros included)
    now: dict[str, int]
    better: int  # members in both editions, judged in both, whose colour for the goal improved
    worse: int
    same: int

    def moved(self, status: str) -> int:
        """How many more (or, negative, fewer) members have this status than in the previous edition."""
        return self.now[status] - self.then[status]


@dataclass(frozen=True)
class MemberChange:
    """A member in both editions whose colour changed on some goal: (goal, then, now) each."""

    code: str
    name: str
    better: tuple[tuple[int, str, str], ...]
    worse: tuple[tuple[int, str, str], ...]


@dataclass(frozen=True)
class ReviewIndicatorChange:
    """An indicator both editions of a review cover: the scope's value then and now, and how much it moved.

    A review gives no status or trend for its scope (only for each member), so there is none to compare.
    """

    then: ReviewIndicator
    now: ReviewIndicator
    change: float | None  # now − then in the indicator's unit (percentage points for a percentage), or None
    unchanged_because: str  # why `change` is None: "no_value", "same_period", "unit" or "method"; "" when set


def _indicator_change(then: ReviewIndicator, now: ReviewIndicator) -> ReviewIndicatorChange:
    """The scope's value now against then. Not compared: when either edition has no value, when no later
    figure has come (the same period: a difference would be a revision, not a change), when the unit
    changed, or when one value is the median of the members and the other a value for the whole scope."""
    if then.value is None or now.value is None:
        why = "no_value"
    elif then.period == now.period:
        why = "same_period"
    elif any(then.unit[lang] != now.unit[lang] for lang in then.unit.keys() & now.unit.keys()):
        why = "unit"
    elif then.how and now.how and (then.how == "median") != (now.how == "median"):
        why = "method"
    else:
        return ReviewIndicatorChange(then, now, now.value - then.value, "")
    return ReviewIndicatorChange(then, now, None, why)


@dataclass(frozen=True)
class ReviewChanges:
    previous: ReviewSnapshot
    current: ReviewSnapshot
    goals: tuple[ReviewGoalChange, ...]  # goals with a judged member in either edition, by number
    members: tuple[MemberChange, ...]  # members in both editions with a changed goal colour, by name
    joined: tuple[tuple[str, str], ...]  # (code, name) members now that were not in the previous edition
    left: tuple[tuple[str, str], ...]  # members then that are not now
    kept: int  # members in both editions
    new: tuple[ReviewIndicator, ...]  # covered now (some member has a value), not then
    dropped: tuple[ReviewIndicator, ...]
    indicators: tuple[ReviewIndicatorChange, ...]  # covered in both editions, by goal and id

    @property
    def both(self) -> int:
        """Indicators covered in both editions."""
        return len(self.indicators)

    def count(self, direction: str) -> int:
        """Goal colours of members in both editions that improved ("better"), worsened or stayed the same."""
        return sum(getattr(g, direction) for g in self.goals)


def review_snapshot_of(
    config: Config,
    members: tuple[Member, ...],
    goal_rows: tuple[GoalRow, ...],
    shares: dict[int, dict[str, int]],
    distributions: dict[str, Distribution],
    route: str = "",
) -> ReviewSnapshot:
    """A review's judgement across its members: what a later review compares with."""
    codes = {m.code for m in members}
    member_goals: dict[str, dict[int, str]] = {}
    for row in goal_rows:
        if row.entity in codes and row.result.status != "grey":
            member_goals.setdefault(row.entity, {})[row.goal] = row.result.status
    indicators = {}
    for key, dist in distributions.items():
        if not dist.values:
            continue  # no member has a value: not covered
        i = dist.indicator
        indicators[key] = ReviewIndicator(
            key,
            i.goal,
            dict(i.name),
            dict(i.unit),
            i.decimals,
            thresholds_of(i) is not None,
            len(dist.values),
            dist.aggregate.value,
            dist.period,
            dist.label if dist.label != str(dist.period) else "",
            dist.aggregate.how,
        )
    return ReviewSnapshot(
        config.slug,
        config.entity.name,
        config.entity.code,
        config.year,
        config.base_year,
        {m.code: m.name for m in members},
        {n: {s: counts.get(s, 0) for s in STATUSES} for n, counts in shares.items()},
        member_goals,
        indicators,
        config.languages,
        config.example,
        route,
    )


def compare_reviews(previous: ReviewSnapshot, current: ReviewSnapshot) -> ReviewChanges:
    kept = [code for code in current.members if code in previous.members]
    goals = []
    for n in sorted(set(previous.shares) | set(current.shares)):
        then = previous.shares.get(n) or dict.fromkeys(STATUSES, 0)
        now = current.shares.get(n) or dict.fromkeys(STATUSES, 0)
        if then["grey"] == sum(then.values()) and now["grey"] == sum(now.values()):
            continue  # no member judged on the goal in either edition
        moves = [
            _direction(previous.member_goals.get(c, {}).get(n), current.member_goals.get(c, {}).get(n)) for c in kept
        ]
        goals.append(ReviewGoalChange(n, then, now, moves.count("better"), moves.count("worse"), moves.count("same")))
    changed = []
    for code in kept:
        before, after = previous.member_goals.get(code, {}), current.member_goals.get(code, {})
        pairs = [(n, before[n], after[n]) for n in sorted(set(before) & set(after))]
        better = tuple(m for m in pairs if _direction(m[1], m[2]) == "better")
        worse = tuple(m for m in pairs if _direction(m[1], m[2]) == "worse")
        if better or worse:
            changed.append(MemberChange(code, current.members[code], better, worse))
    order = lambda s: (s.goal, s.id)  # noqa: E731
    by_name = lambda item: (item[1], item[0])  # noqa: E731
    return ReviewChanges(
        previous,
        current,
        tuple(goals),
        tuple(sorted(changed, key=lambda c: (c.name, c.code))),
        tuple(sorted(((c, n) for c, n in current.members.items() if c not in previous.members), key=by_name)),
        tuple(sorted(((c, n) for c, n in previous.members.items() if c not in current.members), key=by_name)),
        len(kept),
        tuple(sorted((s for k, s in current.indicators.items() if k not in previous.indicators), key=order)),
        tuple(sorted((s for k, s in previous.indicators.items() if k not in current.indicators), key=order)),
        tuple(
            _indicator_change(previous.indicators[s.id], s)
            for s in sorted((s for k, s in current.indicators.items() if k in previous.indicators), key=order)
        ),
    )
