"""Which column of a read table each declared series reads: one place per column, never a guess.

A series names its columns (`value = "Andel"`) or picks them by place (`value_column = "D"`, or 4),
or both (then the header at that place must read the name). A name the series reads that is
written more than once in the header is an error listing every place, with the hint to pick by
place; every other setting that names columns (filters, exclusions, counts, denominators, dimensions,
period and code columns, fill_down) names them only, so those must be written once.
"""

from __future__ import annotations

from dataclasses import replace

from vlrgen.inputs.sources import PICKED_BY_PLACE, SeriesSpec, SourceSpec
from vlrgen.inputs.tables import Table
from vlrgen.inputs.tables.columns import describe_position, positions_of, report_duplicates
from vlrgen.inputs.tables.model import column_letter
from vlrgen.problems import Problems

__all__ = ["pick_columns"]


def pick_columns(
    spec: SourceSpec, table: Table, series: SeriesSpec, problems: Problems
) -> tuple[Table, SeriesSpec] | None:
    """The table and series as the series reads them, every column found at one place; None after problems."""
    placed = dict(series.positions)
    names = {key: getattr(series, key) or "" for key in PICKED_BY_PLACE}
    ok = True
    extra: dict[str, int] = {}
    renamed: dict[str, str] = {}
    for key, position in placed.items():
        setting = f"{key}_column"
        at = series.locations.get(setting, spec.location)
        if position >= len(table.columns):
            last = column_letter(len(table.columns)) if table.columns else "none"
            message = f"{setting} picks column {describe_position(position)}, but the header ends at column {last}"
            problems.add(at, "source.missing_column", message)
            ok = False
            continue
        written = table.columns[position]
        if names[key] and written != names[key]:
            message = (
                f'{setting} picks column {describe_position(position)}, whose header is "{written}", not "{names[key]}"'
            )
            problems.add(at, "source.column_mismatch", message, hint=f"correct {key} or {setting}")
            ok = False
            continue
        if written and positions_of(table, written) == [position]:
            renamed[key] = written  # written once: its own name finds it
        else:
            renamed[key] = f"{written or '(no name)'} [{column_letter(position + 1)}]"
            extra[renamed[key]] = position
    for key in PICKED_BY_PLACE:
        if key not in placed and names[key]:
            hint = "pick one by its place: " + f"{key}_column = {{choices}}"
            ok &= report_duplicates(
                table, [names[key]], problems, "source.duplicate_column", f'{key} = "{{name}}"', hint
            )
    for kind, columns in _named_columns(spec, series):
        hint = f"{kind} names its columns, so a column it reads must be written once in the header"
        why = f'{kind} on "{{name}}"'
        ok &= report_duplicates(table, columns, problems, "source.duplicate_column", why, hint)
    if not ok:
        return None
    if not renamed:
        return table, series
    picked = replace(
        series,
        entity=renamed.get("entity", series.entity),
        period=renamed.get("period", series.period),
        period_label=renamed.get("period_label", series.period_label),
        value=renamed.get("value", series.value),
    )
    return (table.with_names(extra) if extra else table), picked


def _named_columns(spec: SourceSpec, series: SeriesSpec) -> list[tuple[str, list[str]]]:
    """Every other setting that names columns (these cannot be picked by place)."""
    named = [
        ("filter", [c for c, _ in series.filters]),
        ("exclude", [c for c, _ in series.excludes]),
        ("count_filter", [c for c, _ in series.count_filter]),
        ("denominator", [c for c, _ in series.denominator_filter] + [c for c in (series.denominator,) if c]),
        ("dimensions", [d.column for d in series.dimensions]),
        ("period_columns", list(series.period_columns)),
        ("entity_columns", list(series.entity_columns)),
        ("fill_down", list(spec.fill_down)),
    ]
    return [(kind, columns) for kind, columns in named if columns]
