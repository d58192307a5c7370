"""Plan "Changes since the previous review" of a review of many members, in one language.

The comparison is made in phase 2 (judge/editions.py `compare_reviews`); here it gets sentences, a table
of how the members' statuses moved per goal, the members whose goal colours changed (listed one by one
in a county review, counted per county when there are too many to list), the scope's own value of
each indicator in both editions then and now, and the new and dropped indicators. Statuses are always
written out, never shown by colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from vlrgen import reference
from vlrgen.inputs.editions import STATUSES, ReviewIndicator
from vlrgen.inputs.i18n import PERCENT_UNITS, Language
from vlrgen.judge.editions import ReviewChanges, ReviewGoalChange, ReviewIndicatorChange
from vlrgen.report.alttext import join_words
from vlrgen.report.describe import period_text
from vlrgen.report.editions import ANCHOR
from vlrgen.report.views import Numbering

__all__ = ["LIST_LIMIT", "ReviewEditionsView", "plan_review_editions"]

LIST_LIMIT = 60  # members: up to this many, each changed member is listed; more are counted per county
NAMES_LIMIT = 20  # members that joined or left: named up to this many


@dataclass(frozen=True)
class Count:
    status: str  # a STATUSES key, for the colour dot beside the word
    text: str  # "grønn: 3"


@dataclass(frozen=True)
class GoalShift:
    name: str
    then: tuple[Count, ...]
    now: tuple[Count, ...]
    moved: tuple[str, ...]  # ("grønn: +4", "rød: −2"), or ("ingen endring",)
    better: str
    worse: str


@dataclass(frozen=True)
class MemberRow:
    name: str
    better: tuple[str, ...]  # "Mål 4: fra gul til grønn"
    worse: tuple[str, ...]


@dataclass(frozen=True)
class CountyRow:
    name: str
    kept: str  # members in both editions
    better: str  # of them, with a better status on at least one goal
    worse: str


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator in both editions: the scope's value then and now, and the change."""

    name: str
    unit: str  # shown under the name (a unit other than %)
    then_value: str  # "93,4 %"
    then_note: str  # "2021, publisert": the period and how the value came about
    now_value: str
    now_note: str
    change: str  # "+1,9", or "–" when not compared
    change_note: str  # "prosentpoeng" for a percentage, or why there is no change ("ingen nyere tall")


@dataclass(frozen=True)
class ReviewEditionsView:
    anchor: str
    title: str
    previous_name: str  # "Telemark 2021"
    previous_href: str | None
    previous_year: int
    year: int
    example: bool
    intro: str
    sentences: tuple[str, ...]
    goal_table: int
    goals: tuple[GoalShift, ...]
    member_sentence: str
    member_table: int  # 0: no table
    members: tuple[MemberRow, ...]  # listed one by one (a review of up to LIST_LIMIT members)
    counties: tuple[CountyRow, ...]  # counted per county instead (more members)
    indicator_title: str
    indicator_intro: str
    indicator_caption: str
    indicator_table: int  # 0: no table
    indicators: tuple[IndicatorRow, ...]  # in both editions, by goal
    new: tuple[str, ...]
    dropped: tuple[str, ...]
    new_sentence: str
    dropped_sentence: str

    # Which tables may break across pages (.table-long in report.css); shorter ones stay whole with their caption.
    @property
    def goals_long(self) -> bool:
        return len(self.goals) > 4

    @property
    def members_long(self) -> bool:
        return len(self.members) > 8

    @property
    def counties_long(self) -> bool:
        return len(self.counties) > 12

    @property
    def indicators_long(self) -> bool:
        return len(self.indicators) > 8


def plan_review_editions(
    changes: ReviewChanges, language: Language, numbering: Numbering, href: str | None
) -> ReviewEditionsView:
    t, n = language.t, lambda value: language.number(value, 0)
    previous, current = changes.previous, changes.current
    then_year = previous.year
    goals = tuple(_goal_shift(g, language) for g in changes.goals)
    goal_table = numbering.table() if goals else 0
    sentences = [t(f"review_changes.provenance_{previous.route or 'manifest'}", year=then_year)]
    sentences += _member_sentences(changes, language)
    sentences += [s for s in (_summary(changes, language), _rise(changes, "green", language)) if s]
    sentences += [s for s in (_rise(changes, "red", language),) if s]
    if changes.both:
        one = "_one" if changes.both == 1 else ""
        sentences.append(t(f"review_changes.indicators_both{one}", n=n(changes.both), year=then_year))
    listed = len(current.members) <= LIST_LIMIT
    members = tuple(
        MemberRow(
            m.name,
            tuple(_move(goal, was, now, language) for goal, was, now in m.better),
            tuple(_move(goal, was, now, language) for goal, was, now in m.worse),
        )
        for m in changes.members
    )
    counties = () if listed else _counties(changes, language)
    member_table = numbering.table() if (members if listed else counties) else 0
    indicators = tuple(_indicator_row(c, language) for c in changes.indicators)
    indicator_table = numbering.table() if indicators else 0
    scope = _name(current.entity, current.code, language)
    changed = len(changes.members)
    if not changes.kept:
        member_sentence = t("review_changes.members_none_kept", year=then_year)
    elif changed:
        key = "members_changed_listed" if listed else "members_changed_counted"
        member_sentence = t(f"review_changes.{key}", n=n(changed), kept=n(changes.kept), year=then_year)
    else:
        member_sentence = t("review_changes.members_unchanged", kept=n(changes.kept), year=then_year)
    new = tuple(_listed(s, len(current.members), language) for s in changes.new)
    dropped = tuple(_listed(s, len(previous.members), language) for s in changes.dropped)
    return ReviewEditionsView(
        anchor=ANCHOR,
        title=t("changes.title"),
        previous_name=f"{_name(previous.entity, previous.code, language)} {then_year}",
        previous_href=href,
        previous_year=then_year,
        year=current.year,
        example=previous.example,
        intro=t("review_changes.intro", scope=scope),
        sentences=tuple(sentences),
        goal_table=goal_table,
        goals=goals,
        member_sentence=member_sentence,
        member_table=member_table,
        members=members if listed else (),
        counties=counties,
        indicator_title=t("review_changes.indicators_title", scope=scope),
        indicator_intro=t("review_changes.indicators_intro", scope=scope, year=then_year),
        indicator_caption=t("review_changes.indicator_caption", scope=scope, then=then_year, now=current.year),
        indicator_table=indicator_table,
        indicators=indicators,
        new=new,
        dropped=dropped,
        new_sentence=_count_sentence("new", len(new), then_year, language),
        dropped_sentence=_count_sentence("dropped", len(dropped), then_year, language),
    )


def _name(entity: str, code: str, language: Language) -> str:
    """The nation in the report's language ("Norway", not "Norge"), a county by its name."""
    return language.t("review.scope_nation") if code == reference.NATION_CODE else entity


def _goal_shift(g: ReviewGoalChange, language: Language) -> GoalShift:
    t = language.t

    def counts(found: dict[str, int]) -> tuple[Count, ...]:
        return tuple(Count(s, f"{t(f'status.{s}')}: {language.number(found[s], 0)}") for s in STATUSES)

    moves = []
    for status in STATUSES:
        if moved := g.moved(status):  # "gul: −7", signed as the language writes it
            moves.append(f"{t(f'status.{status}')}: {language.change(moved, 0)}")
    return GoalShift(
        f"{g.goal}. {t(f'goal.{g.goal}.short')}",
        counts(g.then),
        counts(g.now),
        tuple(moves) or (t("review_changes.no_shift"),),
        language.number(g.better, 0),
        language.number(g.worse, 0),
    )


def _indicator_row(c: ReviewIndicatorChange, language: Language) -> IndicatorRow:
    """The scope's value then and now with its period and how it came about, and the signed change:
    in percentage points for a percentage, else in the unit shown under the indicator's name."""
    t = language.t
    unit = _text(c.now.unit, language)

    def note(state: ReviewIndicator) -> str:
        period = period_text(state.period_label or state.period) if state.period is not None else "–"
        if not state.how:  # a manifest built before vlrgen recorded it
            return period
        return t("review_changes.value_note", period=period, how=t(f"review.method_{state.how}"))

    if c.change is not None:
        change, change_note = (
            language.change(c.change, c.now.decimals),
            t("kpi.points") if unit in PERCENT_UNITS else "",
        )
    else:
        change = "–"
        change_note = t(f"review_changes.unchanged_{c.unchanged_because}") if c.unchanged_because != "no_value" else ""
    return IndicatorRow(
        _text(c.now.name, language) or c.now.id,
        language.row_unit(unit),
        language.cell(c.then.value, c.then.decimals, _text(c.then.unit, language)),
        note(c.then),
        language.cell(c.now.value, c.now.decimals, unit),
        note(c.now),
        change,
        change_note,
    )


def _text(texts: dict[str, str], language: Language) -> str:
    """A text of the edition's catalogue in this language, else in any of its languages."""
    return texts.get(language.code) or next(iter(texts.values()), "")


def _member_sentences(changes: ReviewChanges, language: Language) -> list[str]:
    """Which members the two editions review: the same, or how many now against then, and who joined or left."""
    t, n, year = language.t, lambda value: language.number(value, 0), changes.previous.year
    now, then = len(changes.current.members), len(changes.previous.members)
    if not changes.joined and not changes.left:
        return [t("review_changes.members_same", n=n(now), year=year)]
    found = [t("review_changes.members_other", n=n(now), then=n(then), year=year)]
    for kind, members in (("joined", changes.joined), ("left", changes.left)):
        if not members:
            continue
        one = "_one" if len(members) == 1 else ""
        if len(members) <= NAMES_LIMIT:
            names = join_words([name for _, name in members], language)
            found.append(t(f"review_changes.{kind}_named{one}", names=names, year=year))
        else:
            found.append(t(f"review_changes.{kind}_counted", n=n(len(members)), year=year))
    return found


def _summary(changes: ReviewChanges, language: Language) -> str:
    """How the goal colours of the members in both editions moved, summed over the goals."""
    counts = [(d, changes.count(d)) for d in ("better", "worse", "same")]
    compared = sum(c for _, c in counts)
    if not compared:
        return ""
    parts = [
        language.t(f"review_changes.colours_{d}" + ("_one" if c == 1 else ""), n=language.number(c, 0))
        for d, c in counts
        if c
    ]
    if compared == 1:
        return language.t(f"review_changes.colours_one_{next(d for d, c in counts if c)}", year=changes.previous.year)
    return language.t(
        "review_changes.colours_since",
        compared=language.number(compared, 0),
        year=changes.previous.year,
        parts=join_words(parts, language),
    )


def _rise(changes: ReviewChanges, status: str, language: Language) -> str:
    """The goal where the most members more than before have this status (green or red), when any has more."""
    rising = [g for g in changes.goals if g.moved(status) > 0]
    if not rising:
        return ""
    goal = max(rising, key=lambda g: (g.moved(status), -g.goal))
    return language.t(
        f"review_changes.rise_{status}",
        goal=goal.goal,
        name=language.t(f"goal.{goal.goal}.short"),
        now=language.number(goal.now[status], 0),
        members=language.number(sum(goal.now.values()), 0),
        then=language.number(goal.then[status], 0),
        year=changes.previous.year,
    )


def _move(goal: int, was: str, now: str, language: Language) -> str:
    t = language.t
    return t("review_changes.move", goal=goal, then=t(f"status.{was}"), now=t(f"status.{now}"))


def _counties(changes: ReviewChanges, language: Language) -> tuple[CountyRow, ...]:
    """Members in both editions per county, and how many of them have a better or a worse colour somewhere."""
    kept = [code for code in changes.current.members if code in changes.previous.members]
    county_of = {code: reference.known_place(code).county_code for code in kept}
    better = {m.code for m in changes.members if m.better}
    worse = {m.code for m in changes.members if m.worse}
    rows = []
    for county in sorted(set(county_of.values())):
        own = [code for code in kept if county_of[code] == county]
        rows.append(
            CountyRow(
                reference.display_name(county) if county else "–",
                language.number(len(own), 0),
                language.number(sum(1 for c in own if c in better), 0),
                language.number(sum(1 for c in own if c in worse), 0),
            )
        )
    return tuple(rows)


def _count_sentence(kind: str, n: int, year: int, language: Language) -> str:
    if n == 0:
        return language.t(f"review_changes.{kind}_none", year=year)
    return language.t(f"review_changes.{kind}" + ("_one" if n == 1 else ""), n=language.number(n, 0), year=year)


def _listed(state: ReviewIndicator, members: int, language: Language) -> str:
    name = _text(state.name, language) or state.id
    period = period_text(state.period_label or state.period) if state.period is not None else "–"
    return language.t(
        "review_changes.listed",
        name=name,
        goal=state.goal,
        n=language.number(state.with_data, 0),
        members=language.number(members, 0),
        period=period,
    )
