"""The previous edition of a report (`report.previous`): what a later edition compares itself with.

An edition is summed up in an `EditionSnapshot`, without words: per indicator with a value its latest
value and period, status and trend, and per goal its status and trend. A review of many members (a
county review or the national VSR) is summed up in a `ReviewSnapshot` instead: its members, per goal
how many members had each status, each member's goal colours, and the indicators it covers with the
scope's value and how it came about (published, or computed from the members). The snapshot of every report is written into its built `manifest.json` (key
`assessment`), so a later edition can point at that manifest; or it points at the previous edition's
project folder, which is then judged again with today's rules from its own data (judge/editions.py).

Reading a manifest here checks it fully: a missing, unreadable or damaged file is one problem at the
`report.previous` setting, naming the file and what is wrong with it in a planner's words.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vlrgen.inputs.config import Config
from vlrgen.inputs.dataset import Dataset
from vlrgen.inputs.members import Member
from vlrgen.problems import Location, Problems

__all__ = [
    "MANIFEST_LIMIT",
    "EditionSnapshot",
    "GoalState",
    "IndicatorState",
    "PreviousEdition",
    "ReviewIndicator",
    "ReviewSnapshot",
    "read_manifest",
    "snapshot_json",
]

MANIFEST_LIMIT = 20_000_000  # bytes: a manifest of a municipal report is a few kB
STATUSES = ("green", "yellow", "orange", "red", "grey")
TRENDS = ("maintaining", "on_track", "moderately_improving", "stagnating", "decreasing", "unavailable")
# How a review's value for its scope came about (judge/aggregate.py `Aggregate.how`)
HOWS = ("published", "sum", "weighted", "median", "too_few", "none")
FORMAT = 1  # the layout of `assessment` in manifest.json


@dataclass(frozen=True)
class IndicatorState:
    """One indicator in one edition: its latest value and how it was judged (`judged`: it has thresholds)."""

    id: str
    goal: int
    name: dict[str, str]  # by language, as the edition's catalogue named it
    unit: dict[str, str]
    decimals: int
    judged: bool
    status: str
    trend: str
    value: float | None
    period: int | None
    period_label: str = ""


@dataclass(frozen=True)
class GoalState:
    goal: int
    status: str
    trend: str


@dataclass(frozen=True)
class EditionSnapshot:
    """An edition's judgement of its own entity, language-free."""

    slug: str
    entity: str
    code: str
    year: int
    base_year: int
    indicators: dict[str, IndicatorState]
    goals: dict[int, GoalState]
    languages: tuple[str, ...] = ()
    example: bool = False
    route: str = ""  # "folder" (judged again now) or "manifest" (as built); "" for the current edition


@dataclass(frozen=True)
class ReviewIndicator:
    """One indicator a review covers (some member has a value): the scope's value and how many members have one."""

    id: str
    goal: int
    name: dict[str, str]
    unit: dict[str, str]
    decimals: int
    judged: bool
    with_data: int  # members with a value for `period`
    value: float | None  # the scope's value (published, or computed from the members)
    period: int | None
    period_label: str = ""
    how: str = ""  # how `value` came about (one of HOWS); "" in a manifest built before it was recorded


@dataclass(frozen=True)
class ReviewSnapshot:
    """A review's judgement across its members, language-free. A review has no goal colour of its own: per
    goal it counts its members per status, and it keeps every member's goal colours (grey ones left out)."""

    slug: str
    entity: str
    code: str
    year: int
    base_year: int
    members: dict[str, str]  # member code → name
    shares: dict[int, dict[str, int]]  # goal → members per status (all of STATUSES)
    member_goals: dict[str, dict[int, str]]  # member code → goal → status, grey left out
    indicators: dict[str, ReviewIndicator]
    languages: tuple[str, ...] = ()
    example: bool = False
    route: str = ""


@dataclass(frozen=True)
class PreviousEdition:
    """What `report.previous` names, as gathered: a built edition's snapshot, or a project folder's config and
    data (judged in phase 2); a review's folder brings its members too."""

    setting: str  # the path as written in vlrgen.toml
    location: Location
    snapshot: EditionSnapshot | ReviewSnapshot | None = None
    config: Config | None = None
    dataset: Dataset | None = field(default=None, repr=False)
    members: tuple[Member, ...] = ()


def snapshot_json(snapshot: EditionSnapshot | ReviewSnapshot) -> dict[str, Any]:
    """The snapshot as the `assessment` of a manifest.json."""
    if isinstance(snapshot, ReviewSnapshot):
        return _review_json(snapshot)
    return {
        "format": FORMAT,
        "base_year": snapshot.base_year,
        "indicators": {
            s.id: _indicator_json(s, {"status": s.status, "trend": s.trend, "value": s.value})
            for s in snapshot.indicators.values()
        },
        "goals": {str(g.goal): {"status": g.status, "trend": g.trend} for g in snapshot.goals.values()},
    }


def _review_json(snapshot: ReviewSnapshot) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "of": "members",
        "base_year": snapshot.base_year,
        "members": dict(snapshot.members),
        "goals": {str(n): {"members": dict(counts)} for n, counts in sorted(snapshot.shares.items())},
        "member_goals": {
            code: {str(n): status for n, status in sorted(goals.items())}
            for code, goals in sorted(snapshot.member_goals.items())
        },
        "indicators": {
            s.id: _indicator_json(s, {"with_data": s.with_data, "value": s.value, "how": s.how})
            for s in snapshot.indicators.values()
        },
    }


def _indicator_json(s: Any, own: dict[str, Any]) -> dict[str, Any]:
    """An indicator as a manifest records it: what both kinds of snapshot hold, around `own` (in this order)."""
    shared = {"goal": s.goal, "name": s.name, "unit": s.unit, "decimals": s.decimals, "judged": s.judged}
    return {**shared, **own, "period": s.period, "period_label": s.period_label}


class _Damaged(Exception):
    """What is wrong with a manifest, in words."""


def read_manifest(path: Path, shown: str, at: Location, problems: Problems) -> EditionSnapshot | ReviewSnapshot | None:
    """The snapshot a built edition's manifest.json records; a problem at `at` (the setting) when it cannot."""
    key = "report.previous:"
    hint = "build the previous edition again with this version of vlrgen, or name its project folder instead"
    try:
        if path.stat().st_size > MANIFEST_LIMIT:
            raise _Damaged(f"is larger than {MANIFEST_LIMIT // 1_000_000} MB, far more than a manifest holds")
        text = path.read_text(encoding="utf-8")
    except _Damaged as damaged:
        problems.add(at, "config.previous_damaged", f"{key} {shown} {damaged}", hint=hint)
        return None
    except UnicodeDecodeError:
        problems.add(at, "config.previous_damaged", f"{key} {shown} is not UTF-8 text, so it is no manifest", hint=hint)
        return None
    except OSError as exc:
        problems.add(at, "config.previous_damaged", f"{key} {shown} cannot be read ({exc.strerror})")
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        problems.add(at, "config.previous_damaged", f"{key} {shown} is damaged: it is not valid JSON{where}", hint=hint)
        return None
    try:
        return _snapshot(data)
    except _Damaged as damaged:
        problems.add(at, "config.previous_damaged", f"{key} {shown} {damaged}", hint=hint)
        return None


def _snapshot(data: Any) -> EditionSnapshot | ReviewSnapshot:
    if not isinstance(data, dict):
        raise _Damaged("is not a vlrgen manifest (it holds no settings of a built report)")
    if "assessment" not in data:
        raise _Damaged("records no judgement of the edition: it was built by an older vlrgen")
    slug, entity, code, year = (data.get(k) for k in ("slug", "entity", "code", "year"))
    if not (isinstance(slug, str) and isinstance(entity, str) and isinstance(code, str)):
        raise _Damaged("lacks the report's name or code (slug, entity, code)")
    if isinstance(year, bool) or not isinstance(year, int):
        raise _Damaged("lacks the report year (year)")
    assessment = data["assessment"]
    if not isinstance(assessment, dict) or assessment.get("format") != FORMAT:
        raise _Damaged("records the judgement in a layout this version of vlrgen does not know")
    languages = data.get("languages", [])
    languages = tuple(c for c in languages if isinstance(c, str)) if isinstance(languages, list) else ()
    if assessment.get("of") == "members":
        return _review_snapshot(slug, entity, code, year, assessment, languages, data.get("example") is True)
    base_year = assessment.get("base_year")
    raw_indicators, raw_goals = assessment.get("indicators"), assessment.get("goals")
    if not isinstance(base_year, int) or not isinstance(raw_indicators, dict) or not isinstance(raw_goals, dict):
        raise _Damaged("has an incomplete judgement (base_year, indicators, goals)")
    indicators = {ident: _indicator(ident, raw) for ident, raw in raw_indicators.items()}
    goals = {}
    for number, raw in raw_goals.items():
        if not (isinstance(number, str) and number.isdigit() and 1 <= int(number) <= 17 and isinstance(raw, dict)):
            raise _Damaged(f'has a goal "{number}" that is not an SDG from 1 to 17')
        goals[int(number)] = GoalState(int(number), _word(raw, "status", STATUSES), _word(raw, "trend", TRENDS))
    return EditionSnapshot(
        slug, entity, code, year, base_year, indicators, goals, languages, data.get("example") is True, "manifest"
    )


def _review_snapshot(
    slug: str, entity: str, code: str, year: int, assessment: dict, languages: tuple[str, ...], example: bool
) -> ReviewSnapshot:
    base_year = assessment.get("base_year")
    raw: dict[str, dict] = {}
    for key in ("members", "goals", "member_goals", "indicators"):
        if isinstance(found := assessment.get(key), dict):
            raw[key] = found
    if not isinstance(base_year, int) or len(raw) < 4:
        raise _Damaged(
            "has an incomplete judgement of the members (base_year, members, goals, member_goals, indicators)"
        )
    members = raw["members"]
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in members.items()):
        raise _Damaged("has a member without its code and name")
    shares = {}
    for number, found in raw["goals"].items():
        counts = found.get("members") if isinstance(found, dict) else None
        if not isinstance(counts, dict) or not all(
            s in STATUSES and isinstance(n, int) and not isinstance(n, bool) and n >= 0 for s, n in counts.items()
        ):
            raise _Damaged(f'has a goal "{number}" without its members per status')
        shares[_goal(number)] = {s: counts.get(s, 0) for s in STATUSES}
    member_goals: dict[str, dict[int, str]] = {}
    for member, goals in raw["member_goals"].items():
        if member not in members or not isinstance(goals, dict):
            raise _Damaged(f"has goal colours for {member}, which is not among its members")
        member_goals[member] = {_goal(n): _word(goals, n, STATUSES) for n in goals}
    indicators = {ident: _covered(ident, found) for ident, found in raw["indicators"].items()}
    return ReviewSnapshot(
        slug,
        entity,
        code,
        year,
        base_year,
        dict(members),
        shares,
        member_goals,
        indicators,
        languages,
        example,
        "manifest",
    )


def _goal(number: Any) -> int:
    if not (isinstance(number, str) and number.isdigit() and 1 <= int(number) <= 17):
        raise _Damaged(f'has a goal "{number}" that is not an SDG from 1 to 17')
    return int(number)


def _covered(ident: str, raw: Any) -> ReviewIndicator:
    """An indicator of a review's manifest: as a municipal one, with the members that have a value and how
    the scope's value came about (left empty when the manifest predates it, as a missing period label is)."""
    with_data = raw.get("with_data") if isinstance(raw, dict) else None
    if isinstance(with_data, bool) or not isinstance(with_data, int) or with_data < 0:
        raise _Damaged(f"has an indicator {ident} without the number of members with a value (with_data)")
    how = _word(raw, "how", HOWS) if "how" in raw else ""
    state = _indicator(ident, {**raw, "status": "grey", "trend": "unavailable"})
    return ReviewIndicator(
        ident,
        state.goal,
        state.name,
        state.unit,
        state.decimals,
        state.judged,
        with_data,
        state.value,
        state.period,
        state.period_label,
        how,
    )


def _indicator(ident: str, raw: Any) -> IndicatorState:
    if not isinstance(raw, dict):
        raise _Damaged(f"has an indicator {ident} without its judgement")
    goal, decimals, value, period = (raw.get(k) for k in ("goal", "decimals", "value", "period"))
    texts = {k: raw.get(k) for k in ("name", "unit")}
    if not all(isinstance(t, dict) and all(isinstance(v, str) for v in t.values()) for t in texts.values()):
        raise _Damaged(f"has an indicator {ident} without its name and unit per language")
    numbers_ok = (
        isinstance(goal, int)
        and 1 <= goal <= 17
        and isinstance(decimals, int)
        and 0 <= decimals <= 6
        and (value is None or (isinstance(value, int | float) and not isinstance(value, bool) and abs(value) < 1e15))
        and (period is None or (isinstance(period, int) and not isinstance(period, bool)))
    )
    if not numbers_ok or not isinstance(goal, int) or not isinstance(decimals, int):
        raise _Damaged(f"has an indicator {ident} with a goal, decimals, value or period that is not a number")
    label = raw.get("period_label", "")
    return IndicatorState(
        ident,
        goal,
        dict(texts["name"] or {}),
        dict(texts["unit"] or {}),
        decimals,
        raw.get("judged") is True,
        _word(raw, "status", STATUSES),
        _word(raw, "trend", TRENDS),
        float(value) if value is not None else None,
        period,
        label if isinstance(label, str) else "",
    )


def _word(raw: dict, key: str, allowed: tuple[str, ...]) -> str:
    value = raw.get(key)
    if value not in allowed:
        raise _Damaged(f'has a {key} "{value}" that is not one of {", ".join(allowed)}')
    return value
