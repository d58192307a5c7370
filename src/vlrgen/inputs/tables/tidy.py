"""vlrgen's own tidy CSV files (indicator catalogue, observations): one layout, checked strictly.

UTF-8, comma-separated, the header on line 1 with each column written once, every row as wide as
the header, numbers with a decimal point. Their problems are `data.*` problems; a column the file should not have is a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from vlrgen.inputs.tables.columns import report_duplicates
from vlrgen.inputs.tables.model import Cell, ReadOptions, Table, TableLimits
from vlrgen.inputs.tables.registry import read_table
from vlrgen.problems import Location, Problems

__all__ = ["TIDY", "read_tidy"]

TIDY = ReadOptions(
    encoding="utf-8-sig",
    delimiter=",",
    header_row=1,
    code="data",
    exact_width=True,
    encoding_hint="save it as UTF-8 (CSV UTF-8 in Excel)",
)


def read_tidy(
    path: Path,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    problems: Problems,
    accept: re.Pattern | None = None,
    check_header: Callable[[tuple[Cell, ...]], bool] | None = None,
    limits: TableLimits | None = None,
) -> Table | None:
    """The table, or None when it cannot be read or lacks a required column (every problem reported).

    Columns matching `accept` are used besides `required` and `optional` (a catalogue's `name_<lang>`).
    `check_header(header_cells)` may refuse the header after reporting why: then None too.
    """
    table = read_table(path, replace(TIDY, limits=limits) if limits else TIDY, problems, format="csv")
    if table is None:
        return None
    hint = "each column of this file is written once; remove or rename the other"
    if not report_duplicates(table, table.columns, problems, "data.duplicate_column", 'the column "{name}"', hint):
        return None
    missing = [c for c in required if c not in table.columns]
    for column in missing:
        problems.add(
            Location(path, 1, 1),
            "data.missing_column",
            f'column "{column}" is missing from the header',
            hint=f"the header must contain {', '.join(required)}",
        )
    usable = check_header(table.header_cells) if check_header else True
    for cell in table.header_cells:
        if cell.text not in required and cell.text not in optional and not (accept and accept.fullmatch(cell.text)):
            problems.warn(cell.location, "data.unknown_column", f'column "{cell.text}" is not used')
    return None if missing or not usable else table
