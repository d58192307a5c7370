"""XLSX as saved by Excel or LibreOffice: one sheet (default the first) and an optional cell range.

Cells are read with their stored values; a number keeps its value (a percentage-formatted cell
reads as shown, 0.942 → 94.2), and a formula without a stored result is a problem. A cell's
location is `file:Sheet!C14`.
"""

from __future__ import annotations

import itertools
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from vlrgen.inputs.tables.model import Cell, ReadOptions, Row, Table, TableReader, find_header, header_names
from vlrgen.inputs.tables.numbers import plain_number
from vlrgen.problems import Location, Problems

__all__ = ["XlsxReader"]


class XlsxReader(TableReader):
    format = "xlsx"
    extensions: ClassVar[tuple[str, ...]] = (".xlsx", ".xlsm")

    def read(self, path: Path, options: ReadOptions, problems: Problems) -> Table | None:
        read = _records(path, options, problems)
        if read is None:
            return None
        records, first_row = read
        texts = [[c.text for c in r] for r in records]
        if options.header_row is not None:  # counted on the sheet, like Excel's row numbers
            options = replace(options, header_row=options.header_row - first_row + 1)
        header_index = find_header(path, texts, options, problems)
        if header_index is None:
            return None
        header = records[header_index]
        columns = tuple(header_names(texts, header_index, options.header_rows))
        index = {name: i for i, name in reversed(list(enumerate(columns)))}
        rows = tuple(
            Row(path, r[0].location.line, [c.text for c in r], index, cells=list(r))
            for r in records[header_index + 1 :]
            if any(c.text for c in r)
        )
        return Table(path, columns, rows, header[0].location if header else Location(path), header_cells=tuple(header))


def _records(path: Path, options: ReadOptions, problems: Problems) -> tuple[list[list[Cell]], int] | None:
    """The cells of the sheet's window, and the sheet row the window starts on."""
    import openpyxl
    from openpyxl.utils import range_boundaries

    code = options.code
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False) if _has_formulas(path) else None
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        hint = "vlrgen reads .xlsx; save an old .xls file as .xlsx first"
        problems.add(Location(path), f"{code}.xlsx", f"the spreadsheet cannot be read: {exc}", hint=hint)
        return None
    name = options.sheet or book.sheetnames[0]
    if not isinstance(name, str) or name not in book.sheetnames:
        hint = "sheets: " + ", ".join(book.sheetnames)
        problems.add(Location(path), f"{code}.sheet", f'no sheet named "{name}"', hint=hint)
        return None
    try:
        bounds = range_boundaries(options.cell_range) if options.cell_range else (1, 1, None, None)
    except (ValueError, TypeError):
        message = f'range must look like "A3:F200", got {options.cell_range!r}'
        problems.add(Location(path), f"{code}.range", message)
        return None
    min_col, min_row, max_col, max_row = bounds
    window = dict(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col)
    raw_rows = formulas[name].iter_rows(**window) if formulas else itertools.repeat(itertools.repeat(None))
    records = [
        [_cell(path, name, cell, raw, problems, code) for cell, raw in zip(row, raw_row)]
        for row, raw_row in zip(book[name].iter_rows(**window), raw_rows)
    ]
    book.close()
    if formulas:
        formulas.close()
    return records, min_row


def _has_formulas(path: Path) -> bool:
    """Does any sheet hold a formula? Only then is the workbook read a second time for them (large
    exports hold none, and reading one twice doubles the time)."""
    try:
        with zipfile.ZipFile(path) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
            return any(_holds_formula(archive, n) for n in sheets)
    except (OSError, zipfile.BadZipFile):
        return True  # let openpyxl say what is wrong


def _holds_formula(archive: zipfile.ZipFile, name: str, chunk: int = 1 << 20) -> bool:
    """Search a sheet's XML for a formula element in chunks (never the whole sheet in memory at once)."""
    tail = b""
    with archive.open(name) as stream:
        while data := stream.read(chunk):
            window = tail + data
            if b"<f>" in window or b"<f " in window:
                return True
            tail = window[-3:]
    return False


def _cell(path: Path, sheet: str, cell: Any, raw: Any, problems: Problems, code: str) -> Cell:
    from openpyxl.utils import get_column_letter

    column, row = getattr(cell, "column", None), getattr(cell, "row", None)
    reference = f"{sheet}!{get_column_letter(column)}{row}" if column and row else sheet
    at = Location(path, row or 0, column or 0, cell=reference)
    value = getattr(cell, "value", None)
    if value is None and isinstance(getattr(raw, "value", None), str) and raw.value.startswith("="):
        problems.add(
            at,
            f"{code}.formula_without_result",
            f"the formula {raw.value} has no stored result",
            hint="open the file in Excel or LibreOffice and save it, so the results are stored",
        )
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        percent = "%" in (getattr(cell, "number_format", "") or "")
        if percent:
            number = round(number * 100, 10)  # shown as "94,2 %" in Excel; read it as 94.2 like a CSV export would
        return Cell(plain_number(number) + ("%" if percent else ""), at, number)
    return Cell("" if value is None else str(value).strip(), at)
