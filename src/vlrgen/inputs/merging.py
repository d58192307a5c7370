"""One value per place and period from the rows a declared series read (`series` reads them).

Rows sharing a 2024 code and a period are combined: rows under older codes give way to rows under
newer ones; `aggregate` adds up (or averages, or takes the last of) rows such as sectors; the
parts of a unit later merged are added up, combined through their counts, or left out (`merged`),
and only when every part is there; otherwise two rows for one place and period are an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from vlrgen import reference
from vlrgen.inputs.sources import SeriesSpec
from vlrgen.problems import Location, Problems

__all__ = ["Key", "Value", "combine_values"]

Key = tuple[str, int]  # (2024 entity code, year)


@dataclass(frozen=True)
class Value:
    """A value for one place and period, from one row (or combined from several)."""

    value: float | None  # with a denominator: the numerator
    label: str  # the published period text, or ""
    location: Location
    valid_until: int = 9999  # the last year the row's place code was in use: older codes give way
    derived: str = ""  # "sum": a county total added up from the municipalities; "absent": declared for no row
    denominator: float | None = None
    count: float | None = None  # merged = "counts": the number of persons the share is a share of
    part: str = ""  # the code (or name) of the earlier unit, when the row is one part of a unit later merged
    text: str = ""  # the place as written


def combine_values(grouped: dict[Key, list[Value]], series: SeriesSpec, problems: Problems) -> dict[Key, Value]:
    """One value per entity and period; rows under older codes give way to rows under newer codes."""
    combined: dict[Key, Value] = {}
    replaced = 0
    duplicates: list[tuple[Key, list[Value]]] = []
    incomplete: list[tuple[Key, list[Value]]] = []
    for key, items in grouped.items():
        if series.merged and any(item.part for item in items):
            merged = _merge_parts(key, items, series)
            if merged is not None:
                combined[key] = merged
            continue
        newest = max(item.valid_until for item in items)
        if any(item.valid_until < newest for item in items):  # a file with both old and new codes for one place
            replaced += sum(item.valid_until < newest for item in items)
            items = [item for item in items if item.valid_until == newest]
        if len(items) > 1 and series.aggregate == "none":
            if not _same(items):
                duplicates.append((key, items))
                continue
            items = items[:1]
        present = [item for item in items if item.value is not None]
        if len(items) > 1 and len(present) < len(items) and series.aggregate in ("sum", "mean"):
            incomplete.append((key, items))
            present = []  # a total over incomplete rows would look real but be too small
        combined[key] = _aggregated(present, items, series.aggregate)
    _report_duplicates(duplicates, series, problems)
    _report_incomplete(incomplete, series, problems)
    if replaced:
        first = min((item.location for items in grouped.values() for item in items), key=lambda loc: loc.line)
        problems.warn(
            first,
            "source.older_codes_replaced",
            f"{replaced} rows under older codes were left out because the file also has rows for the same "
            f"places under newer codes ({series.indicator})",
        )
    return combined


def _same(items: list[Value]) -> bool:
    """The same place written the same way with the same value twice (Oslo as county and municipality)."""
    return len({(i.text, i.value, i.denominator) for i in items}) == 1 and bool(items[0].text)


def _aggregated(present: list[Value], items: list[Value], aggregate: str) -> Value:
    first = items[0]
    label = items[-1].label if aggregate == "last" else first.label
    if not present:
        return Value(None, label, first.location, count=first.count, text=first.text)
    if aggregate == "mean":
        value = sum(i.value or 0 for i in present) / len(present)
        return Value(value, label, first.location, text=first.text)
    if aggregate == "last":
        return Value(items[-1].value, label, first.location, denominator=items[-1].denominator, text=first.text)
    denominators = [i.denominator for i in present]
    denominator = sum(d for d in denominators if d is not None) if None not in denominators else None
    counts = [i.count for i in present]
    count = sum(c for c in counts if c is not None) if None not in counts else None
    return Value(
        sum(i.value or 0 for i in present), label, first.location, 9999, "", denominator, count, "", first.text
    )


def _merge_parts(key: Key, items: list[Value], series: SeriesSpec) -> Value | None:
    """A unit later merged, from its parts: added up, or combined through their counts, only when every
    part of that year is there with a value; None (no value) otherwise, and always for "leave_out"."""
    if series.merged == "leave_out":
        return None
    code, year = key
    by_part: dict[str, list[Value]] = {}
    for item in items:
        by_part.setdefault(item.part or code, []).append(item)
    # Complete when as many parts have a value as there were units that year (publishers sometimes keep a
    # unit's earlier code for a year or two, and list placeholder rows under codes not yet in use).
    parts = [
        _aggregated([i for i in group if i.value is not None], group, series.aggregate) for group in by_part.values()
    ]
    parts = [p for p in parts if p.value is not None]
    if len(parts) != len(reference.predecessors(code, year)):
        return None
    first = items[0]
    if series.merged == "counts":  # shares of different bases: sum of counts over the sum of their bases
        if any(p.count is None or not p.value or not p.count for p in parts):
            return None
        bases = sum((p.count or 0) / (p.value or 1) for p in parts)
        counted = sum(p.count or 0 for p in parts)
        return Value(counted / bases, first.label, first.location, text=first.text)
    denominators = [p.denominator for p in parts]
    denominator = sum(d for d in denominators if d is not None) if None not in denominators else None
    if series.has_denominator and denominator is None:
        return None
    return Value(
        sum(p.value or 0 for p in parts), first.label, first.location, denominator=denominator, text=first.text
    )


def _report_incomplete(incomplete: list[tuple[Key, list[Value]]], series: SeriesSpec, problems: Problems) -> None:
    if not incomplete:
        return
    (entity, period), items = min(incomplete, key=lambda d: d[1][0].location.line)
    missing = next(item for item in items if item.value is None)
    more = f" and {len(incomplete) - 1} more" if len(incomplete) > 1 else ""
    problems.warn(
        missing.location,
        "source.incomplete_total",
        f"{series.indicator} for {entity} in {period}{more} is left missing: some of the rows to "
        f"{series.aggregate} have no value",
    )


def _report_duplicates(
    duplicates: list[tuple[Key, list[Value]]], series: SeriesSpec, problems: Problems, shown: int = 10
) -> None:
    """Each duplicated entity-period is an error; past the first few they are summarised in one line."""
    hint = 'add a filter to keep one row, or set aggregate = "sum", "mean" or "last"'
    ordered = sorted(duplicates, key=lambda d: d[1][1].location.line)  # by the line of each second row
    for (entity, period), items in ordered[:shown]:
        first, second = items[0].location, items[1].location
        message = f"{len(items)} rows give {series.indicator} for {entity} in {period} (first on line {first.line})"
        problems.add(second, "source.duplicate", message, hint=hint)
    if len(ordered) > shown:
        rest = ordered[shown:]
        second = rest[0][1][1].location
        message = (
            f"{len(rest)} more entity-periods of {series.indicator} have more than one row (from line {second.line} on)"
        )
        problems.add(second, "source.duplicate", message, hint=hint)
