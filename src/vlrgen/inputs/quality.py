"""Data-quality signals at `check`: located warnings about values a report would show without question.

For the places a report is about (a municipality with its county and the nation; a review's own
scope, the nation and its member projects) three things are reported, each at the cell it comes from:

* an implausible jump: a share (unit %, values from 0 to 100) of a judged indicator that moves by 50
  percentage points or more between two periods for one place (a water supply from 100 % to 0 %);
* a series with fewer than three values for a place while the data hold three or more periods for
  others: too few points to judge a trend, and a sign of a gap in the source;
* a period after the report year: shown, and marked in the report, but worth knowing before publishing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from vlrgen.inputs.config import Config
from vlrgen.inputs.dataset import Dataset, Indicator, Observation
from vlrgen.inputs.recent import per_data_set
from vlrgen.problems import Problem, Problems

__all__ = ["JUMP_POINTS", "QualitySignal", "check_data_quality"]

JUMP_POINTS = 50.0  # a change of at least this many percentage points between two periods is implausible
MIN_POINTS = 3


@dataclass(frozen=True)
class QualitySignal:
    """What a report says beside the indicator, as check warned about it (language-free).

    kind "jump": `points` is ((period label, value) before, (label, value) at the odd value[, (label, value)
    back]); kind "short": `points` holds every value the place has, and `available` how many periods places
    of its kind have."""

    kind: str
    indicator: str
    entity: str
    points: tuple[tuple[str, float], ...]
    available: int = 0

    @property
    def count(self) -> int:
        """How many values the signal quotes."""
        return len(self.points)

    @property
    def periods(self) -> tuple[str, ...]:
        return tuple(label for label, _ in self.points)

    @property
    def jump(self) -> float:
        return abs(self.points[1][1] - self.points[0][1])


def check_data_quality(
    config: Config, dataset: Dataset, entities: set[str], problems: Problems
) -> tuple[QualitySignal, ...]:
    """Warn about jumps, short series and periods after the report year for `entities`; return the jumps
    and short series, for the report's notes (periods after the report year are marked where shown)."""
    signals, found = _quality(dataset, config.year, frozenset(entities))
    problems.extend(list(found))
    return signals


@per_data_set
def _quality(
    dataset: Dataset, year: int, entities: frozenset[str]
) -> tuple[tuple[QualitySignal, ...], tuple[Problem, ...]]:
    problems = Problems()
    signals: list[QualitySignal] = []
    periods: dict[tuple[str, int], set[int]] = defaultdict(set)  # (indicator, level) → periods with a value
    later_anywhere: dict[str, list[Observation]] = defaultdict(list)
    for o in dataset.observations:
        if o.value is not None:
            periods[(o.indicator, len(o.entity))].add(o.period)
            if o.period > year:
                later_anywhere[o.indicator].append(o)
    for indicator in sorted(dataset.indicators.values(), key=lambda i: (i.goal, i.id)):
        later: set[int] = set()
        for entity in sorted(entities):
            series = [o for o in dataset.series(indicator.id, entity) if o.value is not None]
            later |= {o.period for o in series if o.period > year}
            if indicator.direction == "none" or not series:
                continue
            signals += _check_jumps(indicator, series, problems)
            available = len(periods[(indicator.id, len(entity))])  # as many periods as places of its kind have
            if len(series) < MIN_POINTS <= available:
                signals.append(_short_series(indicator, series, available, problems))
        if later:  # located at the first such value in the data, so every report of the same data says it once
            first = min(later_anywhere[indicator.id], key=lambda o: (str(o.location.path), o.location.line))
            years = ", ".join(str(p) for p in sorted(later))
            problems.warn(
                first.location,
                "data.after_report_year",
                f"{indicator.id} has values for {years}, after the report year {year}; the report shows "
                "them and marks them",
                hint="check report.year, or leave those periods out of the source if they should not be shown",
            )
    return tuple(signals), tuple(problems.items)


def _label(o: Observation) -> str:
    return o.period_label or str(o.period)


def _check_jumps(indicator: Indicator, series: list[Observation], problems: Problems) -> list[QualitySignal]:
    """A share that moves by JUMP_POINTS or more; a spike there and back is one warning, at the odd value."""
    if "%" not in indicator.unit.get("en", next(iter(indicator.unit.values()), "")):
        return []
    values = [(o, o.value or 0.0) for o in series]
    skip = set()
    signals = []
    for i in range(1, len(values)):
        (before, a), (after, b) = values[i - 1], values[i]
        if i in skip or abs(b - a) < JUMP_POINTS or not (0 <= a <= 100 and 0 <= b <= 100):
            continue  # only between values that can be shares of a whole
        back = i + 1 < len(values) and abs(values[i + 1][1] - b) >= JUMP_POINTS
        then = f" and back to {values[i + 1][1]:g} % in {values[i + 1][0].period}" if back else ""
        if back:
            skip.add(i + 1)
        problems.warn(
            after.location,
            "data.implausible_jump",
            f"{indicator.id} for {after.entity} goes from {a:g} % in {before.period} to {b:g} % in "
            f"{after.period}{then}: a jump of {abs(b - a):.0f} percentage points for one place is implausible",
            hint="check the value in the source; a missing value may have been written as 0",
        )
        points = [(_label(before), a), (_label(after), b)]
        if back:
            points.append((_label(values[i + 1][0]), values[i + 1][1]))
        signals.append(QualitySignal("jump", indicator.id, after.entity, tuple(points)))
    return signals


def _short_series(indicator: Indicator, series: list[Observation], available: int, problems: Problems) -> QualitySignal:
    years = ", ".join(_label(o) for o in series)
    problems.warn(
        series[-1].location,
        "data.short_series",
        f"{indicator.id} for {series[-1].entity} has {len(series)} value(s) ({years}) where the data hold "
        f"{available} periods for places of its kind: too few to judge a trend",
        hint="missing or suppressed values in the source leave gaps; the report shows the trend as unavailable",
    )
    points = tuple((_label(o), o.value or 0.0) for o in series)
    return QualitySignal("short", indicator.id, series[-1].entity, points, available)
