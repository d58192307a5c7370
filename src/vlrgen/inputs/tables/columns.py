"""Columns by name or by place: a name written twice in a header is never read silently.

A header may name two columns alike (`Andel` for a share and again for its confidence limit). A
reader that picks the first would give one of them without a word; here a name that is used and
written more than once is an error that lists every place it is written, and a column may instead
be picked by its place: a letter as a spreadsheet names it (`"D"`) or a number from 1 (`4`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from vlrgen.inputs.tables.model import Table, column_letter
from vlrgen.problems import Problems

__all__ = ["column_position", "describe_position", "positions_of", "report_duplicates", "where_written"]

MAX_COLUMN = 16_384  # a spreadsheet's last column, XFD
_LETTERS = re.compile(r"[A-Za-z]{1,3}")


def column_position(raw: object) -> int | None:
    """The 0-based position a setting picks: "D" or "d" or 4 → 3; None when it is neither."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw - 1 if 1 <= raw <= MAX_COLUMN else None
    if isinstance(raw, str) and _LETTERS.fullmatch(raw.strip()):
        number = 0
        for char in raw.strip().upper():
            number = number * 26 + ord(char) - 64
        return number - 1 if number <= MAX_COLUMN else None
    return None


def describe_position(position: int) -> str:
    """3 → `"D" (4)`: how a setting may pick the column at a 0-based position."""
    return f'"{column_letter(position + 1)}" ({position + 1})'


def positions_of(table: Table, name: str) -> list[int]:
    return [i for i, column in enumerate(table.columns) if column == name]


def where_written(table: Table, positions: Iterable[int]) -> str:
    """`raw.csv:1:7 and raw.csv:1:20`, `raw.xlsx:Data!C3 and raw.xlsx:Data!F3`: the places of header cells."""
    places = []
    for position in positions:
        cell = table.header_cells[position] if position < len(table.header_cells) else None
        location = cell.location if cell else table.header
        places.append(location.render(location.path.parent))
    return ", ".join(places[:-1]) + f" and {places[-1]}" if len(places) > 1 else "".join(places)


def report_duplicates(table: Table, names: Iterable[str], problems: Problems, code: str, why: str, hint: str) -> bool:
    """True when each of `names` is written at most once in the header; else one problem per name,
    at its first place, listing every place. `why` says what needs the column (`value = "Andel"`)."""
    ok = True
    for name in dict.fromkeys(n for n in names if n):
        found = positions_of(table, name)
        if len(found) > 1:
            ok = False
            at = table.header_cells[found[0]].location if found[0] < len(table.header_cells) else table.header
            message = (
                f'column "{name}" is written {len(found)} times in the header ({where_written(table, found)}), '
                f"so {why.format(name=name)} cannot tell which one to read"
            )
            choices = " or ".join(describe_position(p) for p in found)
            problems.add(at, code, message, hint=hint.format(name=name, choices=choices))
    return ok
