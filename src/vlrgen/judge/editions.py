"""Editions: an edition's judgement as a snapshot, and what changed since the previous edition.

A previous edition named by its project folder is judged again here with today's rules from its own
data, cut at its report year: values for later periods are left out, so it says what that review
could know. One named by a built manifest brings its snapshot along (inputs/editions.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from vlrgen.inputs.config import Config
from vlrgen.inputs.dataset import Dataset
from vlrgen.inputs.editions import EditionSnapshot, GoalState, IndicatorState, PreviousEdition
from vlrgen.judge.rules import GoalRow, IndicatorResult, Timeliness, assess_dataset

__all__ = [
    "EditionChanges",
    "GoalChange",
    "IndicatorChange",
    "compare_editions",
    "previous_snapshot",
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
        return previous.snapshot
    config, dataset = previous.config, previous.dataset
    if config is None or dataset is None:
        return None
    code = config.entity.code
    then = Dataset(
        dataset.indicators,
        tuple(o for o in dataset.observations if o.entity == code and o.period <= config.year),
        dataset.files,
    )
    counties = {code: config.entity.county_code or code}
    results, rows = assess_dataset(
        then, config.base_year, [code], counties, Timeliness(config.year, config.outdated_after)
    )
    return with_labels(snapshot_of(config, tuple(results), tuple(rows), "folder"), then)


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
